// InferenceSession's MONAI paths: detectBoxes (RetinaNet-style detection
// bundles) and segment (segmentation bundles), run as MONAI would run them.

#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "CachingCpuAllocator.h"
#include "MonaiGrid.h"
#include "SessionImpl.h"
#include "WindowBudget.h"

namespace vigie::inference {

using internal::MonaiGrid;

namespace {

using Shape3 = std::array<std::int64_t, 3>;

/// MONAI's blending weights for one window: ones ("constant") or a Gaussian
/// of sigma 0.125 x the window, largest 1 at the centre ("gaussian").
torch::Tensor importanceMap(const Shape3& size, bool gaussian) {
  if (!gaussian) return torch::ones({size[0], size[1], size[2]});
  std::array<torch::Tensor, 3> axes;
  for (int a = 0; a < 3; ++a) {
    const double sigma = 0.125 * double(size[a]);
    auto t = torch::arange(size[a], torch::kFloat32) - float(size[a] - 1) / 2.0f;
    axes[a] = torch::exp(-(t * t) / float(2.0 * sigma * sigma));
  }
  auto map = axes[0].view({-1, 1, 1}) * axes[1].view({1, -1, 1}) * axes[2].view({1, 1, -1});
  map = map / map.max();
  return map.clamp_min(1e-3);
}

/// Every tensor in a network's output (a tensor, a list or tuple of them).
std::vector<torch::Tensor> tensorsIn(const c10::IValue& value) {
  std::vector<torch::Tensor> out;
  if (value.isTensor()) {
    out.push_back(value.toTensor());
  } else if (value.isTensorList()) {
    for (const auto& t : value.toTensorVector()) out.push_back(t);
  } else if (value.isList()) {
    for (const auto& item : value.toListRef())
      if (item.isTensor()) out.push_back(item.toTensor());
  } else if (value.isTuple()) {
    for (const auto& item : value.toTupleRef().elements())
      if (item.isTensor()) out.push_back(item.toTensor());
  }
  return out;
}

/// A RetinaNet's head maps, one per feature level.
struct HeadMaps {
  std::vector<torch::Tensor> classification;  ///< [B, A*C, x, y, z]
  std::vector<torch::Tensor> boxRegression;   ///< [B, A*6, x, y, z]
};

/// The head maps in a network's output: MONAI's dict {"classification": [...],
/// "box_regression": [...]}, or the flat list (classification maps first) of
/// use_list_output=True.
core::Result<HeadMaps> headMaps(const c10::IValue& output, const ModelManifest& m) {
  HeadMaps maps;
  const std::size_t levels = m.monai->featureMapScales.size();
  if (output.isGenericDict()) {
    const auto dict = output.toGenericDict();
    for (const auto& entry : dict) {
      if (!entry.key().isString()) continue;
      const std::string key = entry.key().toStringRef();
      if (key == "classification") maps.classification = tensorsIn(entry.value());
      if (key == "box_regression") maps.boxRegression = tensorsIn(entry.value());
    }
  } else {
    auto all = tensorsIn(output);
    if (all.size() == 2 * levels) {
      maps.classification.assign(all.begin(), all.begin() + levels);
      maps.boxRegression.assign(all.begin() + levels, all.end());
    }
  }
  const auto anchors = static_cast<std::int64_t>(m.monai->baseAnchorShapes.size());
  const std::string expected =
      "; a MONAI detector returns {\"classification\": [" + std::to_string(levels) + " maps of " +
      std::to_string(anchors * m.monai->numClasses) + " channels], \"box_regression\": [" +
      std::to_string(levels) + " maps of " + std::to_string(anchors * 6) + " channels]}";
  if (maps.classification.size() != levels || maps.boxRegression.size() != levels)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "model " + m.id + " returned no head maps for " +
                               std::to_string(levels) + " feature levels" + expected);
  for (std::size_t l = 0; l < levels; ++l) {
    const auto& c = maps.classification[l];
    const auto& b = maps.boxRegression[l];
    if (c.dim() != 5 || b.dim() != 5 || c.size(1) != anchors * m.monai->numClasses ||
        b.size(1) != anchors * 6 || c.sizes().slice(2) != b.sizes().slice(2))
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "model " + m.id + " returned level " + std::to_string(l) +
                                 " maps of shapes " + c10::str(c.sizes()) + " and " +
                                 c10::str(b.sizes()) + expected);
  }
  return maps;
}

