// vigie-cli review case and review import-sr: one case as a trainer reviews
// it (the model, each reader, the reference, side by side), and experts'
// reports filed as a reference. In vigie-cli-imaging and vigie-cli-full
// (they read DICOM SRs); review comment is the store's (ReviewCommands.cpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "../reading/CaseReview.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "TrainerSupport.h"
#include "vigie/imaging/dicom/MeasurementReportReader.h"

namespace vigie::app::cli {
namespace {

constexpr const char* kUsage =
    "usage: vigie-cli review case --study UID [--reference PATH] [--json] [--store PATH]\n"
    "case shows one case (a CT study, or a photograph by its store UID) as a trainer reviews\n"
    "it: every finding of the model's latest run and every finding a reader added, with each\n"
    "reader's call (confirm, reject, edit, annotate, add, or none) and, with a reference (as\n"
    "review stats takes), the nodule it lies on; DISPUTED where readers' calls differ or go\n"
    "against the reference; then each reference nodule and who found or MISSED it. For a\n"
    "photograph: the model's answer, every grade, the reference grade and the double-reading\n"
    "stage. The comments on the case and on each finding follow (review comment adds one).\n";

nlohmann::json commentsJson(const std::vector<core::CaseComment>& comments) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : comments) out.push_back(toJson(c));
  return out;
}

nlohmann::json toJson(const CaseReview& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : r.findings) {
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : f.calls) {
      calls.push_back({{"reader", c.reader},
                       {"call", c.call.empty() ? nlohmann::json() : nlohmann::json(c.call)},
                       {"center_mm", c.centerMm ? cli::toJson(*c.centerMm) : nlohmann::json()},
                       {"lesion", c.lesion < 0 ? nlohmann::json() : nlohmann::json(c.lesion)},
                       {"note", c.note}});
    }
    findings.push_back({{"finding_id", f.findingId},
                        {"source", f.fromAi ? "ai" : "reader"},
                        {"added_by", f.addedBy},
                        {"score", f.fromAi ? nlohmann::json(f.score) : nlohmann::json()},
                        {"center_mm", cli::toJson(f.centerMm)},
                        {"diameter_mm", f.diameterMm},
                        {"lesion", f.lesion < 0 ? nlohmann::json() : nlohmann::json(f.lesion)},
                        {"calls", calls},
                        {"disputed", f.disputed},
                        {"comments", commentsJson(f.comments)}});
  }
  nlohmann::json lesions = nlohmann::json::array();
  for (const auto& l : r.lesions) {
    lesions.push_back({{"lesion", l.lesion},
                       {"center_mm", cli::toJson(l.nodule.centerMm)},
                       {"diameter_mm", l.nodule.diameterMm},
                       {"type", l.nodule.type},
                       {"found_by_ai", l.foundByAi},
                       {"found_by", l.foundBy},
                       {"missed_by", l.missedBy}});
  }
  nlohmann::json grades = nlohmann::json::array();
  for (const auto& g : r.grades) {
    grades.push_back({{"reader", g.reader},
                      {"grade", g.grade},
                      {"gradable", g.gradable},
                      {"note", g.note},
                      {"recorded_at", g.recordedAt}});
  }
  nlohmann::json out = {{"case_uid", r.record.caseUid},
                        {"kind", core::toString(r.record.kind)},
                        {"readers", r.readers},
                        {"has_reference", r.hasReference},
                        {"findings", findings},
                        {"lesions", lesions},
                        {"grades", grades},
                        {"comments", commentsJson(r.comments)}};
  if (r.fundusAi) {
    out["ai"] = {{"grade", r.fundusAi->grade},
                 {"referable_probability", r.fundusAi->referableProbability},
                 {"referable", r.fundusAi->referable},
                 {"gradable", r.fundusAi->gradable}};
  }
  if (r.referenceGrade)
    out["reference"] = {{"grade", r.referenceGrade->grade},
                        {"gradable", r.referenceGrade->gradable}};
  if (r.grading) {
    out["stage"] = toString(r.grading->stage);
    out["final_grade"] =
        r.grading->finalGrade ? nlohmann::json(*r.grading->finalGrade) : nlohmann::json();
  }
  return out;
}

void printComments(const std::vector<core::CaseComment>& comments, const char* indent) {
  for (const auto& c : comments)
    std::printf("%scomment by %s (%s): %s\n", indent, c.author.c_str(), c.recordedAt.c_str(),
                c.text.c_str());
}

