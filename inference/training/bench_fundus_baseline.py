#!/usr/bin/env python3
"""Baseline for the fundus half of `vigie-cli bench infer`: the same TorchScript
model over the same prepared photographs, one at a time, as a plain Python
loop over Debian's python3-torch.

    bench_fundus_baseline.py MODEL.pt INPUT.raw COUNT HEIGHT WIDTH THREADS

INPUT.raw is float32 [COUNT, 3, HEIGHT, WIDTH]. Prints one line: "seconds S".
"""
import sys
import time

import numpy as np
import torch


def main():
    model_file, raw = sys.argv[1], sys.argv[2]
    count, height, width, threads = (int(v) for v in sys.argv[3:7])
    torch.set_num_threads(threads)
    model = torch.jit.load(model_file).eval()
    images = torch.from_numpy(np.fromfile(raw, dtype=np.float32).reshape(count, 3, height, width))
    start = time.time()
    with torch.no_grad():
        for i in range(count):
            grade_logits = model(images[i : i + 1])
            if isinstance(grade_logits, tuple):
                grade_logits = grade_logits[0]
            torch.softmax(grade_logits, dim=1)
    print(f"seconds {time.time() - start:.3f}")


if __name__ == "__main__":
    main()
