// vigie-cli batch: a model over many CT studies or photographs, unattended.
//
// Each item (a study, a photograph) is worked on in OUT/.work/NAME and moved
// to OUT/NAME only when everything it leaves is written, status.json last:
// a run killed at any moment leaves whole items and a .work folder that the
// next run clears, and the next run skips every item whose status says ok.
// summary.csv is rewritten (atomically) as items finish and at the end, from
// the items' status files, so it can always be made whole again by running
// the same command.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "../reading/CaseRegistration.h"
#include "../workflows/BatchPlan.h"
#include "../workflows/BundleOpening.h"
#include "../workflows/CtAnalysis.h"
#include "../workflows/FundusAnalysis.h"
#include "../workflows/SeriesChoice.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "CommandLine.h"
#include "ModelSupport.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/FundusReportWriter.h"
#include "vigie/imaging/dicom/MeasurementReportWriter.h"
#include "vigie/imaging/dicom/SourceSeries.h"
#include "vigie/imaging/fundus/ImageFile.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/net/ArchiveClient.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"

namespace vigie::app::cli {
namespace {

namespace fs = std::filesystem;

/// Set by the first SIGINT or SIGTERM (Ctrl+C, scancel, a Slurm time limit):
/// no new item starts and a CT analysis under way stops at its next window.
/// The handler resets itself, so a second signal ends the process at once,
/// which the item folders are built to survive.
std::atomic<bool> gStopRequested{false};

extern "C" void requestStop(int) { gStopRequested = true; }

void installStopHandlers() {
  struct sigaction action {};
  action.sa_handler = requestStop;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::string duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char text[48];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(text, sizeof text, "%ld min %02ld s", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%ld s", s);
  return text;
}

/// One unit of work: a CT study, a photograph, or a study in a PACS.
struct BatchItem {
  std::string key;
  std::string folder;
  fs::path photograph;                                ///< photographs in a folder
  const imaging::DicomSeriesEntry* series = nullptr;  ///< CT studies in a folder
};

/// What the run was asked to do, once parsed.
struct BatchSettings {
  fs::path input, out;
  std::optional<std::string> pacs;  ///< studies come from this archive (query, retrieve)
  bool keepImages = false;          ///< a PACS study's images stay in its folder
  bool photographs = false;         ///< a fundus model
  CtAnalysisOptions ct;
  std::optional<std::string> sendTo;       ///< the archive results go to
  std::optional<fs::path> storeFile;       ///< the review store each item is recorded in
  std::string reader = "vigie-cli batch";  ///< who the store says ran the model
  imaging::AssociationSettings association;
};

/// The CT series a batch analyses in each study: the largest CT series.
std::vector<BatchItem> ctStudies(const imaging::DicomScanResult& scan) {
  std::map<std::string, const imaging::DicomSeriesEntry*> largest;
  for (const auto& s : scan.series) {
    if (s.modality != "CT" || s.studyInstanceUid.empty()) continue;
    auto& chosen = largest[s.studyInstanceUid];
    if (!chosen || s.images.size() > chosen->images.size()) chosen = &s;
  }
  std::vector<BatchItem> items;
  for (const auto& [study, series] : largest)
    items.push_back({study, itemFolderName(study), {}, series});
  return items;
}

/// The studies a PACS query matches, one item each (the images come later,
/// study by study, when a worker takes the item).
core::Result<std::vector<BatchItem>> pacsStudies(const BatchSettings& settings,
                                                 const imaging::PacsQuery& query) {
  auto archive = imaging::openArchive(*settings.pacs, settings.association);
  if (!archive.ok()) return archive.error();
  auto matches = archive.value()->find(query);
  if (!matches.ok()) return matches.error();
  std::vector<BatchItem> items;
  for (const auto& match : matches.value()) {
    const auto uid = match.find("StudyInstanceUID");
    if (uid == match.end() || uid->second.empty()) continue;
    items.push_back({uid->second, itemFolderName(uid->second), {}, nullptr});
  }
  std::sort(items.begin(), items.end(),
            [](const BatchItem& a, const BatchItem& b) { return a.key < b.key; });
  items.erase(std::unique(items.begin(), items.end(),
                          [](const BatchItem& a, const BatchItem& b) { return a.key == b.key; }),
              items.end());
  return items;
}

/// --query KEY=VALUE as a study-level C-FIND (the keys of `pacs find`).
core::Result<imaging::PacsQuery> pacsQuery(const std::vector<std::string>& assignments) {
  imaging::PacsQuery query;
  const std::map<std::string, std::string imaging::PacsQuery::*> fields = {
      {"patient-id", &imaging::PacsQuery::patientId},
      {"patient-name", &imaging::PacsQuery::patientName},
      {"date", &imaging::PacsQuery::studyDate},
      {"modality", &imaging::PacsQuery::modality},
      {"accession", &imaging::PacsQuery::accessionNumber},
      {"study", &imaging::PacsQuery::studyUid}};
  for (const auto& assignment : assignments) {
    const auto eq = assignment.find('=');
    const auto field =
        eq == std::string::npos ? fields.end() : fields.find(assignment.substr(0, eq));
    if (field == fields.end())
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "--query takes KEY=VALUE with KEY patient-id, patient-name, date, "
                             "modality, accession or study, not '" +
                                 assignment + "'");
    query.*(field->second) = assignment.substr(eq + 1);
  }
  return query;
}

std::vector<BatchItem> photographItems(const fs::path& input) {
  std::vector<BatchItem> items;
  std::error_code ec;
  const bool folder = fs::is_directory(input, ec);
  for (const auto& file : imaging::listPhotographs(input)) {
    const std::string key =
        folder ? file.lexically_relative(input).generic_string() : file.filename().string();
    items.push_back({key, itemFolderName(key), file, nullptr});
  }
  std::sort(items.begin(), items.end(),
            [](const BatchItem& a, const BatchItem& b) { return a.key < b.key; });
  return items;
}

core::Status writeStatus(const fs::path& folder, const SummaryRow& row) {
  nlohmann::json status(row);
  return writeJsonFile(folder, "status.json", status);
}

/// An item's row from its status.json; nothing when it has none (not done,
/// or killed before its folder was complete) or it cannot be read.
std::optional<SummaryRow> readStatus(const fs::path& folder) {
  std::ifstream in(folder / "status.json");
  if (!in) return std::nullopt;
  try {
    return nlohmann::json::parse(in).get<SummaryRow>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// Whether an item's results are DICOM and go to --send-to: a CT study's
/// always; a photograph's only when it was DICOM (its SR), a PNG's never.
bool sendsResults(const fs::path& folder, const BatchSettings& settings) {
  return settings.sendTo && (!settings.photographs || fs::exists(folder / "sr.dcm"));
}

/// Sends the item's DICOM results (SR, SEG) to the node; "yes", or why not.
std::string sendResults(const fs::path& folder, const BatchSettings& settings) {
  std::vector<fs::path> files;
  for (const char* name : {"sr.dcm", "heatmap-seg.dcm"})
    if (fs::exists(folder / name)) files.push_back(folder / name);
  if (files.empty()) return "no DICOM results to send";
  auto archive = imaging::openArchive(*settings.sendTo, settings.association);
  if (!archive.ok()) return archive.error().message;
  auto stored = archive.value()->store(files);
  if (!stored.ok()) return stored.error().message;
  if (stored.value().stored != static_cast<int>(files.size()))
    return std::to_string(stored.value().stored) + " of " + std::to_string(files.size()) +
           " objects stored";
  return "yes";
}

/// Works on the items of one share; one per thread, each with its own
/// session on the model (sessions are not shared between threads).
class BatchWorker {
 public:
  /// `store`: this worker's own connection to the review store (one per
  /// thread), or null without --store.
  BatchWorker(const BatchSettings& settings, std::unique_ptr<inference::InferenceSession> session,
              std::unique_ptr<core::ReviewStore> store)
      : settings_(settings), session_(std::move(session)), store_(std::move(store)) {}

  /// Analyses `items` (one CT study, or a few photographs run through the
  /// network together) and returns one row each; an item cancelled by a stop
  /// request returns no row.
  std::vector<std::pair<std::size_t, SummaryRow>> run(const std::vector<BatchItem>& items,
                                                      const std::vector<std::size_t>& which) {
    if (settings_.photographs && !settings_.pacs) return runPhotographs(items, which);
    return runStudies(items, which);
  }

 private:
  fs::path workFolder(const BatchItem& item) const { return settings_.out / ".work" / item.folder; }

  static SummaryRow startRow(const BatchItem& item, const char* kind) {
    return {{"key", item.key}, {"kind", kind}, {"folder", item.folder}};
  }

  /// Finishes an item: on failure its partial results go and only the
  /// reason stays; status.json is written, the results sent when asked, and
  /// the folder moved into place (replacing an earlier failed attempt).
  SummaryRow finish(const BatchItem& item, SummaryRow row, const std::string& failure,
                    double seconds) {
    const fs::path work = workFolder(item);
    std::error_code ec;
    row["seconds"] = number(seconds);
    const bool partial = row.count("status") && row.at("status") == kStatusPartial;
    if (!failure.empty()) {
      row["status"] = kStatusFailed;
      row["reason"] = failure;
      fs::remove_all(work, ec);
    } else if (partial) {
      // Results from part of a study stay for a look but are not sent: the
      // rerun that retrieves the whole study redoes and sends them.
      row["status"] = kStatusPartial;
    } else {
      row["status"] = kStatusOk;
      if (sendsResults(work, settings_)) row["sent"] = sendResults(work, settings_);
    }
    if (auto written = writeStatus(work, row); !written.ok()) {
      row["status"] = "failed";
      row["reason"] = written.error().message;
      return row;
    }
    const fs::path final = settings_.out / item.folder;
    fs::remove_all(final, ec);
    fs::rename(work, final, ec);
    if (ec) {
      row["status"] = "failed";
      row["reason"] = final.string() + ": " + ec.message();
    }
    return row;
  }

  /// Studies one at a time: a CT study found in the input folder, or a study
  /// retrieved from the PACS first (CT, or a fundus model's photographs).
  std::vector<std::pair<std::size_t, SummaryRow>> runStudies(
      const std::vector<BatchItem>& items, const std::vector<std::size_t>& which) {
    std::vector<std::pair<std::size_t, SummaryRow>> rows;
    for (std::size_t index : which) {
      const BatchItem& item = items[index];
      const auto start = std::chrono::steady_clock::now();
      SummaryRow row = startRow(item, settings_.photographs ? "photograph-study" : "ct-study");
      row["study_uid"] = item.series ? item.series->studyInstanceUid : item.key;
      std::error_code ec;
      fs::remove_all(workFolder(item), ec);
      std::optional<std::string> failure;
      if (item.series) {
        failure = analyzeStudy(item, *item.series, row);
      } else {
        imaging::DicomScanResult retrieved;
        failure = retrieve(item, retrieved, row);
        if (!failure && settings_.photographs) {
          failure = analyzePhotographStudy(item, row);
        } else if (!failure) {
          const auto* series = chooseSeries(retrieved, std::nullopt, "CT");
          failure = series ? analyzeStudy(item, *series, row)
                           : std::string("no CT series in the study as retrieved");
        }
        if (!settings_.keepImages) fs::remove_all(workFolder(item) / "images", ec);
      }
      if (failure && *failure == kCancelled) {
        fs::remove_all(workFolder(item), ec);
        continue;
      }
      rows.emplace_back(index,
                        finish(item, std::move(row), failure.value_or(""), secondsSince(start)));
    }
    return rows;
  }

  /// C-GET of the item's study into its work folder's images/, then a scan
  /// of what arrived; the reason when nothing usable came. A partial
  /// retrieval is analysed, said in the row's reason, and the row's status
  /// made "partial" so that a rerun retrieves the study again.
  std::optional<std::string> retrieve(const BatchItem& item, imaging::DicomScanResult& scan,
                                      SummaryRow& row) {
    const fs::path images = workFolder(item) / "images";
    auto archive = imaging::openArchive(*settings_.pacs, settings_.association);
    if (!archive.ok()) return archive.error().message;
    auto got = archive.value()->get(item.key, std::nullopt, images, {}, &gStopRequested);
    if (!got.ok()) {
      if (got.error().code == core::ErrorCode::Cancelled) return std::string(kCancelled);
      return got.error().message;
    }
    if (got.value().received.empty()) return std::string("the PACS sent no objects");
    if (got.value().failed > 0 || !got.value().problems.empty()) {
      row["status"] = kStatusPartial;
      row["reason"] = "partial retrieval: " + std::to_string(got.value().received.size()) +
                      " objects received, " + std::to_string(got.value().failed) + " failed" +
                      (got.value().problems.empty() ? "" : " (" + got.value().problems[0] + ")");
    }
    auto scanned = imaging::DicomScanner().scan(images);
    if (!scanned.ok()) return scanned.error().message;
    scan = std::move(scanned.value());
    return std::nullopt;
  }

  static constexpr const char* kCancelled = "cancelled";

  /// Loads, analyses and writes one study into its work folder; the reason
  /// when it failed.
  std::optional<std::string> analyzeStudy(const BatchItem& item,
                                          const imaging::DicomSeriesEntry& series,
                                          SummaryRow& row) {
    row["series_uid"] = series.seriesInstanceUid;
    const auto loadStart = std::chrono::steady_clock::now();
    auto loaded = imaging::CtVolumeLoader().load(series);
    if (!loaded.ok()) return loaded.error().message;
    const double loadSeconds = secondsSince(loadStart);
    auto analysis = analyzeCt(loaded.value().volume, *session_, settings_.ct, {}, &gStopRequested);
    if (!analysis.ok()) {
      if (analysis.error().code == core::ErrorCode::Cancelled) return std::string(kCancelled);
      return analysis.error().message;
    }
    const CtAnalysis& a = analysis.value();
    auto written = writeCtResults(workFolder(item), series, a, *session_, loadSeconds);
    if (!written.ok()) return written.error().message;
    if (auto sr = writeReport(item, series, a); !sr.ok()) return sr.error().message;
    if (store_) {
      // Where a reader opens it from the worklist: the input's folder, or
      // the kept images of a retrieved study (none: retrieve it again).
      std::string source;
      if (item.series)
        source = caseSource(series, settings_.input);
      else if (settings_.keepImages)
        source = (settings_.out / item.folder / "images").string();
      auto recorded = recordCtRun({*store_, settings_.reader}, series, source, a, *session_);
      if (!recorded.ok()) return "review store: " + recorded.error().message;
    }
    row["findings"] = std::to_string(a.findings.size());
    double maxScore = 0;
    for (const auto& f : a.findings) maxScore = std::max(maxScore, f.score);
    row["max_score"] = a.findings.empty() ? "" : number(maxScore);
    return std::nullopt;
  }

  /// The model's answers on DICOM photographs of one study as a DR screening
  /// SR (TID 1500, the model's group only: no reader has graded them yet),
  /// an entry per photograph, each referred to in its own series; false when
  /// none is DICOM (a PNG or JPEG has no study to put an SR in, and is left
  /// out).
  core::Result<bool> writeFundusReportOf(
      const std::vector<std::pair<fs::path, const FundusAnalysis*>>& graded, const fs::path& file) {
    imaging::SourceSeries source;  // the study's photographs, whatever their series
    imaging::FundusReport report;
    for (const auto& [photograph, a] : graded) {
      auto scan = imaging::DicomScanner().scan(photograph);
      if (!scan.ok() || scan.value().series.empty()) continue;
      auto described = imaging::describeSourceImages(scan.value().series.front());
      if (!described.ok()) return described.error();
      const imaging::SourceSeries& one = described.value();
      if (source.slices.empty()) {
        source.studyUid = one.studyUid;
        source.seriesUid = one.seriesUid;
      } else if (one.studyUid != source.studyUid) {
        return core::makeError(core::ErrorCode::InvalidArgument,
                               photograph.string() + ": not in study " + source.studyUid +
                                   " like the other photographs; one report is one study");
      }
      imaging::SourceSlice image = one.slices.front();
      image.seriesUid = one.seriesUid;
      source.slices.push_back(image);
      const auto& p = a->prediction;
      imaging::FundusImageAssessment assessment;
      assessment.image = image;
      assessment.model = imaging::FundusModelAssessment{p.grade, p.referableProbability, p.gradable,
                                                        p.qualityScore};
      report.images.push_back(std::move(assessment));
    }
    if (source.slices.empty()) return false;
    const auto& m = session_->manifest();
    report.producer = {m.id, m.name, m.version, VIGIE_VERSION};
    report.exportingReader = "vigie-cli batch";
    auto written = imaging::writeFundusReport(source, report, file);
    if (!written.ok()) return written.error();
    return true;
  }

  /// The model's findings as a TID 1500 report, not yet reviewed: what a
  /// PACS or a second reader gets from an unattended run.
  core::Status writeReport(const BatchItem& item, const imaging::DicomSeriesEntry& series,
                           const CtAnalysis& a) {
    auto source = imaging::describeSourceSeries(series);
    if (!source.ok()) return source.error();
    const auto& m = session_->manifest();
    imaging::CtMeasurementReport report;
    report.producer = {m.id, m.name, m.version, VIGIE_VERSION};
    report.exportingReader = "vigie-cli batch";
    for (const auto& f : a.findings) {
      core::ReviewedFinding finding;
      finding.id = f.id;
      finding.modelScore = f.score;
      finding.centerMm = f.centerMm;
      finding.diameterMm = f.diameterMm;
      report.findings.push_back(finding);
    }
    auto written =
        imaging::writeCtMeasurementReport(source.value(), report, workFolder(item) / "sr.dcm");
    if (!written.ok()) return written.error();
    return {};
  }

  std::vector<std::pair<std::size_t, SummaryRow>> runPhotographs(
      const std::vector<BatchItem>& items, const std::vector<std::size_t>& which) {
    std::vector<std::pair<std::size_t, SummaryRow>> rows;
    const auto start = std::chrono::steady_clock::now();
    // Read every photograph first: one that cannot be read fails alone.
    std::vector<core::Image2D> photos;
    std::vector<std::size_t> readable;
    std::vector<std::pair<std::size_t, std::string>> unreadable;
    for (std::size_t index : which) {
      auto photo = imaging::readPhotograph(items[index].photograph);
      if (photo.ok()) {
        photos.push_back(std::move(photo.value()));
        readable.push_back(index);
      } else {
        unreadable.emplace_back(index, photo.error().message);
      }
    }
    std::vector<FundusAnalysis> results;
    std::string chunkFailure;
    if (!photos.empty()) {
      auto analyzed = analyzeFundus(photos, *session_, &gStopRequested);
      if (!analyzed.ok() && analyzed.error().code == core::ErrorCode::Cancelled) return rows;
      if (analyzed.ok())
        results = std::move(analyzed.value());
      else
        chunkFailure = analyzed.error().message;
    }
    const double each = secondsSince(start) / static_cast<double>(which.size());
    for (const auto& [index, reason] : unreadable)
      rows.emplace_back(index,
                        finish(items[index], startRow(items[index], "photograph"), reason, each));
    for (std::size_t i = 0; i < readable.size(); ++i) {
      const BatchItem& item = items[readable[i]];
      SummaryRow row = startRow(item, "photograph");
      row["file"] = item.photograph.string();
      std::string failure = chunkFailure;
      if (failure.empty()) failure = writePhotograph(item, results[i], row, each);
      rows.emplace_back(readable[i], finish(item, std::move(row), failure, each));
    }
    return rows;
  }

  /// A fundus model over every photograph of a retrieved study: one
  /// findings.json with an entry (and a heatmap) per photograph; the row has
  /// the study's worst grade, highest referable probability and lowest
  /// quality, so that a screening list sorts the study by its worst eye.
  std::optional<std::string> analyzePhotographStudy(const BatchItem& item, SummaryRow& row) {
    const fs::path work = workFolder(item);
    const auto files = imaging::listPhotographs(work / "images");
    if (files.empty()) return std::string("no photographs in the study as retrieved");
    std::vector<core::Image2D> photos;
    for (const auto& file : files) {
      auto photo = imaging::readPhotograph(file);
      if (!photo.ok()) return photo.error().message;
      photos.push_back(std::move(photo.value()));
    }
    auto analyzed = analyzeFundus(photos, *session_, &gStopRequested);
    if (!analyzed.ok()) {
      if (analyzed.error().code == core::ErrorCode::Cancelled) return std::string(kCancelled);
      return analyzed.error().message;
    }
    nlohmann::json images = nlohmann::json::array();
    int worstGrade = 0;
    double highest = 0, lowestQuality = 1;
    bool allGradable = true, anyReferable = false;
    std::size_t lesions = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      const FundusAnalysis& a = analyzed.value()[i];
      nlohmann::json entry = describeFundusAnalysis(a);
      entry["file"] = files[i].lexically_relative(work).generic_string();
      if (!a.heatmap.empty()) {
        const std::string name = "heatmap-" + std::to_string(i + 1) + ".png";
        auto written = imaging::writeImageFile(a.heatmap, work / name);
        if (!written.ok()) return written.error().message;
        entry["heatmap"] = name;
      }
      images.push_back(std::move(entry));
      if (store_) {
        auto recorded = recordFundusRun({*store_, settings_.reader}, files[i], a, *session_, 0.0);
        if (!recorded.ok()) return "review store: " + recorded.error().message;
      }
      const auto& p = a.prediction;
      worstGrade = std::max(worstGrade, p.grade);
      highest = std::max(highest, p.referableProbability);
      lowestQuality = std::min(lowestQuality, p.qualityScore);
      allGradable = allGradable && p.gradable;
      anyReferable = anyReferable || p.referable;
      lesions += a.lesions.size();
    }
    nlohmann::json report = {{"images", images},
                             {"model", describeModel(session_->manifest())},
                             {"device", session_->device().name}};
    // The study's answers also go out as DICOM (--send-to): one DR screening
    // SR with an entry per photograph.
    std::vector<std::pair<fs::path, const FundusAnalysis*>> graded;
    for (std::size_t i = 0; i < files.size(); ++i)
      graded.emplace_back(files[i], &analyzed.value()[i]);
    auto sr = writeFundusReportOf(graded, work / "sr.dcm");
    if (!sr.ok()) return sr.error().message;
    if (sr.value()) report["sr"] = "sr.dcm";
    if (auto written = writeJsonFile(work, "findings.json", report); !written.ok())
      return written.error().message;
    row["grade"] = std::to_string(worstGrade);
    row["referable_probability"] = number(highest);
    row["referable"] = anyReferable ? "yes" : "no";
    row["gradable"] = allGradable ? "yes" : "no";
    row["quality_score"] = number(lowestQuality);
    row["findings"] = std::to_string(lesions);
    return std::nullopt;
  }

  /// Writes one photograph's findings.json and heatmap; the reason when it failed.
  std::string writePhotograph(const BatchItem& item, const FundusAnalysis& a, SummaryRow& row,
                              double seconds) {
    const fs::path work = workFolder(item);
    std::error_code ec;
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
    if (ec) return work.string() + ": " + ec.message();
    nlohmann::json report = describeFundusAnalysis(a);
    report["file"] = item.photograph.string();
    if (!a.heatmap.empty()) {
      auto written = imaging::writeImageFile(a.heatmap, work / "heatmap.png");
      if (!written.ok()) return written.error().message;
      report["heatmap"] = "heatmap.png";
    }
    report["model"] = describeModel(session_->manifest());
    report["device"] = session_->device().name;
    // A DICOM photograph's answer also goes out as DICOM: the DR screening SR.
    auto sr = writeFundusReportOf({{item.photograph, &a}}, work / "sr.dcm");
    if (!sr.ok()) return sr.error().message;
    if (sr.value()) report["sr"] = "sr.dcm";
    if (auto written = writeJsonFile(work, "findings.json", report); !written.ok())
      return written.error().message;
    if (store_) {
      auto recorded =
          recordFundusRun({*store_, settings_.reader}, item.photograph, a, *session_, seconds);
      if (!recorded.ok()) return "review store: " + recorded.error().message;
    }
    const auto& p = a.prediction;
    row["grade"] = std::to_string(p.grade);
    row["referable_probability"] = number(p.referableProbability);
    row["referable"] = p.referable ? "yes" : "no";
    row["gradable"] = p.gradable ? "yes" : "no";
    row["quality_score"] = number(p.qualityScore);
    row["findings"] = std::to_string(a.lesions.size());
    return {};
  }

  const BatchSettings& settings_;
  std::unique_ptr<inference::InferenceSession> session_;
  std::unique_ptr<core::ReviewStore> store_;  ///< null without --store
};

/// What the main thread shows and keeps while the workers run.
class BatchProgress {
 public:
  BatchProgress(std::size_t total, std::size_t alreadyDone)
      : total_(total),
        done_(alreadyDone),
        start_(std::chrono::steady_clock::now()),
        terminal_(isatty(STDERR_FILENO) != 0) {}

  void itemFinished(const SummaryRow& row) {
    ++done_;
    ++doneThisRun_;
    const std::string& status = row.at("status");
    if (status == kStatusPartial)
      ++partial_;
    else if (status != kStatusOk)
      ++failed_;
    const double elapsed = secondsSince(start_);
    const std::size_t left = total_ - done_;
    const double eta = elapsed / static_cast<double>(doneThisRun_) * static_cast<double>(left);
    std::string what = status == kStatusOk        ? describe(row)
                       : status == kStatusPartial ? "PARTIAL: " + row.at("reason")
                                                  : "FAILED: " + row.at("reason");
    clearBar();
    std::printf("[%zu/%zu] %s: %s (%s s)%s\n", done_, total_, row.at("key").c_str(), what.c_str(),
                row.at("seconds").c_str(), left ? (", ETA " + duration(eta)).c_str() : "");
    std::fflush(stdout);
    drawBar(eta);
  }

  void clearBar() const {
    if (terminal_) std::fprintf(stderr, "\r\033[K");
  }

  std::size_t failed() const { return failed_; }
  std::size_t partial() const { return partial_; }
  std::size_t doneThisRun() const { return doneThisRun_; }
  double elapsed() const { return secondsSince(start_); }

 private:
  static std::string describe(const SummaryRow& row) {
    const auto field = [&](const char* name) {
      const auto it = row.find(name);
      return it == row.end() ? std::string() : it->second;
    };
    std::string text;
    if (row.at("kind") != "ct-study")
      text = "grade " + field("grade") + ", referable " + field("referable_probability") +
             (field("gradable") == "no" ? ", ungradable" : "");
    else
      text = field("findings") + " findings" +
             (field("max_score").empty() ? "" : ", highest score " + field("max_score"));
    if (!field("sent").empty())
      text += field("sent") == "yes" ? ", sent" : ", NOT SENT: " + field("sent");
    return text;
  }

  void drawBar(double eta) const {
    if (!terminal_ || done_ == total_) return;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * done_ / std::max<std::size_t>(total_, 1));
    std::fprintf(stderr, "[%s%s] %zu/%zu, %zu failed, ETA %s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), done_, total_, failed_,
                 duration(eta).c_str());
    std::fflush(stderr);
  }

  std::size_t total_, done_, doneThisRun_ = 0, failed_ = 0, partial_ = 0;
  std::chrono::steady_clock::time_point start_;
  bool terminal_;
};

constexpr const char* kUsage =
    "usage: vigie-cli batch --input DIR --model BUNDLE --out DIR [--shard I/N] [--jobs N]\n"
    "                       [--threads N] [--cpu] [--threshold T] [--lung-mask on|off]\n"
    "                       [--send-to NODE] [--aet OURS] [--timeout S] [--store PATH]\n"
    "                       [--token-file FILE]\n"
    "       vigie-cli batch --pacs NODE [--query KEY=VALUE]... [--keep-images] [--quota-mb N]\n"
    "                       --model ...\n"
    "       vigie-cli batch merge DIR... --out DIR\n"
    "Runs the model over every CT study (the largest CT series of each) or, for a fundus\n"
    "model, every photograph (PNG, JPEG, TIFF, DICOM) under --input, unattended. Each item\n"
    "gets a folder in --out (findings.json; for CT also heatmap.nii.gz, heatmap-seg.dcm and\n"
    "sr.dcm, the findings as a TID 1500 report; for photographs heatmap.png, and for a\n"
    "DICOM photograph sr.dcm, the model's DR screening report) and a row in\n"
    "--out/summary.csv. Rerun the same command to resume: finished items are skipped,\n"
    "failed ones tried again; Ctrl+C stops after the items under way (twice: at once),\n"
    "leaving only whole results. A failed item is logged with its reason and the run goes\n"
    "on; the exit code is 1 when any item failed.\n"
    "--shard I/N takes task I's share of N (from 0), by key, so that N tasks given the same\n"
    "input share it without overlap; without it, SLURM_ARRAY_TASK_ID and\n"
    "SLURM_ARRAY_TASK_COUNT say the same (an sbatch --array job). merge joins the tasks'\n"
    "summaries into one, one row per study or photograph (see docs/batch-slurm.sbatch).\n"
    "--jobs N analyses N items at a time, each with its own model session and (unless\n"
    "--threads) 1/N of the cores. --send-to NODE (AET@HOST:PORT, a DICOMweb URL or a name\n"
    "from the nodes file) sends each study's SR and SEG, or a DICOM photograph's SR\n"
    "(C-STORE or STOW-RS) as it finishes; --token-file FILE: a DICOMweb node's OAuth token.\n"
    "--pacs NODE takes the studies a study-level query matches (C-FIND, or QIDO-RS when\n"
    "NODE is a DICOMweb URL; --query patient-id=, patient-name=, date=FROM-TO, modality=,\n"
    "accession=, study=; all of them without) and retrieves each (C-GET or WADO-RS) into\n"
    "its folder when its turn comes (--quota-mb N: no more than N MB a study); the images are\n"
    "deleted after the analysis unless --keep-images. A fundus model then grades every\n"
    "photograph of the study (the row: its worst grade) and writes one DR screening sr.dcm\n"
    "with an entry per DICOM photograph, which --send-to sends. --timeout S bounds every\n"
    "network wait (default 30 s). A study of which only part came (the PACS stopped, the\n"
    "quota) is analysed as it came, marked \"partial\" in summary.csv and not sent; a rerun\n"
    "retrieves and analyses it again, and merge keeps an ok row over a partial one.\n"
    "--store PATH puts every study or photograph analysed in this run on that review store's\n"
    "worklist with the model's answer (the AI triage of `vigie-cli worklist`); --reader NAME\n"
    "is who the store says ran it (default \"vigie-cli batch\").\n";

int runMerge(CommandLine& cl) {
  const auto out = cl.value("--out");
  if (!out || cl.positional().size() < 2)
    return usage("batch merge needs the DIRs to join and --out DIR", kUsage);
  std::vector<std::vector<SummaryRow>> summaries;
  std::vector<std::string> prefixes;
  std::error_code ec;
  fs::create_directories(*out, ec);
  if (ec) return fail(*out + ": " + ec.message());
  for (std::size_t i = 1; i < cl.positional().size(); ++i) {
    const fs::path dir = cl.positional()[i];
    auto rows = readSummary(dir / "summary.csv");
    if (!rows.ok()) return fail(rows.error().message);
    summaries.push_back(std::move(rows.value()));
    // Folders stay where the tasks wrote them; the joined summary points there.
    prefixes.push_back(fs::absolute(dir)
                           .lexically_normal()
                           .lexically_relative(fs::absolute(*out).lexically_normal())
                           .generic_string());
  }
  std::size_t duplicates = 0;
  const auto merged = mergeSummaries(summaries, prefixes, duplicates);
  if (auto written = writeSummary(fs::path(*out) / "summary.csv", merged); !written.ok())
    return fail(written.error().message);
  const auto failed = std::count_if(merged.begin(), merged.end(), [](const SummaryRow& r) {
    return r.count("status") && r.at("status") != kStatusOk && r.at("status") != kStatusPartial;
  });
  const auto partial = std::count_if(merged.begin(), merged.end(), [](const SummaryRow& r) {
    return r.count("status") && r.at("status") == kStatusPartial;
  });
  std::printf(
      "%zu items from %zu summaries (%ld failed%s%s) in %s/summary.csv\n", merged.size(),
      summaries.size(), static_cast<long>(failed),
      partial ? (", " + std::to_string(partial) + " partial").c_str() : "",
      duplicates ? (", " + std::to_string(duplicates) + " found twice: kept once").c_str() : "",
      out->c_str());
  return 0;
}

/// One batch run over this task's share: what is there to do, then doing it
/// with the workers while the summary follows.
class BatchRun {
 public:
  explicit BatchRun(BatchSettings settings) : settings_(std::move(settings)) {}