void printCt(const CaseReview& r) {
  for (const auto& f : r.findings) {
    std::string where = f.lesion < 0    ? ""
                        : f.lesion == 0 ? "  on no nodule"
                                        : "  on nodule " + std::to_string(f.lesion);
    if (f.fromAi)
      std::printf("AI finding %d (score %.2f, %.1f mm)%s", f.findingId, f.score, f.diameterMm,
                  where.c_str());
    else
      std::printf("%s's finding %d (%.1f mm)%s", f.addedBy.c_str(), f.findingId, f.diameterMm,
                  where.c_str());
    for (const auto& c : f.calls) {
      std::printf("  %s: %s", c.reader.c_str(), c.call.empty() ? "-" : c.call.c_str());
      if (c.call == "edit" && c.lesion >= 0 && c.lesion != f.lesion)
        std::printf(c.lesion ? " (moved onto nodule %d)" : " (moved off the nodule)", c.lesion);
    }
    std::printf("%s\n", f.disputed ? "  << DISPUTED" : "");
    printComments(f.comments, "    ");
  }
  for (const auto& l : r.lesions) {
    std::printf("nodule %d (%.1f mm %s): AI %s", l.lesion, l.nodule.diameterMm,
                l.nodule.type.c_str(), l.foundByAi ? "found it" : "MISSED it");
    for (const auto& who : l.foundBy) std::printf("; %s found it", who.c_str());
    for (const auto& who : l.missedBy) std::printf("; %s MISSED it", who.c_str());
    std::printf("\n");
  }
}

void printPhotograph(const CaseReview& r) {
  if (r.fundusAi)
    std::printf("AI: grade %d, referable p = %.2f%s%s\n", r.fundusAi->grade,
                r.fundusAi->referableProbability, r.fundusAi->referable ? " (refer)" : "",
                r.fundusAi->gradable ? "" : ", ungradable");
  for (const auto& g : r.grades)
    std::printf("%s: grade %d%s (%s)%s%s\n", g.reader.c_str(), g.grade,
                g.gradable ? "" : ", ungradable", g.recordedAt.c_str(), g.note.empty() ? "" : ": ",
                g.note.c_str());
  if (r.referenceGrade)
    std::printf("reference: grade %d%s\n", r.referenceGrade->grade,
                r.referenceGrade->gradable ? "" : ", ungradable");
  if (r.grading)
    std::printf("double reading: %s%s\n", toString(r.grading->stage),
                r.grading->finalGrade
                    ? (", final grade " + std::to_string(*r.grading->finalGrade)).c_str()
                    : "");
}

}  // namespace

core::Result<OpenedCase> openCaseReview(const CommandLine& cl, const std::string& caseUid) {
  std::optional<ReadingReference> reference;
  if (auto path = cl.value("--reference")) {
    auto loaded = loadReadingReference(*path);
    if (!loaded.ok()) return loaded.error();
    reference = std::move(loaded.value());
  }
  auto store = openStore(cl);
  if (!store.ok()) return store.error();
  auto records = readReviewRecords(*store.value());
  if (!records.ok()) return records.error();
  auto review = reviewCase(records.value(), reference ? &*reference : nullptr, caseUid);
  if (!review.ok()) return review.error();
  return OpenedCase{std::move(store.value()), std::move(review.value())};
}

