#!/usr/bin/env python3
"""Checks same_kernels.py: a training script that pins its kernels trains the
same weights whether or not the environment limits oneDNN to AVX2 itself,
and twice alike: what lets machines with AVX2 or AVX-512 train alike, as far
as one machine can show it. On a processor with AVX-512 it also shows why the
pin is there: the same steps with AVX-512 kernels end with other weights.
Exits non-zero, naming the check, on the first failure."""
import argparse
import os
import subprocess
import sys

TRAINING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training")

# Three steps of the CT network on fixed random patches, as a training script
# runs them: pin first, then torch; prints a digest of the weights.
STEPS = f"""
import hashlib, sys
sys.path.insert(0, {TRAINING!r})
import same_kernels
same_kernels.pin()
import torch
from ct_nodule_model import NoduleUNet3d
torch.manual_seed(7)
torch.set_num_threads(same_kernels.PINNED_THREADS)
model = NoduleUNet3d()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
images = torch.rand(4, 1, 32, 32, 32)
targets = (torch.rand(4, 1, 32, 32, 32) > 0.9).float()
for _ in range(3):
    optimizer.zero_grad()
    torch.nn.functional.binary_cross_entropy_with_logits(model(images), targets).backward()
    optimizer.step()
print(hashlib.sha256(b"".join(p.detach().numpy().tobytes() for p in model.parameters())).hexdigest())
"""


def check(condition, what):
    if not condition:
        sys.exit(f"check_same_kernels: FAILED: {what}")
    print(f"ok: {what}")


def weights_after_steps(isa=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DNNL_MAX_CPU_ISA", "ONEDNN_MAX_CPU_ISA")}
    if isa:
        env["DNNL_MAX_CPU_ISA"] = isa
    run = subprocess.run([sys.executable, "-c", STEPS], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"check_same_kernels: FAILED: the training steps did not run:\n{run.stderr}")
    return run.stdout.strip()


sys.path.insert(0, TRAINING)
import same_kernels  # noqa: E402

pinned = weights_after_steps()
check(pinned == weights_after_steps(), "the same seeds train the same weights twice")
check(pinned == weights_after_steps("AVX2"), "pinned, the weights are those of oneDNN limited to AVX2 by the environment")
check("oneDNN kernels up to" in same_kernels.describe(2) and same_kernels.describe(2).startswith("2 CPU threads"),
      "the manifest's words name the threads and the kernels")
check(same_kernels.thread_count("3") == 3, "--threads 3 is taken")
for bad, why in (("0", "at least 1 thread is needed"), ("two", "not a whole number")):
    try:
        same_kernels.thread_count(bad)
        check(False, f"--threads {bad} is refused")
    except argparse.ArgumentTypeError as error:
        check(why in str(error), f"--threads {bad} is refused: {error}")
with open("/proc/cpuinfo") as f:
    has_avx512 = " avx512f " in f.read()
if has_avx512:
    print(f"note: this processor has AVX-512; its kernels train "
          f"{'other' if weights_after_steps('AVX512_CORE') != pinned else 'the same'} weights in 3 steps")
