#pragma once

#include <filesystem>

#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"

namespace vigie::imaging {

/// Writes an 8-bit grey or RGB image; the format follows the extension
/// (.png, .jpg/.jpeg, .tif/.tiff). JPEG quality is fixed (95) so output is
/// reproducible. Any thread may call.
core::Status writeImageFile(const core::Image2D& image, const std::filesystem::path& file);

/// Reads a JPEG/PNG/TIFF photograph as RGB (grey files come back as 3 equal
/// channels). The error names the file and says why it could not be read.
core::Result<core::Image2D> readImageFile(const std::filesystem::path& file);

}  // namespace vigie::imaging
