#pragma once

#include <filesystem>
#include <optional>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {

/// The volume file formats `vigie-cli convert` writes, named by extension.
enum class VolumeFormat {
  Nifti,      ///< .nii, .nii.gz: RAS in the sform (NiftiWriter)
  Nrrd,       ///< .nrrd: one file, gzip-encoded, "space: left-posterior-superior"
  MetaImage,  ///< .mha: one file, zlib-compressed, LPS like every ITK image
};

/// The format a file name asks for, or nothing when its extension is none of
/// .nii, .nii.gz, .nrrd and .mha.
std::optional<VolumeFormat> volumeFormatOf(const std::filesystem::path& file);

/// Writes a CT (HU, int16) or a map (float32) in the format its name asks
/// for, with its full geometry (origin, spacing, direction). NRRD and
/// MetaImage go through ITK's own writers, so ITK-based tools (3D Slicer,
/// MITK, ITK-SNAP) read them exactly as ITK wrote them.
core::Status writeVolume(const core::CtVolume& volume, const std::filesystem::path& file);
core::Status writeVolume(const core::FloatVolume& volume, const std::filesystem::path& file);

/// Reads a .nii, .nii.gz, .nrrd or .mha volume through ITK, as int16.
core::Result<core::CtVolume> readVolumeWithItk(const std::filesystem::path& file);

}  // namespace vigie::imaging
