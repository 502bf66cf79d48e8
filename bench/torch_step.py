"""Reference model-step throughput in PyTorch, matching bench/ContrastiveCrop.Bench exactly:
ResNet (torchvision layout; small-data stem = 3x3 stride-1 conv, no max-pool) + Linear head,
cross-entropy, SGD (momentum 0.9, wd 1e-4), fwd+bwd+step on random data.
Usage: /usr/bin/python3 bench/torch_step.py <resnet18-small|resnet50> <batch> <size> <steps> <threads>"""
import sys, time
import torch, torch.nn as nn
import torchvision

def build(arch):
    if arch == "resnet18-small":
        m = torchvision.models.resnet18(num_classes=10)
        m.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        m.maxpool = nn.Identity()
    else:
        m = torchvision.models.resnet50(num_classes=10)
    return m

arch, batch, size, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = build(arch).train()
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
x = torch.randn(batch, 3, size, size)
y = torch.randint(0, 10, (batch,))
def step():
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
step(); step()  # warm-up
t = time.perf_counter()
for _ in range(steps):
    step()
dt = time.perf_counter() - t
print(f"pytorch {torch.__version__} {arch} batch {batch} size {size} threads {threads}: {steps * batch / dt:.1f} img/s")
