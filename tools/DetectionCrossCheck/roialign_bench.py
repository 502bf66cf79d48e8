# Reference timing only: torchvision's roi_align on the same sizes as `DetectionCrossCheck roialign-bench`.
import time
import torch
from torchvision.ops import roi_align
torch.manual_seed(0)
f = torch.randn(1, 1024, 50, 84, requires_grad=True)
xy = torch.rand(512, 2) * torch.tensor([1200., 700.]); wh = torch.rand(512, 2) * 400 + 16
rois = torch.cat([torch.zeros(512, 1), xy, xy + wh], 1)
print("torch threads", torch.get_num_threads())
for run in range(4):
    t = time.perf_counter(); o = roi_align(f, rois, (14, 14), 1 / 16, 0, True); fw = time.perf_counter() - t
    o.sum().backward(); f.grad = None
    print(f"torchvision run {run}: forward {fw * 1000:.0f} ms, forward+backward {(time.perf_counter() - t) * 1000:.0f} ms")
