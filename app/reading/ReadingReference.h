#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "NoduleEvaluation.h"
#include "vigie/core/Result.h"

namespace vigie::app {

/// What an expert (or a phantom's generator) says a photograph shows.
struct ReferenceGrade {
  int grade = 0;  ///< ICDR 0-4
  bool gradeKnown = false;
  bool gradable = true;
  std::string name;  ///< the file name, for the reports' drill-down
};

/// The reference readers and the AI are judged against.
struct ReadingReference {
  std::map<std::string, std::vector<TruthNodule>> ctStudies;  ///< by Study Instance UID
  std::map<std::string, std::string> ctNames;                 ///< study UID -> case folder name
  std::map<std::string, ReferenceGrade> photographs;          ///< by photograph identity
};

/// Reads the reference at `path`:
/// - a labels CSV (as `vigie-cli eval dr --labels`: file, grade or
///   referable, gradable), its photographs identified as the store does;
/// - a folder with Vigie's synthetic fundus truth.json ("images": file,
///   grade, gradable; the PNG, JPEG and DICOM copies of each photograph all
///   get its reference);
/// - a synthetic CT case folder (truth.json and the DICOM series), or a
///   folder of such case folders: each case by its series' Study Instance UID;
/// - in that folder, experts' structured reports (*.dcm, TID 1500, as
///   `review import-sr` files them): the nodules each stands behind are the
///   reference of its study (type "reported"); one report per study.
/// Errors name the file and the problem; a path with no reference at all
/// is an error.
core::Result<ReadingReference> loadReadingReference(const std::filesystem::path& path);

}  // namespace vigie::app
