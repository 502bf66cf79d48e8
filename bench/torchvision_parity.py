"""Reference side of `ccrop-bench parity`: recompute our resize and colour ops with torchvision 0.14.

Reads the file written by TorchvisionParity.cs and prints, per op, the largest absolute difference
from torchvision's tensor path (float, antialias=True) and, for the resize, from its PIL path.
"""
import sys
import numpy as np
import torch
from PIL import Image
import torchvision.transforms.functional as F

H, W = 60, 80
CROPS = [(5, 7, 40, 50, 32), (0, 0, 60, 80, 224), (10, 3, 37, 41, 16)]
OPS = [
    ("brightness 1.3", lambda t: F.adjust_brightness(t, 1.3)),
    ("contrast 0.7", lambda t: F.adjust_contrast(t, 0.7)),
    ("saturation 1.4", lambda t: F.adjust_saturation(t, 1.4)),
    ("hue +0.08", lambda t: F.adjust_hue(t, 0.08)),
    ("grayscale", lambda t: F.rgb_to_grayscale(t, num_output_channels=3)),
    ("blur k3 s0.8", lambda t: F.gaussian_blur(t, [3, 3], [0.8, 0.8])),
]

raw = open(sys.argv[1], "rb").read()
pixels = np.frombuffer(raw[: H * W * 3], dtype=np.uint8).reshape(H, W, 3)
floats = np.frombuffer(raw[H * W * 3 :], dtype=np.float32)
image = torch.from_numpy(pixels.copy()).permute(2, 0, 1).float() / 255
pil = Image.fromarray(pixels)
offset = 0
for top, left, h, w, size in CROPS:
    n = 3 * size * size
    ours = torch.from_numpy(floats[offset : offset + n].copy()).reshape(3, size, size)
    offset += n
    tensor = F.resized_crop(image, top, left, h, w, [size, size], antialias=True)
    via_pil = F.to_tensor(F.resized_crop(pil, top, left, h, w, [size, size]))
    print(f"resize {h}x{w} -> {size}: max |ours - tensor| = {float((ours - tensor).abs().max()):.2e}, "
          f"max |ours - PIL| = {float((ours - via_pil).abs().max()) * 255:.2f}/255")
    for name, op in OPS:
        mine = torch.from_numpy(floats[offset : offset + n].copy()).reshape(3, size, size)
        offset += n
        print(f"  {name:15s} max |ours - torchvision| = {float((mine - op(ours)).abs().max()):.2e}")
