#include "vigie/inference/CandidateShape.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace vigie::inference {

namespace {

constexpr double kLowHu = -1000.0, kHighHu = 400.0;
constexpr double kUnit = 100.0;  // HU: keeps the values near 1 for a fitted calibration

/// Sampled Gaussian of `sigmaMm` on a grid of `spacingMm` out to 4 sigma,
/// and its first and second derivatives (per mm, per mm^2). The smoothing
/// kernel sums to 1, the second-derivative one to 0 (a flat image has no
/// curvature wherever it is cut).
struct AxisKernels {
  int radius = 0;
  std::vector<double> g, d1, d2;
};

AxisKernels axisKernels(double sigmaMm, double spacingMm) {
  AxisKernels k;
  k.radius = std::max(1, static_cast<int>(std::ceil(4.0 * sigmaMm / spacingMm)));
  double sum = 0, d2Mean = 0;
  for (int n = -k.radius; n <= k.radius; ++n) {
    const double x = n * spacingMm;
    const double g = std::exp(-x * x / (2 * sigmaMm * sigmaMm));
    k.g.push_back(g);
    sum += g;
  }
  for (std::size_t n = 0; n < k.g.size(); ++n) {
    const double x = (static_cast<int>(n) - k.radius) * spacingMm;
    k.g[n] /= sum;
    const double s2 = sigmaMm * sigmaMm;
    k.d1.push_back(-x / s2 * k.g[n]);
    k.d2.push_back((x * x - s2) / (s2 * s2) * k.g[n]);
    d2Mean += k.d2.back();
  }
  d2Mean /= static_cast<double>(k.d2.size());
  for (double& v : k.d2) v -= d2Mean;
  return k;
}

/// Eigenvalues of a symmetric 3x3 matrix, ascending (cyclic Jacobi rotations).
std::array<double, 3> symmetricEigenvalues(std::array<std::array<double, 3>, 3> a) {
  for (int sweep = 0; sweep < 50; ++sweep) {
    const double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
    if (off < 1e-24) break;
    for (int p = 0; p < 2; ++p)
      for (int q = p + 1; q < 3; ++q) {
        if (std::abs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t =
            (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (int r = 0; r < 3; ++r) {  // columns p and q
          const double arp = a[r][p], arq = a[r][q];
          a[r][p] = c * arp - s * arq;
          a[r][q] = s * arp + c * arq;
        }
        for (int r = 0; r < 3; ++r) {  // rows p and q
          const double apr = a[p][r], aqr = a[q][r];
          a[p][r] = c * apr - s * aqr;
          a[q][r] = s * apr + c * aqr;
        }
      }
  }
  std::array<double, 3> values{a[0][0], a[1][1], a[2][2]};
  std::sort(values.begin(), values.end());
  return values;
}

}  // namespace

std::vector<double> defaultShapeScalesMm() { return {1.0, 1.6, 2.5, 4.0}; }

std::vector<double> candidateShape(const core::CtVolume& hu, const core::Vec3& centerMm,
                                   const std::vector<double>& scalesMm) {
  std::vector<double> values;
  if (hu.empty()) return std::vector<double>(scalesMm.size() * kShapeValuesPerScale, 0.0);
  const auto& g = hu.geometry();
  const core::Vec3 index = g.physicalToIndex(centerMm);
  const std::array<long, 3> size{static_cast<long>(g.size.i), static_cast<long>(g.size.j),
                                 static_cast<long>(g.size.k)};
  std::array<long, 3> center{};
  for (int a = 0; a < 3; ++a) center[a] = std::clamp(std::lround(index[a]), 0L, size[a] - 1);
  const std::array<double, 3> spacing{g.spacing.x, g.spacing.y, g.spacing.z};

  for (const double sigma : scalesMm) {
    std::array<AxisKernels, 3> k{axisKernels(sigma, spacing[0]), axisKernels(sigma, spacing[1]),
                                 axisKernels(sigma, spacing[2])};
    // The six second derivatives at the centre only: one weighted sum over
    // the kernels' support, each factor a 1D kernel (Gaussians are separable).
    double hxx = 0, hyy = 0, hzz = 0, hxy = 0, hxz = 0, hyz = 0;
    for (int dk = -k[2].radius; dk <= k[2].radius; ++dk) {
      const long kk = std::clamp(center[2] + dk, 0L, size[2] - 1);
      const double gz = k[2].g[dk + k[2].radius], d1z = k[2].d1[dk + k[2].radius],
                   d2z = k[2].d2[dk + k[2].radius];
      for (int dj = -k[1].radius; dj <= k[1].radius; ++dj) {
        const long jj = std::clamp(center[1] + dj, 0L, size[1] - 1);
        const double gy = k[1].g[dj + k[1].radius], d1y = k[1].d1[dj + k[1].radius],
                     d2y = k[1].d2[dj + k[1].radius];
        // Sums along x for this row: smoothed, first and second derivative.
        double sx = 0, s1x = 0, s2x = 0;
        for (int di = -k[0].radius; di <= k[0].radius; ++di) {
          const long ii = std::clamp(center[0] + di, 0L, size[0] - 1);
          const double v = std::clamp(static_cast<double>(hu.at(ii, jj, kk)), kLowHu, kHighHu);
          sx += v * k[0].g[di + k[0].radius];
          s1x += v * k[0].d1[di + k[0].radius];
          s2x += v * k[0].d2[di + k[0].radius];
        }
        hxx += s2x * gy * gz;
        hyy += sx * d2y * gz;
        hzz += sx * gy * d2z;
        hxy += s1x * d1y * gz;
        hxz += s1x * gy * d1z;
        hyz += sx * d1y * d1z;
      }
    }
    const double norm = sigma * sigma / kUnit;
    const auto l = symmetricEigenvalues({{{hxx * norm, hxy * norm, hxz * norm},
                                          {hxy * norm, hyy * norm, hyz * norm},
                                          {hxz * norm, hyz * norm, hzz * norm}}});
    values.insert(values.end(), l.begin(), l.end());
    // By magnitude: |m1| >= |m2| >= |m3|.
    std::array<double, 3> m = l;
    std::sort(m.begin(), m.end(), [](double a, double b) { return std::abs(a) > std::abs(b); });
    const bool dot = m[0] < 0 && m[1] < 0 && m[2] < 0;
    const bool line = m[0] < 0 && m[1] < 0;
    values.push_back(dot ? m[2] * m[2] / std::abs(m[0]) : 0.0);
    values.push_back(line ? std::abs(m[1]) * (std::abs(m[1]) - std::abs(m[2])) / std::abs(m[0])
                          : 0.0);
  }
  return values;
}

}  // namespace vigie::inference