  /// The items, in key order: the input folder's CT studies or photographs,
  /// or the studies the PACS query matches.
  core::Status listItems(const imaging::PacsQuery& query) {
    if (settings_.pacs) {
      auto studies = pacsStudies(settings_, query);
      if (!studies.ok()) return studies.error();
      all_ = std::move(studies.value());
    } else if (settings_.photographs) {
      all_ = photographItems(settings_.input);
    } else {
      auto scanned = imaging::DicomScanner().scan(settings_.input);
      if (!scanned.ok()) return scanned.error();
      scan_ = std::move(scanned.value());
      all_ = ctStudies(scan_);
      if (!scan_.unreadable.empty())
        warn(std::to_string(scan_.unreadable.size()) + " files under " + settings_.input.string() +
             " are not readable DICOM and are left out (first: " +
             scan_.unreadable.front().file.string() + ": " + scan_.unreadable.front().reason + ")");
    }
    return {};
  }

  /// This task's share, what earlier runs finished in it (kept) and left
  /// half-done (cleared), and the summary as it stands.
  core::Status plan(const Shard& shard) {
    std::vector<std::string> keys;
    for (const auto& item : all_) keys.push_back(item.key);
    share_ = shareOf(keys, shard);
    std::error_code ec;
    fs::create_directories(settings_.out / ".work", ec);
    if (ec)
      return core::makeError(core::ErrorCode::IoError,
                             settings_.out.string() + ": " + ec.message());
    for (const auto& entry : fs::directory_iterator(settings_.out / ".work", ec))
      fs::remove_all(entry.path(), ec);
    rows_.assign(all_.size(), {});
    for (std::size_t index : share_) {
      const fs::path folder = settings_.out / all_[index].folder;
      auto status = readStatus(folder);
      // Only an ok item is done: a failed or partial one is tried again.
      const bool done = status && isFinished(*status);
      if (done && sendsResults(folder, settings_) && (*status)["sent"] != "yes") {
        // Finished but not delivered (the PACS was down): send it now, not redo it.
        (*status)["sent"] = sendResults(folder, settings_);
        if (auto written = writeStatus(folder, *status); !written.ok()) return written;
        std::printf("%s: sent again: %s\n", all_[index].key.c_str(), (*status)["sent"].c_str());
      }
      if (status) rows_[index] = *status;
      if (!done) todo_.push_back(index);
    }
    return writeSummary(summaryFile(), presentRows());
  }

