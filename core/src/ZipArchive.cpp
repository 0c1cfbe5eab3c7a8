#include "vigie/core/ZipArchive.h"

#include <unzip.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

namespace vigie::core {

namespace {

constexpr std::size_t kChunkBytes = 256 * 1024;

/// A stored name is safe to extract when it stays inside the target folder.
bool isSafeMemberName(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.front() == '\\') return false;
  if (name.size() > 1 && name[1] == ':') return false;  // "C:..." from a Windows zipper
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = name.find_first_of("/\\", start);
    const std::string part = name.substr(start, end == std::string::npos ? end : end - start);
    if (part == "..") return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

std::filesystem::path memberPath(const std::string& name) {
  std::string normalized = name;
  for (char& c : normalized)
    if (c == '\\') c = '/';
  return std::filesystem::path(normalized).relative_path();
}

}  // namespace

struct ZipArchive::Handle {
  unzFile zip = nullptr;
  std::mutex mutex;  // minizip's handle carries a cursor: one reader at a time
  ~Handle() {
    if (zip) unzClose(zip);
  }
};

ZipArchive::ZipArchive(std::filesystem::path file, std::unique_ptr<Handle> handle,
                       std::vector<ZipEntry> entries)
    : file_(std::move(file)), handle_(std::move(handle)), entries_(std::move(entries)) {}
ZipArchive::ZipArchive(ZipArchive&&) noexcept = default;
ZipArchive& ZipArchive::operator=(ZipArchive&&) noexcept = default;
ZipArchive::~ZipArchive() = default;

bool ZipArchive::looksLikeZip(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 4> magic{};
  if (!in.read(magic.data(), magic.size())) return false;
  return magic[0] == 'P' && magic[1] == 'K' &&
         ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

Result<ZipArchive> ZipArchive::open(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return makeError(ErrorCode::NotFound, file.string() + ": no such file");
  auto handle = std::make_unique<Handle>();
  handle->zip = unzOpen64(file.c_str());
  if (!handle->zip)
    return makeError(ErrorCode::ParseError,
                     file.string() + ": not a zip archive (no readable central directory)");
  std::vector<ZipEntry> entries;
  int status = unzGoToFirstFile(handle->zip);
  while (status == UNZ_OK) {
    unz_file_info64 info{};
    std::array<char, 4096> name{};
    if (unzGetCurrentFileInfo64(handle->zip, &info, name.data(), name.size() - 1, nullptr, 0,
                                nullptr, 0) != UNZ_OK)
      return makeError(ErrorCode::ParseError, file.string() + ": damaged central directory entry " +
                                                  std::to_string(entries.size() + 1));
    ZipEntry entry;
    entry.name = name.data();
    entry.size = info.uncompressed_size;
    entry.compressedSize = info.compressed_size;
    entry.isDirectory = !entry.name.empty() && entry.name.back() == '/';
    entry.encrypted = (info.flag & 1U) != 0;
    entries.push_back(std::move(entry));
    status = unzGoToNextFile(handle->zip);
  }
  if (status != UNZ_END_OF_LIST_OF_FILE)
    return makeError(ErrorCode::ParseError, file.string() + ": damaged central directory");
  return ZipArchive(file, std::move(handle), std::move(entries));
}

namespace {

/// Streams the current member to `sink`, checking its length and CRC.
template <typename Sink>
Status copyCurrentMember(unzFile zip, const std::string& where, std::uint64_t expectedBytes,
                         Sink&& sink) {
  if (unzOpenCurrentFile(zip) != UNZ_OK)
    return makeError(ErrorCode::Unsupported,
                     where + ": cannot open the member (unsupported compression method?)");
  std::vector<char> buffer(kChunkBytes);
  std::uint64_t total = 0;
  for (;;) {
    const int n = unzReadCurrentFile(zip, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      unzCloseCurrentFile(zip);
      return makeError(ErrorCode::ParseError, where + ": corrupt compressed data");
    }
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > expectedBytes) {
      unzCloseCurrentFile(zip);
      return makeError(ErrorCode::ParseError,
                       where + ": expands past the size its directory entry declares");
    }
    if (!sink(buffer.data(), static_cast<std::size_t>(n))) {
      unzCloseCurrentFile(zip);
      return makeError(ErrorCode::IoError, where + ": cannot write the extracted bytes");
    }
  }
  if (unzCloseCurrentFile(zip) != UNZ_OK)
    return makeError(ErrorCode::ParseError, where + ": CRC mismatch (the archive is damaged)");
  if (total != expectedBytes)
    return makeError(ErrorCode::ParseError, where + ": shorter than its directory entry declares");
  return {};
}

}  // namespace

Result<std::string> ZipArchive::read(const std::string& name, std::uint64_t maxBytes) const {
  const std::string where = file_.string() + "!" + name;
  const ZipEntry* entry = nullptr;
  for (const auto& e : entries_)
    if (e.name == name) entry = &e;
  if (!entry) return makeError(ErrorCode::NotFound, where + ": no such member");
  if (entry->encrypted)
    return makeError(ErrorCode::Unsupported, where + ": encrypted members are not supported");
  if (entry->size > maxBytes)
    return makeError(ErrorCode::InvalidArgument, where + ": " + std::to_string(entry->size) +
                                                     " bytes, more than the " +
                                                     std::to_string(maxBytes) + " allowed");
  std::lock_guard<std::mutex> lock(handle_->mutex);
  if (unzLocateFile(handle_->zip, name.c_str(), 1) != UNZ_OK)
    return makeError(ErrorCode::NotFound, where + ": no such member");
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(entry->size));
  auto status = copyCurrentMember(handle_->zip, where, entry->size,
                                  [&bytes](const char* data, std::size_t n) {
                                    bytes.append(data, n);
                                    return true;
                                  });
  if (!status.ok()) return status.error();
  return bytes;
}

