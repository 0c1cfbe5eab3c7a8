#!/usr/bin/env python3
"""Writes MONAI-style bundles for the MONAI import tests, around the real configs.

Usage: make_monai_models.py CONFIGS_DIR OUT_DIR

CONFIGS_DIR holds the Model Zoo configs (tests/data/monai). The networks have
fixed weights and honour the bundles' contracts exactly:
  PlantedDetector   [B,1,x,y,z] -> {"classification": 3 maps [B,3,x/s,y/s,z/s],
                    "box_regression": 3 maps [B,18,...]} for strides (4,4,2),
                    (8,8,4), (16,16,8). Level 0 fires where the 3x3x3 mean of the
                    input at index*stride is above 0.6 (a bright sphere's centre);
                    anchor 0 a little more than the others; the other levels never
                    fire; box regression is zero, so a box is its anchor.
  HungryDetector    the PlantedDetector behind a 16-channel convolution at full
                    resolution, as a real backbone's first stage: the same boxes,
                    with memory per voxel of the order of a real network's (for
                    measuring the window budget, docs/monai-bundles.md).
  TwoClassSegmenter [B,1,x,y,z] -> [B,2,x,y,z] logits; channel 1 is high where the
                    input is above 0.5 (bright), channel 0 its opposite.
  HungrySegmenter   the TwoClassSegmenter behind a 16-channel convolution at full
                    resolution (for the segmentation path's window budget).
  BinarySegmenter   [B,1,x,y,z] -> [B,1,x,y,z] logits 20 (input - 0.5), for a
                    sigmoid: one channel, as binary-label bundles have.
Bundles written (as `monai.bundle ckpt_export` writes model.ts: the configs
embedded as the extra files metadata.json and inference.json):
  lung-detector/          configs/, models/model.ts, large_files.yml with its md5
  lung-detector-bad-md5/  the same with the real large_files.yml (another md5)
  lung-detector-hungry/    the lung configs around HungryDetector
  lung-detector-windows.ts  model.ts alone, its embedded inference.json asking for
                    sliding windows of 64x64x32 (force_sliding_window true)
  spleen-segmenter/ and spleen-segmenter.zip
  spleen-segmenter-hungry/  the spleen configs around HungrySegmenter
  binary-segmenter/ the spleen configs made binary: BinarySegmenter, Activationsd
                    sigmoid then AsDiscreted threshold 0.4, one output channel and
                    no channel_def in metadata.json
  no-configs.ts     a TorchScript file without embedded configs
  new-operator.ts   an exported spleen model whose code calls
                    aten::scaled_dot_product_attention (PyTorch 2.0), written by
                    editing the archive's code, as LibTorch 1.13 cannot script it
"""
import hashlib
import json
import os
import shutil
import sys
import zipfile
from typing import Dict, List

import torch
import torch.nn.functional as F


