#!/usr/bin/env python3
"""Writes the PyTorch fixtures of the interop tests (tests/ContrastiveCrop.Tests/Interop/Fixtures).

Developer tool, run with Debian's PyTorch (apt-get install python3-torch python3-torchvision):
    /usr/bin/python3 tools/interop/make_fixtures.py tests/ContrastiveCrop.Tests/Interop/Fixtures

Each file is a small (width 1/16) ResNet saved the way a published repository saves its
checkpoints, plus broken files. reference.json records the input and, for every loadable fixture, the
pooled features PyTorch computes for it in eval mode, which the tests compare with the platform's
forward pass. Everything is seeded: re-running gives the same tensors (the zip files' timestamps differ).
"""
import copy
import json
import os
import sys

import torch
import torchvision
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as ref  # noqa: E402


def sgd_state(model):
    """An SGD optimizer state dict with momentum buffers, as the official scripts save beside the model."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.9)
    for p in model.parameters():
        p.grad = torch.ones_like(p) * 1e-3
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return optimizer.state_dict()


def prefixed(prefix, state):
    return {prefix + k: v for k, v in state.items()}


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    images = ref.reference_input()
    reference = {
        "generator": f"tools/interop/make_fixtures.py with torch {torch.__version__}, torchvision {torchvision.__version__}",
        "input_shape": list(images.shape),
        "input": images.flatten().tolist(),
        "fixtures": {},
    }

    def record(name, model, depth, width, small_stem, root, **extra):
        feats = ref.features(model, images)
        reference["fixtures"][name] = dict(depth=depth, width_multiplier=width, small_data_stem=small_stem, root=root,
                                            features_shape=list(feats.shape), features=feats.flatten().tolist(), **extra)

    # 1. A bare torchvision state dict (what torchvision.models.resnet18(weights=...) downloads), fc included.
    tv18 = ref.randomize(ref.build_resnet(18, 0.0625), seed=1)
    torch.save(tv18.state_dict(), os.path.join(out, "torchvision-resnet18.pth"))
    record("torchvision-resnet18.pth", tv18, 18, 0.0625, False, "", dropped_heads=["fc.bias", "fc.weight"])

    # 2. MoCo v2 (facebookresearch/moco main_moco.py): {'epoch', 'arch', 'state_dict', 'optimizer'}, a
    # DataParallel model with query and key encoders whose fc is the 2-layer MLP head, and the queue.
    q = ref.randomize(ref.build_resnet(18, 0.0625, num_classes=128), seed=2)
    dim = q.fc.weight.shape[1]
    q.fc = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 128))
    k = ref.randomize(copy.deepcopy(q), seed=3)
    state = prefixed("module.encoder_q.", q.state_dict())
    state.update(prefixed("module.encoder_k.", k.state_dict()))
    state["module.queue"] = torch.randn(128, 16, generator=torch.Generator().manual_seed(4))
    state["module.queue_ptr"] = torch.zeros(1, dtype=torch.long)
    torch.save({"epoch": 200, "arch": "resnet18", "state_dict": state, "optimizer": sgd_state(q)},
               os.path.join(out, "moco-v2-resnet18.pth.tar"))
    record("moco-v2-resnet18.pth.tar", q, 18, 0.0625, False, "state_dict.module.encoder_q.")

    # 3. SimSiam (facebookresearch/simsiam): 'state_dict' of module.encoder (fc = 3-layer projector with
    # batch norms) and module.predictor; here with the CIFAR stem (3x3 conv1, no max-pool).
    enc = ref.randomize(ref.build_resnet(18, 0.0625, small_data_stem=True), seed=5)
    dim = enc.fc.weight.shape[1]
    enc.fc = nn.Sequential(nn.Linear(dim, dim, bias=False), nn.BatchNorm1d(dim), nn.ReLU(inplace=True),
                           nn.Linear(dim, dim, bias=False), nn.BatchNorm1d(dim), nn.ReLU(inplace=True),
                           nn.Linear(dim, 64), nn.BatchNorm1d(64, affine=False))
    predictor = nn.Sequential(nn.Linear(64, 16, bias=False), nn.BatchNorm1d(16), nn.ReLU(inplace=True), nn.Linear(16, 64))
    state = prefixed("module.encoder.", enc.state_dict())
    state.update(prefixed("module.predictor.", predictor.state_dict()))
    torch.save({"epoch": 800, "arch": "resnet18", "state_dict": state}, os.path.join(out, "simsiam-resnet18-cifar.pth.tar"))
    record("simsiam-resnet18-cifar.pth.tar", enc, 18, 0.0625, True, "state_dict.module.encoder.")

    # 4. SimCLR (sthalles/SimCLR): 'state_dict' of ResNetSimCLR, whose torchvision network is 'backbone'
    # with fc = Sequential(Linear, ReLU, Linear).
    backbone = ref.randomize(ref.build_resnet(18, 0.0625, num_classes=128), seed=6)
    dim = backbone.fc.weight.shape[1]
    backbone.fc = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), backbone.fc)
    torch.save({"epoch": 100, "arch": "resnet18", "state_dict": prefixed("backbone.", backbone.state_dict()),
                "optimizer": sgd_state(backbone)}, os.path.join(out, "simclr-resnet18.pth.tar"))
    record("simclr-resnet18.pth.tar", backbone, 18, 0.0625, False, "state_dict.backbone.")

    # 5. BYOL (sthalles/PyTorch-BYOL): online and target networks whose encoder is
    # Sequential(*list(resnet.children())[:-1]) (children numbered 0..8) plus a projection MLP.
    online = ref.randomize(ref.build_resnet(18, 0.0625), seed=7)
    target = ref.randomize(copy.deepcopy(online), seed=8)

    def byol_network(resnet):
        net = nn.Module()
        net.encoder = nn.Sequential(*list(resnet.children())[:-1])
        dim = resnet.fc.weight.shape[1]
        net.projetion = nn.Sequential(nn.Linear(dim, 32), nn.BatchNorm1d(32), nn.ReLU(inplace=True), nn.Linear(32, 16))
        return net

    torch.save({"online_network_state_dict": byol_network(online).state_dict(),
                "target_network_state_dict": byol_network(target).state_dict()},
               os.path.join(out, "byol-resnet18.pth"))
    record("byol-resnet18.pth", online, 18, 0.0625, False, "online_network_state_dict.encoder.")

    # 6. A torchvision ResNet-50 layout (bottleneck blocks) as safetensors with metadata.
    r50 = ref.randomize(ref.build_resnet(50, 0.0625, num_classes=10), seed=9)
    ref.write_safetensors(os.path.join(out, "resnet50.safetensors"), r50.state_dict(),
                          {"format": "pt", "source": "make_fixtures.py"})
    record("resnet50.safetensors", r50, 50, 0.0625, False, "", metadata={"format": "pt", "source": "make_fixtures.py"})

    # Broken or foreign files.
    small = ref.randomize(ref.build_resnet(18, 0.0625), seed=10)
    torch.save(small.state_dict(), os.path.join(out, "legacy-format.pth"), _use_new_zipfile_serialization=False)
    with open(os.path.join(out, "torchvision-resnet18.pth"), "rb") as f:
        content = f.read()
    with open(os.path.join(out, "truncated.pth"), "wb") as f:
        f.write(content[: len(content) * 6 // 10])
    torch.save(torchvision.models.mobilenet_v3_small(width_mult=0.25, num_classes=10).state_dict(),
               os.path.join(out, "mobilenet-v3-small.pth"))
    torch.save(nn.Sequential(nn.Linear(2, 2)), os.path.join(out, "whole-module.pth"))
    # A numpy scalar beside the state dict (as some training scripts save best_acc1).
    import numpy
    torch.save({"state_dict": nn.Linear(2, 2).state_dict(), "best_acc1": numpy.float64(0.5)}, os.path.join(out, "numpy-scalar.pth"))
    # A tensor saved as a view into a larger storage (a slice).
    torch.save({"conv1.weight": torch.zeros(4, 2, 3)[1]}, os.path.join(out, "storage-view.pth"))

    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f)
    total = sum(os.path.getsize(os.path.join(out, n)) for n in os.listdir(out))
    print(f"wrote {len(os.listdir(out))} files, {total / 1e6:.2f} MB, to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/ContrastiveCrop.Tests/Interop/Fixtures")
