#include "MonaiGrid.h"

#include "vigie/inference/MonaiPreprocessing.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace vigie::inference::internal {

namespace {

/// numpy.round: halves go to the even neighbour.
double roundHalfEven(double v) {
  const double r = std::nearbyint(v);  // the default rounding mode is to-nearest-even
  return r;
}

/// Where each grid index along one axis falls in the scan: the two neighbours
/// and the weight of the upper one, clamped to the scan (border padding).
struct AxisSamples {
  std::vector<std::int64_t> lower, upper;
  std::vector<float> weight;
};

/// Samples along an axis of `size` voxels at `count` continuous positions
/// position(t), t = 0..count-1, clamped to the axis (border padding).
template <typename Position>
AxisSamples sampleAt(std::int64_t count, std::int64_t size, const Position& position) {
  AxisSamples s;
  s.lower.resize(count), s.upper.resize(count), s.weight.resize(count);
  for (std::int64_t t = 0; t < count; ++t) {
    const double at = std::clamp(position(t), 0.0, double(size - 1));
    const auto lo = static_cast<std::int64_t>(std::floor(at));
    s.lower[t] = lo;
    s.upper[t] = std::min<std::int64_t>(lo + 1, size - 1);
    s.weight[t] = static_cast<float>(at - double(lo));
  }
  return s;
}

/// Grid voxels along one array axis -> the scan's voxels along its axis.
AxisSamples sampleAxis(std::int64_t count, std::int64_t sourceSize, bool flipped, double step) {
  const double last = double(sourceSize - 1);
  return sampleAt(count, sourceSize, [&](std::int64_t t) {
    const double along = double(t) * step;
    return flipped ? last - along : along;
  });
}

std::int64_t sourceCount(const core::VolumeSize& size, int axis) {
  return static_cast<std::int64_t>(axis == 0 ? size.i : (axis == 1 ? size.j : size.k));
}

double sourceSpacing(const core::VolumeGeometry& g, int axis) { return g.spacing[axis]; }

}  // namespace

core::Vec3 MonaiGrid::sourceIndex(const core::Vec3& gridIndex) const {
  core::Vec3 index;
  for (int w = 0; w < 3; ++w) {
    const int a = sourceAxis[w];
    const double along = gridIndex[w] * step[w];
    index[a] = flipped[w] ? double(sourceCount(source.size, a) - 1) - along : along;
  }
  return index;
}

MonaiGrid monaiGrid(const core::VolumeGeometry& source, const MonaiPipeline& p) {
  MonaiGrid g;
  g.source = source;
  // Each scan axis goes to the RAS axis it points along most (LPS -> RAS
  // negates x and y); ties and oblique scans resolve to one axis per world axis.
  std::array<bool, 3> taken{false, false, false};
  for (int a = 0; a < 3; ++a) {
    const core::Vec3 d = source.direction[a];
    const std::array<double, 3> ras{-d.x, -d.y, d.z};
    int best = -1;
    for (int w = 0; w < 3; ++w)
      if (!taken[w] && (best < 0 || std::fabs(ras[w]) > std::fabs(ras[best]))) best = w;
    taken[best] = true;
    g.sourceAxis[best] = a;
    g.flipped[best] = ras[best] < 0;
  }
  for (int w = 0; w < 3; ++w) {
    const int a = g.sourceAxis[w];
    const std::int64_t n = sourceCount(source.size, a);
    const double scanSpacing = sourceSpacing(source, a);
    g.spacing[w] = p.resample ? p.pixdim[w] : scanSpacing;
    g.step[w] = g.spacing[w] / scanSpacing;
    g.size[w] = std::max<std::int64_t>(
        1,
        static_cast<std::int64_t>(roundHalfEven(double(n - 1) * scanSpacing / g.spacing[w] + 1.0)));
  }
  return g;
}

