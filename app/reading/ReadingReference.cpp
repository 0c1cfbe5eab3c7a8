#include "ReadingReference.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "DrLabels.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/MeasurementReportReader.h"
#include "vigie/imaging/fundus/Photograph.h"

namespace vigie::app {
namespace {

namespace fs = std::filesystem;

core::Error problem(const fs::path& where, const std::string& what) {
  return core::makeError(core::ErrorCode::ParseError, where.string() + ": " + what);
}

core::Status addPhotograph(ReadingReference& reference, const fs::path& file,
                           const ReferenceGrade& grade) {
  auto identity = imaging::photographIdentity(file);
  if (!identity.ok()) return identity.error();
  reference.photographs[identity.value()] = grade;
  return {};
}

core::Status readLabelsCsv(const fs::path& csv, ReadingReference& reference) {
  auto labels = readDrLabels(csv, csv.parent_path());
  if (!labels.ok()) return labels.error();
  for (const auto& label : labels.value()) {
    ReferenceGrade grade{label.grade, label.gradeKnown, label.gradable,
                         label.file.filename().string()};
    if (auto added = addPhotograph(reference, label.file, grade); !added.ok()) return added;
  }
  return {};
}

/// Vigie's synthetic fundus truth.json: {"images": [{"file", "jpeg", "dicom",
/// "grade", "gradable"}]}.
core::Status readFundusTruth(const fs::path& folder, const nlohmann::json& truth,
                             ReadingReference& reference) {
  const fs::path file = folder / "truth.json";
  for (const auto& image : truth["images"]) {
    if (!image.is_object() || !image.contains("file") || !image["file"].is_string() ||
        !image.contains("grade") || !image["grade"].is_number_integer())
      return problem(file, "an image needs \"file\" and an integer \"grade\"");
    const int value = image["grade"].get<int>();
    if (value < 0 || value > 4) return problem(file, "a grade is 0 to 4 (ICDR)");
    const auto gradable = image.find("gradable");
    ReferenceGrade grade{
        value, true, gradable == image.end() || !gradable->is_boolean() || gradable->get<bool>(),
        image["file"].get<std::string>()};
    for (const char* copy : {"file", "jpeg", "dicom"}) {
      const auto name = image.find(copy);
      if (name == image.end() || !name->is_string()) continue;
      const fs::path photograph = folder / name->get<std::string>();
      std::error_code ec;
      if (!fs::exists(photograph, ec)) {
        if (std::string(copy) == "file") return problem(photograph, "no such photograph");
        continue;  // the JPEG or DICOM copy is optional
      }
      if (auto added = addPhotograph(reference, photograph, grade); !added.ok()) return added;
    }
  }
  return {};
}

/// One synthetic CT case: its truth.json and the study its DICOM series is in.
core::Status readCtCase(const fs::path& folder, ReadingReference& reference) {
  auto nodules = readTruthNodules(folder / "truth.json");
  if (!nodules.ok()) return nodules.error();
  auto scan = imaging::DicomScanner().scan(folder);
  if (!scan.ok()) return scan.error();
  if (scan.value().series.empty())
    return core::makeError(
        core::ErrorCode::NotFound,
        folder.string() + ": a truth.json but no DICOM series to name its study");
  const std::string study = scan.value().series.front().studyInstanceUid;
  reference.ctStudies[study] = std::move(nodules.value());
  reference.ctNames[study] = folder.filename().string();
  return {};
}

/// An expert's DR screening report: each photograph it grades gets the
/// expert's grade as its reference.
core::Status readExpertGrades(const fs::path& file, const imaging::FundusGradeReport& report,
                              ReadingReference& reference) {
  for (const auto& g : report.grades) {
    if (reference.photographs.count(g.imageUid))
      return problem(file, "a second reference grade for photograph " + g.imageUid);
    ReferenceGrade& grade = reference.photographs[g.imageUid];
    grade.grade = g.grade;
    grade.gradeKnown = true;
    grade.gradable = g.gradable;
    grade.name = file.stem().string();
  }
  return {};
}

/// An expert's structured report (as `review import-sr` files them): the
/// nodules it stands behind are the reference of its study, the grades it
/// gives are the reference of their photographs. A DICOM file that is not
/// a report is not a reference, and is passed over.
core::Status readExpertReport(const fs::path& file, ReadingReference& reference) {
  auto read = imaging::readStructuredReport(file);
  if (!read.ok())
    return read.error().code == core::ErrorCode::Unsupported ? core::Status() : read.error();
  if (!read.value().grades.grades.empty())
    return readExpertGrades(file, read.value().grades, reference);
  const imaging::NoduleReport& report = read.value().nodules;
  const std::string& study = report.studyUid;
  if (reference.ctStudies.count(study))
    return problem(file,
                   "a second reference for study " + study + " (one expert report per study)");
  auto& nodules = reference.ctStudies[study];
  for (const auto& n : report.nodules) nodules.push_back({n.centerMm, n.diameterMm, "reported"});
  reference.ctNames[study] = file.stem().string();
  return {};
}

core::Status readFolder(const fs::path& folder, ReadingReference& reference) {
  const fs::path truthFile = folder / "truth.json";
  std::error_code ec;
  if (fs::exists(truthFile, ec)) {
    std::ifstream in(truthFile);
    const auto truth = nlohmann::json::parse(in, nullptr, false);
    if (truth.is_discarded() || !truth.is_object()) return problem(truthFile, "not a JSON object");
    if (truth.contains("images") && truth["images"].is_array())
      return readFundusTruth(folder, truth, reference);
    return readCtCase(folder, reference);
  }
  std::vector<fs::path> cases, reports;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "truth.json"))
      cases.push_back(entry.path());
    if (entry.is_regular_file() && entry.path().extension() == ".dcm")
      reports.push_back(entry.path());
  }
  if (ec) return core::makeError(core::ErrorCode::IoError, folder.string() + ": " + ec.message());
  std::sort(cases.begin(), cases.end());
  std::sort(reports.begin(), reports.end());
  for (const auto& dir : cases) {
    if (auto read = readFolder(dir, reference); !read.ok()) return read;
  }
  for (const auto& file : reports) {
    if (auto read = readExpertReport(file, reference); !read.ok()) return read;
  }
  return {};
}

}  // namespace

core::Result<ReadingReference> loadReadingReference(const fs::path& path) {
  ReadingReference reference;
  std::error_code ec;
  if (!fs::exists(path, ec))
    return core::makeError(core::ErrorCode::NotFound, path.string() + ": no such file or folder");
  const bool csv = fs::is_regular_file(path, ec) && path.extension() == ".csv";
  auto status = csv ? readLabelsCsv(path, reference) : readFolder(path, reference);
  if (!status.ok()) return status.error();
  if (reference.ctStudies.empty() && reference.photographs.empty())
    return core::makeError(core::ErrorCode::NotFound,
                           path.string() +
                               ": no reference here (a labels CSV, a folder with a truth.json, "
                               "case folders with one each, or expert reports filed by `review "
                               "import-sr`)");
  return reference;
}

}  // namespace vigie::app
