#include "vigie/inference/FindingExtractor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>

namespace vigie::inference {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Peak {
  std::size_t offset;
  float value;
};

/// The half-width of the search box, in voxels along each axis.
std::array<long, 3> searchReach(const FindingExtractorOptions& options, const core::Vec3& s) {
  return {static_cast<long>(std::ceil(options.maxSearchRadiusMm / s.x)),
          static_cast<long>(std::ceil(options.maxSearchRadiusMm / s.y)),
          static_cast<long>(std::ceil(options.maxSearchRadiusMm / s.z))};
}

double sphereDiameterMm(double volumeMm3) { return std::cbrt(6.0 * volumeMm3 / kPi); }

}  // namespace

double largestFindingDiameterMm(const FindingExtractorOptions& options, const core::Vec3& spacing) {
  const auto reach = searchReach(options, spacing);
  const double voxels = double(2 * reach[0] + 1) * double(2 * reach[1] + 1) * (2 * reach[2] + 1);
  return sphereDiameterMm(voxels * spacing.x * spacing.y * spacing.z);
}

std::vector<core::Finding> extractFindings(const core::FloatVolume& heatmap,
                                           const FindingExtractorOptions& options) {
  std::vector<core::Finding> findings;
  if (heatmap.empty()) return findings;
  const auto& g = heatmap.geometry();
  const long ni = g.size.i, nj = g.size.j, nk = g.size.k;
  const float* h = heatmap.data();
  const float threshold = static_cast<float>(options.threshold);

  // Local maxima: not smaller than any of the 26 neighbours, and strictly
  // larger than the neighbours that come earlier in memory, so a plateau
  // yields one peak, not many.
  std::vector<Peak> peaks;
  for (long k = 0; k < nk; ++k)
    for (long j = 0; j < nj; ++j)
      for (long i = 0; i < ni; ++i) {
        const std::size_t o = heatmap.offset(i, j, k);
        const float v = h[o];
        if (v < threshold) continue;
        bool isPeak = true;
        for (long dk = -1; dk <= 1 && isPeak; ++dk)
          for (long dj = -1; dj <= 1 && isPeak; ++dj)
            for (long di = -1; di <= 1 && isPeak; ++di) {
              if (!di && !dj && !dk) continue;
              const long ii = i + di, jj = j + dj, kk = k + dk;
              if (ii < 0 || jj < 0 || kk < 0 || ii >= ni || jj >= nj || kk >= nk) continue;
              const std::size_t n = heatmap.offset(ii, jj, kk);
              if (h[n] > v || (h[n] == v && n < o)) isPeak = false;
            }
        if (isPeak) peaks.push_back({o, v});
      }
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) {
    return a.value > b.value || (a.value == b.value && a.offset < b.offset);
  });

  std::vector<std::uint8_t> claimed(heatmap.voxelCount(), 0);
  const auto reach = searchReach(options, g.spacing);
  for (const Peak& peak : peaks) {
    if (findings.size() >= options.maxFindings) break;
    if (claimed[peak.offset]) continue;
    const long pi = peak.offset % ni, pj = (peak.offset / ni) % nj, pk = peak.offset / (ni * nj);
    const float floor = std::max(0.5f * peak.value, 0.5f * threshold);

    // Grow the blob at half maximum, within the search box.
    std::deque<std::size_t> queue{peak.offset};
    std::vector<std::size_t> blob;
    claimed[peak.offset] = 1;
    double weight = 0, ci = 0, cj = 0, ck = 0;
    while (!queue.empty()) {
      const std::size_t o = queue.front();
      queue.pop_front();
      blob.push_back(o);
      const long i = o % ni, j = (o / ni) % nj, k = o / (ni * nj);
      weight += h[o];
      ci += h[o] * i;
      cj += h[o] * j;
      ck += h[o] * k;
      const long steps[6][3] = {{1, 0, 0},  {-1, 0, 0}, {0, 1, 0},
                                {0, -1, 0}, {0, 0, 1},  {0, 0, -1}};
      for (const auto& s : steps) {
        const long ii = i + s[0], jj = j + s[1], kk = k + s[2];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= ni || jj >= nj || kk >= nk) continue;
        if (std::abs(ii - pi) > reach[0] || std::abs(jj - pj) > reach[1] ||
            std::abs(kk - pk) > reach[2])
          continue;
        const std::size_t n = heatmap.offset(ii, jj, kk);
        if (claimed[n] || h[n] < floor) continue;
        claimed[n] = 1;
        queue.push_back(n);
      }
    }
    core::Finding f;
    f.score = peak.value;
    f.centerMm = g.indexToPhysical({ci / weight, cj / weight, ck / weight});
    f.diameterMm = sphereDiameterMm(blob.size() * g.voxelVolume());
    const bool tooClose =
        std::any_of(findings.begin(), findings.end(), [&](const core::Finding& other) {
          return core::distance(other.centerMm, f.centerMm) <
                 std::max(options.minSeparationMm, 0.5 * other.diameterMm);
        });
    if (tooClose) continue;
    f.id = static_cast<int>(findings.size()) + 1;
    findings.push_back(f);
  }
  return findings;
}

}  // namespace vigie::inference
