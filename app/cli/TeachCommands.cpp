// vigie-cli teach export: one reviewed case as a de-identified teaching file
// (its DICOM, key images with the findings drawn, a summary as HTML and PDF).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "../reading/CaseReview.h"
#include "../teaching/TeachingRendering.h"
#include "../teaching/TeachingText.h"
#include "../workflows/ReviewExport.h"
#include "../workflows/TextFormat.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "DeidSupport.h"
#include "ReadingRoles.h"
#include "TrainerSupport.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/fundus/Photograph.h"

namespace vigie::app::cli {
namespace {

const std::string kUsage =
    std::string(
        "usage: vigie-cli teach export --study UID --out DIR [--store PATH] [--reference PATH]\n"
        "                              [--unknown] [--history TEXT] [--diagnosis TEXT]\n"
        "                              [--reader NAME] [--retain-dates] "
        "[--retain-patient-characteristics]\n"
        "                              [--key TEXT]\n"
        "Writes one case of the review store (a CT study, or a photograph by its store UID) as\n"
        "a de-identified teaching file in DIR, a new folder:\n"
        "  dicom/              the series (DICOM PS3.15 Annex E, as `deid`), and for a CT study\n"
        "                      the review as sr.dcm (TID 1500: the model's findings and every\n"
        "                      reader's decision) and seg-nodules.dcm; for a DICOM photograph\n"
        "                      photograph.dcm and the DR screening SR as sr.dcm (every\n"
        "                      reader's grade with their double-reading role, the final\n"
        "                      grade with the lesion marks, the model's recorded answer);\n"
        "                      Vigie and any DICOM viewer open it\n"
        "  images/             key images: the slice through each finding and each reference\n"
        "                      nodule the model missed, marked (in the plane the series was\n"
        "                      acquired in, lettered R/L, A/P, S/I); or the photograph\n"
        "  index.html, teaching-file.pdf\n"
        "                      the summary in MIRC's sections: history, images, findings (the\n"
        "                      model's, each reader's calls, the reference: --reference as\n"
        "                      `review stats` takes it), diagnosis, discussion (the trainers'\n"
        "                      comments)\n"
        "  teaching-file.json  what the folder holds\n"
        "Readers and trainers appear as Reader A, Trainer A ...; the patient's name, ID, the\n"
        "original UIDs and (unless --retain-dates) the study date are removed from every text.\n"
        "--unknown makes a quiz: slices without marks, and neither findings, diagnosis,\n"
        "discussion nor the review's SR and SEG. --history and --diagnosis add the trainer's\n"
        "words to those sections.\n") +
    kDeidOptions;

/// The folder a teaching file is written to: new or empty, and removed again
/// when the export fails, so that no half-written package is left to share.
class PackageFolder {
 public:
  explicit PackageFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~PackageFolder() {
    if (!kept_ && created_) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  core::Status create() {
    std::error_code ec;
    if (std::filesystem::exists(dir_, ec) && !std::filesystem::is_empty(dir_, ec))
      return core::makeError(core::ErrorCode::InvalidArgument,
                             dir_.string() + ": not empty; a teaching file needs a new folder");
    std::filesystem::create_directories(dir_, ec);
    if (ec) return core::makeError(core::ErrorCode::IoError, dir_.string() + ": " + ec.message());
    created_ = true;
    return {};
  }
  void keep() { kept_ = true; }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
  bool created_ = false, kept_ = false;
};

/// The CT series of a study under its source: the largest with that Study
/// Instance UID.
const imaging::DicomSeriesEntry* studySeries(const imaging::DicomScanResult& scan,
                                             const std::string& studyUid) {
  const imaging::DicomSeriesEntry* chosen = nullptr;
  for (const auto& s : scan.series)
    if (s.studyInstanceUid == studyUid && s.modality == "CT" &&
        (!chosen || s.images.size() > chosen->images.size()))
      chosen = &s;
  return chosen;
}

std::string acquisitionOf(const core::VolumeGeometry& g) {
  return "Chest CT: " + std::to_string(g.size.k) + " " + acquisitionPlaneOf(g) + " images of " +
         std::to_string(g.size.i) + " x " + std::to_string(g.size.j) + " pixels, " +
         formatFixed(g.spacing.x, 2) + " x " + formatFixed(g.spacing.y, 2) + " mm, " +
         formatFixed(g.spacing.z, 2) + " mm apart.";
}

/// What the export puts in the package, for teaching-file.json.
struct Package {
  std::vector<std::string> dicom;
  std::vector<KeyImage> images;
  std::string history, model = "none";
};

struct TeachRequest {
  CaseReview review;
  std::string reader;
  bool unknown = false;
  std::optional<std::string> history, diagnosis;
};

core::Status packageCt(const TeachRequest& request, core::ReviewStore& store,
                       const imaging::Deidentifier& deidentifier, IdentifyingText& identifying,
                       const std::string& caseLabel, const std::filesystem::path& dir,
                       Package& package) {
  const auto& record = request.review.record;
  auto scan = imaging::DicomScanner().scan(record.source);
  if (!scan.ok()) return scan.error();
  const auto* series = studySeries(scan.value(), record.caseUid);
  if (!series)
    return core::makeError(core::ErrorCode::NotFound,
                           record.source + ": the study's CT series is no longer there");
  for (const auto& image : series->images) {
    identifying.addPatient(image.patientName, image.patientId);
    identifying.add(image.seriesInstanceUid);
  }
  auto source = imaging::describeSourceSeries(*series);
  if (!source.ok()) return source.error();

  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> objects;
  const auto identifiedDir = dir / ".identified";
  if (!request.unknown) {
    auto exported =
        exportReview(source.value(), store, request.reader, identifiedDir, VIGIE_VERSION);
    if (exported.ok()) {
      objects = {{exported.value().report, dir / "dicom" / "sr.dcm"},
                 {exported.value().segmentation, dir / "dicom" / "seg-nodules.dcm"}};
      package.model = exported.value().model;
    } else if (exported.error().code != core::ErrorCode::NotFound) {
      return exported.error();
    }  // NotFound: nobody read it and the AI never ran (a normal case): no SR to add
  }
  imaging::DeidentificationReport report;
  const int failed =
      deidentifyWithSeries(deidentifier, objects, source.value(), dir / "dicom" / "series", report);
  std::error_code ec;
  std::filesystem::remove_all(identifiedDir, ec);
  if (failed != 0 || reportDeidentification(report, dir / "dicom") != 0)
    return core::makeError(core::ErrorCode::IoError,
                           record.source + ": the study could not be de-identified whole");
  for (const auto& [from, to] : objects)
    if (!from.empty()) package.dicom.push_back(std::filesystem::relative(to, dir).string());
  package.dicom.push_back("dicom/series/");

  auto loaded = imaging::CtVolumeLoader().load(*series);
  if (!loaded.ok()) return loaded.error();
  const CaseReview view = teachingView(request.review, identifying, caseLabel);
  auto images = writeCtKeyImages(loaded.value().volume, view, request.unknown, dir);
  if (!images.ok()) return images.error();
  package.images = std::move(images.value());
  package.history = acquisitionOf(loaded.value().volume.geometry());
  return {};
}

/// The photograph's readers' roles under the site's double reading and whose
/// grade is final, for its SR. A site that does not double-read has no
/// grading status: no roles, and (as gradingStatus has it without a policy)
/// the latest grade is final.
std::map<std::string, FundusReadingRoles> rolesOfReviewedPhotograph(const CaseReview& review) {
  const GradingStatus status =
      review.grading ? *review.grading : gradingStatus(review.grades, nullptr, {});
  return {{review.record.caseUid, readingRolesOf(status, review.grading.has_value())}};
}

/// Every reader's grade with their role, the final grade with the lesion
/// marks, and the model's recorded answer as the DR screening SR (TID 1500)
/// `export` writes, de-identified like the photograph beside it (the
/// readers' names become the profile's dummy; their roles stay). A
/// photograph nobody graded and no model ran on has none.
core::Status writePhotographReport(const TeachRequest& request, core::ReviewStore& store,
                                   const imaging::Deidentifier& deidentifier,
                                   const imaging::DicomSeriesEntry& series,
                                   const std::filesystem::path& dir, Package& package) {
  auto described = imaging::describeSourceImages(series);
  if (!described.ok()) return described.error();
  // Only this photograph: its series may hold others the case is not about.
  imaging::SourceSeries source = described.value();
  const std::string& uid = request.review.record.caseUid;
  source.slices.erase(std::remove_if(source.slices.begin(), source.slices.end(),
                                     [&](const auto& s) { return s.sopInstanceUid != uid; }),
                      source.slices.end());
  if (source.slices.empty()) source.slices.push_back(described.value().slices.front());
  const auto identifiedDir = dir / ".identified";
  auto exported =
      exportFundusReview(source, store, request.reader, identifiedDir, VIGIE_VERSION, nullptr,
                         /*storedAiResults=*/true, rolesOfReviewedPhotograph(request.review));
  if (!exported.ok()) {
    if (exported.error().code == core::ErrorCode::NotFound) return {};  // nothing to report
    return exported.error();
  }
  const auto to = dir / "dicom" / "sr.dcm";
  auto status = deidentifier.deidentifyFile(exported.value().report, to);
  std::error_code ec;
  std::filesystem::remove_all(identifiedDir, ec);
  if (!status.ok()) return status.error();
  package.dicom.push_back("dicom/sr.dcm");
  package.model = exported.value().model;
  return {};
}

core::Status packagePhotograph(const TeachRequest& request, core::ReviewStore& store,
                               const imaging::Deidentifier& deidentifier,
                               IdentifyingText& identifying, const std::filesystem::path& dir,
                               Package& package) {
  const std::filesystem::path file = request.review.record.source;
  // A DICOM photograph goes into the package de-identified; any other file
  // only as the re-encoded key image (its metadata left behind).
  auto scan = imaging::DicomScanner().scan(file);
  if (scan.ok() && !scan.value().series.empty()) {
    const auto& series = scan.value().series.front();
    for (const auto& image : series.images)
      identifying.addPatient(image.patientName, image.patientId);
    const auto to = dir / "dicom" / "photograph.dcm";
    auto status = deidentifier.deidentifyFile(file, to);
    if (!status.ok()) return status.error();
    package.dicom.push_back("dicom/photograph.dcm");
    if (!request.unknown) {
      auto report = writePhotographReport(request, store, deidentifier, series, dir, package);
      if (!report.ok()) return report.error();
    }
  }
  auto photograph = imaging::readPhotograph(file);
  if (!photograph.ok()) return photograph.error();
  // The readers' lesion marks and the model's answer on the key image,
  // except in a quiz.
  std::vector<core::FundusLesionMark> marks;
  std::optional<core::FundusAiResult> model;
  if (!request.unknown) {
    auto history = store.fundusLesionMarks(request.review.record.caseUid);
    if (!history.ok()) return history.error();
    marks = core::lesionMarksInForce(history.value());
    auto results = store.fundusAiResults(request.review.record.caseUid);
    if (!results.ok()) return results.error();
    if (!results.value().empty()) model = results.value().back();
  }
  auto image = writePhotographKeyImage(photograph.value(), dir, marks, model ? &*model : nullptr);
  if (!image.ok()) return image.error();
  package.images.push_back(image.value());
  package.history = "Colour fundus photograph, " + std::to_string(photograph.value().width) +
                    " x " + std::to_string(photograph.value().height) + " pixels.";
  return {};
}

core::Status writeTextFile(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write");
  return {};
}

int exportTeachingFile(const std::vector<std::string>& args) {
  CommandLine cl(args,
                 {"--store", "--study", "--out", "--reference", "--history", "--diagnosis",
                  "--reader", "--key"},
                 {"--unknown", "--retain-dates", "--retain-patient-characteristics", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage.c_str())) return *exit;
  const auto study = cl.value("--study"), out = cl.value("--out");
  if (!study || !out) return usage("teach export needs --study UID and --out DIR", kUsage.c_str());
  auto opened = openCaseReview(cl, *study);
  if (!opened.ok()) return fail(opened.error().message);
  auto& store = opened.value().store;
  TeachRequest request{std::move(opened.value().review), readerOf(cl), cl.has("--unknown"),
                       cl.value("--history"), cl.value("--diagnosis")};
  const core::CaseRecord& record = request.review.record;
  if (record.source.empty())
    return fail("case " + *study + ": the store does not say where its images are");

  IdentifyingText identifying;
  const Pseudonyms people(request.review);
  auto options = deidOptions(cl);
  // The DICOM objects' free text (the readers' notes in the SR) loses what
  // the page's words lose; `identifying` grows as the images are read.
  options.cleanFreeText = [&](const std::string& text) {
    return people.inText(scrubText(text, identifying));
  };
  const imaging::Deidentifier deidentifier(options);
  identifying.addPatient(record.patientName, record.patientId);
  identifying.add(record.caseUid);
  identifying.add(record.source);
  if (!options.retainDates) identifying.addDate(record.studyDate);
  const std::string caseLabel = deidentifier.replacementUid(record.caseUid);

  PackageFolder folder(*out);
  if (auto created = folder.create(); !created.ok()) return fail(created.error().message);
  OffscreenPainting painting;
  Package package;
  const bool ct = record.kind == core::CaseKind::Ct;
  auto packaged =
      ct ? packageCt(request, *store, deidentifier, identifying, caseLabel, folder.path(), package)
         : packagePhotograph(request, *store, deidentifier, identifying, folder.path(), package);
  if (!packaged.ok()) return fail(packaged.error().message);

  TeachingPage page;
  page.title = ct ? "Chest CT" : "Colour fundus photograph";
  page.unknown = request.unknown;
  page.review = teachingView(request.review, identifying, caseLabel);
  auto trainerWords = [&](const std::optional<std::string>& text) {
    return text ? people.inText(scrubText(*text, identifying)) : std::string();
  };
  page.history = package.history;
  if (request.history) page.history += "\n\n" + trainerWords(request.history);
  page.diagnosis = trainerWords(request.diagnosis);
  page.producedBy =
      std::string("Made with Vigie ") + VIGIE_VERSION +
      (request.unknown || package.model == "none" ? std::string() : "; model " + package.model) +
      ". For teaching: research software, not for clinical use.";
  page.images = package.images;
  const std::string html = teachingHtml(page);
  // The last guard: nothing the case is known by may be in what is shared.
  if (auto leaked = firstIdentifier(html, identifying); !leaked.empty())
    return fail("the teaching file's text would identify the patient; nothing was written");
  if (auto written = writeTextFile(folder.path() / "index.html", html); !written.ok())
    return fail(written.error().message);
  if (auto pdf =
          writeTeachingPdf(html, page.images, folder.path(), folder.path() / "teaching-file.pdf");
      !pdf.ok())
    return fail(pdf.error().message);

  nlohmann::json images = nlohmann::json::array();
  for (const auto& image : page.images)
    images.push_back({{"file", image.file}, {"caption", image.caption}});
  const nlohmann::json manifest = {{"case", caseLabel},
                                   {"kind", core::toString(record.kind)},
                                   {"unknown", request.unknown},
                                   {"html", "index.html"},
                                   {"pdf", "teaching-file.pdf"},
                                   {"dicom", package.dicom},
                                   {"key_images", images},
                                   {"readers", page.review.readers.size()},
                                   {"findings", page.review.findings.size()}};
  if (auto written = writeJsonFile(folder.path(), "teaching-file.json", manifest); !written.ok())
    return fail(written.error().message);
  auto logged = store->audit(request.reader, "teaching-file",
                             std::string("a de-identified teaching file of one ") +
                                 core::toString(record.kind) + " case" +
                                 (request.unknown ? " (unknown)" : "") + ", " +
                                 std::to_string(page.images.size()) + " key images");
  if (!logged.ok()) return fail(logged.error().message);
  folder.keep();
  std::printf("wrote a teaching file in %s: index.html, teaching-file.pdf, %zu key image%s%s\n",
              folder.path().string().c_str(), page.images.size(),
              page.images.size() == 1 ? "" : "s",
              request.unknown ? " (unknown case: no findings, diagnosis or discussion)" : "");
  return 0;
}

}  // namespace

int runTeach(const std::vector<std::string>& args) {
  if (!args.empty() && args.front() == "export")
    return exportTeachingFile({args.begin() + 1, args.end()});
  if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
    std::fputs(kUsage.c_str(), stdout);
    return 0;
  }
  return usage("teach needs a subcommand: export", kUsage.c_str());
}

}  // namespace vigie::app::cli
