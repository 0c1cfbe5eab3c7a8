#pragma once

// Internal to the chest phantom: the analytic anatomy (which tissue is at a
// point), shared by the voxel fill and by the placement of vessels and nodules
// so that both agree on where the lungs are.

#include "vigie/core/Vec3.h"
#include "vigie/core/VolumeGeometry.h"

namespace vigie::imaging::internal {

/// Tissue classes kept per voxel while building the phantom.
enum Tissue : unsigned char { kOutside = 0, kSoftTissue = 1, kLung = 2, kBone = 3, kAirway = 4 };

struct TissueSample {
  Tissue tissue = kOutside;
  float hu = -1000.0f;
};

/// A chest of adult proportions fitted to the grid's field of view. In-plane
/// sizes scale with the field of view, heights with the scanned length.
class ThoraxModel {
 public:
  explicit ThoraxModel(const core::VolumeGeometry& geometry);

  /// Tissue and noiseless HU at a patient position (LPS, mm).
  TissueSample sample(const core::Vec3& p) const;
  /// True inside the lung parenchyma (before vessels and airways are drawn).
  bool isLung(const core::Vec3& p) const;

  double inPlaneScale() const { return scale_; }
  /// z (mm) at a fraction of the scanned length, 0 = most inferior slice.
  double zAt(double fraction) const { return zMin_ + fraction * zLength_; }
  /// Where the right (sign -1) or left (+1) hilum sits, mm.
  core::Vec3 hilum(int side) const;
  /// The carina and the end of the main bronchus of a side (-1 right, +1 left).
  core::Vec3 carina() const;
  core::Vec3 mainBronchusEnd(int side) const;

 private:
  double bodyRadius(double x, double y) const;  ///< normalised elliptic radius, 1 = skin
  bool inLungEnvelope(double x, double y, double z, int side) const;
  bool isRib(double x, double y, double z, double rho) const;

  double scale_ = 1.0;
  double zMin_ = 0.0;
  double zLength_ = 1.0;
};

}  // namespace vigie::imaging::internal
