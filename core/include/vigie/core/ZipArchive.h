#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::core {

/// One member of a zip archive, as its central directory describes it.
struct ZipEntry {
  std::string name;  ///< the stored path, '/'-separated
  std::uint64_t size = 0;
  std::uint64_t compressedSize = 0;
  bool isDirectory = false;
  bool encrypted = false;
};

/// Bounds on what an archive may expand to: a hostile or corrupt zip must fail
/// with a message, not fill the disk (a "zip bomb").
struct ZipLimits {
  std::uint64_t maxEntryBytes = std::uint64_t{8} << 30;   ///< 8 GiB per member
  std::uint64_t maxTotalBytes = std::uint64_t{64} << 30;  ///< 64 GiB in all
  std::size_t maxEntries = 1'000'000;
};

/// Reads zip archives (stored and deflated members, zip64) through minizip.
/// Only reading: Vigie takes zips in (a study from a colleague, a model bundle)
/// and never writes them. Every member's CRC is checked as it is read.
class ZipArchive {
 public:
  /// Opens the archive and reads its central directory. Fails, naming the file,
  /// when it is missing or not a zip.
  static Result<ZipArchive> open(const std::filesystem::path& file);

  /// True when the file starts with a zip signature (a cheap check, no parsing).
  static bool looksLikeZip(const std::filesystem::path& file);

  ZipArchive(ZipArchive&&) noexcept;
  ZipArchive& operator=(ZipArchive&&) noexcept;
  ~ZipArchive();

  const std::filesystem::path& file() const { return file_; }
  const std::vector<ZipEntry>& entries() const { return entries_; }

  /// A member's bytes; refuses members larger than maxBytes, encrypted ones,
  /// and any whose CRC or length does not match the directory.
  Result<std::string> read(const std::string& name, std::uint64_t maxBytes) const;

  /// Writes every member under folder (which must exist) and returns how many
  /// files it wrote. Member names that would land outside the folder
  /// (absolute, or with ".." parts) are refused, as are archives past limits.
  Result<std::size_t> extractTo(const std::filesystem::path& folder,
                                const ZipLimits& limits = {}) const;

 private:
  struct Handle;
  ZipArchive(std::filesystem::path file, std::unique_ptr<Handle> handle,
             std::vector<ZipEntry> entries);

  std::filesystem::path file_;
  std::unique_ptr<Handle> handle_;
  std::vector<ZipEntry> entries_;
};

/// A private folder under the system's temporary directory (mode 0700, since
/// it may hold patient images), removed with everything in it when the last
/// owner lets go of it.
class ScratchFolder {
 public:
  static Result<std::shared_ptr<const ScratchFolder>> create(const std::string& prefix);
  ~ScratchFolder();
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchFolder(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

/// An archive unpacked into a scratch folder: the folder lives as long as this.
struct ExtractedArchive {
  std::filesystem::path archive;
  std::shared_ptr<const ScratchFolder> folder;
  std::size_t files = 0;

  /// How a path inside the scratch folder should be shown to the user:
  /// "study.zip!series1/IM0001" rather than a temporary path.
  std::string displayName(const std::filesystem::path& extractedFile) const;

  /// A message with every scratch path in it shown as displayName shows it.
  std::string displayMessage(std::string message) const;
};

/// Unpacks a zip into a new scratch folder.
Result<ExtractedArchive> extractArchive(const std::filesystem::path& zipFile,
                                        const ZipLimits& limits = {});

}  // namespace vigie::core
