// InferenceSession's 2D path: fundus photographs to grades, gradability and
// a lesion heatmap.
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>

#include "SessionImpl.h"

namespace vigie::inference {
namespace {

/// The network's outputs, whichever of the allowed forms it returns.
struct RawOutputs {
  torch::Tensor gradeLogits;    ///< [N, 5]
  torch::Tensor gradableLogit;  ///< [N, 1], undefined when absent
  torch::Tensor heatmap;        ///< [N, 1, h, w], undefined when absent
};

core::Result<RawOutputs> unpack(const torch::IValue& value, std::int64_t batch,
                                const std::string& model) {
  RawOutputs out;
  if (value.isTensor()) {
    out.gradeLogits = value.toTensor();
  } else if (value.isTuple()) {
    const auto& elements = value.toTupleRef().elements();
    if (elements.size() < 2 || elements.size() > 3) {
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "model " + model + " returned a tuple of " +
                                 std::to_string(elements.size()) +
                                 " outputs; expected (grade logits, gradability logit[, heatmap])");
    }
    out.gradeLogits = elements[0].toTensor();
    out.gradableLogit = elements[1].toTensor();
    if (elements.size() == 3) out.heatmap = elements[2].toTensor();
  } else {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "model " + model + " returned neither a tensor nor a tuple");
  }
  auto shapeError = [&](const char* what, const torch::Tensor& t, const std::string& expected) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "model " + model + " returned " + what + " of shape " +
                               c10::str(t.sizes()) + "; expected " + expected);
  };
  if (out.gradeLogits.dim() != 2 || out.gradeLogits.size(0) != batch ||
      out.gradeLogits.size(1) != 5)
    return shapeError("grade logits", out.gradeLogits, "[batch, 5] (ICDR 0-4)");
  if (out.gradableLogit.defined() &&
      (out.gradableLogit.dim() != 2 || out.gradableLogit.size(0) != batch))
    return shapeError("a gradability logit", out.gradableLogit, "[batch, 1]");
  if (out.heatmap.defined() &&
      (out.heatmap.dim() != 4 || out.heatmap.size(0) != batch || out.heatmap.size(1) != 1))
    return shapeError("a heatmap", out.heatmap, "[batch, 1, height, width]");
  return out;
}

/// P(grade >= 2) for each row of grade logits.
torch::Tensor referableProbability(const torch::Tensor& gradeLogits) {
  return torch::softmax(gradeLogits.to(torch::kFloat32), 1).narrow(1, 2, 3).sum(1);
}

/// Rescales ICDR grade probabilities so that P(grade >= 2) becomes the
/// calibrated one, keeping the proportions within grades 0-1 and within 2-4.
void calibrateGrades(std::array<double, 5>& grades, const ScoreCalibration& calibration) {
  const double low = grades[0] + grades[1];
  const double high = grades[2] + grades[3] + grades[4];
  // The network's float softmax sums to 1 only within rounding: scale each side
  // to its target so that the calibrated probabilities sum to 1 exactly.
  const double calibrated = calibration.apply(high / std::max(low + high, 1e-12));
  const double up = high > 0 ? calibrated / high : 0.0;
  const double down = low > 0 ? (1.0 - calibrated) / low : 0.0;
  for (int g = 0; g < 5; ++g) grades[g] *= g >= 2 ? up : down;
  // A network sure to the last bit leaves one side empty: its mass goes to that side's lowest
  // grade.
  if (high <= 0) grades[2] = calibrated;
  if (low <= 0) grades[0] = 1.0 - calibrated;
}

/// Patch origins along one axis: overlapping by half, the last flush with the end.
std::vector<std::int64_t> patchStarts(std::int64_t size, std::int64_t patch) {
  std::vector<std::int64_t> starts;
  const std::int64_t stride = std::max<std::int64_t>(1, patch / 2);
  for (std::int64_t s = 0; s + patch < size; s += stride) starts.push_back(s);
  starts.push_back(std::max<std::int64_t>(0, size - patch));
  return starts;
}

