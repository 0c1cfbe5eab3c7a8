#pragma once

#include <vector>

#include "vigie/core/Volume.h"

namespace vigie::inference {

/// Values candidateIntensity gives, in this order (what a calibration's
/// intensity_weights weigh).
constexpr int kIntensityValues = 4;

/// The CT image's intensity around a candidate, on the series' own voxels
/// (not resampled), within spheres about its centre of radius
/// r = max(diameter / 2, 2 mm):
///  1. the mean HU inside r;
///  2. that mean less the mean of the shell r..2r (how much the candidate
///     stands out from what touches it);
///  3. the standard deviation of HU inside r;
///  4. the share of the voxels of the shell 2r..3r under -400 HU (how much
///     lung lies around it, from 0 to 1).
/// The first three in units of 100 HU, so that a fitted calibration's
/// weights stay near 1. Only voxels inside the volume count; an empty shell
/// gives a contrast and a share of 0; an empty inside (a centre between
/// slices thicker than r, or off the volume) uses the voxels nearest the
/// centre.
///
/// Why: the detector's score and the image's shape (candidateShape) can rank
/// a nodule and a dense vessel crossing or a fold of the chest wall alike;
/// their HU inside and around may still differ. A candidate calibration may
/// weigh these (ScoreCalibration::intensityWeights). Fitted on phantoms, all
/// four helped there and lost the one real CT's mass: the share of lung
/// around says where a false positive lives, in lung on the phantoms and at
/// the lungs' borders on a real scan. The reference model (0.6.0) weighs the
/// first three only (docs/reference-models.md, "Model 0.6.0"); a calibration
/// fitted on labelled real scans may weigh all four. Pure computation, any
/// thread.
std::vector<double> candidateIntensity(const core::CtVolume& hu, const core::Vec3& centerMm,
                                       double diameterMm);

}  // namespace vigie::inference
