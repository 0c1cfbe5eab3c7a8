#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Vec3.h"

namespace vigie::core {

/// A candidate lesion as a model reports it (before any reader decision).
struct Finding {
  int id = 0;               ///< 1-based, in order of decreasing score within one model run
  double score = 0.0;       ///< model confidence, 0..1
  Vec3 centerMm;            ///< LPS patient coordinates, mm
  double diameterMm = 0.0;  ///< equivalent-sphere diameter of the detected blob, mm
  /// The heatmap's own score when `score` is its calibrated probability
  /// (the bundle's calibration.candidate); unset when uncalibrated.
  std::optional<double> uncalibratedScore;
  /// When the model reads the scan more than once (at several spacings): each
  /// pass's own highest probability near the centre, in the passes' order
  /// (CtAnalysis); a calibration may weigh them (ScoreCalibration).
  std::vector<double> passScores;
  /// The image's shape around the centre (inference::candidateShape) as the
  /// calibration read it, or as an evaluation asked for it
  /// (CtAnalysisOptions::shapeScalesMm); empty otherwise.
  std::vector<double> shape;
  /// The image's intensity around the centre (inference::candidateIntensity)
  /// as the calibration read it, or as an evaluation asked for it
  /// (CtAnalysisOptions::measureIntensity); empty otherwise.
  std::vector<double> intensity;
};

}  // namespace vigie::core