  /// Runs the items still to do on the workers (one thread each); returns
  /// the exit code.
  int execute(std::vector<std::unique_ptr<BatchWorker>> workers) {
    installStopHandlers();
    // Photographs go through the network a few at a time; a study alone.
    const std::size_t chunk = settings_.photographs && !settings_.pacs ? 8 : 1;
    std::atomic<std::size_t> next{0};
    std::size_t running = workers.size();
    std::vector<std::thread> threads;
    for (auto& worker : workers) {
      threads.emplace_back([&, w = worker.get()] {
        while (!gStopRequested) {
          const std::size_t first = next.fetch_add(chunk);
          if (first >= todo_.size()) break;
          const auto from = todo_.begin() + static_cast<std::ptrdiff_t>(first);
          const std::vector<std::size_t> which(
              from, from + static_cast<std::ptrdiff_t>(std::min(chunk, todo_.size() - first)));
          std::vector<std::pair<std::size_t, SummaryRow>> done;
          try {
            done = w->run(all_, which);
          } catch (const std::exception& e) {
            // Out of memory in a toolkit, say: these items fail, the run goes on.
            for (std::size_t index : which)
              done.emplace_back(index, SummaryRow{{"key", all_[index].key},
                                                  {"folder", all_[index].folder},
                                                  {"seconds", "0"},
                                                  {"status", "failed"},
                                                  {"reason", std::string("error: ") + e.what()}});
          }
          std::lock_guard<std::mutex> lock(mutex_);
          for (auto& r : done) arrived_.push_back(std::move(r));
          finished_.notify_one();
        }
        std::lock_guard<std::mutex> lock(mutex_);
        --running;
        finished_.notify_one();
      });
    }
    BatchProgress progress(share_.size(), share_.size() - todo_.size());
    followWorkers(running, progress);
    for (auto& t : threads) t.join();
    progress.clearBar();
    if (auto written = writeSummary(summaryFile(), presentRows()); !written.ok())
      return fail(written.error().message);
    report(progress);
    if (gStopRequested) {
      std::fprintf(stderr,
                   "vigie-cli: batch stopped on request; run the same command again to resume\n");
      return 130;
    }
    return progress.failed() || progress.partial() || unsent() ? 1 : 0;
  }