/// MONAI's window placement over a padded volume: one window when it fits
/// (and no sliding window is forced), else windows of the roi size.
std::vector<Shape3> windowCorners(const Shape3& size, const Shape3& window, double overlap) {
  std::vector<Shape3> corners;
  for (auto x : internal::monaiWindowStarts(size[0], window[0], overlap))
    for (auto y : internal::monaiWindowStarts(size[1], window[1], overlap))
      for (auto z : internal::monaiWindowStarts(size[2], window[2], overlap))
        corners.push_back({x, y, z});
  return corners;
}

torch::Tensor windowOf(const torch::Tensor& volume, const Shape3& corner, const Shape3& window) {
  return volume.narrow(2, corner[0], window[0])
      .narrow(3, corner[1], window[1])
      .narrow(4, corner[2], window[2]);
}

/// Blends per-window maps into whole-volume maps: a sum weighted by the
/// importance map and the sum of weights, at each output's own resolution
/// (a detector's feature maps are the window's size over their stride).
class MapBlender {
 public:
  MapBlender(Shape3 volume, Shape3 window, bool gaussian)
      : volume_(volume), window_(window), gaussian_(gaussian) {}

  core::Status add(std::size_t index, const torch::Tensor& map, const Shape3& corner,
                   const std::string& model) {
    Shape3 mapSize{map.size(1), map.size(2), map.size(3)}, stride{};
    for (int a = 0; a < 3; ++a) {
      stride[a] = window_[a] / std::max<std::int64_t>(mapSize[a], 1);
      if (stride[a] < 1 || stride[a] * mapSize[a] != window_[a] || corner[a] % stride[a] != 0 ||
          volume_[a] % stride[a] != 0)
        return core::makeError(core::ErrorCode::InvalidArgument,
                               "model " + model + " returned a map of " + c10::str(map.sizes()) +
                                   " for a window of " + c10::str(c10::IntArrayRef(window_)) +
                                   ": not a whole stride of the window");
    }
    if (sums_.size() <= index) sums_.resize(index + 1), weights_.resize(index + 1);
    if (!sums_[index].defined()) {
      sums_[index] = torch::zeros(
          {map.size(0), volume_[0] / stride[0], volume_[1] / stride[1], volume_[2] / stride[2]},
          map.options());
      weights_[index] = torch::zeros(
          {volume_[0] / stride[0], volume_[1] / stride[1], volume_[2] / stride[2]}, map.options());
    }
    const auto weight = importanceMap(mapSize, gaussian_).to(map.device());
    auto sumWindow = sums_[index]
                         .narrow(1, corner[0] / stride[0], mapSize[0])
                         .narrow(2, corner[1] / stride[1], mapSize[1])
                         .narrow(3, corner[2] / stride[2], mapSize[2]);
    sumWindow.add_(map * weight);
    weights_[index]
        .narrow(0, corner[0] / stride[0], mapSize[0])
        .narrow(1, corner[1] / stride[1], mapSize[1])
        .narrow(2, corner[2] / stride[2], mapSize[2])
        .add_(weight);
    return {};
  }

  /// The blended map `index`, [channels, x, y, z].
  torch::Tensor result(std::size_t index) const { return sums_[index] / weights_[index]; }

 private:
  Shape3 volume_, window_;
  bool gaussian_;
  std::vector<torch::Tensor> sums_, weights_;
};

/// An axis-aligned box in grid voxels: x0, y0, z0, x1, y1, z1.
using Box = std::array<float, 6>;

