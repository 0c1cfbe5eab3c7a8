#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::imaging {

/// The options of DICOM PS3.15 Annex E that Vigie offers.
struct DeidentificationOptions {
  /// Retain Longitudinal Temporal Information (Full Dates): keep dates and times.
  bool retainDates = false;
  /// Retain Patient Characteristics: keep sex, age, size, weight, ethnic
  /// group, smoking and pregnancy status.
  bool retainPatientCharacteristics = false;
  /// Secret that replacement UIDs and the pseudonymous Patient ID derive
  /// from. The same key maps the same UID to the same replacement in every
  /// run (a study de-identified in two sittings stays linked); empty means a
  /// fresh random key, so nothing links back to the original.
  std::string key;
  /// When set, every free-text value (VR LT, ST or UT: an SR's TEXT items,
  /// a reader's note, comments the profile keeps) is replaced by what this
  /// returns for it: a caller that knows the names and numbers to remove (a
  /// teaching file's export) removes them from free text too, which the
  /// profile alone cannot.
  std::function<std::string(const std::string&)> cleanFreeText;
};

/// What a de-identification run did.
struct DeidentificationReport {
  std::size_t files = 0;                   ///< files written
  std::size_t removed = 0;                 ///< attributes removed (X), private ones included
  std::size_t emptiedOrReplaced = 0;       ///< attributes emptied (Z) or given dummies (D)
  std::size_t uidsReplaced = 0;            ///< UID values replaced (U)
  std::size_t skipped = 0;                 ///< files that are not DICOM (not copied)
  std::vector<UnreadableFile> unreadable;  ///< files that could not be read or written
  std::vector<std::filesystem::path> written;
};

/// De-identifies DICOM files by the Basic Application Level Confidentiality
/// Profile of DICOM PS3.15 Annex E: each attribute of the profile's table is
/// removed (X), emptied (Z), given a dummy value (D), kept (K) or has its UID
/// replaced (U); private attributes, overlays' data and comments and curves
/// are removed; any other person name is emptied and any other UID that is
/// not defined by DICOM itself is replaced, inside sequences too. Structured
/// report content is kept and cleaned (Clean Structured Content option): its
/// person names are emptied and its UIDs replaced like the rest.
///
/// UIDs are replaced by one-way functions of the key, so every file one
/// Deidentifier handles refers consistently to every other (series, frame of
/// reference, SR and SEG references). The result records the method (Patient
/// Identity Removed, De-identification Method and its code sequence).
class Deidentifier {
 public:
  explicit Deidentifier(DeidentificationOptions options);

  /// De-identifies one file and writes it to `out` (parent folders created).
  core::Status deidentifyFile(const std::filesystem::path& in, const std::filesystem::path& out,
                              DeidentificationReport* report = nullptr) const;

  /// De-identifies every DICOM file under `in` (a file or folder) into
  /// `outDir`, each named after its new SOP Instance UID (file names may
  /// identify). Files that fail are listed in the report; the rest go on.
  core::Result<DeidentificationReport> deidentifyTree(const std::filesystem::path& in,
                                                      const std::filesystem::path& outDir) const;

  /// The replacement of an original UID (the same for every call).
  std::string replacementUid(const std::string& uid) const;
  /// The pseudonymous Patient ID given to an original one.
  std::string pseudonymousPatientId(const std::string& patientId) const;

 private:
  core::Status deidentifyFileUnguarded(const std::filesystem::path& in,
                                       const std::filesystem::path& out,
                                       DeidentificationReport* report) const;

  DeidentificationOptions options_;
};

}  // namespace vigie::imaging
