#include "CentralAirway.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace vigie::imaging::internal {
namespace {

/// The 4-connected regions of one slice's set pixels (OpenCV, as the fundus
/// lesion regions are found): per pixel its label (0: none, r + 1: region r),
/// each region's area and its centroid along i.
struct SliceRegions {
  cv::Mat labels;  // CV_32S
  std::vector<std::size_t> area;
  std::vector<double> meanI;
  int at(std::size_t pixel) const { return labels.ptr<int>()[pixel]; }
};

SliceRegions labelSlice(std::vector<std::uint8_t>& set, std::size_t ni, std::size_t nj) {
  SliceRegions regions;
  const cv::Mat mask(static_cast<int>(nj), static_cast<int>(ni), CV_8U, set.data());
  cv::Mat stats, centroids;
  const int count =
      cv::connectedComponentsWithStats(mask, regions.labels, stats, centroids, 4, CV_32S);
  for (int label = 1; label < count; ++label) {
    regions.area.push_back(static_cast<std::size_t>(stats.at<int>(label, cv::CC_STAT_AREA)));
    regions.meanI.push_back(centroids.at<double>(label, 0));
  }
  return regions;
}

/// Grows `seed` by `steps` 6-connected voxels, staying inside `within`.
void growWithin(std::vector<std::uint8_t>& seed, const core::Volume<std::uint8_t>& within,
                int steps) {
  const auto& n = within.size();
  const std::size_t plane = n.i * n.j;
  for (int step = 0; step < steps; ++step) {
    std::vector<std::uint8_t> grown = seed;
    for (std::size_t k = 0; k < n.k; ++k)
      for (std::size_t j = 0; j < n.j; ++j)
        for (std::size_t i = 0; i < n.i; ++i) {
          const std::size_t p = within.offset(i, j, k);
          if (!seed[p]) continue;
          auto take = [&](std::size_t q) {
            if (within.data()[q]) grown[q] = 1;
          };
          if (i > 0) take(p - 1);
          if (i + 1 < n.i) take(p + 1);
          if (j > 0) take(p - n.i);
          if (j + 1 < n.j) take(p + n.i);
          if (k > 0) take(p - plane);
          if (k + 1 < n.k) take(p + plane);
        }
    seed.swap(grown);
  }
}

}  // namespace

std::size_t removeCentralAirway(core::Volume<std::uint8_t>& lungAir, const core::CtVolume& hu,
                                const CentralAirwayOptions& options) {
  const core::VolumeGeometry& g = lungAir.geometry();
  // Slices must be axial and i must run left-right: the trachea is sought at
  // the top of the scan, near the midline.
  if (std::abs(g.direction[2].z) < 0.9 || std::abs(g.direction[0].x) < 0.9) return 0;
  const auto& n = g.size;
  const std::size_t plane = n.i * n.j;
  const double pixelMm2 = g.spacing.x * g.spacing.y;
  const auto maxPixels = static_cast<std::size_t>(options.maxCrossSectionMm2 / pixelMm2);

  // Slice indices from the head down.
  std::vector<std::size_t> headFirst(n.k);
  for (std::size_t s = 0; s < n.k; ++s) headFirst[s] = g.direction[2].z > 0 ? n.k - 1 - s : s;

  std::size_t minI = n.i, maxI = 0;
  std::size_t top = n.k;  // position in headFirst of the first slice with lung air
  for (std::size_t s = 0; s < n.k; ++s) {
    const std::uint8_t* air = lungAir.slice(headFirst[s]);
    for (std::size_t p = 0; p < plane; ++p) {
      if (!air[p]) continue;
      minI = std::min(minI, p % n.i);
      maxI = std::max(maxI, p % n.i);
      if (top == n.k) top = s;
    }
  }
  if (top == n.k) return 0;
  const double midlineI = 0.5 * static_cast<double>(minI + maxI);

  auto lumenOf = [&](std::size_t k) {
    std::vector<std::uint8_t> lumen(plane, 0);
    const std::uint8_t* air = lungAir.slice(k);
    const std::int16_t* value = hu.slice(k);
    for (std::size_t p = 0; p < plane; ++p) lumen[p] = air[p] && value[p] < options.lumenHu;
    return lumen;
  };

  std::vector<std::uint8_t> airway(lungAir.voxelCount(), 0);
  std::vector<std::uint8_t> followed(plane, 0);  // the airway's section on the slice above
  for (std::size_t s = top; s < n.k; ++s) {
    const std::size_t k = headFirst[s];
    std::vector<std::uint8_t> lumen = lumenOf(k);
    const SliceRegions regions = labelSlice(lumen, n.i, n.j);
    // A section larger than an airway's is a lung's: that branch ends there.
    std::vector<std::uint8_t> taken(regions.area.size(), 0);
    if (s == top) {
      for (std::size_t r = 0; r < regions.area.size(); ++r)
        taken[r] =
            regions.area[r] <= maxPixels &&
            std::abs(regions.meanI[r] - midlineI) * g.spacing.x <= options.maxMidlineOffsetMm;
    } else {
      for (std::size_t p = 0; p < plane; ++p) {
        const int id = regions.at(p);
        if (id && followed[p] && regions.area[id - 1] <= maxPixels) taken[id - 1] = 1;
      }
    }
    bool anyFollowed = false;
    std::uint8_t* out = airway.data() + lungAir.offset(0, 0, k);
    for (std::size_t p = 0; p < plane; ++p) {
      const int id = regions.at(p);
      followed[p] = id && taken[id - 1];
      out[p] = followed[p];
      anyFollowed = anyFollowed || followed[p];
    }
    if (!anyFollowed) break;
  }

  growWithin(airway, lungAir, options.wallVoxels);
  std::size_t cleared = 0;
  std::uint8_t* air = lungAir.data();
  for (std::size_t p = 0; p < airway.size(); ++p) {
    if (airway[p] && air[p]) {
      air[p] = 0;
      ++cleared;
    }
  }
  return cleared;
}

}  // namespace vigie::imaging::internal
