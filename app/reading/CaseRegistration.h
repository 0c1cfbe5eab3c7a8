#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/CaseRecords.h"
#include "vigie/core/Result.h"

namespace vigie::imaging {
struct DicomSeriesEntry;
}

namespace vigie::app {

/// The worklist's record of a CT study, from one of its series.
core::CaseRecord ctCase(const imaging::DicomSeriesEntry& series, const std::string& source,
                        const std::string& registeredBy);

/// Where a CT study found under `root` opens from: the folder of its
/// series when `root` is a folder holding it (so that a folder of many
/// studies opens the right one), else `root` itself (a zip, a DICOMDIR, a
/// file: what the user named).
std::string caseSource(const imaging::DicomSeriesEntry& series, const std::filesystem::path& root);

/// The worklist's record of a photograph file (DICOM or not); its UID is its
/// identity in the store (imaging::photographIdentity).
core::Result<core::CaseRecord> photographCase(const std::filesystem::path& file,
                                              const std::string& registeredBy);

/// What a folder (or file) holds, as cases: each CT study once, each
/// photograph (ophthalmic or visible-light DICOM, PNG, JPEG, TIFF) once.
struct FoundCases {
  std::vector<core::CaseRecord> cases;
  std::vector<std::string> skipped;  ///< "FILE: why" for what is neither
};
core::Result<FoundCases> findCases(const std::filesystem::path& path,
                                   const std::string& registeredBy);

}  // namespace vigie::app
