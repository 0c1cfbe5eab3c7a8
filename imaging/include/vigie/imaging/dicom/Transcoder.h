#pragma once

#include <filesystem>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::imaging {

/// Lossless compressed transfer syntaxes DCMTK can write.
enum class LosslessSyntax {
  JpegLs,  ///< JPEG-LS Lossless (1.2.840.10008.1.2.4.80), CharLS inside DCMTK
  Rle,     ///< RLE Lossless (1.2.840.10008.1.2.5)
};

/// Rewrites DICOM files in a lossless compressed transfer syntax, each into
/// `outDir` under its own file name; the pixel values and every attribute
/// stay the same (lossless: the SOP Instance UIDs are kept). Used by the
/// benchmarks and tests to make compressed series from synthetic ones.
/// Several threads; the error names the first file that failed.
core::Result<std::vector<std::filesystem::path>> transcodeLossless(
    const std::vector<std::filesystem::path>& files, const std::filesystem::path& outDir,
    LosslessSyntax syntax);

}  // namespace vigie::imaging