class PlantedDetector(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> Dict[str, List[torch.Tensor]]:
        local = F.avg_pool3d(x, 3, stride=1, padding=1)
        classification: List[torch.Tensor] = []
        regression: List[torch.Tensor] = []
        for level in range(3):
            scale = 1 << level
            sx, sy, sz = 4 * scale, 4 * scale, 2 * scale
            sampled = local[:, :, ::sx, ::sy, ::sz]
            if level == 0:
                logit = 10.0 * (sampled - 0.6)
                logits = torch.cat([logit + 1.0, logit, logit], dim=1)
            else:
                logits = torch.full_like(sampled, -30.0).repeat(1, 3, 1, 1, 1)
            classification.append(logits)
            regression.append(torch.zeros_like(sampled).repeat(1, 18, 1, 1, 1))
        return {"classification": classification, "box_regression": regression}


class HungryDetector(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.stem = torch.nn.Conv3d(1, 16, 3, padding=1)
        self.planted = PlantedDetector()

    def forward(self, x: torch.Tensor) -> Dict[str, List[torch.Tensor]]:
        features = torch.relu(self.stem(x))
        # Used, so that no optimiser drops it, and adding nothing to the input.
        return self.planted(x + 0.0 * features.mean(dim=1, keepdim=True))


class TwoClassSegmenter(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        bright = 20.0 * (x - 0.5)
        return torch.cat([-bright, bright], dim=1)


class HungrySegmenter(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.stem = torch.nn.Conv3d(1, 16, 3, padding=1)
        self.segmenter = TwoClassSegmenter()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = torch.relu(self.stem(x))
        # Used, so that no optimiser drops it, and adding nothing to the input.
        return self.segmenter(x + 0.0 * features.mean(dim=1, keepdim=True))


class BinarySegmenter(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 20.0 * (x - 0.5)


class StandIn(torch.nn.Module):
    """Whose saved code, torch.relu(x), is edited into a call of a newer operator."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)


def save(module, path, metadata, inference):
    scripted = torch.jit.script(module)
    extra = {"metadata.json": json.dumps(metadata), "inference.json": json.dumps(inference)}
    torch.jit.save(scripted, path, _extra_files=extra)


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def bundle_folder(out, name, source, module, inference=None, metadata=None):
    """A copy of the bundle `source` around `module`; configs given replace its own."""
    folder = os.path.join(out, name)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder)
    for root, dirs, files in os.walk(folder):
        for n in dirs + files:
            os.chmod(os.path.join(root, n), 0o755 if n in dirs else 0o644)
    for config, given in (("metadata.json", metadata), ("inference.json", inference)):
        if given is not None:
            with open(os.path.join(folder, "configs", config), "w") as f:
                json.dump(given, f, indent=4)
    metadata = json.load(open(os.path.join(folder, "configs", "metadata.json")))
    inference = json.load(open(os.path.join(folder, "configs", "inference.json")))
    os.makedirs(os.path.join(folder, "models"), exist_ok=True)
    model = os.path.join(folder, "models", "model.ts")
    save(module, model, metadata, inference)
    return folder, model, metadata, inference


def write_large_files(folder, model):
    with open(os.path.join(folder, "large_files.yml"), "w") as f:
        f.write('large_files:\n- path: "models/model.ts"\n  url: "https://example.invalid/model.ts"\n'
                '  hash_val: "%s"\n  hash_type: "md5"\n' % md5(model))


def binary_configs(spleen):
    """The spleen configs as a one-channel sigmoid bundle with its own threshold."""
    metadata = json.load(open(os.path.join(spleen, "configs", "metadata.json")))
    inference = json.load(open(os.path.join(spleen, "configs", "inference.json")))
    metadata["name"] = "Binary CT segmentation"
    pred = metadata["network_data_format"]["outputs"]["pred"]
    pred["num_channels"] = 1
    del pred["channel_def"]
    for transform in inference["postprocessing"]["transforms"]:
        if transform["_target_"] == "Activationsd":
            transform.pop("softmax")
            transform["sigmoid"] = True
        if transform["_target_"] == "AsDiscreted":
            transform.pop("argmax")
            transform["threshold"] = 0.4
    return metadata, inference


def write_with_new_operator(path, metadata, inference):
    """A TorchScript file calling aten::scaled_dot_product_attention, which
    PyTorch 1.13 cannot script: a saved model's code, edited in the archive."""
    scripted = path + ".tmp"
    save(StandIn(), scripted, metadata, inference)
    edited = False
    with zipfile.ZipFile(scripted) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith(".debug_pkl"):
                continue  # source ranges of the code before the edit
            if info.filename.endswith("/code/__torch__.py"):
                call = b"torch.relu(x)"
                if call not in data:
                    raise SystemExit("unexpected TorchScript code:\n" + data.decode())
                data = data.replace(call, b"torch.scaled_dot_product_attention(x, x, x)")
                edited = True
            out.writestr(info.filename, data)
    os.remove(scripted)
    if not edited:
        raise SystemExit("no code file in " + scripted)


def main():
    configs, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    lung = os.path.join(configs, "lung_nodule_ct_detection")
    spleen = os.path.join(configs, "spleen_ct_segmentation")

    folder, model, metadata, inference = bundle_folder(out, "lung-detector", lung, PlantedDetector())
    write_large_files(folder, model)
    bundle_folder(out, "lung-detector-bad-md5", lung, PlantedDetector())
    folder, model, _, _ = bundle_folder(out, "lung-detector-hungry", lung, HungryDetector())
    write_large_files(folder, model)

    windows = json.loads(json.dumps(inference))
    windows["infer_patch_size"] = [64, 64, 32]
    windows["force_sliding_window"] = True
    save(PlantedDetector(), os.path.join(out, "lung-detector-windows.ts"), metadata, windows)
    torch.jit.save(torch.jit.script(PlantedDetector()), os.path.join(out, "no-configs.ts"))

    folder, model, _, _ = bundle_folder(out, "spleen-segmenter", spleen, TwoClassSegmenter())
    write_large_files(folder, model)
    with zipfile.ZipFile(os.path.join(out, "spleen-segmenter.zip"), "w") as z:
        for root, _, files in os.walk(folder):
            for n in files:
                full = os.path.join(root, n)
                z.write(full, os.path.relpath(full, out))
    folder, model, _, _ = bundle_folder(out, "spleen-segmenter-hungry", spleen, HungrySegmenter())
    write_large_files(folder, model)

    binary_metadata, binary_inference = binary_configs(spleen)
    folder, model, _, _ = bundle_folder(out, "binary-segmenter", spleen, BinarySegmenter(),
                                        binary_inference, binary_metadata)
    write_large_files(folder, model)
    write_with_new_operator(os.path.join(out, "new-operator.ts"), binary_metadata,
                            binary_inference)


if __name__ == "__main__":
    main()
