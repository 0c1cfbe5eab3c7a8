#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"

namespace vigie::imaging {

/// Reads a colour fundus photograph as RGB: JPEG, PNG or TIFF through OpenCV,
/// or a DICOM image (ophthalmic or VL photography: RGB, YBR_FULL(_422),
/// palette colour, compressed or not) through DCMTK. The error names the
/// file and the problem.
core::Result<core::Image2D> readPhotograph(const std::filesystem::path& file);

/// What identifies a photograph in the review store: the SOP Instance UID of
/// a DICOM file, or "sha256:" and the SHA-256 of any other file's bytes (the
/// same photograph renamed or moved keeps its grades).
core::Result<std::string> photographIdentity(const std::filesystem::path& file);

/// The photographs under a file or folder (recursive): files whose extension
/// is .png, .jpg, .jpeg, .tif, .tiff or .dcm, sorted by path. Lesion masks
/// written beside synthetic photographs (*_lesions.png) are not photographs.
std::vector<std::filesystem::path> listPhotographs(const std::filesystem::path& path);

}  // namespace vigie::imaging
