#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/imaging/dicom/PixelDecoder.h"

class DcmItem;

namespace vigie::imaging::internal {

/// Decoded colour pixels (RGB, YBR_FULL, YBR_FULL_422, or PALETTE COLOR
/// through the item's palette), every frame, as interleaved 8-bit RGB;
/// deeper samples keep their top 8 stored bits. Other photometric
/// interpretations and segmented palettes are refused, naming `where`.
core::Result<std::vector<std::uint8_t>> toRgb8(const DecodedPixels& decoded, DcmItem& item,
                                               const std::string& where);

}  // namespace vigie::imaging::internal
