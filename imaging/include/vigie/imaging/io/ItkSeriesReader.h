#pragma once

#include <filesystem>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {

/// Reads a CT series the usual C++ way, with ITK's ImageSeriesReader and
/// GDCMImageIO (GDCM decodes): the baseline `vigie-cli bench load` compares
/// Vigie's loader with, and an independent decoder the tests check Vigie's
/// voxels and geometry against. `files` must be in slice order.
core::Result<core::CtVolume> readSeriesWithItkGdcm(const std::vector<std::filesystem::path>& files);

}  // namespace vigie::imaging
