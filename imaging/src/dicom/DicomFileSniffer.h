#pragma once

// Cheap checks for "is this a DICOM file?" that read a few bytes, so that
// folders full of other files are not parsed.

#include <filesystem>
#include <fstream>
#include <string>

namespace vigie::imaging::internal {

/// True when the file has the "DICM" prefix of a Part 10 file.
inline bool hasPart10Preamble(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[132] = {};
  return in.read(magic, sizeof magic) && std::string(magic + 128, 4) == "DICM";
}

/// Files without a meta header start with a small group-0008 element in
/// either VR encoding; this cheap check avoids parsing every text or image file.
inline bool looksLikeRawDataset(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char head[8] = {};
  if (!in.read(reinterpret_cast<char*>(head), sizeof head)) return false;
  const unsigned group = head[0] | (head[1] << 8);
  return group == 0x0008 || group == 0x0002;
}

/// A Part 10 file, or a bare dataset without a meta header.
inline bool mayBeDicom(const std::filesystem::path& file) {
  return hasPart10Preamble(file) || looksLikeRawDataset(file);
}

}  // namespace vigie::imaging::internal
