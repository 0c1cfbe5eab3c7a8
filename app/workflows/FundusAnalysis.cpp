#include "FundusAnalysis.h"

#include <algorithm>
#include <cmath>

namespace vigie::app {
namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

core::Result<std::vector<FundusAnalysis>> analyzeFundus(
    const std::vector<core::Image2D>& photographs, inference::InferenceSession& session,
    const std::atomic<bool>* cancel, const inference::FundusExplanationOptions& explanation) {
  const auto& m = session.manifest();
  imaging::FundusInputSpec spec;
  spec.width = m.targetSize[0];
  spec.height = m.targetSize[1];
  spec.mean = m.colorMean;
  spec.sd = m.colorSd;
  spec.cropFieldOfView = m.cropFieldOfView;
  std::vector<float> batch;
  std::vector<FundusAnalysis> out(photographs.size());
  for (std::size_t i = 0; i < photographs.size(); ++i) {
    auto prepared = imaging::preparePhotograph(photographs[i], spec);
    if (!prepared.ok())
      return core::makeError(prepared.error().code, "photograph " + std::to_string(i + 1) + ": " +
                                                        prepared.error().message);
    out[i].fieldOfView = prepared.value().fieldOfView;
    batch.insert(batch.end(), prepared.value().pixels.begin(), prepared.value().pixels.end());
  }
  if (photographs.empty()) return out;
  auto predictions =
      session.predictFundus(batch, static_cast<int>(photographs.size()), cancel, explanation);
  if (!predictions.ok()) return predictions.error();
  for (std::size_t i = 0; i < photographs.size(); ++i) {
    FundusAnalysis& a = out[i];
    a.prediction = std::move(predictions.value()[i]);
    if (!a.prediction.heatmap.empty()) {
      a.heatmap = imaging::heatmapOnPhotograph(a.prediction.heatmap, a.prediction.heatmapWidth,
                                               a.prediction.heatmapHeight, a.fieldOfView,
                                               photographs[i].width, photographs[i].height);
      a.lesions = imaging::findLesionRegions(a.heatmap, 0.5);
    }
  }
  return out;
}

std::vector<core::FundusAiLesionRegion> lesionRegionsToKeep(
    const std::vector<imaging::LesionRegion>& regions) {
  std::vector<core::FundusAiLesionRegion> kept;
  kept.reserve(regions.size());
  for (const auto& r : regions) {
    core::FundusAiLesionRegion region;
    region.centerX = r.centerX;
    region.centerY = r.centerY;
    // A region is a blob of any shape; a circle of its area is what a
    // reader's mark is too, so the two compare on the key image.
    region.radius = std::sqrt(std::max(r.areaPx, 0) / kPi);
    region.score = r.maxProbability;
    kept.push_back(region);
  }
  return kept;
}

}  // namespace vigie::app