  std::size_t total() const { return all_.size(); }
  /// Items of this task whose results were to be sent and are not.
  std::size_t unsent() const {
    return static_cast<std::size_t>(std::count_if(share_.begin(), share_.end(), [&](std::size_t i) {
      const auto sent = rows_[i].find("sent");
      return sent != rows_[i].end() && !sent->second.empty() && sent->second != "yes";
    }));
  }
  std::size_t shareSize() const { return share_.size(); }
  std::size_t toDo() const { return todo_.size(); }
  fs::path summaryFile() const { return settings_.out / "summary.csv"; }

 private:
  /// The rows of this task's items that have a result, in key order.
  std::vector<SummaryRow> presentRows() const {
    std::vector<SummaryRow> present;
    for (std::size_t index : share_)
      if (!rows_[index].empty()) present.push_back(rows_[index]);
    return present;
  }

  /// Takes the workers' rows as they come until every worker has stopped.
  void followWorkers(const std::size_t& running, BatchProgress& progress) {
    auto lastWrite = std::chrono::steady_clock::now();
    for (;;) {
      std::vector<std::pair<std::size_t, SummaryRow>> arrived;
      bool allStopped = false;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        finished_.wait_for(lock, std::chrono::seconds(1),
                           [&] { return !arrived_.empty() || running == 0; });
        arrived.swap(arrived_);
        allStopped = running == 0;
      }
      for (auto& [index, row] : arrived) {
        rows_[index] = row;
        progress.itemFinished(row);
      }
      // The summary follows the items at most every 2 s: cheap for thousands
      // of photographs, and never far behind for someone reading it.
      if (!arrived.empty() && secondsSince(lastWrite) > 2.0) {
        if (auto written = writeSummary(summaryFile(), presentRows()); !written.ok())
          warn(written.error().message);
        lastWrite = std::chrono::steady_clock::now();
      }
      if (allStopped) return;
    }
  }

