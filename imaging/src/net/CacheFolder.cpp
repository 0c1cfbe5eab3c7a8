#include "CacheFolder.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "../dicom/DcmtkSetup.h"
#include "NetSupport.h"
#include "vigie/core/Sha256.h"

namespace vigie::imaging::internal {
namespace {

std::string safeName(const std::string& uid) {
  return isPlainUid(uid) ? uid : "uid-" + core::Sha256::hex(uid).substr(0, 24);
}

bool sameBytes(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
  return std::equal(std::istreambuf_iterator<char>(x), {}, std::istreambuf_iterator<char>(y), {});
}

/// Whether DCMTK reads the file whole: one cut off by a crash while it was
/// written, or a name reserved and never written, holds no object.
bool isWholeObject(const std::filesystem::path& file) {
  ensureDcmtkReady();
  DcmFileFormat format;
  return format.loadFile(file.c_str()).good();
}

}  // namespace

bool isPlainUid(const std::string& uid) {
  return !uid.empty() && uid.size() <= 64 && uid.front() != '.' &&
         std::all_of(uid.begin(), uid.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::filesystem::path CacheFolder::place(const std::string& studyUid, const std::string& seriesUid,
                                         const std::string& sopInstanceUid) {
  const auto folder = root_ / safeName(studyUid) / safeName(seriesUid);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  const std::string stem = safeName(sopInstanceUid);
  // Each name is taken by creating the file (exclusively) here, so that two
  // objects placed before either is written cannot get the same one.
  auto reserve = [](const std::filesystem::path& candidate) {
    std::FILE* f = std::fopen(candidate.c_str(), "wx");
    if (f) std::fclose(f);
    return f != nullptr;
  };
  auto file = folder / (stem + ".dcm");
  if (!reserve(file)) {
    const auto original = file;
    for (int n = 2; n < 1000; ++n) {
      file = folder / (stem + ".dup" + std::to_string(n) + ".dcm");
      if (reserve(file)) break;
    }
    duplicates_.emplace_back(original, file);
  }
  placed_.push_back(file);
  return file;
}

std::vector<std::string> CacheFolder::settle() {
  std::vector<std::string> problems;
  std::error_code ec;
  for (const auto& [original, again] : duplicates_) {
    if (!std::filesystem::exists(again, ec)) continue;
    const bool same = sameBytes(original, again);
    // What a crash left half-written under the name is no object to keep:
    // the whole one that came again takes its place (a retry's purpose).
    bool mended = false;
    if (!same && !isWholeObject(original) && isWholeObject(again)) {
      std::filesystem::rename(again, original, ec);
      mended = !ec;
    }
    if (same || mended) {
      if (same) std::filesystem::remove(again, ec);  // the same object sent twice
      // It did arrive: the file under the object's name stands for it
      // (once), so that what was received still matches what the sender
      // counted as sent.
      const auto copy = std::find(placed_.begin(), placed_.end(), again);
      if (copy == placed_.end()) continue;
      if (std::find(placed_.begin(), placed_.end(), original) == placed_.end())
        *copy = original;
      else
        placed_.erase(copy);
    } else {
      problems.push_back(again.string() + ": another object with the SOP Instance UID of " +
                         original.string() + "; both kept");
    }
  }
  duplicates_.clear();
  return problems;
}

std::map<std::string, std::filesystem::path> CacheFolder::heldInstances(
    const std::string& studyUid, const std::string& seriesUid) const {
  std::map<std::string, std::filesystem::path> held;
  const auto folder = root_ / safeName(studyUid);
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return held;
  ensureDcmtkReady();
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".dcm") continue;
    // Read whole: a file cut off by a crash while it was written must be
    // fetched again (settle() then puts the whole object in its place), not
    // taken for the object.
    DcmFileFormat file;
    if (file.loadFile(it->path().c_str()).bad()) continue;
    DcmDataset* dataset = file.getDataset();
    if (text(dataset, DCM_StudyInstanceUID) != studyUid ||
        (!seriesUid.empty() && text(dataset, DCM_SeriesInstanceUID) != seriesUid))
      continue;
    const std::string sop = text(dataset, DCM_SOPInstanceUID);
    if (!sop.empty()) held.emplace(sop, it->path());
  }
  return held;
}

std::vector<std::filesystem::path> CacheFolder::received() const {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& file : placed_)
    if (std::filesystem::exists(file, ec)) files.push_back(file);
  return files;
}

std::uint64_t folderBytes(const std::filesystem::path& folder) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  return bytes;
}

std::string quotaReached(std::uint64_t quotaBytes, std::size_t objects) {
  return "the cache's quota of " + std::to_string(quotaBytes / (1024 * 1024)) +
         " MB is reached: retrieval stopped after " + std::to_string(objects) +
         " objects (the study is partial)";
}

}  // namespace vigie::imaging::internal
