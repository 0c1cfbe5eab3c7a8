#pragma once

// Internal: the state of an InferenceSession, shared by the files that
// implement its 3D (CT) and 2D (fundus) paths.

#include <torch/script.h>

#include <exception>
#include <optional>
#include <string>

#include "WindowBudget.h"
#include "vigie/inference/InferenceSession.h"

namespace vigie::inference {

struct InferenceSession::Impl {
  ModelManifest manifest;
  ComputeDevice device;
  torch::jit::Module module;
  /// The candidate classifier, when the model has one.
  std::optional<torch::jit::Module> classifier;
  double overlap = 0.5;
  int batchSize = 2;
  int parallelWindows = 1;  ///< batches of windows in flight at once on the CPU
  bool optimized = false;
  /// For a MONAI model's windows and for windows fitted to the volume.
  std::optional<std::size_t> memoryBudgetBytes;
  /// What the network's activations take per voxel of a window on the CPU,
  /// measured the first time fitted windows need it (0: it cannot be measured).
  std::optional<double> bytesPerVoxel;
  std::vector<std::string> lastRunNotes;
};

namespace internal {

/// A LibTorch exception as an Error, without its C++ backtrace.
inline core::Error torchError(const std::string& context, const std::exception& e) {
  std::string what = e.what();
  // c10 messages carry a long C++ backtrace after the first line.
  const auto newline = what.find('\n');
  if (newline != std::string::npos) what.resize(newline);
  return core::makeError(core::ErrorCode::Internal, context + ": " + what);
}

/// The LibTorch device a session's ComputeDevice names.
inline torch::Device torchDevice(const ComputeDevice& device) {
  return device.isCuda() ? torch::Device(torch::kCUDA, device.cudaIndex)
                         : torch::Device(torch::kCPU);
}

/// The manifest's intensity window and normalisation, applied in place to HU
/// values; returns the value air (the window's low end) becomes, for padding.
double normalizeIntensities(const ModelManifest& m, torch::Tensor& hu);

/// Loads a TorchScript file onto `device`, in half precision when
/// `halfPrecision` (its inputs must then be half too), and optimises it for
/// inference when it can be frozen; `optimised` says whether it could.
core::Result<torch::jit::Module> loadNetwork(const std::string& file, const torch::Device& device,
                                             bool halfPrecision, bool& optimized);

/// The memory the network's activations take per voxel of a window on the
/// CPU: one window of zeros of shape `probe` (with `channels` input channels)
/// run through the caching CPU allocator, its peak a quarter higher for the
/// workspaces and the blending maps. Nothing on a GPU (its memory is its own)
/// or without the caching allocator, which alone can tell.
std::optional<double> measureBytesPerVoxel(torch::jit::Module& network, const ComputeDevice& device,
                                           int channels, const WindowShape& probe);

}  // namespace internal
}  // namespace vigie::inference
