"""Reference side of `ccrop-bench data`: torchvision's MoCo v2 two-view pipeline on the same data.

Usage: torchvision_data.py CIFAR_LIKE_BIN JPEG_DIR WORKERS BATCH
Prints tv32=<samples/s> and tv224=<samples/s>. Needs Debian's python3-torchvision (developer tooling only).
"""
import sys, time
import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms as T
from torchvision.datasets import ImageFolder


def moco_v2(size):
    # main_moco.py --aug-plus; blur with torchvision's kernel form, 10% of the side (23 at 224, 3 at 32), as ours.
    k = max(3, int(round(size * 0.1)) | 1)
    return T.Compose([
        T.RandomResizedCrop(size, scale=(0.2, 1.0)),
        T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
        T.RandomGrayscale(p=0.2),
        T.RandomApply([T.GaussianBlur(k, sigma=(0.1, 2.0))], p=0.5),
        T.RandomHorizontalFlip(),
        T.ToTensor(),
        T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])


class TwoViews:
    def __init__(self, t):
        self.t = t

    def __call__(self, x):
        return [self.t(x), self.t(x)]


class CifarLike(Dataset):
    """Like torchvision's CIFAR10: uint8 HWC arrays in memory, PIL image per access."""

    def __init__(self, path, transform):
        raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)
        self.labels = raw[:, 0].astype(np.int64)
        self.data = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return self.transform(Image.fromarray(self.data[i])), self.labels[i]


def rate(dataset, workers, batch, epochs):
    loader = DataLoader(dataset, batch_size=batch, shuffle=True, num_workers=workers, drop_last=True, persistent_workers=True)
    it = iter(loader)
    next(it)  # start the workers before timing
    start, n = time.perf_counter(), 0
    for _ in range(epochs):
        for views, _ in loader:
            n += views[0].shape[0]
    return n / (time.perf_counter() - start)


if __name__ == "__main__":
    cifar, jpegs, workers, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(1)
    print(f"tv32={rate(CifarLike(cifar, TwoViews(moco_v2(32))), workers, batch, 2):.1f}", flush=True)
    print(f"tv224={rate(ImageFolder(jpegs, transform=TwoViews(moco_v2(224))), workers, batch, 1):.1f}", flush=True)
