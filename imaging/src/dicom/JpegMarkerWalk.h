#pragma once

#include <optional>
#include <string>

#include "vigie/core/Result.h"

class DcmDataset;

namespace vigie::imaging::internal {

/// Refuses a JPEG-compressed image (the syntaxes DCMTK's dcmjpeg decodes)
/// whose compressed stream would keep DCMTK 3.6.7 in a loop for ever.
/// Before decoding, DCMTK reads the bit depth by walking the stream's markers
/// up to the frame header (DJCodecDecoder::scanJpegDataForBitDepth), and it
/// never steps past a TEM marker (0xFF01): a fragment with one on that walk
/// hangs the reader. TEM is meant for testing arithmetic coders and has no
/// place in an image, so such a stream is damaged. This walks each fragment
/// as DCMTK would and returns the error naming `where` and the fragment, or
/// nothing when DCMTK's walk ends (at a frame header, an invalid marker or the
/// end of the fragment) or the image is not JPEG.
std::optional<core::Error> refuseJpegStreamThatStallsDcmtk(DcmDataset& dataset,
                                                           const std::string& where);

}  // namespace vigie::imaging::internal
