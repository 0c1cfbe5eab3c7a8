#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"

namespace vigie::imaging {

struct OphthalmicPhotoDescription {
  std::string patientName = "PHANTOM^FUNDUS";
  std::string patientId = "VIGIE-SYNTH";
  std::string studyDescription = "Synthetic fundus photographs (not for clinical use)";
  std::string studyDate = "20260101";
  bool rightEye = true;
  /// UIDs derive from (uidSeed, imageIndex): the same inputs give the same file.
  std::uint64_t uidSeed = 1;
  std::uint64_t imageIndex = 0;
};

/// Writes an 8-bit RGB photograph as DICOM Ophthalmic Photography 8 Bit Image
/// Storage (Explicit VR Little Endian, uncompressed). Any thread may call.
class OphthalmicPhotoWriter {
 public:
  core::Status write(const core::Image2D& rgb, const OphthalmicPhotoDescription& description,
                     const std::filesystem::path& file) const;
};

}  // namespace vigie::imaging
