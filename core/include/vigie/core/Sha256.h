#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "vigie/core/Result.h"

namespace vigie::core {

/// SHA-256 (FIPS 180-4), incremental. Used to pin model weights in bundle
/// manifests and to chain audit-log entries. Not thread-safe per instance.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(const std::string& text) { update(text.data(), text.size()); }
  /// Finishes and returns the digest; the object must not be updated after.
  std::array<std::uint8_t, 32> finish();
  /// Finishes and returns the digest as 64 lowercase hex digits.
  std::string finishHex();

  static std::string hex(const std::string& text);
  /// Hashes a file's bytes; the error names the file.
  static Result<std::string> hexOfFile(const std::filesystem::path& file);

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t totalBytes_ = 0;
};

}  // namespace vigie::core
