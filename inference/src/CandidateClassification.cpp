// InferenceSession's second stage for CT: rescoring the heatmap's candidates
// with the bundle's candidate classifier.

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "SessionImpl.h"
#include "vigie/inference/InferenceSession.h"

namespace vigie::inference {
namespace {

/// The cube of `volume` (HU) centred on the voxel nearest `centerMm`, as
/// floats; voxels outside the volume are `air`. Size: `patch` (x, y, z).
torch::Tensor cubeAround(const core::CtVolume& volume, const core::Vec3& centerMm,
                         const std::array<int, 3>& patch, std::int16_t air) {
  const auto& g = volume.geometry();
  const core::Vec3 index = g.physicalToIndex(centerMm);
  const long start[3] = {std::lround(index.x) - patch[0] / 2, std::lround(index.y) - patch[1] / 2,
                         std::lround(index.z) - patch[2] / 2};
  const long size[3] = {static_cast<long>(g.size.i), static_cast<long>(g.size.j),
                        static_cast<long>(g.size.k)};
  auto cube = torch::full({patch[2], patch[1], patch[0]}, static_cast<float>(air));
  float* out = cube.data_ptr<float>();
  // The part of each row inside the volume: the same for every row.
  const long first = std::max(0L, -start[0]), last = std::min<long>(patch[0], size[0] - start[0]);
  if (first >= last) return cube;
  for (long z = 0; z < patch[2]; ++z) {
    const long k = start[2] + z;
    if (k < 0 || k >= size[2]) continue;
    for (long y = 0; y < patch[1]; ++y) {
      const long j = start[1] + y;
      if (j < 0 || j >= size[1]) continue;
      const std::int16_t* row = volume.data() + volume.offset(start[0] + first, j, k);
      float* target = out + (z * patch[1] + y) * patch[0];
      std::copy(row, row + (last - first), target + first);
    }
  }
  return cube;
}

}  // namespace

bool InferenceSession::hasCandidateClassifier() const { return impl_->classifier.has_value(); }

core::Result<std::vector<double>> InferenceSession::classifyCandidates(
    const core::CtVolume& volume, const std::vector<core::Vec3>& centersMm,
    const std::atomic<bool>* cancel) {
  const ModelManifest& m = impl_->manifest;
  if (!impl_->classifier || !m.candidateClassifier) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "model " + m.id + " has no candidate classifier");
  }
  const CandidateClassifier& c = *m.candidateClassifier;
  std::vector<double> scores;
  scores.reserve(centersMm.size());
  try {
    torch::InferenceMode inferenceMode;
    const torch::Device device = internal::torchDevice(impl_->device);
    const auto air = static_cast<std::int16_t>(std::lround(m.intensityWindowHu[0]));
    const std::size_t batch = static_cast<std::size_t>(c.batchSize);
    for (std::size_t first = 0; first < centersMm.size(); first += batch) {
      if (cancel && *cancel)
        return core::makeError(core::ErrorCode::Cancelled, "inference cancelled");
      const std::size_t count = std::min(batch, centersMm.size() - first);
      std::vector<torch::Tensor> cubes;
      for (std::size_t n = first; n < first + count; ++n)
        cubes.push_back(cubeAround(volume, centersMm[n], c.patchSize, air));
      auto input = torch::stack(cubes).unsqueeze(1);  // [N, 1, z, y, x]
      internal::normalizeIntensities(m, input);
      torch::Tensor logits = impl_->classifier->forward({input.to(device)})
                                 .toTensor()
                                 .to(torch::kCPU, torch::kFloat32);
      if (logits.dim() == 2 && logits.size(1) == 1) logits = logits.squeeze(1);
      if (logits.dim() != 1 || logits.size(0) != static_cast<std::int64_t>(count)) {
        return core::makeError(
            core::ErrorCode::InvalidArgument,
            "model " + m.id + ": the candidate classifier returned a tensor of shape " +
                c10::str(logits.sizes()) + "; expected [" + std::to_string(count) + "] or [" +
                std::to_string(count) + ", 1]");
      }
      auto probability = torch::sigmoid(logits).contiguous();
      const float* p = probability.data_ptr<float>();
      scores.insert(scores.end(), p, p + count);
    }
  } catch (const std::exception& e) {
    return internal::torchError("model " + m.id + ", candidate classifier", e);
  }
  return scores;
}

}  // namespace vigie::inference