void resampleOntoGrid(const core::CtVolume& scan, const MonaiGrid& grid, const MonaiPipeline& p,
                      float* out, const std::array<std::int64_t, 3>& outSize,
                      const std::array<std::int64_t, 3>& offset) {
  std::array<AxisSamples, 3> axes;
  const auto& size = scan.size();
  for (int w = 0; w < 3; ++w)
    axes[w] = sampleAxis(grid.size[w], sourceCount(size, grid.sourceAxis[w]), grid.flipped[w],
                         grid.step[w]);
  // Strides of the scan's index axes in its buffer (i fastest).
  const std::array<std::int64_t, 3> stride{1, static_cast<std::int64_t>(size.i),
                                           static_cast<std::int64_t>(size.i * size.j)};
  std::array<std::int64_t, 3> axisStride{};
  for (int w = 0; w < 3; ++w) axisStride[w] = stride[grid.sourceAxis[w]];

  const double scale = (p.bMax - p.bMin) / (p.aMax - p.aMin);
  const double lowB = std::min(p.bMin, p.bMax), highB = std::max(p.bMin, p.bMax);
  const std::int16_t* v = scan.data();
  const std::int64_t ny = grid.size[1], nz = grid.size[2];
  at::parallel_for(0, grid.size[0], 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t x = begin; x < end; ++x) {
      const std::int64_t x0 = axes[0].lower[x] * axisStride[0],
                         x1 = axes[0].upper[x] * axisStride[0];
      const float wx = axes[0].weight[x];
      for (std::int64_t y = 0; y < ny; ++y) {
        const std::int64_t y0 = axes[1].lower[y] * axisStride[1],
                           y1 = axes[1].upper[y] * axisStride[1];
        const float wy = axes[1].weight[y];
        float* row = out + ((x + offset[0]) * outSize[1] + y + offset[1]) * outSize[2] + offset[2];
        for (std::int64_t z = 0; z < nz; ++z) {
          const std::int64_t z0 = axes[2].lower[z] * axisStride[2],
                             z1 = axes[2].upper[z] * axisStride[2];
          const float wz = axes[2].weight[z];
          auto lerp = [](float a, float b, float t) { return a + (b - a) * t; };
          const float c00 = lerp(v[x0 + y0 + z0], v[x1 + y0 + z0], wx);
          const float c10 = lerp(v[x0 + y1 + z0], v[x1 + y1 + z0], wx);
          const float c01 = lerp(v[x0 + y0 + z1], v[x1 + y0 + z1], wx);
          const float c11 = lerp(v[x0 + y1 + z1], v[x1 + y1 + z1], wx);
          const float hu = lerp(lerp(c00, c10, wy), lerp(c01, c11, wy), wz);
          double scaled = (double(hu) - p.aMin) * scale + p.bMin;
          if (p.clip) scaled = std::clamp(scaled, lowB, highB);
          row[z] = static_cast<float>(scaled);
        }
      }
    }
  });
}

