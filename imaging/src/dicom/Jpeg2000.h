#pragma once

// Internal: JPEG 2000 (and High-Throughput JPEG 2000) frames decoded with
// OpenJPEG, since DCMTK has no JPEG 2000 codec.

#include <cstdint>
#include <string>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::imaging::internal {

/// One decoded frame: samples pixel-interleaved, each stored in
/// `bytesPerSample` little-endian bytes (two's complement when signed).
struct Jpeg2000Frame {
  int width = 0;
  int height = 0;
  int components = 0;
  std::vector<std::uint8_t> bytes;
};

/// What the DICOM header says a frame is.
struct Jpeg2000Expectation {
  int width = 0;       ///< Columns
  int height = 0;      ///< Rows
  int components = 1;  ///< Samples per Pixel
};

/// Decodes a J2K codestream or a JP2 file held in memory into samples of
/// `bytesPerSample` bytes (1 or 2, from Bits Allocated). OpenJPEG undoes the
/// codestream's colour transform (RCT/ICT), so colour comes back as RGB.
/// The codestream's own header must match `expected` before anything is
/// decoded: a few hostile bytes can declare an image of gigabytes (found by
/// the fuzzer), and OpenJPEG would allocate it.
core::Result<Jpeg2000Frame> decodeJpeg2000(const std::uint8_t* data, std::size_t size,
                                           int bytesPerSample, const Jpeg2000Expectation& expected,
                                           const std::string& where);

/// True for the JPEG 2000 and HTJ2K transfer syntax UIDs.
bool isJpeg2000Syntax(const std::string& transferSyntaxUid);

}  // namespace vigie::imaging::internal
