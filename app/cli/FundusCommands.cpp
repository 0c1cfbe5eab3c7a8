// vigie-cli analyze for fundus models, and vigie-cli eval dr.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../evaluation/DrEvaluation.h"
#include "../evaluation/DrLabels.h"
#include "../evaluation/LesionMapEvaluation.h"
#include "../workflows/FundusAnalysis.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "ModelSupport.h"
#include "ReliabilityReport.h"
#include "vigie/imaging/fundus/ImageFile.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/io/CurvePlot.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"

namespace vigie::app::cli {
namespace {

// Photographs go through the network this many at a time: bounded memory
// however many a folder holds.
constexpr std::size_t kChunk = 16;

/// fundus_005.png -> fundus_005_png_heatmap.png: the same photograph saved as
/// PNG, JPEG and DICOM side by side keeps three heatmaps.
std::string heatmapName(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  if (!ext.empty()) ext = "_" + ext.substr(1);
  return file.stem().string() + ext + "_heatmap.png";
}

/// findings.json's word for where the heatmap came from.
const char* heatmapSourceName(inference::HeatmapSource source) {
  switch (source) {
    case inference::HeatmapSource::Model:
      return "model";
    case inference::HeatmapSource::Occlusion:
      return "occlusion";
    case inference::HeatmapSource::None:
      break;
  }
  return "none";
}

}  // namespace

nlohmann::json describeFundusAnalysis(const FundusAnalysis& a) {
  const auto& p = a.prediction;
  nlohmann::json lesions = nlohmann::json::array();
  for (const auto& l : a.lesions) {
    lesions.push_back({{"center_px", {l.centerX, l.centerY}},
                       {"area_px", l.areaPx},
                       {"max_probability", l.maxProbability}});
  }
  return {{"grade", p.grade},
          {"grade_probabilities", p.gradeProbabilities},
          {"referable_probability", p.referableProbability},
          {"raw_referable_probability", p.rawReferableProbability},
          {"referable", p.referable},
          {"gradable", p.gradable},
          {"quality_score", p.qualityScore},
          {"heatmap_source", heatmapSourceName(p.heatmapSource)},
          {"lesions", lesions}};
}

namespace {

/// Runs the model over photographs in chunks; `each` gets every result with
/// the photograph it was read from.
template <typename Each>
core::Status analyzeFiles(const std::vector<std::filesystem::path>& files,
                          inference::InferenceSession& session,
                          const inference::FundusExplanationOptions& explanation, Each each) {
  for (std::size_t first = 0; first < files.size(); first += kChunk) {
    const std::size_t n = std::min(kChunk, files.size() - first);
    std::vector<core::Image2D> photos;
    for (std::size_t i = first; i < first + n; ++i) {
      auto photo = imaging::readPhotograph(files[i]);
      if (!photo.ok()) return photo.error();
      photos.push_back(std::move(photo.value()));
    }
    auto results = analyzeFundus(photos, session, nullptr, explanation);
    if (!results.ok()) return results.error();
    for (std::size_t i = 0; i < n; ++i) {
      auto status = each(files[first + i], results.value()[i], photos[i]);
      if (!status.ok()) return status;
    }
  }
  return {};
}

}  // namespace

int runAnalyzeFundus(const std::string& path, const std::string& outDir,
                     inference::InferenceSession& session, const StoreTarget* store) {
  const auto files = imaging::listPhotographs(path);
  if (files.empty()) return fail(path + ": no photographs (PNG, JPEG, TIFF or DICOM)");
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  if (ec) return fail(outDir + ": " + ec.message());
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json images = nlohmann::json::array();
  auto status = analyzeFiles(
      files, session, {},
      [&](const std::filesystem::path& file, const FundusAnalysis& a,
          const core::Image2D&) -> core::Status {
        nlohmann::json entry = describeFundusAnalysis(a);
        entry["file"] = file.string();
        if (!a.heatmap.empty()) {
          const std::string name = files.size() == 1 ? "heatmap.png" : heatmapName(file);
          auto written = imaging::writeImageFile(a.heatmap, std::filesystem::path(outDir) / name);
          if (!written.ok()) return written;
          entry["heatmap"] = name;
        }
        images.push_back(entry);
        if (store) {
          auto recorded = recordFundusRun(*store, file, a, session,
                                          secondsSince(start) / static_cast<double>(images.size()));
          if (!recorded.ok()) return recorded;
        }
        std::printf("%s: grade %d, referable %.2f%s, quality %.2f%s, %zu lesion regions\n",
                    file.filename().c_str(), a.prediction.grade, a.prediction.referableProbability,
                    a.prediction.referable ? " (refer)" : "", a.prediction.qualityScore,
                    a.prediction.gradable ? "" : " (ungradable)", a.lesions.size());
        return {};
      });
  if (!status.ok()) return fail(status.error().message);
  // One photograph: its fields at the top level; a folder: one entry each.
  nlohmann::json report = files.size() == 1 ? images[0] : nlohmann::json{{"images", images}};
  report["model"] = describeModel(session.manifest());
  report["device"] = session.device().name;
  report["seconds"] = secondsSince(start);
  if (auto written = writeJsonFile(outDir, "findings.json", report); !written.ok())
    return fail(written.error().message);
  return 0;
}

namespace {

/// The photographs of an evaluation and what is true of each.
struct DrReference {
  std::vector<std::filesystem::path> files;
  std::vector<DrCase> cases;
  std::vector<DrLabel> labels;  ///< from a labels CSV (with masks); empty for truth.json
};

/// Vigie's synthetic format: DIR/truth.json with file, grade and gradable per photograph.
core::Result<DrReference> readSyntheticTruth(const std::filesystem::path& data) {
  const std::filesystem::path truthFile = data / "truth.json";
  std::ifstream in(truthFile);
  auto problem = [&](const std::string& what) {
    return core::makeError(core::ErrorCode::ParseError, truthFile.string() + ": " + what);
  };
  if (!in) return core::makeError(core::ErrorCode::NotFound, truthFile.string() + ": cannot read");
  nlohmann::json truth;
  try {
    truth = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    return problem(e.what());
  }
  if (!truth.contains("images") || !truth["images"].is_array()) return problem("no 'images' array");
  DrReference ref;
  for (const auto& image : truth["images"]) {
    if (!image.contains("file") || !image.contains("grade") || !image.contains("gradable") ||
        !image["file"].is_string() || !image["grade"].is_number_integer() ||
        !image["gradable"].is_boolean())
      return problem("every image needs file (text), grade (0-4) and gradable (true/false)");
    ref.files.push_back(data / image["file"].get<std::string>());
    DrCase c;
    c.trueGrade = std::clamp(image["grade"].get<int>(), 0, 4);
    c.trueGradable = image["gradable"].get<bool>();
    ref.cases.push_back(c);
  }
  return ref;
}

core::Result<DrReference> readLabeledSet(const std::filesystem::path& csv,
                                         const std::filesystem::path& data) {
  auto labels = readDrLabels(csv, data);
  if (!labels.ok()) return labels.error();
  DrReference ref;
  for (const DrLabel& l : labels.value()) {
    ref.files.push_back(l.file);
    DrCase c;
    c.trueGrade = l.grade;
    c.gradeKnown = l.gradeKnown;
    c.trueGradable = l.gradable;
    ref.cases.push_back(c);
  }
  ref.labels = std::move(labels.value());
  return ref;
}

/// Whether a labelled photograph can score the lesion heatmap: it has expert
/// masks, or it has no retinopathy at all (then every pixel is background).
bool scoresLesionMap(const DrLabel& label) {
  const bool hasMask =
      std::any_of(label.masks.begin(), label.masks.end(), [](const auto& m) { return !m.empty(); });
  return hasMask || (label.grade == 0 && label.gradable);
}

core::Status addToLesionEvaluation(LesionMapEvaluation& evaluation, const DrLabel& label,
                                   const core::Image2D& photo, const core::Image2D& heatmap) {
  std::array<core::Image2D, kLesionKinds> masks;
  for (std::size_t k = 0; k < kLesionKinds; ++k) {
    if (label.masks[k].empty()) continue;
    auto mask = imaging::readImageFile(label.masks[k]);
    if (!mask.ok()) return mask.error();
    masks[k] = std::move(mask.value());
  }
  return evaluation.add(heatmap, photo, masks, label.file.string());
}

core::Status writeRocPlot(const DrMetrics& m, const std::string& model,
                          const std::filesystem::path& file) {
  imaging::CurvePlot plot;
  plot.title = "ROC, referable DR: " + model + " (AUC " + threeDecimals(m.rocAuc) + ")";
  plot.xLabel = "1 - specificity";
  plot.yLabel = "sensitivity";
  for (const auto& p : m.roc) plot.points.emplace_back(p.falsePositiveRate, p.truePositiveRate);
  plot.markers.emplace_back(1.0 - m.specificity, m.sensitivity);
  plot.reference = {{0.0, 0.0}, {1.0, 1.0}};
  return imaging::writeCurvePlot(plot, file);
}

nlohmann::json lesionMapJson(const LesionMapEvaluation& e) {
  nlohmann::json kinds;
  for (std::size_t k = 0; k < kLesionKinds; ++k) {
    const auto kind = static_cast<LesionKind>(k);
    if (e.lesions(kind) == 0) continue;
    kinds[toString(kind)] = {{"pixel_roc_auc", e.pixelAuc(kind)},
                             {"lesion_pixels", e.lesionPixels(kind)},
                             {"lesions", e.lesions(kind)},
                             {"lesions_found", e.lesionsFound(kind)},
                             {"lesion_sensitivity", e.lesionSensitivity(kind)}};
  }
  return {{"photographs", e.photographs()}, {"threshold", e.threshold()}, {"kinds", kinds}};
}

}  // namespace

int runEvalDr(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli eval dr --data DIR --out DIR [--model BUNDLE|ID] [--labels CSV]\n"
      "                         [--bootstrap N] [--seed S] [--cpu] [--threads N]\n"
      "Runs a fundus DR bundle over a labelled set of photographs and writes OUT/metrics.json,\n"
      "OUT/predictions.csv, OUT/roc.png and OUT/reliability.png.\n"
      "The set is DIR/truth.json (Vigie's synthetic format: grade, gradable per photograph) or,\n"
      "with --labels, a CSV of real photographs under DIR with the columns\n"
      "  file, grade (ICDR 0-4) or referable (0/1), [gradable (0/1)],\n"
      "  [mask_ma, mask_he, mask_ex, mask_se] (expert lesion masks, same size as the photograph).\n"
      "Reports ROC AUC for referable DR (grade >= 2), sensitivity and specificity at the "
      "manifest's\n"
      "'referable' threshold, each with a 95 % percentile bootstrap interval (N resamples of the\n"
      "photographs, default 2000, seed S), the expected calibration error and reliability\n"
      "diagram of the referable probability, quadratic weighted kappa and the confusion matrix\n"
      "(photographs with a known grade), gradability verdicts, and with masks the lesion "
      "heatmap's\n"
      "pixel-level ROC AUC and lesion-level sensitivity (at 0.5) per lesion kind.\n";
  CommandLine cl(args,
                 {"--data", "--model", "--out", "--threads", "--labels", "--bootstrap", "--seed"},
                 {"--cpu", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const auto data = cl.value("--data"), out = cl.value("--out");
  if (!data || !out) return usage("eval dr needs --data and --out", kUsage);
  auto model = namedOrReferenceModel(cl.value("--model"), kReferenceFundusModel);
  if (!model.ok()) return fail(model.error().message);
  const auto threads = cl.integer("--threads", 0);
  const auto resamples = cl.integer("--bootstrap", 2000);
  const auto seed = cl.integer("--seed", 1);
  if (!threads || !resamples || !seed) return usage(cl.error(), kUsage);
  if (*resamples < 0 || *resamples > 1000000)
    return usage("--bootstrap must be 0 to 1000000", kUsage);
  auto bundle = inference::ModelBundle::open(model.value());
  if (!bundle.ok()) return fail(bundle.error().message);
  const inference::ModelManifest& manifest = bundle.value().manifest();
  if (manifest.task != inference::ModelManifest::Task::FundusDrScreening)
    return fail(model.value().string() + ": not a fundus-dr-screening model");
  auto reference = cl.value("--labels") ? readLabeledSet(*cl.value("--labels"), *data)
                                        : readSyntheticTruth(*data);
  if (!reference.ok()) return fail(reference.error().message);
  DrReference& ref = reference.value();
  auto session = openSession(bundle.value(), cl.has("--cpu"), *threads);
  if (!session.ok()) return fail(session.error().message);

  const auto start = std::chrono::steady_clock::now();
  std::size_t next = 0;
  LesionMapEvaluation lesionMaps;
  // Grades and scores; the model's own heatmap where it has one (no occlusion
  // maps: they would cost 225 forward passes a photograph).
  inference::FundusExplanationOptions noOcclusion;
  noOcclusion.occlusionWhenNoHeatmap = false;
  auto status = analyzeFiles(
      ref.files, *session.value(), noOcclusion,
      [&](const std::filesystem::path&, const FundusAnalysis& a,
          const core::Image2D& photo) -> core::Status {
        const std::size_t i = next++;
        DrCase& c = ref.cases[i];
        c.predictedGrade = a.prediction.grade;
        c.referableProbability = a.prediction.referableProbability;
        c.predictedGradable = a.prediction.gradable;
        if (!ref.labels.empty() && !a.heatmap.empty() && scoresLesionMap(ref.labels[i]))
          return addToLesionEvaluation(lesionMaps, ref.labels[i], photo, a.heatmap);
        return {};
      });
  if (!status.ok()) return fail(status.error().message);
  const double seconds = secondsSince(start);
  const double threshold = manifest.threshold("referable", 0.5);
  const DrMetrics m = evaluateDr(ref.cases, threshold);
  const DrIntervals ci = bootstrapDrIntervals(ref.cases, threshold, static_cast<int>(*resamples),
                                              static_cast<std::uint64_t>(*seed));
  const Reliability reliability = referableReliability(ref.cases);

  nlohmann::json metrics;
  metrics["model"] = {{"id", manifest.id},
                      {"version", manifest.version},
                      {"weights_sha256", manifest.weightsSha256},
                      {"calibrated", manifest.referableCalibration.has_value()}};
  metrics["data"] = *data;
  if (cl.value("--labels")) metrics["labels"] = *cl.value("--labels");
  metrics["photographs"] = m.cases;
  metrics["referable_photographs"] = m.referableCases;
  metrics["device"] = session.value()->device().name;
  metrics["seconds_per_photograph"] = seconds / std::max<std::size_t>(1, m.cases);
  metrics["referable_roc_auc"] = m.rocAuc;
  metrics["operating_threshold"] = threshold;
  metrics["sensitivity"] = m.sensitivity;
  metrics["specificity"] = m.specificity;
  if (ci.resamples > 0) {
    metrics["bootstrap"] = {{"resamples", ci.resamples}, {"seed", *seed}, {"level", 0.95}};
    metrics["referable_roc_auc_ci95"] = intervalJson(ci.rocAuc);
    metrics["sensitivity_ci95"] = intervalJson(ci.sensitivity);
    metrics["specificity_ci95"] = intervalJson(ci.specificity);
  }
  metrics["expected_calibration_error"] = reliability.expectedCalibrationError;
  metrics["reliability"] = reliabilityJson(reliability, "photographs");
  metrics["graded_photographs"] = m.gradedCases;
  if (m.gradedCases > 0) {
    metrics["grade_quadratic_weighted_kappa"] = m.quadraticKappa;
    metrics["confusion_matrix"] = {{"rows", "true ICDR grade 0-4"},
                                   {"columns", "predicted ICDR grade 0-4"},
                                   {"counts", m.confusion}};
  }
  metrics["gradability_accuracy"] = m.gradabilityAccuracy;
  metrics["ungradable_photographs"] = m.ungradableCases;
  metrics["ungradable_flagged"] = m.ungradableFlagged;
  metrics["gradable_called_ungradable"] = m.gradableCalledUngradable;
  if (lesionMaps.photographs() > 0) metrics["lesion_maps"] = lesionMapJson(lesionMaps);
  if (auto written = writeJsonFile(*out, "metrics.json", metrics); !written.ok())
    return fail(written.error().message);

  std::ofstream predictions(std::filesystem::path(*out) / "predictions.csv");
  predictions << "file,true_grade,grade_known,true_gradable,referable_probability,"
                 "predicted_grade,predicted_gradable\n";
  for (std::size_t i = 0; i < ref.files.size(); ++i) {
    const DrCase& c = ref.cases[i];
    predictions << ref.files[i].filename().string() << ',' << c.trueGrade << ','
                << (c.gradeKnown ? 1 : 0) << ',' << (c.trueGradable ? 1 : 0) << ','
                << c.referableProbability << ',' << c.predictedGrade << ','
                << (c.predictedGradable ? 1 : 0) << '\n';
  }
  if (!predictions) return fail(*out + "/predictions.csv: cannot write");
  if (auto plotted = writeRocPlot(m, manifest.id, std::filesystem::path(*out) / "roc.png");
      !plotted.ok())
    return fail(plotted.error().message);
  if (auto plotted =
          writeReliabilityPlot(reliability, "referable DR: " + manifest.id, "referable share",
                               std::filesystem::path(*out) / "reliability.png");
      !plotted.ok())
    return fail(plotted.error().message);

  std::printf("%zu photographs (%zu referable): AUC %.3f", m.cases, m.referableCases, m.rocAuc);
  if (ci.resamples > 0) std::printf(" (95%% CI %.3f-%.3f)", ci.rocAuc.low, ci.rocAuc.high);
  std::printf("; at %.2f sensitivity %.3f", threshold, m.sensitivity);
  if (ci.resamples > 0) std::printf(" (%.3f-%.3f)", ci.sensitivity.low, ci.sensitivity.high);
  std::printf(", specificity %.3f", m.specificity);
  if (ci.resamples > 0) std::printf(" (%.3f-%.3f)", ci.specificity.low, ci.specificity.high);
  std::printf(
      "\ncalibration: ECE %.3f; gradability accuracy %.3f, %zu of %zu ungradable flagged, "
      "%zu gradable called ungradable; %.3f s/photograph\n",
      reliability.expectedCalibrationError, m.gradabilityAccuracy,
      static_cast<std::size_t>(std::lround(m.ungradableFlagged * m.ungradableCases)),
      m.ungradableCases, m.gradableCalledUngradable, seconds / std::max<std::size_t>(1, m.cases));
  if (m.gradedCases > 0) {
    std::printf(
        "kappa %.3f over %zu graded photographs; confusion (rows true grade, columns predicted):\n",
        m.quadraticKappa, m.gradedCases);
    for (int t = 0; t < 5; ++t) {
      std::printf("  %d:", t);
      for (int p = 0; p < 5; ++p) std::printf(" %5d", m.confusion[t][p]);
      std::printf("\n");
    }
  }
  for (std::size_t k = 0; k < kLesionKinds; ++k) {
    const auto kind = static_cast<LesionKind>(k);
    if (lesionMaps.lesions(kind) == 0) continue;
    std::printf("lesion map, %s: pixel AUC %.3f; %zu of %zu lesions reached %.1f\n", toString(kind),
                lesionMaps.pixelAuc(kind), lesionMaps.lesionsFound(kind), lesionMaps.lesions(kind),
                lesionMaps.threshold());
  }
  return 0;
}

}  // namespace vigie::app::cli
