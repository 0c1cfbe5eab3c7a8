#include "ReliabilityReport.h"

#include <cstdio>

#include "vigie/imaging/io/CurvePlot.h"

namespace vigie::app::cli {

std::string threeDecimals(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

nlohmann::json intervalJson(const Interval& i) { return {i.low, i.high}; }

nlohmann::json reliabilityJson(const Reliability& r, const std::string& countName) {
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : r.bins) {
    bins.push_back({{"range", {b.lower, b.upper}},
                    {countName, b.count},
                    {"mean_predicted", b.meanPredicted},
                    {"observed", b.observed}});
  }
  return bins;
}

core::Status writeReliabilityPlot(const Reliability& r, const std::string& what,
                                  const std::string& observed, const std::filesystem::path& file) {
  imaging::CurvePlot plot;
  plot.title = "Reliability, " + what + " (ECE " + threeDecimals(r.expectedCalibrationError) + ")";
  plot.xLabel = "predicted probability (bin mean)";
  plot.yLabel = "observed " + observed;
  for (const auto& bin : r.bins) {
    if (bin.count == 0) continue;
    plot.points.emplace_back(bin.meanPredicted, bin.observed);
    plot.markers.emplace_back(bin.meanPredicted, bin.observed);
  }
  plot.reference = {{0.0, 0.0}, {1.0, 1.0}};
  return imaging::writeCurvePlot(plot, file);
}

}  // namespace vigie::app::cli
