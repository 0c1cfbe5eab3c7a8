#pragma once

#include <cstdint>
#include <optional>

#include "vigie/core/Result.h"
#include "vigie/core/Vec3.h"
#include "vigie/core/Volume.h"
#include "vigie/imaging/preprocess/VolumeCrop.h"

namespace vigie::imaging {

/// How the lung fields are found. Defaults suit chest CT in HU.
struct LungMaskOptions {
  double gridSpacingMm = 2.0;      ///< the mask's own grid: coarse, so it takes a second
  double airThresholdHu = -400.0;  ///< lung parenchyma and air lie below this
  double minLungMl = 50.0;         ///< smaller air pockets (bowel gas) are not lungs
  double closingRadiusMm = 12.0;   ///< fills vessels and pleural nodules up to ~24 mm
  double marginMm = 4.0;           ///< grown outwards, so a wall-attached nodule's centre stays in
  /// The trachea and the bronchi leaving the mediastinum are not lung: left
  /// in, they join the lungs and the closing takes in the mediastinum.
  bool leaveOutCentralAirway = true;
};

/// The lung fields of a chest CT: air-like voxels (below -400 HU) not
/// connected to the air around the body, in components of lung size, less the
/// trachea and central bronchi (traced from the top of the scan), closed
/// and hole-filled so that vessels and nodules inside or on the wall of the
/// lung belong to it, then grown by a margin. Computed with ITK on a coarse
/// grid; used to keep nodule candidates to the lungs.
class LungMask {
 public:
  /// Fails (InvalidArgument) when the volume holds no lung-sized air region.
  static core::Result<LungMask> segment(const core::CtVolume& ct,
                                        const LungMaskOptions& options = {});

  /// Whether a point (LPS, mm) lies in the mask; false outside its grid.
  bool contains(const core::Vec3& pointMm) const;

  /// 1 inside the lungs, 0 elsewhere, on the mask's coarse grid.
  const core::Volume<std::uint8_t>& mask() const { return mask_; }
  double volumeMl() const;

  /// The voxels of `grid` that hold the lung fields grown by `marginMm` on
  /// every side, clipped to the grid; none when the mask is empty or lies
  /// outside the grid.
  std::optional<IndexBox> boxIn(const core::VolumeGeometry& grid, double marginMm) const;

 private:
  explicit LungMask(core::Volume<std::uint8_t> mask) : mask_(std::move(mask)) {}
  core::Volume<std::uint8_t> mask_;
};

}  // namespace vigie::imaging