int runReviewCase(const std::vector<std::string>& args) {
  CommandLine cl(args, {"--store", "--study", "--reference"}, {"--json", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const auto study = cl.value("--study");
  if (!study) return usage("case needs --study UID", kUsage);
  auto opened = openCaseReview(cl, *study);
  if (!opened.ok()) return fail(opened.error().message);
  const CaseReview& r = opened.value().review;
  if (cl.has("--json")) {
    std::cout << toJson(r).dump(2) << '\n';
    return 0;
  }
  std::string readers;
  for (const auto& name : r.readers) readers += (readers.empty() ? "" : ", ") + name;
  std::printf("case %s (%s)%s; read by %s\n", r.record.caseUid.c_str(),
              core::toString(r.record.kind), r.hasReference ? ", with a reference" : "",
              readers.empty() ? "nobody yet" : readers.c_str());
  if (r.record.kind == core::CaseKind::Fundus)
    printPhotograph(r);
  else
    printCt(r);
  printComments(r.comments, "");
  return 0;
}

namespace {

constexpr const char* kImportUsage =
    "usage: vigie-cli review import-sr SR|DIR... --into DIR [--replace]\n"
    "Files experts' structured reports (DICOM TID 1500 Measurement Reports: a read exported\n"
    "by `vigie-cli export`, or by another tool) as a reference for `review stats`, `review\n"
    "case` and `teach export` (--reference DIR): each report is read, its nodules listed (a\n"
    "measurement group with a centre and a diameter or long axis; not those Vigie's\n"
    "decision codes call rejected or unreviewed), and copied to DIR/STUDY_UID.dcm: one\n"
    "report per CT study, a second refused unless --replace. A DR screening report (its\n"
    "readers' grades of each DICOM photograph) goes to DIR/STUDY_UID_REPORT_UID.dcm: a\n"
    "study may have one per photograph series, a photograph one reference grade. Files\n"
    "that are not structured reports are refused with the reason; the rest are filed.\n";

std::vector<std::filesystem::path> reportFiles(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return {path};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

/// The photographs the DR reports already filed in `dir` grade.
std::set<std::string> gradedPhotographs(const std::filesystem::path& dir) {
  std::set<std::string> graded;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".dcm") continue;
    auto filed = imaging::readFundusGradeReport(entry.path());
    if (!filed.ok()) continue;
    for (const auto& g : filed.value().grades) graded.insert(g.imageUid);
  }
  return graded;
}

}  // namespace

int runReviewImportSr(const std::vector<std::string>& args) {
  CommandLine cl(args, {"--into"}, {"--replace", "--help"});
  if (auto exit = helpOrUsageError(cl, kImportUsage)) return *exit;
  const auto into = cl.value("--into");
  if (!into || cl.positional().empty())
    return usage("import-sr needs reports (files or folders) and --into DIR", kImportUsage);
  const std::filesystem::path dir(*into);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir.string() + ": " + ec.message());
  int exit = 0;
  std::size_t filed = 0;
  std::set<std::string> graded = gradedPhotographs(dir);
  for (const auto& argument : cl.positional()) {
    for (const auto& file : reportFiles(argument)) {
      auto report = imaging::readStructuredReport(file);
      if (!report.ok()) {
        exit = fail(report.error().message);
        continue;
      }
      const auto& r = report.value().nodules;
      const imaging::FundusGradeReport& grades = report.value().grades;
      const bool photographs = !grades.grades.empty();
      // A CT study has one expert report; a screening study has one per
      // photograph series, each filed under its own SOP Instance UID, and a
      // photograph may have only one reference grade.
      const auto target =
          dir / (photographs ? r.studyUid + "_" + r.sopInstanceUid + ".dcm" : r.studyUid + ".dcm");
      if (photographs && !std::filesystem::exists(target)) {
        const auto twice = std::find_if(grades.grades.begin(), grades.grades.end(),
                                        [&](const auto& g) { return graded.count(g.imageUid); });
        if (twice != grades.grades.end()) {
          exit = fail(file.string() + ": photograph " + twice->imageUid +
                      " already has a reference grade in " + dir.string());
          continue;
        }
      }
      if (std::filesystem::exists(target) && !cl.has("--replace") &&
          !std::filesystem::equivalent(target, file, ec)) {
        exit = fail(file.string() + ": study " + r.studyUid +
                    " already has a reference report in " + dir.string() + " (--replace)");
        continue;
      }
      if (!std::filesystem::equivalent(target, file, ec))
        std::filesystem::copy_file(file, target, std::filesystem::copy_options::overwrite_existing,
                                   ec);
      if (ec) {
        exit = fail(target.string() + ": " + ec.message());
        continue;
      }
      ++filed;
      if (photographs) {
        const auto& g = grades;
        for (const auto& grade : g.grades) graded.insert(grade.imageUid);
        std::printf("study %s: %zu photograph grade%s (%zu other groups) from %s\n",
                    g.studyUid.c_str(), g.grades.size(), g.grades.size() == 1 ? "" : "s",
                    g.otherGroups, file.string().c_str());
        continue;
      }
      std::printf("study %s: %zu nodule%s (%zu not accepted, %zu other groups) from %s\n",
                  r.studyUid.c_str(), r.nodules.size(), r.nodules.size() == 1 ? "" : "s",
                  r.notAccepted, r.otherGroups, file.string().c_str());
    }
  }
  std::printf("%zu report%s filed in %s\n", filed, filed == 1 ? "" : "s", dir.string().c_str());
  return exit;
}

}  // namespace vigie::app::cli
