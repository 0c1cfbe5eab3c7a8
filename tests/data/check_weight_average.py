#!/usr/bin/env python3
"""Checks average_ct_networks.py --weights (mean_of_weights): on two small
networks of the recipe's shape written as bundles, the averaged network
holds, layer by layer, the mean of their weights and batch-norm statistics;
a network averaged with itself answers as it did; a network of another
layout is refused, naming its bundle. Exits non-zero, naming the check, on
the first failure."""
import json
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inference", "training"))
from average_ct_networks import SPREAD_OF_UNRELATED_NETWORKS, mean_of_weights, weight_spread  # noqa: E402
from ct_nodule_model import NoduleUNet3d, read_bundle  # noqa: E402

WINDOW = 16


def check(condition, what):
    if not condition:
        sys.exit(f"check_weight_average: FAILED: {what}")
    print(f"ok: {what}")


def write_bundle(directory, network):
    """A bundle as read_bundle reads it: the manifest's task and a traced network."""
    os.makedirs(directory)
    network.eval()
    with torch.no_grad():
        torch.jit.trace(network, torch.zeros(1, 1, WINDOW, WINDOW, WINDOW)).save(os.path.join(directory, "model.pt"))
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump({"task": "ct-nodule-detection", "weights": {"file": "model.pt"}}, f)


def network_with_statistics(seed, pool="max"):
    """A network whose batch-norm statistics are not the initial 0 and 1, so
    that averaging them is checked too."""
    torch.manual_seed(seed)
    network = NoduleUNet3d(width=4, pool=pool)
    network.train()
    with torch.no_grad():
        network(torch.randn(2, 1, WINDOW, WINDOW, WINDOW) * (1 + seed))
    return network


def main():
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, name) for name in ("a", "b", "blur")]
        write_bundle(paths[0], network_with_statistics(1))
        write_bundle(paths[1], network_with_statistics(2))
        write_bundle(paths[2], network_with_statistics(3, pool="blur"))
        members = [read_bundle(path)[1] for path in paths[:2]]
        averaged = mean_of_weights(members, paths[:2]).state_dict()
        states = [member.state_dict() for member in members]
        floating = [name for name, weights in states[0].items() if weights.dtype.is_floating_point]
        check(any("running_var" in name for name in floating), "the networks have batch-norm statistics")
        largest = max((averaged[name] - (states[0][name] + states[1][name]) / 2).abs().max().item()
                      for name in floating)
        check(largest < 1e-6, f"every weight and statistic is the members' mean (largest error {largest:.1e})")
        check(weight_spread(members) > SPREAD_OF_UNRELATED_NETWORKS,
              f"two seeds' networks are too far apart to share a start ({weight_spread(members):.0%})")
        nudged = read_bundle(paths[0])[1]
        with torch.no_grad():
            for weights in nudged.parameters():
                weights.mul_(1.05)
        check(abs(weight_spread([members[0], nudged]) - 0.05) < 1e-4,
              f"a network whose weights moved 5 % is {weight_spread([members[0], nudged]):.1%} away, batch-norm "
              "statistics left out")

        probe = torch.rand(1, 1, WINDOW, WINDOW, WINDOW, generator=torch.Generator().manual_seed(0))
        alone = read_bundle(paths[0])[1]
        with_itself = mean_of_weights([alone, read_bundle(paths[0])[1]], [paths[0], paths[0]])
        with torch.no_grad():
            difference = (with_itself(probe) - alone(probe)).abs().max().item()
        check(difference < 1e-5, f"a network averaged with itself answers as before (largest difference "
                                 f"{difference:.1e})")
        check(weight_spread([alone, with_itself]) == 0, "and its weights have not moved")

        try:
            mean_of_weights([members[0], read_bundle(paths[2])[1]], [paths[0], paths[2]])
        except SystemExit as refusal:
            check(f"{paths[2]}: its weights are not laid out as" in str(refusal),
                  f"a network of another layout is refused by name ({refusal})")
        else:
            check(False, "a network of another layout is refused")


if __name__ == "__main__":
    main()
