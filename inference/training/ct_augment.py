"""Domain randomisation for CT nodule training: what makes a real chest CT
differ from Vigie's phantoms, drawn at random on every training patch.

Measured with ct_domain_stats.py at the model's 1.25 mm spacing, the real
evaluation scan (../shared/data/ct-real-cptac-c3n00247: 3 mm slices, sharp
B70f kernel, contrast) against a training phantom: lung HU 5th-95th
percentile -967 to -629 against -887 to -813; 9.4 % of lung voxels denser
than -700 HU against 1.2 % (real lungs hold thousands of small vessels seen
end-on as bright dots); in-plane noise alike (83 against 72 HU, spectrum
centroid 0.25 against 0.22 cycles/mm). The detector trained on phantoms alone
took those dots, and the lungs' edges in thick slices, for nodules (66 findings
on the real scan). So each patch (HU, z y x, at the model's isotropic spacing)
may get:

- `add_vessels`: extra vessel trees (long tubes with side branches, 0.4-2.2 mm
  radius, partial volume) through its lung, never over a nodule: hard
  negatives that are everywhere in real lungs and rare in the phantoms.
- `enhance_contrast`: iodinated contrast in vessels and soft tissue.
- `vary_parenchyma`: denser, textured lung. (The lung density figures above
  were measured after model 0.3.0 was trained with this: the real lung is
  wider-spread and a little emptier than the phantom's, not denser. A recipe
  that drew -70 to +50 HU instead, with spiculated nodules, thinner extra
  vessels and a quarter of the patches left clean, did worse on the real
  scan: 5 findings at its operating point against 1; see the README.)
- `thick_slices`: acquisition with 1.5-4 mm slices (each slice the mean over
  its thickness) read back at the model spacing by linear interpolation, as
  the runtime's resampler does: oblique vessels become blobs in-plane.
- `slice_noise`: noise of a sharp (high-pass) or smooth (low-pass)
  reconstruction kernel, added per acquired slice.

Deterministic given the numpy Generator.
"""
import numpy as np
import torch
import torch.nn.functional as F

SPACING_MM = 1.25


def _unit(rng):
    v = rng.normal(size=3)
    return v / np.linalg.norm(v)


_GRIDS = {}


def index_grid(shape):
    """[z, y, x, 3] voxel indices of a patch shape (cached: patches share a size)."""
    shape = tuple(shape)
    if shape not in _GRIDS:
        _GRIDS[shape] = np.stack(np.meshgrid(*(np.arange(s) for s in shape), indexing="ij"), axis=-1).astype(np.float64)
    return _GRIDS[shape]


def add_vessels(hu, keep_out, rng, count_range=(3, 12)):
    """Draws random vessel trees into the lung voxels (< -500 HU) of `hu`, in
    place, outside `keep_out` (boolean, True over nodules)."""
    shape = np.array(hu.shape)
    lung = hu < -500
    if lung.mean() < 0.2:
        return
    free = lung & ~keep_out
    grid = index_grid(hu.shape)
    vessel_hu = rng.uniform(-50.0, 250.0)
    tubes = []
    for _ in range(rng.integers(*count_range)):
        start = rng.uniform(0, shape)
        direction = _unit(rng)
        length = rng.uniform(15.0, 45.0) / SPACING_MM
        radius = np.exp(rng.uniform(np.log(0.4), np.log(2.2))) / SPACING_MM
        a, b = start - direction * length / 2, start + direction * length / 2
        tubes.append((a, b, radius))
        if rng.random() < 0.6:  # a side branch from a point along it
            fork = a + (b - a) * rng.uniform(0.2, 0.8)
            child = direction + _unit(rng) * rng.uniform(0.6, 1.4)
            child /= np.linalg.norm(child)
            tubes.append((fork, fork + child * length * rng.uniform(0.4, 0.8), radius * rng.uniform(0.6, 0.85)))
    for a, b, radius in tubes:
        draw_tube(hu, grid, a, b, radius, vessel_hu, free)


