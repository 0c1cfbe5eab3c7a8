#include "CaseRegistration.h"

#include <map>
#include <set>

#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/fundus/Photograph.h"

namespace vigie::app {
namespace {

namespace fs = std::filesystem;

/// DICOM modalities whose images are photographs: ophthalmic, external camera.
bool isPhotographModality(const std::string& modality) {
  return modality == "OP" || modality == "XC";
}

}  // namespace

core::CaseRecord ctCase(const imaging::DicomSeriesEntry& series, const std::string& source,
                        const std::string& registeredBy) {
  core::CaseRecord record;
  record.caseUid = series.studyInstanceUid;
  record.kind = core::CaseKind::Ct;
  record.modality = series.modality.empty() ? "CT" : series.modality;
  if (!series.images.empty()) {
    const auto& first = series.images.front();
    record.patientName = first.patientName;
    record.patientId = first.patientId;
    record.studyDate = first.studyDate;
  }
  record.source = source;
  record.registeredBy = registeredBy;
  return record;
}

std::string caseSource(const imaging::DicomSeriesEntry& series, const fs::path& root) {
  std::error_code ec;
  const fs::path base = fs::absolute(root, ec).lexically_normal();
  if (fs::is_directory(base, ec) && !series.images.empty()) {
    const fs::path folder =
        fs::absolute(series.images.front().file.parent_path(), ec).lexically_normal();
    // Only a folder inside what the user named: never a scratch folder a
    // zip was unpacked into.
    const fs::path inside = folder.lexically_relative(base);
    const bool under = !inside.empty() && *inside.begin() != "..";
    if (under && fs::is_directory(folder, ec)) return folder.string();
  }
  return base.string();
}

core::Result<core::CaseRecord> photographCase(const fs::path& file,
                                              const std::string& registeredBy) {
  auto identity = imaging::photographIdentity(file);
  if (!identity.ok()) return identity.error();
  core::CaseRecord record;
  record.caseUid = identity.value();
  record.kind = core::CaseKind::Fundus;
  record.modality = "OP";
  record.source = fs::absolute(file).lexically_normal().string();
  record.registeredBy = registeredBy;
  if (file.extension() == ".dcm") {
    // Who and when, from the header, as for a CT study.
    auto scan = imaging::DicomScanner().scan(file);
    if (scan.ok() && !scan.value().series.empty() && !scan.value().series[0].images.empty()) {
      const auto& header = scan.value().series[0].images[0];
      record.modality = header.modality.empty() ? "OP" : header.modality;
      record.patientName = header.patientName;
      record.patientId = header.patientId;
      record.studyDate = header.studyDate;
    }
  }
  return record;
}

core::Result<FoundCases> findCases(const fs::path& path, const std::string& registeredBy) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return core::makeError(core::ErrorCode::NotFound, path.string() + ": no such file or folder");
  FoundCases found;
  auto scan = imaging::DicomScanner().scan(path);
  if (!scan.ok()) return scan.error();
  std::set<std::string> studies;
  for (const auto& series : scan.value().series) {
    if (isPhotographModality(series.modality)) {
      for (const auto& image : series.images) {
        core::CaseRecord record = ctCase(series, "", registeredBy);
        record.caseUid = image.sopInstanceUid;
        record.kind = core::CaseKind::Fundus;
        record.patientName = image.patientName;
        record.patientId = image.patientId;
        record.studyDate = image.studyDate;
        record.source = fs::absolute(image.file).lexically_normal().string();
        found.cases.push_back(std::move(record));
      }
    } else if (series.modality == "CT") {
      if (studies.insert(series.studyInstanceUid).second)
        found.cases.push_back(ctCase(series, caseSource(series, path), registeredBy));
    } else {
      found.skipped.push_back(series.images.empty()
                                  ? series.seriesInstanceUid
                                  : series.images.front().file.string() + ": a " + series.modality +
                                        " series, neither CT nor a photograph");
    }
  }
  for (const auto& file : imaging::listPhotographs(path)) {
    if (file.extension() == ".dcm") continue;  // DICOM photographs came from the scan
    auto record = photographCase(file, registeredBy);
    if (!record.ok()) {
      found.skipped.push_back(record.error().message);
      continue;
    }
    found.cases.push_back(std::move(record.value()));
  }
  return found;
}

}  // namespace vigie::app
