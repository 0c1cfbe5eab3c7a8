#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::imaging {

/// The pixel data of one DICOM image file as stored, after decompression:
/// every frame, every sample, in the file's own layout (planar
/// configuration, photometric interpretation and bit depth unchanged),
/// little-endian. What an independent decoder must reproduce byte for byte
/// for lossless transfer syntaxes.
struct DecodedPixels {
  int rows = 0;
  int columns = 0;
  int frames = 1;
  int samplesPerPixel = 1;
  int bitsAllocated = 0;
  int bitsStored = 0;
  int pixelRepresentation = 0;  ///< 0 unsigned, 1 signed
  int planarConfiguration = 0;  ///< 0 samples interleaved, 1 one plane per sample (after decoding)
  std::string photometric;      ///< after decoding (a JPEG decoder may convert YBR to RGB)
  std::string transferSyntax;   ///< the file's, as a UID
  bool lossy = false;           ///< the transfer syntax is lossy
  std::vector<std::uint8_t> bytes;
};

/// Decodes a DICOM file's pixel data with DCMTK (uncompressed, deflated and
/// big-endian syntaxes; JPEG baseline, extended and lossless; JPEG-LS; RLE)
/// and OpenJPEG (JPEG 2000 and HTJ2K, whose colour transform it undoes:
/// YBR_RCT/YBR_ICT come back as RGB).
/// Errors name the file and the problem (no pixel data, unsupported transfer
/// syntax such as JPEG 2000, truncated data).
core::Result<DecodedPixels> decodeDicomPixels(const std::filesystem::path& file);

}  // namespace vigie::imaging