double boxVolume(const Box& b) {
  return std::max(0.0f, b[3] - b[0]) * std::max(0.0f, b[4] - b[1]) * std::max(0.0f, b[5] - b[2]);
}

double intersectionOverUnion(const Box& a, const Box& b) {
  double inter = 1.0;
  for (int d = 0; d < 3; ++d)
    inter *= std::max(0.0f, std::min(a[d + 3], b[d + 3]) - std::max(a[d], b[d]));
  const double uni = boxVolume(a) + boxVolume(b) - inter;
  return uni > 0 ? inter / uni : 0.0;
}

struct Candidate {
  Box box;
  float score;
  int label;
};

/// MONAI's BoxSelector for one feature level: sigmoid, score threshold,
/// top-k, decoding (BoxCoder, weights 1, size deltas clamped at
/// log(1000/16)), clipping to the image and dropping boxes under a voxel.
void selectLevel(const torch::Tensor& logits, const torch::Tensor& deltas, int level,
                 const Shape3& padded, const Shape3& image, const MonaiPipeline& p,
                 std::vector<Candidate>& out) {
  const auto anchors = static_cast<std::int64_t>(p.baseAnchorShapes.size());
  const std::int64_t classes = p.numClasses;
  const Shape3 map{logits.size(1), logits.size(2), logits.size(3)};
  // Strides as MONAI's anchor generator takes them: image size // map size.
  const Shape3 stride{padded[0] / map[0], padded[1] / map[1], padded[2] / map[2]};
  // [A*C, x, y, z] -> [x, y, z, A, C] -> flat, as MONAI reshapes the head maps.
  auto scores = torch::sigmoid(logits.reshape({anchors, classes, map[0], map[1], map[2]})
                                   .permute({2, 3, 4, 0, 1})
                                   .reshape({-1}))
                    .contiguous();
  auto codes = deltas.reshape({anchors, 6, map[0], map[1], map[2]})
                   .permute({2, 3, 4, 0, 1})
                   .reshape({-1, 6})
                   .contiguous();
  auto keep = torch::nonzero(scores > p.scoreThreshold).view(-1);
  if (keep.numel() == 0) return;
  auto top =
      scores.index_select(0, keep).topk(std::min<std::int64_t>(p.topkPerLevel, keep.numel()));
  auto topScores = std::get<0>(top).contiguous();
  auto topIndex = keep.index_select(0, std::get<1>(top)).contiguous();

  // This level's anchors: base shapes x the level's scale, half-sizes rounded
  // half to even (torch.round), centred on index x stride (no half-stride offset).
  std::vector<std::array<float, 6>> base;
  for (const auto& shape : p.baseAnchorShapes) {
    std::array<float, 6> b{};
    for (int d = 0; d < 3; ++d) {
      const double half = shape[d] * p.featureMapScales[level] / 2.0;
      b[d] = static_cast<float>(std::nearbyint(-half));
      b[d + 3] = static_cast<float>(std::nearbyint(half));
    }
    base.push_back(b);
  }
  const float maxLogSize = std::log(1000.0f / 16.0f);
  const float* score = topScores.data_ptr<float>();
  const std::int64_t* index = topIndex.data_ptr<std::int64_t>();
  const float* allCodes = codes.data_ptr<float>();
  for (std::int64_t n = 0; n < topScores.numel(); ++n) {
    const std::int64_t anchorIndex = index[n] / classes;
    const int label = static_cast<int>(index[n] % classes);
    const auto& anchor = base[static_cast<std::size_t>(anchorIndex % anchors)];
    std::int64_t location = anchorIndex / anchors;
    Shape3 at{};
    at[2] = location % map[2], location /= map[2];
    at[1] = location % map[1], at[0] = location / map[1];
    const float* code = allCodes + anchorIndex * 6;
    Box box{};
    bool empty = false;
    for (int d = 0; d < 3; ++d) {
      const float shift = float(at[d] * stride[d]);
      const float lo = shift + anchor[d], hi = shift + anchor[d + 3];
      const float width = hi - lo, center = lo + 0.5f * width;
      const float predictedCenter = code[d] * width + center;
      const float predictedWidth = std::exp(std::min(code[d + 3], maxLogSize)) * width;
      box[d] = std::clamp(predictedCenter - 0.5f * predictedWidth, 0.0f, float(image[d]));
      box[d + 3] = std::clamp(predictedCenter + 0.5f * predictedWidth, 0.0f, float(image[d]));
      empty |= box[d + 3] - box[d] < 1.0f;
    }
    if (!empty) out.push_back({box, score[n], label});
  }
}

