#include "ReviewExport.h"

#include <algorithm>

#include "SliceNormal.h"

#include "FundusAnalysis.h"
#include "vigie/imaging/fundus/Photograph.h"

#include "vigie/core/ReviewOutcome.h"
#include "vigie/imaging/dicom/FundusReportWriter.h"
#include "vigie/imaging/dicom/MeasurementReportWriter.h"
#include "vigie/imaging/dicom/PlanarMeasurementReportWriter.h"
#include "vigie/imaging/dicom/SegmentationWriter.h"

namespace vigie::app {

namespace {

core::Status makeFolder(const std::filesystem::path& outDir) {
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, outDir.string() + ": " + ec.message());
  return {};
}

}  // namespace

core::Result<ReviewExport> exportReview(const imaging::SourceSeries& source,
                                        core::ReviewStore& store, const std::string& reader,
                                        const std::filesystem::path& outDir,
                                        const std::string& softwareVersion) {
  auto run = store.latestModelRun(source.studyUid);
  if (!run.ok()) return run.error();
  auto history = store.decisions(source.studyUid);
  if (!history.ok()) return history.error();
  const std::vector<core::Finding> modelFindings =
      run.value() ? run.value()->findings : std::vector<core::Finding>{};
  auto measurements = store.measurements(source.studyUid);
  if (!measurements.ok()) return measurements.error();
  std::vector<imaging::ReaderMeasurement> drawn;
  for (const auto& m : core::measurementsInForce(measurements.value())) {
    if (m.seriesUid != source.seriesUid || m.pointsMm.size() != 2) continue;
    imaging::ReaderMeasurement r;
    r.kind = m.kind == "length" ? imaging::ReaderMeasurement::Kind::Length
                                : imaging::ReaderMeasurement::Kind::CircularRoi;
    r.id = m.id;
    r.reader = m.reader;
    r.a = m.pointsMm[0];
    r.b = m.pointsMm[1];
    r.planeNormal = sliceNormal(m.plane.value_or(core::SlicePlane::Axial), source.geometry);
    r.value = m.value;
    r.comment = m.note;
    drawn.push_back(std::move(r));
  }
  if (!run.value() && history.value().empty() && drawn.empty()) {
    return core::makeError(core::ErrorCode::NotFound,
                           "nothing to export: the review store has no model run, decision or "
                           "measurement for this study");
  }
  if (auto made = makeFolder(outDir); !made.ok()) return made.error();

  imaging::CtMeasurementReport report;
  report.producer.softwareVersion = softwareVersion;
  if (run.value()) {
    report.producer.modelId = run.value()->bundleId;
    report.producer.modelName = run.value()->bundleId;
    report.producer.modelVersion = run.value()->bundleVersion;
  } else {
    report.producer.modelId = "none";
    report.producer.modelVersion = "0";
  }
  report.exportingReader = reader;
  report.findings = core::applyDecisions(modelFindings, history.value());
  report.measurements = std::move(drawn);

  ReviewExport result;
  result.findings = report.findings.size();
  result.measurements = report.measurements.size();
  result.model =
      run.value() ? report.producer.modelId + " " + report.producer.modelVersion : "none";
  for (const auto& f : report.findings) result.accepted += f.acceptedByReader() ? 1 : 0;
  if (result.accepted > 0) {
    result.segmentation = outDir / "seg-nodules.dcm";
    auto seg = imaging::writeNoduleSegmentation(source, report.findings, report.producer,
                                                result.segmentation);
    if (!seg.ok()) return seg.error();
    for (const auto& [findingId, segment] : seg.value().segmentOfFinding) {
      report.segments[findingId] = {seg.value().seriesUid, seg.value().sopInstanceUid, segment};
    }
  }
  result.report = outDir / "sr.dcm";
  auto sr = imaging::writeCtMeasurementReport(source, report, result.report);
  if (!sr.ok()) return sr.error();
  auto logged =
      store.audit(reader, "export",
                  "DICOM SR and SEG of " + std::to_string(result.findings) + " findings (" +
                      std::to_string(result.accepted) + " accepted) and " +
                      std::to_string(report.measurements.size()) + " measurements");
  if (!logged.ok()) return logged.error();
  return result;
}

namespace {

/// Each reader's latest grade of a photograph (readers in the order they
/// first graded), with their role and whether it is final as `roles` says;
/// without roles, neither is known (the site may double-read).
std::vector<imaging::FundusReaderGrade> readerGradesOf(
    const std::vector<core::FundusGrade>& history, const FundusReadingRoles* roles) {
  std::vector<imaging::FundusReaderGrade> latest;
  for (const auto& g : history) {
    auto same = std::find_if(latest.begin(), latest.end(),
                             [&](const auto& r) { return r.grade.reader == g.reader; });
    if (same == latest.end())
      latest.push_back({g, std::nullopt, std::nullopt});
    else
      same->grade = g;
  }
  if (!roles) return latest;
  const std::string finalReader = roles->finalReader.value_or("");
  for (auto& r : latest) {
    const std::string& name = r.grade.reader;
    if (!name.empty()) {
      if (name == roles->primaryGrader) r.role = imaging::FundusReaderRole::PrimaryGrader;
      if (name == roles->secondGrader) r.role = imaging::FundusReaderRole::SecondGrader;
      if (name == roles->arbiter) r.role = imaging::FundusReaderRole::Arbiter;
    }
    r.isFinal = !finalReader.empty() && name == finalReader;
  }
  return latest;
}

}  // namespace

