"""The same convolution kernels on every machine, so that a recipe's seeds
train the same weights wherever it runs.

PyTorch's CPU convolutions are oneDNN's, and oneDNN picks its kernels by the
instruction set of the processor it finds: AVX-512 kernels add the products
in another order than AVX2 ones, so the CT recipe's loss already differs at
the second step (1.6260747 against 1.6260672), and 2800 steps later another
network has been trained (the recipe ended at loss 0.452 on the machine that trained
the shipped weights, 0.480 on two later ones, each figure of the model
different; docs/reference-models.md). The summing of the gradients is split
over threads, so the thread count changes them too. Pinning both (oneDNN
limited to AVX2, which every x86-64 processor of the last decade has, and 2
threads) takes away the two differences that were measured; it is not proof
against everything (oneDNN sizes some loops by the caches it finds).

Call pin() before the first convolution (oneDNN reads the limit once). A value
the user set in the environment is kept (to train with other kernels
deliberately); describe() says what was used, for the manifest. On this
project's 2-core AMD EPYC the AVX2 kernels are not slower: 40 CT iterations
took 29 s against 37 s with AVX-512.
"""
import argparse
import os

ISA_VARIABLE = "DNNL_MAX_CPU_ISA"
ISA_VARIABLES = ("ONEDNN_MAX_CPU_ISA", ISA_VARIABLE)  # oneDNN 2.x reads both, the first before the second
PINNED_ISA = "AVX2"
PINNED_THREADS = 2


def pin():
    """Limits oneDNN to AVX2 unless the environment already says otherwise."""
    if not any(os.environ.get(name) for name in ISA_VARIABLES):
        os.environ[ISA_VARIABLE] = PINNED_ISA


def describe(threads):
    """The words the manifest's training data carries about the kernels."""
    isa = next((os.environ[name] for name in ISA_VARIABLES if os.environ.get(name)), "the processor's best")
    return f"{threads} CPU threads, oneDNN kernels up to {isa}"


def thread_count(text):
    """argparse type for --threads: a whole number of at least 1."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 1 thread is needed")
    return count