/// MONAI's batched NMS (per class) and its cap on detections per image.
std::vector<Candidate> nonMaximumSuppression(std::vector<Candidate> candidates,
                                             const MonaiPipeline& p) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  std::vector<Candidate> kept;
  for (const auto& c : candidates) {
    if (static_cast<int>(kept.size()) >= p.detectionsPerImage) break;
    const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](const Candidate& k) {
      return k.label == c.label && intersectionOverUnion(k.box, c.box) > p.nmsThreshold;
    });
    if (!suppressed) kept.push_back(c);
  }
  return kept;
}

/// The scan on MONAI's grid inside a zero-padded [1, 1, x, y, z] tensor of
/// `padded` voxels, its first voxel at `offset`: resampled in place, no copy.
torch::Tensor paddedGridInput(const core::CtVolume& scan, const MonaiGrid& grid,
                              const MonaiPipeline& p, const Shape3& padded, const Shape3& offset) {
  auto input = torch::zeros({1, 1, padded[0], padded[1], padded[2]});
  internal::resampleOntoGrid(scan, grid, p, input.data_ptr<float>(), padded, offset);
  return input;
}

/// A batch of windows; one window covering the whole input is the input itself.
torch::Tensor batchOf(const std::vector<torch::Tensor>& windows) {
  return windows.size() == 1 ? windows.front() : torch::cat(windows, 0);
}

/// Whether the session's model is a MONAI bundle of `family` and the scan has voxels.
core::Status checkMonaiRun(const ModelManifest& m, MonaiPipeline::Family family,
                           const core::CtVolume& scan) {
  if (!m.monai || m.monai->family != family)
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        "model " + m.id + " is not a MONAI " +
            (family == MonaiPipeline::Family::Detection ? "detection" : "segmentation") +
            " bundle");
  if (scan.empty()) return core::makeError(core::ErrorCode::InvalidArgument, "empty volume");
  return {};
}

/// What the network gave for a batch of windows: its output and which windows.
using WindowBatchHandler =
    std::function<core::Status(const c10::IValue& output, std::size_t first, std::size_t count)>;

/// Runs the network over the windows of `input` (corners, `window` voxels) in
/// batches of `batch`, handing each output on; checks for cancellation between
/// batches and reports progress after each.
core::Status forEachWindowBatch(torch::jit::Module& network, const torch::Tensor& input,
                                const std::vector<Shape3>& corners, const Shape3& window,
                                std::size_t batch, const InferenceProgress& progress,
                                const std::atomic<bool>* cancel, const WindowBatchHandler& take) {
  for (std::size_t first = 0; first < corners.size(); first += batch) {
    if (cancel && *cancel)
      return core::makeError(core::ErrorCode::Cancelled, "inference cancelled");
    const std::size_t count = std::min(batch, corners.size() - first);
    std::vector<torch::Tensor> patches;
    for (std::size_t w = first; w < first + count; ++w)
      patches.push_back(windowOf(input, corners[w], window));
    if (auto taken = take(network.forward({batchOf(patches)}), first, count); !taken.ok())
      return taken;
    if (progress) progress(first + count, corners.size());
  }
  return {};
}

/// A bundle's windows for one run: their size and how many go through the
/// network at once.
struct WindowPlan {
  Shape3 window;
  std::size_t batch = 1;
};