  void report(const BatchProgress& progress) const {
    const std::size_t done = progress.doneThisRun();
    const std::size_t left = todo_.size() - done;
    std::printf(
        "%zu done in %s (%s each)%s, %zu failed%s%s%s; summary in %s\n", done,
        duration(progress.elapsed()).c_str(),
        done ? duration(progress.elapsed() / static_cast<double>(done)).c_str() : "-",
        left ? (", " + std::to_string(left) + " left").c_str() : "", progress.failed(),
        progress.failed() ? " (reasons in summary.csv)" : "",
        progress.partial() ? (", " + std::to_string(progress.partial()) +
                              " partial (not all of the study came; run again to retrieve it)")
                                 .c_str()
                           : "",
        unsent() ? (", " + std::to_string(unsent()) + " not sent (run again to send them)").c_str()
                 : "",
        summaryFile().c_str());
  }

  BatchSettings settings_;
  imaging::DicomScanResult scan_;  ///< the input folder's series, which CT items point into
  std::vector<BatchItem> all_;
  std::vector<std::size_t> share_, todo_;
  std::vector<SummaryRow> rows_;  ///< by index into all_; empty: no result yet
  std::mutex mutex_;
  std::condition_variable finished_;
  std::vector<std::pair<std::size_t, SummaryRow>> arrived_;
};

/// The settings of a run from its command line; the exit code when they are wrong.
std::optional<int> readSettings(CommandLine& cl, BatchSettings& settings) {
  const auto input = cl.value("--input");
  const auto pacsNode = cl.value("--pacs");
  const auto out = cl.value("--out");
  if (!input == !pacsNode) return usage("batch takes either --input DIR or --pacs NODE", kUsage);
  if (!cl.value("--model") || !out) return usage("batch needs --model and --out", kUsage);
  if (!pacsNode && (cl.has("--keep-images") || !cl.values("--query").empty()))
    return usage("--query and --keep-images go with --pacs", kUsage);
  const auto threshold = cl.number("--threshold", -1.0);
  const auto timeout = cl.integer("--timeout", 30);
  if (!threshold || !timeout) return usage(cl.error(), kUsage);
  const auto lungMask = lungMaskUse(cl.value("--lung-mask"));
  if (!lungMask) return usage("--lung-mask takes on or off", kUsage);
  settings.input = input.value_or("");
  settings.out = *out;
  settings.keepImages = cl.has("--keep-images");
  settings.ct.thresholdOverride = *threshold;
  settings.ct.lungMask = *lungMask;
  settings.association.connectTimeoutSeconds = static_cast<int>(*timeout);
  settings.association.dimseTimeoutSeconds = static_cast<int>(*timeout);
  if (auto aet = cl.value("--aet")) settings.association.ourAeTitle = *aet;
  if (cl.value("--quota-mb")) {
    // Each study's retrieval stops past it: the study is then partial.
    const auto quota = cl.integer("--quota-mb", 0);
    if (!pacsNode) return usage("--quota-mb goes with --pacs", kUsage);
    if (!quota || *quota < 1) return usage("--quota-mb: megabytes, above 0", kUsage);
    settings.association.cacheQuotaBytes = static_cast<std::uint64_t>(*quota) * 1024 * 1024;
  }
  if (auto token = cl.value("--token-file")) settings.association.bearerTokenFile = *token;
  if (auto store = cl.value("--store")) settings.storeFile = fs::path(*store);
  if (auto reader = cl.value("--reader")) settings.reader = *reader;
  for (auto [option, node] :
       {std::pair{"--send-to", &settings.sendTo}, std::pair{"--pacs", &settings.pacs}}) {
    if (auto text = cl.value(option)) {
      // Checked now (a name in the nodes file, a URL's form), used later.
      auto archive = imaging::openArchive(*text, settings.association);
      if (!archive.ok()) return fail(archive.error().message);
      *node = *text;
    }
  }
  std::error_code ec;
  if (input && !fs::exists(settings.input, ec)) return fail(*input + ": no such file or folder");
  return std::nullopt;
}

}  // namespace