core::Result<ReviewExport> exportFundusReview(
    const imaging::SourceSeries& photographs, core::ReviewStore& store, const std::string& reader,
    const std::filesystem::path& outDir, const std::string& softwareVersion,
    inference::InferenceSession* session, bool storedAiResults,
    const std::map<std::string, FundusReadingRoles>& rolesByImage) {
  imaging::FundusReport report;
  report.producer = {"none", "", "0", softwareVersion};
  if (session) {
    const auto& m = session->manifest();
    report.producer = {m.id, m.name, m.version, softwareVersion};
  }
  report.exportingReader = reader;
  for (const auto& image : photographs.slices) {
    auto grades = store.fundusGrades(image.sopInstanceUid);
    if (!grades.ok()) return grades.error();
    imaging::FundusImageAssessment assessment;
    assessment.image = image;
    const auto roles = rolesByImage.find(image.sopInstanceUid);
    assessment.readerGrades =
        readerGradesOf(grades.value(), roles == rolesByImage.end() ? nullptr : &roles->second);
    // The grade in force: the final one, or while there is none yet the
    // latest, as the report has always carried it.
    if (!grades.value().empty()) assessment.reader = grades.value().back();
    for (const auto& r : assessment.readerGrades)
      if (r.isFinal.value_or(false)) assessment.reader = r.grade;
    auto marks = store.fundusLesionMarks(image.sopInstanceUid);
    if (!marks.ok()) return marks.error();
    assessment.lesionMarks = core::lesionMarksInForce(marks.value());
    if (session) {
      auto photo = imaging::readPhotograph(image.file);
      if (!photo.ok()) return photo.error();
      auto analysis = analyzeFundus({photo.value()}, *session);
      if (!analysis.ok()) return analysis.error();
      const auto& p = analysis.value().front().prediction;
      assessment.model = imaging::FundusModelAssessment{p.grade, p.referableProbability, p.gradable,
                                                        p.qualityScore};
    } else if (storedAiResults) {
      auto results = store.fundusAiResults(image.sopInstanceUid);
      if (!results.ok()) return results.error();
      if (!results.value().empty()) {
        const core::FundusAiResult& latest = results.value().back();
        assessment.model = imaging::FundusModelAssessment{latest.grade, latest.referableProbability,
                                                          latest.gradable, latest.qualityScore};
        report.producer = {latest.bundleId, latest.bundleId, latest.bundleVersion, softwareVersion};
      }
    }
    report.images.push_back(std::move(assessment));
  }
  ReviewExport result;
  result.findings = report.images.size();
  std::size_t marks = 0;
  for (const auto& a : report.images) {
    result.accepted += a.reader ? 1 : 0;
    marks += a.lesionMarks.size();
  }
  const bool modelAnswers = std::any_of(report.images.begin(), report.images.end(),
                                        [](const auto& a) { return a.model.has_value(); });
  result.model =
      modelAnswers ? report.producer.modelId + " " + report.producer.modelVersion : "none";
  if (result.accepted == 0 && marks == 0 && !modelAnswers) {
    return core::makeError(core::ErrorCode::NotFound,
                           "nothing to export: no photograph of this series has a reader's grade "
                           "(vigie-cli review grade --image SOP_INSTANCE_UID ...) or lesion "
                           "marks, and no --model");
  }
  if (auto made = makeFolder(outDir); !made.ok()) return made.error();
  result.report = outDir / "sr.dcm";
  auto sr = imaging::writeFundusReport(photographs, report, result.report);
  if (!sr.ok()) return sr.error();
  auto logged =
      store.audit(reader, "export",
                  "DICOM SR of " + std::to_string(result.findings) + " photographs (" +
                      std::to_string(result.accepted) + " graded by a reader, " +
                      std::to_string(marks) + " lesion marks, model " + result.model + ")");
  if (!logged.ok()) return logged.error();
  return result;
}

core::Result<ReviewExport> exportPlanarReview(const imaging::SourceSeries& images,
                                              core::ReviewStore& store, const std::string& reader,
                                              const std::filesystem::path& outDir,
                                              const std::string& softwareVersion) {
  auto measurements = store.measurements(images.studyUid);
  if (!measurements.ok()) return measurements.error();
  imaging::PlanarMeasurementReport report;
  report.producer = {"none", "", "0", softwareVersion};
  report.exportingReader = reader;
  for (const auto& m : core::measurementsInForce(measurements.value())) {
    if (m.seriesUid == images.seriesUid && m.image && m.kind == "length")
      report.lengths.push_back(m);
  }
  if (report.lengths.empty()) {
    return core::makeError(core::ErrorCode::NotFound,
                           "nothing to export: the review store has no length on the images of "
                           "series " +
                               images.seriesUid);
  }
  if (auto made = makeFolder(outDir); !made.ok()) return made.error();
  ReviewExport result;
  result.report = outDir / "sr.dcm";
  result.model = "none";
  result.measurements = report.lengths.size();
  result.planar = true;
  auto sr = imaging::writePlanarMeasurementReport(images, report, result.report);
  if (!sr.ok()) return sr.error();
  auto logged =
      store.audit(reader, "export",
                  "DICOM SR of " + std::to_string(result.measurements) + " lengths on 2D images");
  if (!logged.ok()) return logged.error();
  return result;
}

}  // namespace vigie::app
