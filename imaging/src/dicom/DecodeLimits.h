#pragma once

#include <optional>
#include <string>

#include "vigie/core/Result.h"

class DcmDataset;
class DcmItem;

namespace vigie::imaging::internal {

/// Refuses, before anything is decoded, an image whose header declares more
/// pixels than Vigie decodes: a frame over 256 MiB once decoded (a
/// 24-megapixel colour photograph is 72 MB, a mammogram 40 MB, a CT slice
/// 0.5 MB), or frames over 2 GiB in all. The check matters for compressed
/// pixel data: DCMTK's decoders reserve the decoded size from Rows, Columns,
/// Samples per Pixel, Bits Allocated and Number of Frames before they read a
/// byte of the stream, so a damaged header (Rows 65535 on a 4 KB file) would
/// have them reserve gigabytes, and loop over them. Returns the error naming
/// `where` and the sizes, or nothing when the image is within the limits or
/// declares no pixels (whoever reads it next reports that).
std::optional<core::Error> refuseOversizedImage(DcmItem& dataset, const std::string& where);

/// Everything a reader checks before DCMTK decodes a loaded file: the sizes
/// above, then a JPEG stream DCMTK would loop on (JpegMarkerWalk.h).
std::optional<core::Error> refuseBeforeDecoding(DcmDataset& dataset, const std::string& where);

}  // namespace vigie::imaging::internal
