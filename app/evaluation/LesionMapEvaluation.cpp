#include "LesionMapEvaluation.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace vigie::app {
namespace {

constexpr int kFieldOfViewLevel = 20;  // as the runtime finds the field of view
constexpr int kMaskLevel = 40;         // lossy masks: black is not quite 0

bool brighterThan(const core::Image2D& image, std::size_t pixel, int level) {
  const std::uint8_t* p = image.pixels.data() + pixel * image.channels;
  return *std::max_element(p, p + image.channels) > level;
}

/// Walks the 8-connected lesion regions of `inLesion` and, for each, whether
/// the heatmap reaches `level` somewhere in it.
template <typename Visit>
void forEachRegion(const std::vector<bool>& inLesion, const core::Image2D& heatmap, int level,
                   Visit visit) {
  const int w = heatmap.width, h = heatmap.height;
  std::vector<bool> seen(inLesion.size(), false);
  std::vector<std::size_t> stack;
  for (std::size_t start = 0; start < inLesion.size(); ++start) {
    if (!inLesion[start] || seen[start]) continue;
    bool reached = false;
    stack.assign(1, start);
    seen[start] = true;
    while (!stack.empty()) {
      const std::size_t at = stack.back();
      stack.pop_back();
      reached = reached || heatmap.pixels[at] >= level;
      const int x = static_cast<int>(at % w), y = static_cast<int>(at / w);
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const std::size_t next = static_cast<std::size_t>(ny) * w + nx;
          if (inLesion[next] && !seen[next]) {
            seen[next] = true;
            stack.push_back(next);
          }
        }
      }
    }
    visit(reached);
  }
}

}  // namespace

core::Status LesionMapEvaluation::add(const core::Image2D& heatmap, const core::Image2D& photograph,
                                      const std::array<core::Image2D, kLesionKinds>& masks,
                                      const std::string& name) {
  if (heatmap.channels != 1 || heatmap.width != photograph.width ||
      heatmap.height != photograph.height || heatmap.empty()) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           name + ": the heatmap does not cover the photograph");
  }
  for (std::size_t k = 0; k < kLesionKinds; ++k) {
    if (!masks[k].empty() &&
        (masks[k].width != photograph.width || masks[k].height != photograph.height)) {
      return core::makeError(core::ErrorCode::InvalidArgument,
                             name + ": the " + toString(static_cast<LesionKind>(k)) + " mask is " +
                                 std::to_string(masks[k].width) + "x" +
                                 std::to_string(masks[k].height) + ", the photograph " +
                                 std::to_string(photograph.width) + "x" +
                                 std::to_string(photograph.height));
    }
  }
  const std::size_t pixels = static_cast<std::size_t>(heatmap.width) * heatmap.height;
  const int level = static_cast<int>(std::lround(threshold_ * 255.0));
  std::vector<bool> anyLesion(pixels, false), inLesion(pixels, false);
  for (std::size_t k = 0; k < kLesionKinds; ++k) {
    if (masks[k].empty()) continue;
    for (std::size_t i = 0; i < pixels; ++i) {
      inLesion[i] = brighterThan(masks[k], i, kMaskLevel);
      if (!inLesion[i]) continue;
      anyLesion[i] = true;
      lesion_[k][heatmap.pixels[i]] += 1;
    }
    forEachRegion(inLesion, heatmap, level, [&](bool reached) {
      lesions_[k] += 1;
      found_[k] += reached ? 1 : 0;
    });
  }
  for (std::size_t i = 0; i < pixels; ++i) {
    if (!anyLesion[i] && brighterThan(photograph, i, kFieldOfViewLevel))
      background_[heatmap.pixels[i]] += 1;
  }
  ++photographs_;
  return {};
}

double LesionMapEvaluation::pixelAuc(LesionKind kind) const {
  const Histogram& positive = lesion_[index(kind)];
  std::uint64_t positives = 0, negatives = 0;
  for (int v = 0; v < 256; ++v) {
    positives += positive[v];
    negatives += background_[v];
  }
  if (positives == 0 || negatives == 0) return 0.0;
  // P(lesion pixel > background pixel) + P(equal) / 2, bin by bin.
  double wins = 0.0;
  std::uint64_t negativesBelow = 0;
  for (int v = 0; v < 256; ++v) {
    wins += static_cast<double>(positive[v]) *
            (static_cast<double>(negativesBelow) + 0.5 * static_cast<double>(background_[v]));
    negativesBelow += background_[v];
  }
  return wins / (static_cast<double>(positives) * static_cast<double>(negatives));
}

std::uint64_t LesionMapEvaluation::lesionPixels(LesionKind kind) const {
  std::uint64_t n = 0;
  for (auto count : lesion_[index(kind)]) n += count;
  return n;
}

double LesionMapEvaluation::lesionSensitivity(LesionKind kind) const {
  const std::size_t k = index(kind);
  return lesions_[k] ? static_cast<double>(found_[k]) / lesions_[k] : 0.0;
}

}  // namespace vigie::app
