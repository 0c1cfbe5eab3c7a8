#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/Vec3.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {

enum class NoduleType { Solid, PartSolid, GroundGlass };
/// What a nodule touches, which is what makes it hard for a detector.
/// Pleura is the chest wall; Diaphragm is the lung base, where a nodule rests
/// on the dome (the place a detector taught that the lungs' borders are
/// negatives learns to miss).
enum class NoduleAttachment { Isolated, Vessel, Pleura, Diaphragm };

const char* toString(NoduleType type);         ///< "solid", "part-solid", "ground-glass"
const char* toString(NoduleAttachment where);  ///< "isolated", "vessel", "pleura", "diaphragm"

/// Ground truth for one inserted nodule.
struct NoduleTruth {
  core::Vec3 centerMm;    ///< LPS patient coordinates, mm
  double diameterMm = 0;  ///< nominal (mean) diameter, mm
  NoduleType type = NoduleType::Solid;
  NoduleAttachment attachment = NoduleAttachment::Isolated;
  bool lobulated = false;
  bool spiculated = false;  ///< thin strands radiating into the lung
};

struct ChestCtPhantomOptions {
  core::VolumeSize size{512, 512, 300};
  core::Vec3 spacingMm{0.7, 0.7, 1.0};
  std::uint64_t seed = 1;
  /// Number of nodules; a negative value draws 3 to 8 from the seed.
  int noduleCount = -1;
  /// Diameters are log-uniform from the minimum to 15 mm (small nodules are
  /// the common and the hard case); when the maximum is above 15 mm, one
  /// nodule in seven is a mass drawn uniformly from 15 mm to the maximum.
  double minNoduleDiameterMm = 3.0;
  double maxNoduleDiameterMm = 30.0;
  /// Standard deviation of the (spatially correlated) noise, HU.
  double noiseSdHu = 18.0;
  /// Worker threads for voxel filling; the output does not depend on it.
  int threads = 0;  ///< 0: hardware concurrency
};

struct ChestCtPhantom {
  core::CtVolume volume;             ///< HU, axial slices, identity direction (LPS)
  std::vector<NoduleTruth> nodules;  ///< in the order they were inserted
};

/// Builds a synthetic chest CT, deterministic from the seed: body outline with
/// fat and muscle, two lungs with a branching vessel tree, airways, fissures
/// and (in some patients) emphysema, heart, aorta, spine, ribs, liver dome,
/// CT-like correlated noise, and nodules of 3-30 mm (solid, part-solid,
/// ground-glass; round, lobulated or spiculated; isolated, on a vessel, on
/// the chest wall or on the diaphragm).
///
/// Anatomy scales with the field of view, so a coarse 128^3 grid still looks
/// like a thorax; nodule sizes are absolute (mm).
/// Thread-safe (no shared state); blocks for a few seconds at 512x512x300.
class ChestCtPhantomGenerator {
 public:
  explicit ChestCtPhantomGenerator(ChestCtPhantomOptions options);
  core::Result<ChestCtPhantom> generate() const;

 private:
  ChestCtPhantomOptions options_;
};

}  // namespace vigie::imaging
