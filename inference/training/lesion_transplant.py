"""Semi-synthetic fundus photographs: a real photograph's DR lesions, cut out
with the experts' masks, carried onto another real eye without retinopathy.

Why: with 27 photographs with DR to learn from, a network can learn what
those 27 eyes look like (their colour, exposure, vessels) instead of what the
lesions look like. Shown the same lesions on many eyes without them, it can
only tell "referable" from "not" by the lesions.

How: a lesion is carried as its contrast, not its colour. On the donor, each
lesion pixel is divided by the donor's own background there (the photograph
smoothed with the lesions left out); on the recipient, that ratio multiplies
the recipient's background. A haemorrhage stays as much darker than the
retina around it, and an exudate as much brighter, whatever the recipient's
exposure and colour balance. The edge is feathered over a pixel so no seam is
drawn. The lesion class map goes with the lesions.

Both photographs are [3, S, S] in 0..1, cropped to their field of view and
resized as the runtime does (train_fundus_dr.load_real), so positions match:
IDRiD's photographs are all centred on the posterior pole.
"""
import torch.nn.functional as F

from fundus_augment import field_of_view, gaussian_blur

BACKGROUND_SIGMA = 8.0  # pixels at 384: wider than a haemorrhage, narrower than the illumination fall-off
RATIO_RANGE = (0.1, 4.0)  # a lesion's contrast with its background, bounded so a dark corner does not explode


def smoothed_background(image, keep, sigma=BACKGROUND_SIGMA, shrink=4):
    """The photograph [3, S, S] blurred over the pixels where keep [S, S] is 1
    only (normalised convolution), so lesions and the black surround do not
    bleed into the estimate. Computed at 1/shrink of the size and enlarged
    again: the background is smooth, and training draws this every step."""
    weights = keep.to(image.dtype)[None, None]
    small_image = F.avg_pool2d((image * weights[0])[None], shrink)[0]
    small_weights = F.avg_pool2d(weights, shrink)[0]
    numerator = gaussian_blur(small_image, sigma / shrink)
    denominator = gaussian_blur(small_weights.expand_as(small_image).contiguous(), sigma / shrink)
    background = numerator / denominator.clamp_min(1e-3)
    return F.interpolate(background[None], size=image.shape[-2:], mode="bilinear", align_corners=False)[0]


def transplant(donor, donor_lesions, donor_classes, recipient):
    """The donor's lesions on the recipient's retina.

    donor, recipient: [3, S, S] in 0..1; donor_lesions: [S, S] bool, the
    donor's lesion pixels (dilated a little so the lesion's rim comes too);
    donor_classes: [S/4, S/4] the donor's lesion class map.
    Returns the new photograph and its class map (the donor's, inside the
    recipient's field of view)."""
    donor_fov = field_of_view(donor)[0] > 0
    recipient_fov = field_of_view(recipient)[0] > 0
    donor_background = smoothed_background(donor, donor_fov & ~donor_lesions)
    contrast = (donor / donor_background.clamp_min(0.02)).clamp(*RATIO_RANGE)
    recipient_background = smoothed_background(recipient, recipient_fov)
    carried = donor_lesions & donor_fov & recipient_fov
    # Feathered by a 3x3 mean: the rim's pixels mix the lesion and the recipient's retina.
    alpha = F.avg_pool2d(carried.to(recipient.dtype)[None, None], 3, stride=1, padding=1, count_include_pad=False)[0]
    alpha = alpha * recipient_fov.to(recipient.dtype)
    out = (recipient * (1 - alpha) + recipient_background * contrast * alpha).clamp(0.0, 1.0)
    small_fov = F.interpolate(recipient_fov[None, None].float(), size=donor_classes.shape, mode="area")[0, 0] > 0.5
    return out, donor_classes * small_fov.to(donor_classes.dtype)
