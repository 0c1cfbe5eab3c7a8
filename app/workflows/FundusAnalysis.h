#pragma once

#include <atomic>
#include <vector>

#include "vigie/core/CaseRecords.h"
#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"
#include "vigie/imaging/preprocess/FundusPreprocess.h"
#include "vigie/inference/InferenceSession.h"

namespace vigie::app {

/// A fundus model's result on one photograph, laid back onto it.
struct FundusAnalysis {
  inference::FundusPrediction prediction;
  core::Image2D heatmap;  ///< 8-bit over the photograph (255 = 1.0); empty without a heatmap
  /// Regions of the heatmap at 0.5 or more: lesions for a model's own map, the
  /// regions that weigh most on the referable score for an occlusion map.
  std::vector<imaging::LesionRegion> lesions;
  imaging::FieldOfView fieldOfView;
};

/// The fundus pipeline shared by the GUI and the CLI: field-of-view crop,
/// resize and colour normalisation as the manifest says (imaging, OpenCV),
/// the network (inference, LibTorch), then the heatmap back onto each
/// photograph and its lesion regions (for a model without a heatmap, an
/// occlusion map unless `explanation` says not). Blocks: call from a worker
/// thread.
core::Result<std::vector<FundusAnalysis>> analyzeFundus(
    const std::vector<core::Image2D>& photographs, inference::InferenceSession& session,
    const std::atomic<bool>* cancel = nullptr,
    const inference::FundusExplanationOptions& explanation = {});

/// The lesion regions as the review store keeps them: in the photograph's
/// pixels, in the same order, each "lesion" (the heatmap names no kind) with
/// the radius of the circle of its area.
std::vector<core::FundusAiLesionRegion> lesionRegionsToKeep(
    const std::vector<imaging::LesionRegion>& regions);

}  // namespace vigie::app
