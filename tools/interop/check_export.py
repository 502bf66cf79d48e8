#!/usr/bin/env python3
"""Loads a file written by `ccrop export` with PyTorch, the way a PyTorch user would, and prints JSON:
the keys load_state_dict reported, the file's metadata and the pooled features of the reference input.

    /usr/bin/python3 tools/interop/check_export.py FORMAT FILE DEPTH WIDTH_MULTIPLIER SMALL_DATA_STEM(0|1)

torchvision: torch.load(weights_only=True) into torchvision's ResNet: the non-strict load must miss only
  fc, and a strict load into the network with fc = Identity must succeed.
detectron2: the file must be {"model": ..., "__author__": ..., "matching_heuristics": True} with exactly the
  names detectron2's tools/convert-torchvision-to-d2.py gives torchvision's keys; those tensors, renamed
  back, must load strictly.
safetensors: read with a reader written from the format's specification, loaded strictly.
The test that runs this compares the printed features with the platform's own forward pass.
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as ref  # noqa: E402


def detectron2_name(k):
    # The renaming rules of detectron2's tools/convert-torchvision-to-d2.py, restated.
    if "layer" not in k:
        k = "stem." + k
    for t in (1, 2, 3, 4):
        k = k.replace(f"layer{t}", f"res{t + 1}")
    for t in (1, 2, 3):
        k = k.replace(f"bn{t}", f"conv{t}.norm")
    return k.replace("downsample.0", "shortcut").replace("downsample.1", "shortcut.norm")


def main(fmt, path, depth, width, small_stem):
    model = ref.build_resnet(depth, width, small_stem)
    report = {}
    if fmt == "torchvision":
        state = torch.load(path, map_location="cpu", weights_only=True)
        result = model.load_state_dict(state, strict=False)
        report["missing"], report["unexpected"] = sorted(result.missing_keys), sorted(result.unexpected_keys)
    elif fmt == "detectron2":
        loaded = torch.load(path, map_location="cpu", weights_only=True)
        assert loaded["matching_heuristics"] is True, "matching_heuristics must be True"
        report["author"] = loaded["__author__"]
        report["metadata"] = json.loads(loaded.get("__ccrop_provenance__", "{}"))
        backbone_keys = [k for k in model.state_dict() if not k.startswith("fc.")]
        expected = {detectron2_name(k): k for k in backbone_keys}
        report["missing"] = sorted(set(expected) - set(loaded["model"]))
        report["unexpected"] = sorted(set(loaded["model"]) - set(expected))
        state = {expected[k]: v for k, v in loaded["model"].items() if k in expected}
    elif fmt == "safetensors":
        state, report["metadata"] = ref.read_safetensors(path)
    else:
        raise SystemExit(f"unknown format {fmt}")
    model.fc = nn.Identity()
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        report["features"] = model(ref.reference_input()).flatten().tolist()
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1")