/// Occlusion sensitivity for one prepared image [1, 3, H, W]: the drop in
/// referable probability when each patch is set to 0 (the mean colour after
/// normalisation), spread over the patch's pixels and averaged where patches
/// overlap; scaled so the most telling region is 1. A photograph whose score
/// no region moves by 0.01 gets an all-zero map: nothing to show.
core::Result<torch::Tensor> occlusionMap(torch::jit::script::Module& module,
                                         const torch::Tensor& image, double baseReferable, int grid,
                                         std::int64_t batchSize, bool halfPrecision,
                                         const std::string& model,
                                         const std::atomic<bool>* cancel) {
  const std::int64_t height = image.size(2), width = image.size(3);
  const std::int64_t patchH = (height + grid - 1) / grid, patchW = (width + grid - 1) / grid;
  std::vector<std::pair<std::int64_t, std::int64_t>> patches;
  for (auto y : patchStarts(height, patchH))
    for (auto x : patchStarts(width, patchW)) patches.emplace_back(y, x);
  auto sum = torch::zeros({height, width}, torch::kFloat32);
  auto cover = torch::zeros({height, width}, torch::kFloat32);
  for (std::size_t first = 0; first < patches.size(); first += batchSize) {
    if (cancel && *cancel)
      return core::makeError(core::ErrorCode::Cancelled, "inference cancelled");
    const auto n = std::min<std::size_t>(batchSize, patches.size() - first);
    auto batch = image.repeat({static_cast<std::int64_t>(n), 1, 1, 1});
    for (std::size_t b = 0; b < n; ++b) {
      const auto [y, x] = patches[first + b];
      batch[static_cast<std::int64_t>(b)]
          .narrow(1, y, std::min(patchH, height - y))
          .narrow(2, x, std::min(patchW, width - x))
          .zero_();
    }
    if (halfPrecision) batch = batch.to(torch::kHalf);
    auto raw = unpack(module.forward({batch}), static_cast<std::int64_t>(n), model);
    if (!raw.ok()) return raw.error();
    const auto drops =
        (baseReferable - referableProbability(raw.value().gradeLogits)).clamp_min(0.0).cpu();
    for (std::size_t b = 0; b < n; ++b) {
      const auto [y, x] = patches[first + b];
      const std::int64_t h = std::min(patchH, height - y), w = std::min(patchW, width - x);
      sum.narrow(0, y, h).narrow(1, x, w) += drops[static_cast<std::int64_t>(b)];
      cover.narrow(0, y, h).narrow(1, x, w) += 1.0;
    }
  }
  auto map = sum / cover.clamp_min(1.0);
  const double strongest = map.max().item<double>();
  if (strongest < 0.01) return torch::zeros_like(map);
  return (map / strongest).contiguous();
}

}  // namespace