/// What a window may shrink to: each axis a multiple of `divisor`, and
/// MONAI's interval between windows (int(size x (1 - overlap))) one too when
/// the network's outputs are strided (a detector's feature maps).
/// No axis goes below `floor` voxels (or its full size when smaller).
struct WindowRules {
  std::array<int, 3> divisor{1, 1, 1};
  double tilingOverlap = 0.0;
  std::int64_t floor = 64;
};

/// The bundle's window and batch, unless the network's activations would
/// not fit in the memory budget: then fewer windows at a time and, when one
/// window alone does not fit, smaller windows (within `rules`) one at a time.
/// The network's bytes per voxel are measured on one small window of zeros
/// through the caching CPU allocator, so the plan holds for any network.
/// CPU only (a GPU's memory is its own); without the caching allocator
/// nothing is measured and the bundle's plan stands. Without a budget the
/// user set, small windows are not measured at all: half the machine's
/// free memory holds them.
WindowPlan planWindows(torch::jit::Module& network, const ComputeDevice& device,
                       std::optional<std::size_t> memoryBudget, const WindowRules& rules,
                       const Shape3& window, std::size_t batch, std::vector<std::string>& notes) {
  WindowPlan plan{window, batch};
  if (device.isCuda() || !internal::CachingCpuAllocator::installed()) return plan;
  const std::int64_t voxels = window[0] * window[1] * window[2];
  constexpr std::int64_t kProbeVoxels = std::int64_t{1} << 20;
  if (!memoryBudget && voxels * std::int64_t(batch) <= 4 * kProbeVoxels) return plan;
  const std::optional<double> budget = internal::windowBudgetBytes(memoryBudget);
  if (!budget) return plan;

  const Shape3 probe =
      internal::capWindow(window, rules.divisor, rules.tilingOverlap, kProbeVoxels, 32);
  const double perVoxel = internal::measureBytesPerVoxel(network, device, 1, probe).value_or(0.0);
  if (perVoxel <= 0) return plan;
  const auto fits = static_cast<std::int64_t>(*budget / perVoxel);
  if (voxels * std::int64_t(batch) <= fits) return plan;
  const std::string measured = " (" + std::to_string(std::lround(perVoxel)) +
                               " bytes per voxel, measured); budget " +
                               internal::describeMegabytes(*budget);
  if (voxels <= fits) {
    plan.batch = std::size_t(std::max<std::int64_t>(1, fits / voxels));
    notes.push_back("windows " + std::to_string(plan.batch) + " at a time instead of " +
                    std::to_string(batch) + " to stay within the memory budget" + measured);
    return plan;
  }
  plan.window = internal::capWindow(window, rules.divisor, rules.tilingOverlap, fits, rules.floor);
  plan.batch = 1;
  const std::int64_t planned = plan.window[0] * plan.window[1] * plan.window[2];
  notes.push_back("windows of " + internal::describeWindow(plan.window) + " instead of " +
                  internal::describeWindow(window) + " (" +
                  internal::describeMegabytes(double(voxels) * perVoxel) +
                  (batch > 1 ? ", " + std::to_string(batch) + " at a time" : std::string()) +
                  ") to stay within the memory budget" + measured +
                  (planned > fits ? "; the smallest window still needs " +
                                        internal::describeMegabytes(double(planned) * perVoxel)
                                  : std::string()));
  return plan;
}

/// A segmentation window shrinks in steps that keep the power of two of the
/// bundle's own window (up to 32): encoder-decoders such as UNet halve their
/// input several times and need windows those halvings divide.
WindowRules segmentationWindowRules(const std::array<int, 3>& roi) {
  WindowRules rules;
  rules.floor = 32;  // a network's deepest level still a few voxels wide
  for (int a = 0; a < 3; ++a) {
    int d = 1;
    while (d < 32 && roi[a] > 0 && roi[a] % (2 * d) == 0) d *= 2;
    rules.divisor[a] = d;
  }
  return rules;
}

}  // namespace

const std::vector<std::string>& InferenceSession::lastRunNotes() const {
  return impl_->lastRunNotes;
}

core::Result<std::vector<BoxDetection>> InferenceSession::detectBoxes(
    const core::CtVolume& scan, const InferenceProgress& progress,
    const std::atomic<bool>* cancel) {
  const ModelManifest& m = impl_->manifest;
  if (auto s = checkMonaiRun(m, MonaiPipeline::Family::Detection, scan); !s.ok()) return s.error();
  const MonaiPipeline& p = *m.monai;
  impl_->lastRunNotes.clear();
  try {
    torch::InferenceMode inferenceMode;
    const MonaiGrid grid = internal::monaiGrid(scan.geometry(), p);
    const Shape3 image{grid.size[0], grid.size[1], grid.size[2]};
    // Padded at the end to the size divisor, with zeros, as RetinaNetDetector does.
    Shape3 padded{}, window{};
    for (int a = 0; a < 3; ++a) {
      const std::int64_t div = std::max(1, p.sizeDivisible[a]);
      padded[a] = (image[a] + div - 1) / div * div;
    }
    const bool sliding = p.forceSlidingWindow || padded[0] > p.roiSize[0] ||
                         padded[1] > p.roiSize[1] || padded[2] > p.roiSize[2];
    for (int a = 0; a < 3; ++a)
      window[a] = sliding ? std::min<std::int64_t>(p.roiSize[a], padded[a]) : padded[a];
    // Windows start on every feature map's stride, so that their maps blend.
    const WindowPlan plan = planWindows(
        impl_->module, impl_->device, impl_->memoryBudgetBytes, {p.sizeDivisible, p.overlap, 64},
        window, std::size_t(std::max(1, p.swBatchSize)), impl_->lastRunNotes);
    window = plan.window;

    const torch::Device device = internal::torchDevice(impl_->device);
    auto input = paddedGridInput(scan, grid, p, padded, {0, 0, 0}).to(device);

    const auto corners = windowCorners(padded, window, p.overlap);
    MapBlender blender(padded, window, p.gaussianBlending);
    const std::size_t batch = plan.batch;
    const std::size_t levels = p.featureMapScales.size();
    auto ran = forEachWindowBatch(
        impl_->module, input, corners, window, batch, progress, cancel,
        [&](const c10::IValue& output, std::size_t first, std::size_t count) -> core::Status {
          auto maps = headMaps(output, m);
          if (!maps.ok()) return maps.error();
          for (std::size_t b = 0; b < count; ++b) {
            for (std::size_t l = 0; l < levels; ++l) {
              auto status = blender.add(l, maps.value().classification[l][b].to(torch::kFloat32),
                                        corners[first + b], m.id);
              if (!status.ok()) return status;
              status = blender.add(levels + l, maps.value().boxRegression[l][b].to(torch::kFloat32),
                                   corners[first + b], m.id);
              if (!status.ok()) return status;
            }
          }
          return {};
        });
    if (!ran.ok()) return ran.error();

    std::vector<Candidate> candidates;
    for (std::size_t l = 0; l < levels; ++l)
      selectLevel(blender.result(l).to(torch::kCPU), blender.result(levels + l).to(torch::kCPU),
                  static_cast<int>(l), padded, image, p, candidates);
    std::vector<BoxDetection> detections;
    for (const auto& c : nonMaximumSuppression(std::move(candidates), p)) {
      BoxDetection d;
      const core::Vec3 center{(c.box[0] + c.box[3]) / 2.0, (c.box[1] + c.box[4]) / 2.0,
                              (c.box[2] + c.box[5]) / 2.0};
      d.centerMm = grid.toPatient(center);
      for (int a = 0; a < 3; ++a) d.sizeMm[a] = double(c.box[a + 3] - c.box[a]) * grid.spacing[a];
      d.score = c.score;
      d.label = c.label;
      detections.push_back(d);
    }
    return detections;
  } catch (const std::exception& e) {
    return internal::torchError("model " + m.id, e);
  }
}

core::Result<SegmentationResult> InferenceSession::segment(const core::CtVolume& scan,
                                                           const InferenceProgress& progress,
                                                           const std::atomic<bool>* cancel) {
  const ModelManifest& m = impl_->manifest;
  if (auto s = checkMonaiRun(m, MonaiPipeline::Family::Segmentation, scan); !s.ok())
    return s.error();
  const MonaiPipeline& p = *m.monai;
  impl_->lastRunNotes.clear();
  try {
    torch::InferenceMode inferenceMode;
    const MonaiGrid grid = internal::monaiGrid(scan.geometry(), p);
    const Shape3 image{grid.size[0], grid.size[1], grid.size[2]};
    // MONAI's sliding window pads a volume smaller than the window on both
    // sides (half before, rounded down) with zeros, and crops the output back.
    Shape3 padded{}, before{}, window{};
    for (int a = 0; a < 3; ++a) {
      padded[a] = std::max<std::int64_t>(image[a], p.roiSize[a]);
      before[a] = (padded[a] - image[a]) / 2;
      window[a] = p.roiSize[a];
    }
    // The padding stays the bundle's; only the windows over it may shrink.
    const WindowPlan plan = planWindows(
        impl_->module, impl_->device, impl_->memoryBudgetBytes, segmentationWindowRules(p.roiSize),
        window, std::size_t(std::max(1, p.swBatchSize)), impl_->lastRunNotes);
    window = plan.window;
    const torch::Device device = internal::torchDevice(impl_->device);
    auto input = paddedGridInput(scan, grid, p, padded, before).to(device);

    const auto corners = windowCorners(padded, window, p.overlap);
    MapBlender blender(padded, window, p.gaussianBlending);
    const std::size_t batch = plan.batch;
    auto ran = forEachWindowBatch(
        impl_->module, input, corners, window, batch, progress, cancel,
        [&](const c10::IValue& output, std::size_t first, std::size_t count) -> core::Status {
          auto outputs = tensorsIn(output);
          if (outputs.empty() || outputs.front().dim() != 5 ||
              outputs.front().size(0) != static_cast<std::int64_t>(count) ||
              outputs.front().sizes().slice(2) != c10::IntArrayRef(window))
            return core::makeError(core::ErrorCode::InvalidArgument,
                                   "model " + m.id + " returned " +
                                       (outputs.empty() ? std::string("no tensor")
                                                        : c10::str(outputs.front().sizes())) +
                                       "; a MONAI segmentation network returns [batch, "
                                       "channels, " +
                                       c10::str(c10::IntArrayRef(window)) + "]");
          for (std::size_t b = 0; b < count; ++b) {
            auto status =
                blender.add(0, outputs.front()[b].to(torch::kFloat32), corners[first + b], m.id);
            if (!status.ok()) return status;
          }
          return {};
        });
    if (!ran.ok()) return ran.error();
    auto logits = blender.result(0)
                      .narrow(1, before[0], image[0])
                      .narrow(2, before[1], image[1])
                      .narrow(3, before[2], image[2]);
    const auto channels = static_cast<int>(logits.size(0));
    if (p.channel >= channels)
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "model " + m.id + " returned " + std::to_string(channels) +
                                 " channels; the bundle's channel is " + std::to_string(p.channel));
    auto probabilities = (p.softmax ? torch::softmax(logits, 0) : torch::sigmoid(logits))
                             .to(torch::kCPU)
                             .contiguous();

    SegmentationResult result{core::FloatVolume(scan.geometry(), core::Uninitialized{}),
                              core::Volume<std::uint8_t>(scan.geometry(), core::Uninitialized{})};
    std::optional<float> threshold;
    if (p.labelThreshold) threshold = static_cast<float>(*p.labelThreshold);
    internal::gridChannelsToScan(probabilities.data_ptr<float>(), channels, p.channel, threshold,
                                 grid, result.probability.data(), result.label.data());
    return result;
  } catch (const std::exception& e) {
    return internal::torchError("model " + m.id, e);
  }
}

}  // namespace vigie::inference