int runBatch(const std::vector<std::string>& args) {
  CommandLine cl(args,
                 {"--input", "--pacs", "--query", "--model", "--out", "--shard", "--jobs",
                  "--threads", "--threshold", "--lung-mask", "--send-to", "--aet", "--timeout",
                  "--store", "--reader", "--token-file", "--quota-mb"},
                 {"--cpu", "--keep-images", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (!cl.positional().empty() && cl.positional()[0] == "merge") return runMerge(cl);
  if (!cl.positional().empty())
    return usage("batch takes --input DIR, not " + cl.positional()[0], kUsage);
  BatchSettings settings;
  if (auto exit = readSettings(cl, settings)) return *exit;
  const auto jobs = cl.integer("--jobs", 1);
  const auto threads = cl.integer("--threads", 0);
  if (!jobs || !threads) return usage(cl.error(), kUsage);
  if (*jobs < 1 || *jobs > 64) return usage("--jobs takes 1 to 64", kUsage);
  auto query = pacsQuery(cl.values("--query"));
  if (!query.ok()) return usage(query.error().message, kUsage);
  auto shard = chooseShard(cl.value("--shard"));
  if (!shard.ok()) return usage(shard.error().message, kUsage);

  auto bundle = openOrImportBundle(*cl.value("--model"), defaultImportedBundleCache());
  if (!bundle.ok()) return fail(bundle.error().message);
  settings.photographs =
      bundle.value().manifest().task == inference::ModelManifest::Task::FundusDrScreening;
  const std::string source = settings.pacs ? *settings.pacs + " (query)" : settings.input.string();
  BatchRun run(settings);
  if (auto listed = run.listItems(query.value()); !listed.ok()) return fail(listed.error().message);
  if (run.total() == 0 && settings.pacs) {
    std::printf("batch: the query matches no study on %s; nothing to do\n", source.c_str());
    return 0;
  }
  if (run.total() == 0)
    return fail(source + (settings.photographs ? ": no photographs (PNG, JPEG, TIFF or DICOM)"
                                               : ": no CT series"));
  if (auto planned = run.plan(shard.value()); !planned.ok()) return fail(planned.error().message);

  const auto jobCount = static_cast<std::size_t>(*jobs);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const long long threadsEach =
      *threads > 0 ? *threads : std::max<long long>(1, static_cast<long long>(cores / jobCount));
  const char* what = settings.pacs          ? "studies"
                     : settings.photographs ? "photographs"
                                            : "CT studies";
  std::printf(
      "batch: %zu %s from %s; this task (%d of %d) takes %zu, %zu already done, %zu to do;"
      " %zu at a time, %lld threads each\n",
      run.total(), what, source.c_str(), shard.value().index, shard.value().count, run.shareSize(),
      run.shareSize() - run.toDo(), run.toDo(), jobCount, threadsEach);
  std::fflush(stdout);
  if (run.toDo() == 0) {
    std::printf("nothing to do%s; summary in %s\n",
                run.unsent() ? (" but " + std::to_string(run.unsent()) + " not sent").c_str() : "",
                run.summaryFile().c_str());
    return run.unsent() ? 1 : 0;
  }
  std::vector<std::unique_ptr<BatchWorker>> workers;
  for (std::size_t j = 0; j < std::min(jobCount, run.toDo()); ++j) {
    auto session = openSession(bundle.value(), cl.has("--cpu"), threadsEach);
    if (!session.ok()) return fail(session.error().message);
    std::unique_ptr<core::ReviewStore> store;
    if (settings.storeFile) {
      auto opened = core::ReviewStore::open(*settings.storeFile);
      if (!opened.ok()) return fail(opened.error().message);
      store = std::move(opened.value());
    }
    workers.push_back(
        std::make_unique<BatchWorker>(settings, std::move(session.value()), std::move(store)));
  }
  return run.execute(std::move(workers));
}

}  // namespace vigie::app::cli
