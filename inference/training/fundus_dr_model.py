"""The reference diabetic-retinopathy network: a small 2D CNN with a lesion
segmentation head whose per-class evidence feeds the grade, so the heatmap
the reader sees is what the grade was decided from.

Input  [N, 3, S, S]  RGB, normalised as the manifest says (mean, sd).
Output (grade_logits [N, 5], gradable_logit [N, 1], lesion_heatmap [N, 1, S/4, S/4])
       the heatmap is the probability that a pixel belongs to any lesion.

Cameras differ in colour balance, exposure and gamma far more than lesions
differ from the retina around them, so the network first standardises each
photograph's colours over its own field of view (per channel: zero mean, unit
spread) and reads lesions from that. Exposure is exactly what the quality
head must see, so it gets the photograph's raw colour statistics besides.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

LESION_CLASSES = 6  # background + microaneurysm, haemorrhage, hard exudate, cotton-wool spot, new vessels
FOV_LEVEL = 20.0 / 255.0  # brighter than this (max over RGB) is inside the field of view, as in the runtime
PHOTO_STATS = 7  # per-channel mean and spread over the field of view, and the field's share of the frame


def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class FovStandardise(nn.Module):
    """Undoes the manifest's normalisation, then standardises each channel
    over the field of view; outside it the input is 0. Also returns what the
    quality verdict needs and standardisation removes: the raw colour
    statistics (exposure) and the field's share of the frame."""

    def __init__(self, mean, sd):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("sd", torch.tensor(sd, dtype=torch.float32).view(1, 3, 1, 1))

    def raw_and_field(self, x):
        """The photograph back in 0..1 and its field of view (1 inside)."""
        v = x * self.sd + self.mean
        return v, (v.amax(dim=1, keepdim=True) > FOV_LEVEL).to(v.dtype)

    def forward(self, x):
        v, fov = self.raw_and_field(x)
        count = fov.sum(dim=(2, 3), keepdim=True).clamp_min(1.0)
        mu = (v * fov).sum(dim=(2, 3), keepdim=True) / count
        spread = torch.sqrt((((v - mu) * fov) ** 2).sum(dim=(2, 3), keepdim=True) / count + 1e-4)
        standardised = (v - mu) / spread * fov
        stats = torch.cat([mu.flatten(1), spread.flatten(1), fov.mean(dim=(2, 3))], dim=1)
        return standardised, stats


class PhotoQualityFeatures(nn.Module):
    """What a quality verdict needs and the grade's features do not keep.

    - Sharpness: the mean absolute detail of the standardised green channel
      at three octaves (a Laplacian pyramid of 2x2 means: fine, middle and
      coarse), inside the field of view away from its edge, as logarithms.
      Standardisation makes them independent of exposure; a defocused
      photograph loses the fine octaves first. The grade's features are
      pooled at 1/16 of the photograph, where blur no longer shows: 0.2.0's
      quality gate flagged none of the defocused photographs. (Gaussian
      blurs and a 17-pixel erosion at full size measured the same thing at
      three times the run time of the whole network.)
    - Where the light falls: the brightness of each cell of a 4x4 grid
      relative to the whole field (a lid shadow darkens the top or bottom, a
      small pupil the periphery), and the share of each cell inside the
      field of view (an off-centre field is cut on one side)."""

    OCTAVES = 3
    GRID = 4
    COUNT = OCTAVES + 2 * GRID * GRID

    def forward(self, v, fov, standardised):
        # Inside: 8x8 cells wholly in the field of view, and their neighbours too.
        cells = (F.avg_pool2d(fov, 8) > 0.999).to(v.dtype)
        inside = -F.max_pool2d(-cells, 3, stride=1, padding=1)
        level = standardised[:, 1:2]
        octaves = []
        for _ in range(self.OCTAVES):
            coarser = F.avg_pool2d(level, 2)
            detail = (level - F.interpolate(coarser, size=level.shape[-2:], mode="nearest")).abs()
            mask = F.interpolate(inside, size=level.shape[-2:], mode="nearest")
            octaves.append(torch.log((detail * mask).sum(dim=(2, 3)) / mask.sum(dim=(2, 3)).clamp_min(1.0) + 1e-4))
            level = coarser
        brightness = v.mean(dim=1, keepdim=True) * fov
        overall = brightness.sum(dim=(2, 3)) / fov.sum(dim=(2, 3)).clamp_min(1.0)
        field_share = F.adaptive_avg_pool2d(fov, self.GRID)
        cell = F.adaptive_avg_pool2d(brightness, self.GRID) / field_share.clamp_min(0.05)
        relative = cell.flatten(1) / overall.clamp_min(1e-3)
        return torch.cat(octaves + [relative, field_share.flatten(1)], dim=1)


class FeatureScaler(nn.Module):
    """Fixed standardisation of a feature vector (set from training data)."""

    def __init__(self, count):
        super().__init__()
        self.register_buffer("mean", torch.zeros(count))
        self.register_buffer("sd", torch.ones(count))

    def forward(self, x):
        return (x - self.mean) / self.sd


