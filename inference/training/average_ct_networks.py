#!/usr/bin/env python3
"""Packages several trained CT nodule networks as one bundle whose network
returns the mean of their heatmap logits (an ensemble), or, with --weights,
as one network whose weights are the mean of theirs.

    average_ct_networks.py --out BUNDLE --vigie-cli PATH [--version V] [--weights] MEMBER_BUNDLE...

Why: the CT recipe's runs differ from one another more than any change tried
to it (docs/reference-models.md): two runs of the same recipe with the same
seed on two machines measured held-out CPMs of 0.825 and 0.757. Networks
trained alike from different seeds make different mistakes, and the mean of
their outputs keeps what they agree on. The runtime needs nothing new: the
bundle holds one TorchScript module, like any other, and runs each window
through every member, so inference takes as many times longer as there are
members.

--weights averages the members' weights and batch-norm statistics instead
(a weight-space average), so the bundle runs at one network's cost. That
only makes sense for networks that share their start, such as a bundle and
the same bundle trained further (train_ct_nodule.py --init): the further
training moves the weights a little, and the mean lies between the two,
keeping part of what each does well (averaging a fine-tuned network with
the one it started from is known to keep more of the start's robustness to
images unlike the training ones). Networks trained from different seeds do
not line up weight for weight, and their mean is no network at all.

Every member must be a CT nodule bundle with a sigmoid heatmap and the same
input (spacing, patch, intensity window); the bundle written has no
calibration and no operating threshold, since the mean's scores are not any
member's (`make calibrate-ct` fits them).
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ct_nodule_model import read_bundle  # noqa: E402
from vigie_data import package_bundle  # noqa: E402


class MeanOfLogits(torch.nn.Module):
    """Runs one window through every member and averages their logits. The
    logits, not the probabilities: a sigmoid of the mean logit is the
    geometric mean of the members' odds, so one member's saturated 1.0 does
    not carry a voxel alone."""

    def __init__(self, members):
        super().__init__()
        self.members = torch.nn.ModuleList(members)

    def forward(self, x):
        total = self.members[0](x)
        for member in self.members[1:]:
            total = total + member(x)
        return total / len(self.members)


def read_member(path):
    """The member's manifest and TorchScript network, or SystemExit naming
    the file and what is wrong with it."""
    manifest, network = read_bundle(path)
    if manifest.get("output", {}).get("heatmap_activation") != "sigmoid":
        raise SystemExit(f"{os.path.join(path, 'manifest.json')}: its heatmap is not a sigmoid of logits, "
                         "so logits cannot be averaged")
    return manifest, network


def mean_of_weights(networks, paths):
    """One network holding the mean of the members' weights and batch-norm
    statistics (their counters are the first member's), or SystemExit when
    a member's weights are not laid out as the first's."""
    states = [network.state_dict() for network in networks]
    for state, path in zip(states[1:], paths[1:]):
        if list(state) != list(states[0]) or any(state[k].shape != states[0][k].shape for k in state):
            raise SystemExit(f"{path}: its weights are not laid out as {paths[0]}'s; only the same network's "
                             "weights can be averaged")
    averaged = {name: torch.stack([state[name] for state in states]).mean(0) if first.dtype.is_floating_point
                else first for name, first in states[0].items()}
    _, network = read_bundle(paths[0])  # a copy of the first member, to hold the mean
    network.load_state_dict(averaged)
    return network.eval()


# Beyond this weight_spread, members seldom share a start.
SPREAD_OF_UNRELATED_NETWORKS = 1.0


def weight_spread(networks):
    """The largest distance of a member's learnt weights from the first
    member's, layer by layer, as a share of the first's. Batch-norm
    statistics are left out: a running mean near 0 makes any change look
    huge. 0.5.2's weights trained 800 iterations further moved 2 % in the
    median layer and 10 % at most; two networks of the smoke recipe from
    different seeds differ by 340 %."""
    first = dict(networks[0].named_parameters())
    return max((dict(network.named_parameters())[name] - weights).norm().item() / max(weights.norm().item(), 1e-12)
               for network in networks[1:] for name, weights in first.items())


def check_same_input(manifests, paths):
    """Every member must read windows the same way, or the mean mixes
    networks that each see a different image."""
    first = manifests[0]["input"]
    for manifest, path in zip(manifests[1:], paths[1:]):
        for key in ("spacing_mm", "patch_size", "intensity", "channels"):
            if manifest["input"].get(key) != first.get(key):
                raise SystemExit(f"{path}: input.{key} {manifest['input'].get(key)} differs from "
                                 f"{paths[0]}'s {first.get(key)}; members must read the same windows")


def ensemble_manifest(manifests, version, of_weights=False):
    manifest = json.loads(json.dumps(manifests[0]))
    manifest.pop("calibration", None)
    manifest.pop("metrics", None)
    manifest["thresholds"] = {"candidate": 0.5}
    manifest["version"] = version
    members = " ".join(f"Network {i + 1}: {m.get('training_data', 'no training data given.')}"
                       for i, m in enumerate(manifests))
    manifest["training_data"] = (
        f"One network whose weights and batch-norm statistics are the mean of {len(manifests)} networks' "
        f"(inference/training/average_ct_networks.py --weights). {members}" if of_weights else
        f"The mean of {len(manifests)} networks' heatmap logits, each trained by the same "
        f"recipe from its own seed (inference/training/average_ct_networks.py). {members}")
    # The card is the first member's, and its limitations quote figures of one network: say so before them.
    card = manifest.get("model_card")
    what = f"{len(manifests)} networks' weights" if of_weights else f"{len(manifests)} networks"
    if isinstance(card, dict):
        card["known_limitations"] = [
            f"This bundle is the mean of {what}: the figures quoted below were measured on a "
            "single network, not on this mean; its own come from make calibrate-ct and make eval-ct."
        ] + list(card.get("known_limitations", []))
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("members", nargs="+", help="the trained CT bundles to average")
    parser.add_argument("--out", required=True)
    parser.add_argument("--vigie-cli", required=True)
    parser.add_argument("--version", help="the bundle's version (default: the first member's)")
    parser.add_argument("--weights", action="store_true",
                        help="average the weights into one network instead of the outputs (members that share a start)")
    args = parser.parse_args()
    if len(args.members) < 2:
        parser.error("an average needs at least two member bundles")

    manifests, networks = zip(*(read_member(path) for path in args.members))
    check_same_input(manifests, args.members)
    version = args.version or manifests[0]["version"]
    if args.weights:
        network = mean_of_weights(networks, args.members)
        package_bundle(network, ensemble_manifest(manifests, version, of_weights=True), args.vigie_cli, args.out)
        spread = weight_spread(networks)
        print(f"average_ct_networks: the mean of {len(networks)} networks' weights written to {args.out} "
              f"(the members' learnt weights differ by {spread:.1%} of their size at most, layer by layer)",
              flush=True)
        if spread > SPREAD_OF_UNRELATED_NETWORKS:
            print("average_ct_networks: warning: members this far apart seldom share a start (train_ct_nodule.py "
                  "--init); the mean of unrelated networks' weights is no network at all", file=sys.stderr)
        return
    patch = manifests[0]["input"]["patch_size"]
    example = torch.zeros(1, manifests[0]["input"].get("channels", 1), *patch)
    ensemble = MeanOfLogits(list(networks)).eval()
    with torch.no_grad():
        traced = torch.jit.trace(ensemble, example)
        # The traced module must be the mean it claims to be, on an image unlike the tracing one.
        probe = torch.rand(example.shape, generator=torch.Generator().manual_seed(0))
        expected = sum(network(probe) for network in networks) / len(networks)
        largest = (traced(probe) - expected).abs().max().item()
    if largest > 1e-4:
        raise SystemExit(f"the traced average differs from the members' mean by {largest:g}; bundle not written")
    package_bundle(traced, ensemble_manifest(manifests, version), args.vigie_cli, args.out)
    print(f"average_ct_networks: the mean of {len(networks)} networks written to {args.out} "
          f"(checked against the members on a random window: largest difference {largest:.1e})", flush=True)


if __name__ == "__main__":
    main()
