#pragma once

#include <filesystem>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {

/// Writes a volume as NIfTI-1 (.nii, or gzip-compressed .nii.gz): int16 for
/// CT (HU), float32 for maps. The sform carries the full geometry, converted
/// from DICOM's LPS to NIfTI's RAS (x and y negated); units mm.
core::Status writeNifti(const core::CtVolume& volume, const std::filesystem::path& file);
core::Status writeNifti(const core::FloatVolume& volume, const std::filesystem::path& file);

/// Writes a probability map (values 0..1) as 8-bit NIfTI with scl_slope 1/255:
/// a quarter of the float size, and it compresses well (mostly zeros).
core::Status writeNiftiProbabilities(const core::FloatVolume& probabilities,
                                     const std::filesystem::path& file);

}  // namespace vigie::imaging
