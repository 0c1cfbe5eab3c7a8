#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {

/// Who and what the written series says it is. The defaults describe a
/// synthetic phantom; no real patient data ever goes here by default.
struct CtSeriesDescription {
  std::string patientName = "PHANTOM^CHEST";
  std::string patientId = "VIGIE-SYNTH";
  std::string studyDescription = "Synthetic chest CT (not for clinical use)";
  std::string seriesDescription = "Vigie phantom, 1 mm";
  std::string studyDate = "20260101";  ///< fixed so that output bytes depend on the seed only
  std::string manufacturer = "Vigie synthetic phantom";
  /// Every UID is derived from this, so the same seed gives the same files.
  std::uint64_t uidSeed = 1;
};

/// Writes a HU volume as a DICOM CT Image Storage series (one file per axial
/// slice, Explicit VR Little Endian, 12-bit unsigned with Rescale Intercept
/// -1024), with Image Position/Orientation (Patient), Pixel Spacing, Slice
/// Thickness and Frame of Reference taken from the volume's geometry.
///
/// Blocks; writes slices on several threads. Any thread may call.
class CtSeriesWriter {
 public:
  explicit CtSeriesWriter(CtSeriesDescription description = {});

  /// Creates `directory` if needed and writes CT000001.dcm, CT000002.dcm, ...
  /// Returns the file paths, in slice order.
  core::Result<std::vector<std::filesystem::path>> write(
      const core::CtVolume& volume, const std::filesystem::path& directory) const;

 private:
  CtSeriesDescription description_;
};

}  // namespace vigie::imaging
