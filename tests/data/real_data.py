"""What the checks on real data share: the real photographs and scans live in
../shared beside the clone, never in the repository, so a check skips (exit
77, which CTest reports as skipped) where they are absent, and otherwise runs
the `vigie-cli` command whose output it then judges."""
import os
import subprocess
import sys

SKIPPED = 77


def run_on_real_data(data_dir, command):
    """Exits SKIPPED when data_dir is missing; runs command and exits with
    its message when it fails."""
    if not os.path.isdir(data_dir):
        print(f"{data_dir}: not here; skipped (the real data lives in ../shared/data)")
        sys.exit(SKIPPED)
    run = subprocess.run(command)
    if run.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit {run.returncode}")
