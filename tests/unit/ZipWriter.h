#pragma once

// Writes zip archives for tests (Vigie itself only reads them), including
// damaged ones whose directory lies about a member's size or checksum.

#include <zip.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigie::test {

struct ZipMember {
  ZipMember(std::string n, std::string b, bool d = true,
            std::optional<std::uint64_t> size = std::nullopt,
            std::optional<unsigned long> crc = std::nullopt)
      : name(std::move(n)), bytes(std::move(b)), deflate(d), declaredSize(size), declaredCrc(crc) {}
  std::string name;
  std::string bytes;
  bool deflate = true;
  std::optional<std::uint64_t> declaredSize;  ///< lie about the size (stored members only)
  std::optional<unsigned long> declaredCrc;   ///< lie about the CRC (stored members only)
};

inline void writeZip(const std::filesystem::path& file, const std::vector<ZipMember>& members) {
  zipFile zip = zipOpen64(file.c_str(), APPEND_STATUS_CREATE);
  if (!zip) throw std::runtime_error("cannot create " + file.string());
  for (const auto& m : members) {
    const bool raw = m.declaredSize || m.declaredCrc;
    const int method = raw || !m.deflate ? 0 : Z_DEFLATED;
    zip_fileinfo info{};
    if (zipOpenNewFileInZip2_64(zip, m.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, method,
                                method ? Z_DEFAULT_COMPRESSION : 0, raw ? 1 : 0, 1) != ZIP_OK)
      throw std::runtime_error("cannot add " + m.name);
    zipWriteInFileInZip(zip, m.bytes.data(), static_cast<unsigned>(m.bytes.size()));
    if (raw) {
      const auto realCrc = crc32(0L, reinterpret_cast<const Bytef*>(m.bytes.data()),
                                 static_cast<uInt>(m.bytes.size()));
      zipCloseFileInZipRaw64(zip, m.declaredSize.value_or(m.bytes.size()),
                             m.declaredCrc.value_or(realCrc));
    } else {
      zipCloseFileInZip(zip);
    }
  }
  zipClose(zip, nullptr);
}

/// Zips every file under `folder`, each stored as prefix + its relative path.
inline void zipFolder(const std::filesystem::path& folder, const std::filesystem::path& file,
                      const std::string& prefix = "") {
  std::vector<ZipMember> members;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    members.push_back(
        {prefix + entry.path().lexically_relative(folder).generic_string(), bytes.str()});
  }
  writeZip(file, members);
}

}  // namespace vigie::test
