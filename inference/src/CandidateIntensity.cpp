#include "vigie/inference/CandidateIntensity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace vigie::inference {

namespace {

constexpr double kUnit = 100.0;     // HU
constexpr double kLungHu = -400.0;  // under it, a voxel counts as lung
constexpr double kSmallestRadiusMm = 2.0;

/// Running sums of one region's HU.
struct Sums {
  double count = 0, sum = 0, squares = 0, lung = 0;
  void add(double v) {
    ++count;
    sum += v;
    squares += v * v;
    if (v < kLungHu) ++lung;
  }
  double mean() const { return sum / count; }
};

}  // namespace

std::vector<double> candidateIntensity(const core::CtVolume& hu, const core::Vec3& centerMm,
                                       double diameterMm) {
  if (hu.empty()) return std::vector<double>(kIntensityValues, 0.0);
  const double r = std::max(0.5 * diameterMm, kSmallestRadiusMm);
  const auto& g = hu.geometry();
  const core::Vec3 center = g.physicalToIndex(centerMm);
  const std::array<double, 3> c{center.x, center.y, center.z};
  const std::array<double, 3> spacing{g.spacing.x, g.spacing.y, g.spacing.z};
  const std::array<long, 3> size{static_cast<long>(g.size.i), static_cast<long>(g.size.j),
                                 static_cast<long>(g.size.k)};
  // Every voxel within 3r, clipped to the volume.
  std::array<long, 3> lo{}, hi{};
  for (int a = 0; a < 3; ++a) {
    const long reach = static_cast<long>(std::ceil(3 * r / spacing[a])) + 1;
    lo[a] = std::max(static_cast<long>(std::floor(c[a])) - reach, 0L);
    hi[a] = std::min(static_cast<long>(std::floor(c[a])) + reach, size[a] - 1);
  }
  Sums inside, shell, outer;
  double nearest = std::numeric_limits<double>::infinity();
  for (long k = lo[2]; k <= hi[2]; ++k)
    for (long j = lo[1]; j <= hi[1]; ++j)
      for (long i = lo[0]; i <= hi[0]; ++i) {
        const double dx = (i - c[0]) * spacing[0], dy = (j - c[1]) * spacing[1],
                     dz = (k - c[2]) * spacing[2];
        const double d = std::sqrt(dx * dx + dy * dy + dz * dz);
        const double v = static_cast<double>(hu.at(i, j, k));
        nearest = std::min(nearest, d);
        if (d <= r)
          inside.add(v);
        else if (d <= 2 * r)
          shell.add(v);
        else if (d <= 3 * r)
          outer.add(v);
      }
  if (inside.count == 0) {
    // A centre between slices thicker than r, or off the volume: the voxels
    // nearest it stand for the inside.
    for (long k = lo[2]; k <= hi[2]; ++k)
      for (long j = lo[1]; j <= hi[1]; ++j)
        for (long i = lo[0]; i <= hi[0]; ++i) {
          const double dx = (i - c[0]) * spacing[0], dy = (j - c[1]) * spacing[1],
                       dz = (k - c[2]) * spacing[2];
          if (std::sqrt(dx * dx + dy * dy + dz * dz) <= nearest + 1e-6)
            inside.add(static_cast<double>(hu.at(i, j, k)));
        }
  }
  if (inside.count == 0) {
    // A centre far off the volume: its nearest voxel.
    std::array<long, 3> n{};
    for (int a = 0; a < 3; ++a) n[a] = std::clamp(std::lround(c[a]), 0L, size[a] - 1);
    inside.add(static_cast<double>(hu.at(n[0], n[1], n[2])));
  }
  const double mean = inside.mean();
  const double variance = std::max(inside.squares / inside.count - mean * mean, 0.0);
  return {mean / kUnit, shell.count > 0 ? (mean - shell.mean()) / kUnit : 0.0,
          std::sqrt(variance) / kUnit, outer.count > 0 ? outer.lung / outer.count : 0.0};
}

}  // namespace vigie::inference