core::Result<std::vector<FundusPrediction>> InferenceSession::predictFundus(
    const std::vector<float>& pixels, int count, const std::atomic<bool>* cancel,
    const FundusExplanationOptions& explanation) {
  const ModelManifest& m = impl_->manifest;
  if (m.task != ModelManifest::Task::FundusDrScreening) {
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        "model " + m.id + " is not a fundus model (task " + toString(m.task) + ")");
  }
  const std::int64_t width = m.targetSize[0], height = m.targetSize[1];
  const std::int64_t perImage = 3 * width * height;
  if (count <= 0 || static_cast<std::int64_t>(pixels.size()) != perImage * count) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "fundus input must be " + std::to_string(count) + " images of 3 x " +
                               std::to_string(height) + " x " + std::to_string(width) + " floats");
  }
  const double referableThreshold = m.threshold("referable", 0.5);
  const double gradableThreshold = m.threshold("gradable", 0.5);
  std::vector<FundusPrediction> predictions;
  try {
    torch::InferenceMode inferenceMode;
    const torch::Device device = internal::torchDevice(impl_->device);
    const bool halfPrecision = impl_->device.isCuda() && m.fp16OnCuda;
    // The caller's buffer is only read: from_blob wraps it without a copy.
    auto all = torch::from_blob(const_cast<float*>(pixels.data()), {count, 3, height, width},
                                torch::kFloat32);
    for (std::int64_t first = 0; first < count; first += impl_->batchSize) {
      if (cancel && *cancel)
        return core::makeError(core::ErrorCode::Cancelled, "inference cancelled");
      const std::int64_t n = std::min<std::int64_t>(impl_->batchSize, count - first);
      auto batch = all.narrow(0, first, n).to(device);
      if (halfPrecision) batch = batch.to(torch::kHalf);
      auto raw = unpack(impl_->module.forward({batch}), n, m.id);
      if (!raw.ok()) return raw.error();
      const auto grades = torch::softmax(raw.value().gradeLogits.to(torch::kFloat32), 1).cpu();
      torch::Tensor quality;
      if (raw.value().gradableLogit.defined())
        quality = torch::sigmoid(raw.value().gradableLogit.to(torch::kFloat32)).cpu();
      torch::Tensor heatmap;
      if (raw.value().heatmap.defined()) {
        heatmap = raw.value().heatmap.to(torch::kFloat32);
        if (m.heatmapActivation == ModelManifest::Activation::Sigmoid)
          heatmap = torch::sigmoid(heatmap);
        heatmap = heatmap.clamp(0.0, 1.0).cpu().contiguous();
      }
      for (std::int64_t b = 0; b < n; ++b) {
        FundusPrediction p;
        for (int g = 0; g < 5; ++g) p.gradeProbabilities[g] = grades[b][g].item<double>();
        p.rawReferableProbability =
            p.gradeProbabilities[2] + p.gradeProbabilities[3] + p.gradeProbabilities[4];
        if (m.referableCalibration) calibrateGrades(p.gradeProbabilities, *m.referableCalibration);
        p.grade = static_cast<int>(
            std::max_element(p.gradeProbabilities.begin(), p.gradeProbabilities.end()) -
            p.gradeProbabilities.begin());
        p.referableProbability =
            p.gradeProbabilities[2] + p.gradeProbabilities[3] + p.gradeProbabilities[4];
        p.referable = p.referableProbability >= referableThreshold;
        if (quality.defined()) p.qualityScore = quality[b][0].item<double>();
        p.gradable = p.qualityScore >= gradableThreshold;
        if (heatmap.defined()) {
          p.heatmapHeight = static_cast<int>(heatmap.size(2));
          p.heatmapWidth = static_cast<int>(heatmap.size(3));
          p.heatmap.resize(static_cast<std::size_t>(p.heatmapWidth) * p.heatmapHeight);
          std::memcpy(p.heatmap.data(), heatmap[b][0].data_ptr<float>(),
                      p.heatmap.size() * sizeof(float));
          p.heatmapSource = HeatmapSource::Model;
        } else if (explanation.occlusionWhenNoHeatmap) {
          auto map = occlusionMap(impl_->module, all.narrow(0, first + b, 1).to(device),
                                  p.referableProbability, std::max(2, explanation.grid),
                                  std::max<std::int64_t>(8, impl_->batchSize), halfPrecision, m.id,
                                  cancel);
          if (!map.ok()) return map.error();
          p.heatmapHeight = static_cast<int>(height);
          p.heatmapWidth = static_cast<int>(width);
          p.heatmap.assign(map.value().data_ptr<float>(),
                           map.value().data_ptr<float>() + height * width);
          p.heatmapSource = HeatmapSource::Occlusion;
        }
        predictions.push_back(std::move(p));
      }
    }
  } catch (const std::exception& e) {
    return internal::torchError("model " + m.id, e);
  }
  return predictions;
}

}  // namespace vigie::inference
