#pragma once

#include <vector>

#include "vigie/core/Finding.h"
#include "vigie/core/Volume.h"

namespace vigie::inference {

struct FindingExtractorOptions {
  double threshold = 0.5;           ///< peaks below this score are not candidates
  double minSeparationMm = 4.0;     ///< two findings are never closer than this
  double maxSearchRadiusMm = 20.0;  ///< how far a blob may extend from its peak
  std::size_t maxFindings = 100;
};

/// Turns a probability heatmap into candidate findings: 3D local maxima above
/// the threshold, strongest first; each grows into the blob of voxels at or
/// above half its peak (6-connected), which gives the centre (score-weighted
/// centroid, LPS mm) and the diameter (of the sphere of equal volume); peaks
/// inside an accepted blob, or too close to it, are suppressed.
/// Pure computation, any thread.
std::vector<core::Finding> extractFindings(const core::FloatVolume& heatmap,
                                           const FindingExtractorOptions& options);

/// The largest diameter a finding can have on a heatmap of `spacing`: its
/// blob never leaves the search box around its peak.
double largestFindingDiameterMm(const FindingExtractorOptions& options,
                                const core::Vec3& spacingMm);

}  // namespace vigie::inference
