#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vigie::imaging::internal {

/// Where objects received from the network go: FOLDER/STUDY/SERIES/SOP.dcm,
/// each part a UID only when it is a well-formed UID (else a hash of it), so
/// that no incoming object can name a path of its choosing; an object whose
/// file already exists is written beside it (SOP.dup2.dcm ...) and compared
/// afterwards, never written over.
class CacheFolder {
 public:
  explicit CacheFolder(std::filesystem::path root) : root_(std::move(root)) {}

  /// The file for a new object, created empty so the name is taken (its
  /// folders created too); noted for settle().
  std::filesystem::path place(const std::string& studyUid, const std::string& seriesUid,
                              const std::string& sopInstanceUid);
  /// Resolves what arrived twice: an identical copy is removed (the file
  /// already held then counts as received); a file DCMTK cannot read whole
  /// (cut off by a crash while it was written) is replaced by the whole
  /// object that came again under its name; a different object under a UID
  /// already held is kept and described in the result.
  std::vector<std::string> settle();
  /// The files written through place() that exist, in arrival order (after
  /// settle(), an identical copy's place taken by the file held before).
  std::vector<std::filesystem::path> received() const;
  const std::filesystem::path& root() const { return root_; }
  /// The files of the objects of `studyUid` (of `seriesUid` only, when
  /// given) already held under the folder, by SOP Instance UID; only files
  /// DCMTK reads whole count (an empty or cut-off file is fetched again).
  std::map<std::string, std::filesystem::path> heldInstances(
      const std::string& studyUid, const std::string& seriesUid = "") const;

 private:
  std::filesystem::path root_;
  std::vector<std::filesystem::path> placed_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> duplicates_;
};

/// The bytes the files under `folder` hold (0 when it does not exist).
std::uint64_t folderBytes(const std::filesystem::path& folder);

/// "the cache's quota of N MB is reached ...": what a retrieval reports.
std::string quotaReached(std::uint64_t quotaBytes, std::size_t objects);

/// A UID as DICOM defines it: digits and dots, at most 64 characters.
bool isPlainUid(const std::string& uid);

}  // namespace vigie::imaging::internal