class FundusDrNet(nn.Module):
    def __init__(self, mean, sd, width=16, photo_quality=False):
        super().__init__()
        w = width
        self.standardise = FovStandardise(mean, sd)
        self.stem = nn.Sequential(conv(3, w, 2), conv(w, w))            # S/2
        self.down1 = nn.Sequential(conv(w, 2 * w, 2), conv(2 * w, 2 * w))  # S/4: lesions are read here
        self.down2 = nn.Sequential(conv(2 * w, 4 * w, 2), conv(4 * w, 4 * w))  # S/8
        self.down3 = nn.Sequential(conv(4 * w, 6 * w, 2), conv(6 * w, 6 * w))  # S/16
        self.up = conv(6 * w + 2 * w, 2 * w)
        self.lesions = nn.Conv2d(2 * w, LESION_CLASSES, 1)
        # Grade from lesion evidence (per class: mean, max and soft count) and global context.
        self.grade = nn.Sequential(nn.Linear(3 * (LESION_CLASSES - 1) + 6 * w, 64), nn.ReLU(inplace=True), nn.Linear(64, 5))
        quality_inputs = 6 * w * 2 + PHOTO_STATS
        # With photo_quality the gate also reads PhotoQualityFeatures; it is then fitted on its own,
        # after the rest is trained (fit_fundus_quality.py), so it cannot cost the grade.
        self.photo_quality = PhotoQualityFeatures() if photo_quality else None
        if photo_quality:
            quality_inputs += PhotoQualityFeatures.COUNT
            self.gradable = nn.Sequential(FeatureScaler(quality_inputs), nn.Linear(quality_inputs, 32),
                                          nn.ReLU(inplace=True), nn.Linear(32, 1))
        else:
            self.gradable = nn.Sequential(nn.Linear(quality_inputs, 32), nn.ReLU(inplace=True), nn.Linear(32, 1))

    def quality_inputs(self, x, z, stats, s16):
        """What the gradability head reads."""
        parts = [s16.mean(dim=(2, 3)), s16.amax(dim=(2, 3)), stats]
        if self.photo_quality is not None:
            v, fov = self.standardise.raw_and_field(x)
            parts.append(self.photo_quality(v, fov, z))
        return torch.cat(parts, dim=1)

    def forward(self, x):
        grade_logits, heatmap, lesion_logits, z, stats, s16 = self.trunk(x)
        gradable_logit = self.gradable(self.quality_inputs(x, z, stats, s16))
        return grade_logits, gradable_logit, heatmap, lesion_logits

    def gate_network(self):
        """The network whose features the gate reads: this one (FundusDrEnsemble answers its first member)."""
        return self

    def trunk(self, x):
        """Everything but the gradability head."""
        z, stats = self.standardise(x)
        s4 = self.down1(self.stem(z))
        s16 = self.down3(self.down2(s4))
        context = F.interpolate(s16, size=s4.shape[-2:], mode="bilinear", align_corners=False)
        lesion_logits = self.lesions(self.up(torch.cat([s4, context], dim=1)))
        probs = torch.softmax(lesion_logits, dim=1)[:, 1:]
        evidence = torch.cat([probs.mean(dim=(2, 3)), probs.amax(dim=(2, 3)), torch.log1p(probs.sum(dim=(2, 3)))], dim=1)
        pooled = s16.mean(dim=(2, 3))
        grade_logits = self.grade(torch.cat([evidence, pooled], dim=1))
        heatmap = 1.0 - torch.softmax(lesion_logits, dim=1)[:, :1]
        return grade_logits, heatmap, lesion_logits, z, stats, s16


class FundusDrEnsemble(nn.Module):
    """Networks trained alike from different seeds, read as one.

    With 72 real photographs to learn from, one training run is a draw: the
    same recipe has given held-out AUCs from 0.89 to 0.95 with nothing changed
    but the seed or the machine's kernels. Networks from different seeds make
    different mistakes, and the mean of their probabilities keeps what they
    agree on. The grade is the mean of the members' grade probabilities (its
    logits are their logarithms, so a softmax gives the mean back) and the
    lesion map the mean of theirs. Gradability is the first member's alone:
    the gate is fitted afterwards, on one network (fit_fundus_quality.py).

    It answers like a FundusDrNet (forward, trunk, quality_inputs, gradable),
    so training, calibration, the gate's fitting and the export need nothing
    of their own for it."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    @property
    def gradable(self):
        return self.members[0].gradable

    def gate_network(self):
        """The member whose features the gate reads."""
        return self.members[0]

    def quality_inputs(self, x, z, stats, s16):
        return self.members[0].quality_inputs(x, z, stats, s16)

    def forward(self, x):
        grade_logits, heatmap, lesion_logits, z, stats, s16 = self.trunk(x)
        gradable_logit = self.gradable(self.quality_inputs(x, z, stats, s16))
        return grade_logits, gradable_logit, heatmap, lesion_logits

    def trunk(self, x):
        """The members' mean grade, lesion map and lesion classes; the first member's features."""
        outputs = [member.trunk(x) for member in self.members]
        grade = torch.stack([torch.softmax(o[0], dim=1) for o in outputs]).mean(dim=0)
        heatmap = torch.stack([o[1] for o in outputs]).mean(dim=0)
        lesions = torch.stack([torch.softmax(o[2], dim=1) for o in outputs]).mean(dim=0)
        z, stats, s16 = outputs[0][3:]
        # The floor keeps a probability that rounds to zero in float from becoming an infinite logit.
        return torch.log(grade.clamp_min(1e-30)), heatmap, torch.log(lesions.clamp_min(1e-30)), z, stats, s16


class ExportedFundusDrNet(nn.Module):
    """What the bundle holds: the three outputs of the runtime contract."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        grade_logits, gradable_logit, heatmap, _ = self.net(x)
        return grade_logits, gradable_logit, heatmap
