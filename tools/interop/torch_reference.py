"""Shared helpers of the interop developer scripts: torchvision ResNets at the platform's widths and
stems, built from torchvision's own classes so their state-dict names are torchvision's.

Only developer tooling and test cross-checks use this (Debian: python3-torch, python3-torchvision);
the platform itself never needs Python.
"""
import json
import struct

import torch
from torch import nn
from torchvision.models import resnet as tv

LAYOUTS = {
    18: (tv.BasicBlock, [2, 2, 2, 2]),
    34: (tv.BasicBlock, [3, 4, 6, 3]),
    50: (tv.Bottleneck, [3, 4, 6, 3]),
}


def base_width(width_multiplier):
    # Same rounding as the platform's ResNetLayout.BaseWidth: 64*w rounded half away from zero, at least 1.
    return max(1, int(64 * width_multiplier + 0.5))


def build_resnet(depth, width_multiplier=1.0, small_data_stem=False, num_classes=1000):
    """torchvision's ResNet with every stage's width scaled and, optionally, the small-data stem.

    torchvision's constructor fixes the widths at 64..512, so the stem and stages are rebuilt with
    torchvision's own _make_layer at the scaled widths; assigning an existing attribute keeps its place
    in the module's registration order, so the names and their order stay torchvision's.
    """
    block, layers = LAYOUTS[depth]
    model = tv.ResNet(block, layers, num_classes=num_classes)
    width = base_width(width_multiplier)
    model.inplanes = width
    if small_data_stem:
        model.conv1 = nn.Conv2d(3, width, kernel_size=3, stride=1, padding=1, bias=False)
        model.maxpool = nn.Identity()
    else:
        model.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
    model.bn1 = nn.BatchNorm2d(width)
    model.layer1 = model._make_layer(block, width, layers[0])
    model.layer2 = model._make_layer(block, width * 2, layers[1], stride=2)
    model.layer3 = model._make_layer(block, width * 4, layers[2], stride=2)
    model.layer4 = model._make_layer(block, width * 8, layers[3], stride=2)
    model.fc = nn.Linear(width * 8 * block.expansion, num_classes)
    return model


def randomize(model, seed):
    """Random weights and batch-norm statistics, so a forward pass in eval mode exercises every tensor."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                tensor.fill_(7)
            elif name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            elif name.endswith("running_mean") or name.endswith(".bias"):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.1)
            elif name.startswith("bn") or ".bn" in name or "downsample.1" in name:
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            else:
                fan_in = tensor[0].numel() if tensor.dim() > 1 else 1
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * (2.0 / fan_in) ** 0.5)
    return model


def features(model, images):
    """The pooled features the platform's backbone returns: the network without fc, in eval mode."""
    fc = model.fc
    model.fc = nn.Identity()
    model.eval()
    with torch.no_grad():
        out = model(images)
    model.fc = fc
    return out


def reference_input():
    """The fixed input of every forward comparison: 2 images of 3x32x32 from seed 0."""
    return torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))


def write_safetensors(path, tensors, metadata):
    """The safetensors format from its specification: u64 LE header length, JSON header, raw bytes."""
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.float16: "F16"}
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": codes[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Reads a safetensors file (tensors, metadata) without the safetensors package (not in Debian 12)."""
    dtypes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "F16": torch.float16}
    with open(path, "rb") as f:
        content = f.read()
    (length,) = struct.unpack("<Q", content[:8])
    header = json.loads(content[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = content[8 + length:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[entry["dtype"]])
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata
