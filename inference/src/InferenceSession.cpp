#include "vigie/inference/InferenceSession.h"

#include "CachingCpuAllocator.h"
#include "SessionImpl.h"
#include "WindowTiling.h"
#include "WindowWorkers.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

namespace vigie::inference {

namespace {

/// Gaussian weights (sigma = patch/8 per axis) that favour window centres, where
/// the network sees the most context and zero padding least.
torch::Tensor importanceMap(std::int64_t d, std::int64_t h, std::int64_t w) {
  auto axis = [](std::int64_t n) {
    auto x = torch::arange(n, torch::kFloat32) - (n - 1) / 2.0;
    const double sigma = std::max(1.0, n / 8.0);
    return torch::exp(-(x * x) / (2 * sigma * sigma));
  };
  auto map = axis(d).view({d, 1, 1}) * axis(h).view({1, h, 1}) * axis(w).view({1, 1, w});
  map = map / map.max();
  // A floor keeps the blend defined where only window borders overlap; it must
  // stay far below the corner weights of a 3D window (about 1e-10), or the
  // borders of many windows outvote the interior of one.
  return map.clamp_min(1e-12);
}

/// A fitted window's weights: 1 where its answer is kept, 0 in the voxels it
/// trims next to its neighbours (internal::WindowTiling::kept).
torch::Tensor keptMap(const internal::WindowTiling& tiling, std::size_t iz, std::size_t iy,
                      std::size_t ix) {
  auto axis = [&](int a, std::size_t index) {
    auto ones = torch::zeros({tiling.window[a]}, torch::kFloat32);
    const auto kept = tiling.kept(a, index);
    ones.narrow(0, kept[0], kept[1] - kept[0]).fill_(1.0f);
    return ones;
  };
  const std::int64_t d = tiling.window[0], h = tiling.window[1], w = tiling.window[2];
  return axis(0, iz).view({d, 1, 1}) * axis(1, iy).view({1, h, 1}) * axis(2, ix).view({1, 1, w});
}

/// How many voxels a fitted window may hold, and why.
struct FittedWindowLimit {
  std::int64_t voxels = 0;
  double bytesPerVoxel = 0;  ///< measured; 0 when the budget was not consulted
  double budgetBytes = 0;
};

/// The manifest's limit on a fitted window's voxels, lowered where the
/// windows in flight at once would not fit the memory budget (the user's, or
/// half of what the system has available). Fitted windows give the same
/// heatmap however the volume is split, so a tighter budget costs time only.
/// `measured` keeps the network's bytes per voxel from one run to the next
/// (internal::measureBytesPerVoxel; 0 when it cannot be measured).
FittedWindowLimit fittedWindowLimit(torch::jit::Module& network, const ComputeDevice& device,
                                    const ModelManifest& m, std::optional<std::size_t> userBudget,
                                    int windowsInFlight, std::optional<double>& measured) {
  FittedWindowLimit limit{m.windowMaxVoxels};
  const std::optional<double> budget = internal::windowBudgetBytes(userBudget);
  if (!budget || device.isCuda()) return limit;
  if (!measured) {
    constexpr std::int64_t kProbe = 64;  // a multiple of every pooling grid a manifest may name
    measured = internal::measureBytesPerVoxel(network, device, m.channels, {kProbe, kProbe, kProbe})
                   .value_or(0.0);
  }
  if (*measured <= 0) return limit;
  limit.bytesPerVoxel = *measured;
  limit.budgetBytes = *budget;
  const auto fits = static_cast<std::int64_t>(*budget / (*measured * std::max(1, windowsInFlight)));
  limit.voxels = std::clamp<std::int64_t>(fits, 1, m.windowMaxVoxels);
  return limit;
}

/// Why the windows are smaller than the manifest's, for lastRunNotes.
std::string fittedWindowNote(const internal::WindowTiling& tiling,
                             const internal::WindowTiling& manifests,
                             const FittedWindowLimit& limit) {
  const std::int64_t voxels = tiling.window[0] * tiling.window[1] * tiling.window[2];
  std::string note =
      std::to_string(tiling.count()) + " windows of " + internal::describeWindow(tiling.window) +
      " voxels instead of " + std::to_string(manifests.count()) + " of " +
      internal::describeWindow(manifests.window) + " to stay within the memory budget of " +
      internal::describeMegabytes(limit.budgetBytes) + " (" +
      std::to_string(std::lround(limit.bytesPerVoxel)) + " bytes per voxel, measured)";
  if (voxels > limit.voxels)
    note += "; the smallest window that holds the network's context still needs " +
            internal::describeMegabytes(double(voxels) * limit.bytesPerVoxel);
  return note;
}

}  // namespace

namespace internal {

double normalizeIntensities(const ModelManifest& m, torch::Tensor& hu) {
  const double lo = m.intensityWindowHu[0], hi = m.intensityWindowHu[1];
  hu.clamp_(lo, hi);
  if (m.normalization == ModelManifest::Normalization::MinMax) {
    hu.sub_(lo).div_(hi - lo);
    return 0.0;
  }
  hu.sub_(m.mean).div_(m.sd);
  return (lo - m.mean) / m.sd;
}

core::Result<torch::jit::Module> loadNetwork(const std::string& file, const torch::Device& device,
                                             bool halfPrecision, bool& optimized) {
  torch::jit::Module module;
  try {
    module = torch::jit::load(file, device);
    module.eval();
    // Before freezing, which turns the weights into constants that to() no
    // longer reaches: half inputs need half weights.
    if (halfPrecision) module.to(torch::kHalf);
  } catch (const std::exception& e) {
    return torchError(file + ": not a loadable TorchScript model", e);
  }
  try {
    // Freezing folds batch norms into convolutions and, on the CPU, moves them
    // to oneDNN (MKLDNN) layouts: three times as fast as unfrozen on the
    // reference model 0.1.0 (`bench infer`). A model that cannot be frozen
    // still runs, unoptimised.
    module = torch::jit::optimize_for_inference(module);
    optimized = true;
  } catch (const std::exception&) {
    optimized = false;  // reported through optimised(), shown in findings.json
  }
  return module;
}

std::optional<double> measureBytesPerVoxel(torch::jit::Module& network, const ComputeDevice& device,
                                           int channels, const WindowShape& probe) {
  if (device.isCuda() || !CachingCpuAllocator::installed()) return std::nullopt;
  auto& allocator = CachingCpuAllocator::instance();
  const std::size_t before = allocator.liveBytes();
  allocator.resetPeak();
  network.forward({torch::zeros({1, channels, probe[0], probe[1], probe[2]})});
  const double used = double(allocator.peakLiveBytes() - before);
  if (used <= 0) return std::nullopt;
  return 1.25 * used / double(probe[0] * probe[1] * probe[2]);
}

}  // namespace internal

InferenceSession::InferenceSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InferenceSession::~InferenceSession() {
  // What the session's runs kept for reuse goes back to the system with it,
  // the network's own weights included (freed first, or they would be kept).
  impl_.reset();
  internal::CachingCpuAllocator::instance().releaseCached();
}

const ModelManifest& InferenceSession::manifest() const { return impl_->manifest; }
const ComputeDevice& InferenceSession::device() const { return impl_->device; }
bool InferenceSession::optimized() const { return impl_->optimized; }

core::Result<std::unique_ptr<InferenceSession>> InferenceSession::create(
    const ModelBundle& bundle, const SessionOptions& options) {
  // Before the first tensor of a run: every window's activations then reuse
  // the previous window's memory instead of faulting fresh pages in.
  internal::CachingCpuAllocator::install();
  auto impl = std::make_unique<Impl>();
  impl->manifest = bundle.manifest();
  if (options.fixedWindows) impl->manifest.windowContextVoxels.reset();
  impl->device = selectDevice(options.preferCpu, options.cpuThreads);
  impl->overlap = std::clamp(options.overlap.value_or(impl->manifest.overlap), 0.0, 0.95);
  impl->batchSize = std::max(1, options.batchSize.value_or(impl->manifest.batchSize));
  impl->memoryBudgetBytes = options.memoryBudgetBytes;
  impl->parallelWindows = std::max(1, options.parallelWindows);
  const torch::Device target = internal::torchDevice(impl->device);
  // The main network runs in half precision on a GPU when the bundle allows
  // it (predictHeatmap and predictFundus then feed it half inputs).
  const bool halfPrecision = impl->device.isCuda() && impl->manifest.fp16OnCuda;
  auto network =
      internal::loadNetwork(bundle.weightsPath().string(), target, halfPrecision, impl->optimized);
  if (!network.ok()) return network.error();
  impl->module = std::move(network.value());
  if (impl->manifest.candidateClassifier) {
    bool classifierOptimized = false;
    auto classifier =
        internal::loadNetwork(bundle.classifierPath().string(), target, false, classifierOptimized);
    if (!classifier.ok()) return classifier.error();
    impl->classifier = std::move(classifier.value());
  }
  return std::unique_ptr<InferenceSession>(new InferenceSession(std::move(impl)));
}

core::Result<core::FloatVolume> InferenceSession::predictHeatmap(const core::CtVolume& volume,
                                                                 const InferenceProgress& progress,
                                                                 const std::atomic<bool>* cancel,
                                                                 std::optional<double> overlap) {
  const ModelManifest& m = impl_->manifest;
  const double windowOverlap = overlap ? std::clamp(*overlap, 0.0, 0.95) : impl_->overlap;
  if (m.task != ModelManifest::Task::CtNoduleDetection || !m.heatmapOutput) {
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        "model " + m.id + " does not produce a 3D heatmap (task " + toString(m.task) + ")");
  }
  if (volume.empty()) return core::makeError(core::ErrorCode::InvalidArgument, "empty volume");
  try {
    torch::InferenceMode inferenceMode;
    const auto& size = volume.size();
    const std::int64_t D = size.k, H = size.j, W = size.i;
    // Fixed windows of the manifest's patch, or windows fitted to this volume
    // within the memory budget.
    impl_->lastRunNotes.clear();
    internal::WindowTiling tiling;
    if (m.windowContextVoxels) {
      const FittedWindowLimit limit =
          fittedWindowLimit(impl_->module, impl_->device, m, impl_->memoryBudgetBytes,
                            impl_->batchSize * impl_->parallelWindows, impl_->bytesPerVoxel);
      tiling =
          internal::fittedTiling({D, H, W}, *m.windowContextVoxels, m.windowMultiple, limit.voxels);
      if (limit.voxels < m.windowMaxVoxels) {
        const internal::WindowTiling manifests = internal::fittedTiling(
            {D, H, W}, *m.windowContextVoxels, m.windowMultiple, m.windowMaxVoxels);
        if (tiling.window != manifests.window)
          impl_->lastRunNotes.push_back(fittedWindowNote(tiling, manifests, limit));
      }
    } else {
      tiling = internal::steppedTiling({D, H, W}, {m.patchSize[2], m.patchSize[1], m.patchSize[0]},
                                       windowOverlap);
    }
    const std::int64_t pd = tiling.window[0], ph = tiling.window[1], pw = tiling.window[2];
    // Fitted windows change shape from one pass to the next: the blocks kept
    // from an earlier pass would sit beside this pass's instead of serving them.
    if (m.windowContextVoxels) internal::CachingCpuAllocator::instance().releaseCached();

    // Normalise once; from_blob wraps the volume's voxels without copying them.
    auto hu = torch::from_blob(const_cast<std::int16_t*>(volume.data()), {D, H, W}, torch::kInt16);
    auto input = hu.to(torch::kFloat32);
    const double padValue = internal::normalizeIntensities(m, input);
    // Each shifted pass tiles the volume with its windows moved towards the
    // start: the volume sits that far into its padded copy.
    const std::vector<std::array<int, 3>> shifts =
        m.windowShifts.empty() ? std::vector<std::array<int, 3>>{{0, 0, 0}} : m.windowShifts;
    std::int64_t SW = 0, SH = 0, SD = 0;
    for (const auto& s : shifts) {
      SW = std::max<std::int64_t>(SW, s[0]);
      SH = std::max<std::int64_t>(SH, s[1]);
      SD = std::max<std::int64_t>(SD, s[2]);
    }
    // Pad with air (the window's low end) where the windows reach past the
    // volume (one smaller than a patch, or fitted windows on their multiple);
    // before it, by the largest shift, with copies of its first voxels:
    // a body cut flat by air inside a window is what the network has never
    // seen, and it fires on it.
    const std::int64_t TD = std::max(D, tiling.starts[0].back() + pd),
                       TH = std::max(H, tiling.starts[1].back() + ph),
                       TW = std::max(W, tiling.starts[2].back() + pw);
    const std::int64_t PD = TD + SD, PH = TH + SH, PW = TW + SW;
    if (PD != D || PH != H || PW != W) {
      auto padded = torch::full({PD, PH, PW}, padValue, torch::kFloat32);
      padded.narrow(0, SD, D).narrow(1, SH, H).narrow(2, SW, W).copy_(input);
      const std::int64_t lead[3] = {SD, SH, SW};
      for (int axis = 0; axis < 3; ++axis) {
        if (lead[axis] == 0) continue;
        padded.narrow(axis, 0, lead[axis])
            .copy_(
                padded.narrow(axis, lead[axis], 1).expand_as(padded.narrow(axis, 0, lead[axis])));
      }
      input = padded;
    }

    const torch::Device device = internal::torchDevice(impl_->device);
    const bool halfPrecision = impl_->device.isCuda() && m.fp16OnCuda;
    // Stepped windows are blended, centres first; fitted ones each give the
    // voxels they hold with enough context (keptMap).
    const bool fitted = tiling.trimmed > 0;
    const torch::Tensor centerWeights =
        fitted ? torch::Tensor() : importanceMap(pd, ph, pw).to(device);
    auto accumulated =
        torch::zeros({PD, PH, PW}, torch::TensorOptions(torch::kFloat32).device(device));
    auto weightSum = torch::zeros_like(accumulated);
    input = input.to(device);

    struct Window {
      std::int64_t z, y, x;
      std::size_t view;  // into views: the dimensions it is read flipped along
      std::array<std::size_t, 3> index{0, 0, 0};  // among each axis's starts (z, y, x)
    };
    // The first view reads the windows as they are; each mirrored pass, flipped
    // along its axes (x, y, z: the patch's dimensions 2, 1, 0).
    std::vector<std::vector<std::int64_t>> views{{}};
    for (const std::string& axes : m.mirroredPasses) {
      std::vector<std::int64_t> dims;
      for (const char axis : axes) dims.push_back(axis == 'x' ? 2 : axis == 'y' ? 1 : 0);
      views.push_back(dims);
    }
    // A pass shifted by s moves every window s voxels towards the start but
    // the last, which stays flush with the end: as many windows as one pass,
    // and every voxel still covered.
    auto startsShifted = [&](int axis, std::int64_t padding, std::int64_t shift) {
      std::vector<std::int64_t> starts = tiling.starts[axis];
      for (std::size_t n = 0; n + 1 < starts.size(); ++n) starts[n] += padding - shift;
      starts.back() += padding;
      return starts;
    };
    std::vector<Window> windows;
    for (std::size_t view = 0; view < views.size(); ++view)
      for (const auto& s : shifts) {
        const auto zs = startsShifted(0, SD, s[2]), ys = startsShifted(1, SH, s[1]),
                   xs = startsShifted(2, SW, s[0]);
        for (std::size_t iz = 0; iz < zs.size(); ++iz)
          for (std::size_t iy = 0; iy < ys.size(); ++iy)
            for (std::size_t ix = 0; ix < xs.size(); ++ix)
              windows.push_back({zs[iz], ys[iy], xs[ix], view, {iz, iy, ix}});
      }

    auto weightsOf = [&](const Window& win) {
      return fitted ? keptMap(tiling, win.index[0], win.index[1], win.index[2]).to(device)
                    : centerWeights;
    };

    const std::size_t batch = static_cast<std::size_t>(impl_->batchSize);
    const std::size_t batches = (windows.size() + batch - 1) / batch;
    // Each batch blends its windows into the shared sums under one lock: the
    // network call, which takes nearly all the time, runs outside it.
    std::mutex blending;
    auto runBatch = [&](std::size_t index) -> core::Status {
      torch::InferenceMode workerInferenceMode;  // per thread, like the mode above
      const std::size_t first = index * batch;
      const std::size_t count = std::min(batch, windows.size() - first);
      std::vector<torch::Tensor> patches;
      for (std::size_t w = first; w < first + count; ++w) {
        const Window& win = windows[w];
        auto patch = input.narrow(0, win.z, pd).narrow(1, win.y, ph).narrow(2, win.x, pw);
        patches.push_back(views[win.view].empty() ? patch : patch.flip(views[win.view]));
      }
      auto batchInput = torch::stack(patches).unsqueeze(1);  // [B, 1, D, H, W]
      if (m.channels > 1) batchInput = batchInput.expand({-1, m.channels, -1, -1, -1}).contiguous();
      if (halfPrecision) batchInput = batchInput.to(torch::kHalf);
      torch::Tensor output = impl_->module.forward({batchInput}).toTensor().to(torch::kFloat32);
      if (output.dim() != 5 || output.size(2) != pd || output.size(3) != ph ||
          output.size(4) != pw) {
        return core::makeError(core::ErrorCode::InvalidArgument,
                               "model " + m.id + " returned a tensor of shape " +
                                   c10::str(output.sizes()) + "; expected [batch, channels, " +
                                   std::to_string(pd) + ", " + std::to_string(ph) + ", " +
                                   std::to_string(pw) + "]");
      }
      torch::Tensor probability;
      switch (m.heatmapActivation) {
        case ModelManifest::Activation::Sigmoid:
          probability = torch::sigmoid(output.select(1, output.size(1) - 1));
          break;
        case ModelManifest::Activation::Softmax:
          probability = torch::softmax(output, 1).select(1, output.size(1) - 1);
          break;
        case ModelManifest::Activation::None:
          probability = output.select(1, output.size(1) - 1);
          break;
      }
      std::lock_guard<std::mutex> lock(blending);
      for (std::size_t b = 0; b < count; ++b) {
        const Window& win = windows[first + b];
        const torch::Tensor windowProbability =
            views[win.view].empty() ? probability[b] : probability[b].flip(views[win.view]);
        const torch::Tensor weights = weightsOf(win);
        accumulated.narrow(0, win.z, pd)
            .narrow(1, win.y, ph)
            .narrow(2, win.x, pw)
            .add_(windowProbability * weights);
        weightSum.narrow(0, win.z, pd).narrow(1, win.y, ph).narrow(2, win.x, pw).add_(weights);
      }
      return {};
    };
    const internal::WindowThreads threads =
        impl_->device.isCuda() ? internal::WindowThreads{}
                               : internal::planWindowThreads(impl_->device.cpuThreads,
                                                             impl_->parallelWindows, batches);
    auto ran = internal::runWindowJobs(
        batches, threads, runBatch,
        [&](std::size_t done) {
          if (progress) progress(std::min(windows.size(), done * batch), windows.size());
        },
        cancel, "model " + m.id);
    // Workers set their own thread counts; the process goes back to the session's.
    if (threads.workers > 1) at::set_num_threads(impl_->device.cpuThreads);
    if (!ran.ok()) return ran.error();
    auto heatmap = (accumulated / weightSum)
                       .narrow(0, SD, D)
                       .narrow(1, SH, H)
                       .narrow(2, SW, W)
                       .to(torch::kCPU)
                       .contiguous();
    core::FloatVolume result(volume.geometry());
    std::memcpy(result.data(), heatmap.data_ptr<float>(), result.voxelCount() * sizeof(float));
    return result;
  } catch (const std::exception& e) {
    return internal::torchError("model " + m.id, e);
  }
}

}  // namespace vigie::inference