void gridChannelsToScan(const float* channels, int channelCount, int chosen,
                        std::optional<float> threshold, const MonaiGrid& grid, float* probability,
                        std::uint8_t* label) {
  const bool argmax = !threshold;
  const auto& size = grid.source.size;
  // Scan axis a is grid axis w: the inverse of sourceIndex, one axis at a time.
  std::array<AxisSamples, 3> bySource;
  std::array<std::int64_t, 3> gridStride{grid.size[1] * grid.size[2], grid.size[2], 1};
  std::array<std::int64_t, 3> strideBySource{};
  for (int w = 0; w < 3; ++w) {
    const int a = grid.sourceAxis[w];
    const std::int64_t n = sourceCount(size, a);
    bySource[a] = sampleAt(n, grid.size[w], [&](std::int64_t t) {
      return (grid.flipped[w] ? double(n - 1 - t) : double(t)) / grid.step[w];
    });
    strideBySource[a] = gridStride[w];
  }
  const std::int64_t channelStride = grid.voxelCount();
  const std::int64_t ni = size.i, nj = size.j, nk = size.k;
  // Without argmax only the chosen channel is needed.
  const int firstChannel = argmax ? 0 : chosen, lastChannel = argmax ? channelCount - 1 : chosen;
  at::parallel_for(0, nk, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> values(static_cast<std::size_t>(channelCount));
    for (std::int64_t k = begin; k < end; ++k) {
      const std::int64_t k0 = bySource[2].lower[k] * strideBySource[2],
                         k1 = bySource[2].upper[k] * strideBySource[2];
      const float wk = bySource[2].weight[k];
      for (std::int64_t j = 0; j < nj; ++j) {
        const std::int64_t j0 = bySource[1].lower[j] * strideBySource[1],
                           j1 = bySource[1].upper[j] * strideBySource[1];
        const float wj = bySource[1].weight[j];
        for (std::int64_t i = 0; i < ni; ++i) {
          const std::int64_t i0 = bySource[0].lower[i] * strideBySource[0],
                             i1 = bySource[0].upper[i] * strideBySource[0];
          const float wi = bySource[0].weight[i];
          for (int c = firstChannel; c <= lastChannel; ++c) {
            const float* m = channels + c * channelStride;
            auto lerp = [](float a, float b, float t) { return a + (b - a) * t; };
            const float c00 = lerp(m[i0 + j0 + k0], m[i1 + j0 + k0], wi);
            const float c10 = lerp(m[i0 + j1 + k0], m[i1 + j1 + k0], wi);
            const float c01 = lerp(m[i0 + j0 + k1], m[i1 + j0 + k1], wi);
            const float c11 = lerp(m[i0 + j1 + k1], m[i1 + j1 + k1], wi);
            values[c] = lerp(lerp(c00, c10, wj), lerp(c01, c11, wj), wk);
          }
          const auto offset = static_cast<std::size_t>((k * nj + j) * ni + i);
          probability[offset] = values[chosen];
          if (argmax) {
            const auto best = std::max_element(values.begin(), values.end()) - values.begin();
            label[offset] = best == chosen ? 1 : 0;
          } else {
            label[offset] = values[chosen] >= *threshold ? 1 : 0;
          }
        }
      }
    }
  });
}

std::vector<std::int64_t> monaiWindowStarts(std::int64_t size, std::int64_t roi, double overlap) {
  if (roi >= size) return {0};
  const std::int64_t interval =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(double(roi) * (1.0 - overlap)));
  std::vector<std::int64_t> starts;
  for (std::int64_t start = 0;; start += interval) {
    starts.push_back(std::min(start, size - roi));
    if (start + roi >= size) break;
  }
  return starts;
}

}  // namespace vigie::inference::internal

namespace vigie::inference {

MonaiPreprocessed preprocessLikeMonai(const core::CtVolume& scan, const MonaiPipeline& pipeline) {
  const auto grid = internal::monaiGrid(scan.geometry(), pipeline);
  MonaiPreprocessed out;
  out.size = grid.size;
  out.voxels.resize(static_cast<std::size_t>(grid.voxelCount()));
  internal::resampleOntoGrid(scan, grid, pipeline, out.voxels.data(), grid.size, {0, 0, 0});
  const core::Vec3 origin = grid.toPatient({0, 0, 0});
  for (int w = 0; w < 4; ++w) {
    core::Vec3 column = origin;
    if (w < 3) {
      core::Vec3 step{0, 0, 0};
      step[w] = 1.0;
      column = grid.toPatient(step) - origin;
    }
    // LPS -> RAS: x and y change sign.
    out.rasAffine[0][w] = -column.x;
    out.rasAffine[1][w] = -column.y;
    out.rasAffine[2][w] = column.z;
    out.rasAffine[3][w] = w == 3 ? 1.0 : 0.0;
  }
  return out;
}

}  // namespace vigie::inference
