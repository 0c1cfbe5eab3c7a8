#pragma once

#include <vector>

#include "vigie/core/Volume.h"

namespace vigie::inference {

/// Values candidateShape gives per scale: the three eigenvalues of the
/// scale-normalised Hessian (ascending), then the dot and the line measure.
constexpr int kShapeValuesPerScale = 5;

/// The scales the reference CT model's calibration was fitted with.
std::vector<double> defaultShapeScalesMm();

/// How the CT image is shaped around a candidate, at each scale (the sigma of
/// a Gaussian, mm): the Hessian of the smoothed HU (clamped to -1000..400) at
/// the candidate's centre, scale-normalised (sigma^2 x second derivatives,
/// in units of 100 HU), its eigenvalues in ascending order, and the
/// measures of Li, Sone and Doi (Med. Phys. 2003) built on them: a dot
/// (|l3|^2 / |l1|, all three negative: a bright blob, what a nodule is) and a
/// line (|l2| (|l2| - |l3|) / |l1|, two negative: a bright tube, what a
/// vessel is), with |l1| >= |l2| >= |l3|. A dark or flat place gives zeros.
///
/// Why: the detector's peak score alone ranks a small nodule and a vessel
/// crossing alike; these tell them apart, and a candidate calibration can
/// weigh them (ScoreCalibration::shapeWeights). Voxels outside the volume
/// repeat its border. `hu` should be at the model's spacing, as the network
/// saw it. Pure computation, any thread.
std::vector<double> candidateShape(const core::CtVolume& hu, const core::Vec3& centerMm,
                                   const std::vector<double>& scalesMm);

}  // namespace vigie::inference
