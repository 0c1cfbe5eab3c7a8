#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::imaging {

/// A line chart written as PNG (OpenCV drawing): for FROC and ROC curves in
/// evaluation reports. `logX` uses a base-2 logarithmic x axis (FROC).
struct CurvePlot {
  std::string title, xLabel, yLabel;
  std::vector<std::pair<double, double>> points;  ///< (x, y), drawn in order
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  bool logX = false;
  std::vector<std::pair<double, double>>
      markers;  ///< highlighted points (e.g. the FROC operating rates)
  /// A grey line drawn under the curve: perfect calibration on a
  /// reliability diagram, chance on a ROC plot. Empty: none.
  std::vector<std::pair<double, double>> reference;
};

core::Status writeCurvePlot(const CurvePlot& plot, const std::filesystem::path& file);

}  // namespace vigie::imaging