def draw_tube(hu, grid, a, b, radius, value, allowed):
    """A tube of `radius` voxels from a to b (z, y, x voxel coordinates) at
    `value` HU, with partial volume at its edge, into the `allowed` voxels of
    `hu` (in place; it only ever brightens)."""
    shape = np.array(hu.shape)
    # Only the box around the segment is measured.
    lo = np.maximum(np.floor(np.minimum(a, b) - radius - 2), 0).astype(int)
    hi = np.minimum(np.ceil(np.maximum(a, b) + radius + 2), shape - 1).astype(int) + 1
    if np.any(hi <= lo):
        return
    box = tuple(slice(l, h) for l, h in zip(lo, hi))
    points = grid[box]
    ab = b - a
    t = np.clip(((points - a) @ ab) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    d = np.linalg.norm(points - (a + t[..., None] * ab), axis=-1)
    # Partial volume: the fraction of a voxel the tube covers, linear over one voxel.
    cover = np.clip(radius + 0.5 - d, 0.0, 1.0) * min(1.0, 2.0 * radius) * allowed[box]
    region = hu[box]
    region[...] = np.maximum(region, region * (1 - cover) + value * cover)


def enhance_contrast(hu, nodule, rng):
    """Iodinated contrast: vessels and soft tissue gain up to 250 HU (nodules a
    little, as solid tumours do)."""
    gain = rng.uniform(0.0, 250.0)
    weight = np.clip((hu + 300.0) / 340.0, 0.0, 1.0) * (hu < 400)
    weight = np.where(nodule, weight * rng.uniform(0.0, 0.3), weight)
    hu += gain * weight


def _smooth_noise(shape, rng, sigma):
    """Unit noise correlated over about `sigma` voxels: coarse noise
    interpolated up (trilinear)."""
    coarse = [max(2, int(round(n / sigma)) + 1) for n in shape]
    noise = torch.from_numpy(rng.normal(size=coarse))[None, None]
    smooth = F.interpolate(noise, size=tuple(shape), mode="trilinear", align_corners=True)[0, 0].numpy()
    return smooth / max(smooth.std(), 1e-6)


def vary_parenchyma(hu, rng):
    """Lung denser by 0-110 HU, with low-frequency texture (dependent density,
    mosaic attenuation)."""
    lung = hu < -600
    offset = rng.uniform(0.0, 110.0)
    texture = _smooth_noise(hu.shape, rng, sigma=rng.uniform(2.0, 6.0)) * rng.uniform(0.0, 30.0)
    hu += np.where(lung, offset + texture, 0.0)


def slice_noise(shape, rng, sd):
    """Per-slice in-plane noise of a sharp or a smooth kernel."""
    white = rng.normal(size=shape)
    fy = np.fft.fftfreq(shape[1])[:, None]
    fx = np.fft.fftfreq(shape[2])[None, :]
    f2 = fy * fy + fx * fx
    if rng.random() < 0.5:  # sharp kernel: the noise power sits at high frequencies
        response = 1 - np.exp(-f2 / (2 * 0.12**2))
    else:  # smooth kernel: correlated, blotchy noise
        response = np.exp(-f2 / (2 * rng.uniform(0.08, 0.2) ** 2))
    noise = np.real(np.fft.ifft2(np.fft.fft2(white, axes=(1, 2)) * response, axes=(1, 2)))
    return noise / max(noise.std(), 1e-6) * sd


def thick_slices(hu, rng, thickness_mm, noise_sd):
    """Re-acquires `hu` (z first) with slices `thickness_mm` thick and as far
    apart, adds kernel noise to each, and interpolates back linearly."""
    nz = hu.shape[0]
    width = thickness_mm / SPACING_MM  # in voxels
    # Each acquired slice is the mean of the volume over [c - w/2, c + w/2]:
    # differences of the running integral, linear between voxel edges.
    edges = np.concatenate([np.zeros((1,) + hu.shape[1:]), np.cumsum(hu, axis=0)], axis=0)

    def integral(z):
        z = np.clip(z, 0.0, nz)
        i = np.minimum(np.floor(z).astype(int), nz - 1)
        frac = (z - i)[:, None, None]
        return edges[i] + frac * (edges[i + 1] - edges[i])

    centers = np.arange(rng.uniform(0, width), nz + width, width)
    lo, hi = np.clip(centers - width / 2, 0, nz), np.clip(centers + width / 2, 0, nz)
    span = np.maximum(hi - lo, 1e-6)[:, None, None]
    acquired = (integral(hi) - integral(lo)) / span
    if noise_sd > 0:
        acquired = acquired + slice_noise(acquired.shape, rng, noise_sd)
    # Back to the voxel centres (z + 0.5 in edge coordinates).
    pos = np.clip(np.arange(nz) + 0.5, centers[0], centers[-1])
    k = np.clip(np.searchsorted(centers, pos) - 1, 0, len(centers) - 2)
    t = ((pos - centers[k]) / (centers[k + 1] - centers[k]))[:, None, None]
    return acquired[k] * (1 - t) + acquired[k + 1] * t


def randomise(hu, nodule, rng):
    """One random draw of everything above on a float64 HU patch (z y x);
    `nodule` marks nodule voxels (with a margin). Returns the new patch."""
    hu = hu.astype(np.float64)
    if rng.random() < 0.7:
        add_vessels(hu, nodule, rng)
    if rng.random() < 0.6:
        enhance_contrast(hu, nodule, rng)
    if rng.random() < 0.6:
        vary_parenchyma(hu, rng)
    noise_sd = rng.uniform(0.0, 45.0) if rng.random() < 0.7 else 0.0
    if rng.random() < 0.6:
        hu = thick_slices(hu, rng, rng.uniform(1.5, 4.0), noise_sd)
    elif noise_sd > 0:
        hu = hu + slice_noise(hu.shape, rng, noise_sd)
    if rng.random() < 0.5:  # calibration of the scanner
        hu = hu * rng.uniform(0.95, 1.05) + rng.uniform(-20.0, 20.0)
    return hu