Result<std::size_t> ZipArchive::extractTo(const std::filesystem::path& folder,
                                          const ZipLimits& limits) const {
  if (entries_.size() > limits.maxEntries)
    return makeError(ErrorCode::InvalidArgument,
                     file_.string() + ": " + std::to_string(entries_.size()) +
                         " members, more than the " + std::to_string(limits.maxEntries) +
                         " allowed");
  std::uint64_t declared = 0;
  for (const auto& entry : entries_) {
    const std::string where = file_.string() + "!" + entry.name;
    if (!isSafeMemberName(entry.name))
      return makeError(ErrorCode::ParseError,
                       where + ": member path leaves the archive's folder; refusing to extract");
    if (entry.encrypted)
      return makeError(ErrorCode::Unsupported, where + ": encrypted members are not supported");
    if (entry.size > limits.maxEntryBytes)
      return makeError(ErrorCode::InvalidArgument,
                       where + ": " + std::to_string(entry.size) + " bytes, over the limit");
    declared += entry.size;
  }
  if (declared > limits.maxTotalBytes)
    return makeError(ErrorCode::InvalidArgument,
                     file_.string() + ": expands to " + std::to_string(declared) +
                         " bytes, over the limit of " + std::to_string(limits.maxTotalBytes));
  std::error_code ec;
  const auto space = std::filesystem::space(folder, ec);
  if (!ec && declared > space.available)
    return makeError(ErrorCode::IoError, file_.string() + ": needs " + std::to_string(declared) +
                                             " bytes to extract, " +
                                             std::to_string(space.available) + " free in " +
                                             folder.string());

  std::lock_guard<std::mutex> lock(handle_->mutex);
  std::size_t written = 0;
  int status = unzGoToFirstFile(handle_->zip);
  for (const auto& entry : entries_) {
    if (status != UNZ_OK)
      return makeError(ErrorCode::ParseError, file_.string() + ": damaged central directory");
    const std::string where = file_.string() + "!" + entry.name;
    const std::filesystem::path target = folder / memberPath(entry.name);
    if (entry.isDirectory) {
      std::filesystem::create_directories(target, ec);
    } else {
      std::filesystem::create_directories(target.parent_path(), ec);
      std::ofstream out(target, std::ios::binary | std::ios::trunc);
      if (!out) return makeError(ErrorCode::IoError, target.string() + ": cannot create");
      auto copied = copyCurrentMember(
          handle_->zip, where, entry.size, [&out](const char* data, std::size_t n) {
            return static_cast<bool>(out.write(data, static_cast<std::streamsize>(n)));
          });
      if (!copied.ok()) return copied.error();
      ++written;
    }
    if (ec) return makeError(ErrorCode::IoError, target.string() + ": " + ec.message());
    status = unzGoToNextFile(handle_->zip);
  }
  return written;
}

Result<std::shared_ptr<const ScratchFolder>> ScratchFolder::create(const std::string& prefix) {
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / (prefix + "-XXXXXX")).string();
  // mkdtemp creates the folder with mode 0700: images inside stay private.
  if (!::mkdtemp(pattern.data()))
    return makeError(ErrorCode::IoError,
                     pattern + ": cannot create a scratch folder: " + std::strerror(errno));
  return std::shared_ptr<const ScratchFolder>(new ScratchFolder(pattern));
}

ScratchFolder::~ScratchFolder() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // best effort: nothing to report to at teardown
}

std::string ExtractedArchive::displayName(const std::filesystem::path& extractedFile) const {
  if (!folder) return extractedFile.string();
  const auto relative = extractedFile.lexically_relative(folder->path());
  if (relative.empty() || *relative.begin() == "..") return extractedFile.string();
  return archive.string() + "!" + relative.generic_string();
}

std::string ExtractedArchive::displayMessage(std::string message) const {
  if (!folder) return message;
  const std::string scratch = folder->path().string() + "/";
  const std::string shown = archive.string() + "!";
  for (auto at = message.find(scratch); at != std::string::npos;
       at = message.find(scratch, at + shown.size()))
    message.replace(at, scratch.size(), shown);
  return message;
}

Result<ExtractedArchive> extractArchive(const std::filesystem::path& zipFile,
                                        const ZipLimits& limits) {
  auto archive = ZipArchive::open(zipFile);
  if (!archive.ok()) return archive.error();
  auto folder = ScratchFolder::create("vigie-zip");
  if (!folder.ok()) return folder.error();
  auto files = archive.value().extractTo(folder.value()->path(), limits);
  if (!files.ok()) return files.error();
  return ExtractedArchive{zipFile, std::move(folder.value()), files.value()};
}

}  // namespace vigie::core
