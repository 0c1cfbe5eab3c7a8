// vigie-cli analyze for fundus models, and vigie-cli eval dr.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../common/DrEvaluation.h"
#include "../common/FundusAnalysis.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "ModelSupport.h"
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

nlohmann::json describe(const FundusAnalysis& a) {
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
          {"referable", p.referable},
          {"gradable", p.gradable},
          {"quality_score", p.qualityScore},
          {"heatmap_source", heatmapSourceName(p.heatmapSource)},
          {"lesions", lesions}};
}

/// Runs the model over photographs in chunks; `each` gets every result.
template <typename Each>
core::Status analyseFiles(const std::vector<std::filesystem::path>& files,
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
    auto results = analyseFundus(photos, session, nullptr, explanation);
    if (!results.ok()) return results.error();
    for (std::size_t i = 0; i < n; ++i) {
      auto status = each(files[first + i], results.value()[i]);
      if (!status.ok()) return status;
    }
  }
  return {};
}

}  // namespace

int analyzeFundus(const std::string& path, const std::string& outDir,
                  inference::InferenceSession& session) {
  const auto files = imaging::listPhotographs(path);
  if (files.empty()) return fail(path + ": no photographs (PNG, JPEG, TIFF or DICOM)");
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  if (ec) return fail(outDir + ": " + ec.message());
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json images = nlohmann::json::array();
  auto status = analyseFiles(
      files, session, {},
      [&](const std::filesystem::path& file, const FundusAnalysis& a) -> core::Status {
        nlohmann::json entry = describe(a);
        entry["file"] = file.string();
        if (!a.heatmap.empty()) {
          const std::string name = files.size() == 1 ? "heatmap.png" : heatmapName(file);
          auto written = imaging::writeImageFile(a.heatmap, std::filesystem::path(outDir) / name);
          if (!written.ok()) return written;
          entry["heatmap"] = name;
        }
        images.push_back(entry);
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

int runEvalDr(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli eval dr --data DIR --model BUNDLE --out DIR [--cpu] [--threads N]\n"
      "Runs a fundus DR bundle over the photographs listed in DIR/truth.json (the synthetic\n"
      "format: grade, gradable per photograph) and writes DIR/metrics.json and DIR/roc.png: ROC\n"
      "AUC for referable DR (grade >= 2), sensitivity and specificity at the manifest's\n"
      "'referable' threshold, quadratic weighted kappa for the grade, gradability accuracy and\n"
      "the grade confusion matrix.\n";
  CommandLine cl(args, {"--data", "--model", "--out", "--threads"}, {"--cpu", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const auto data = cl.value("--data"), model = cl.value("--model"), out = cl.value("--out");
  if (!data || !model || !out) return usage("eval dr needs --data, --model and --out", kUsage);
  const auto threads = cl.integer("--threads", 0);
  if (!threads) return usage(cl.error(), kUsage);
  auto bundle = inference::ModelBundle::open(*model);
  if (!bundle.ok()) return fail(bundle.error().message);
  if (bundle.value().manifest().task != inference::ModelManifest::Task::FundusDrScreening)
    return fail(*model + ": not a fundus-dr-screening model");
  auto session = openSession(bundle.value(), cl.has("--cpu"), *threads);
  if (!session.ok()) return fail(session.error().message);

  const std::filesystem::path truthFile = std::filesystem::path(*data) / "truth.json";
  std::ifstream in(truthFile);
  if (!in) return fail(truthFile.string() + ": cannot read");
  nlohmann::json truth;
  try {
    truth = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    return fail(truthFile.string() + ": " + e.what());
  }
  if (!truth.contains("images") || !truth["images"].is_array())
    return fail(truthFile.string() + ": no 'images' array");
  std::vector<std::filesystem::path> files;
  std::vector<DrCase> cases;
  for (const auto& image : truth["images"]) {
    if (!image.contains("file") || !image.contains("grade") || !image.contains("gradable"))
      return fail(truthFile.string() + ": every image needs file, grade and gradable");
    files.push_back(std::filesystem::path(*data) / image["file"].get<std::string>());
    DrCase c;
    c.trueGrade = image["grade"].get<int>();
    c.trueGradable = image["gradable"].get<bool>();
    cases.push_back(c);
  }
  const auto start = std::chrono::steady_clock::now();
  std::size_t next = 0;
  // Grades and scores only: no occlusion maps for models without a heatmap.
  inference::FundusExplanationOptions noMaps;
  noMaps.occlusionWhenNoHeatmap = false;
  auto status = analyseFiles(files, *session.value(), noMaps,
                             [&](const std::filesystem::path&, const FundusAnalysis& a) {
                               DrCase& c = cases[next++];
                               c.predictedGrade = a.prediction.grade;
                               c.referableProbability = a.prediction.referableProbability;
                               c.predictedGradable = a.prediction.gradable;
                               return core::Status{};
                             });
  if (!status.ok()) return fail(status.error().message);
  const double seconds = secondsSince(start);
  const double threshold = bundle.value().manifest().threshold("referable", 0.5);
  const DrMetrics m = evaluateDr(cases, threshold);

  nlohmann::json metrics;
  metrics["model"] = {{"id", bundle.value().manifest().id},
                      {"version", bundle.value().manifest().version},
                      {"weights_sha256", bundle.value().manifest().weightsSha256}};
  metrics["data"] = *data;
  metrics["photographs"] = m.cases;
  metrics["referable_photographs"] = m.referableCases;
  metrics["device"] = session.value()->device().name;
  metrics["seconds_per_photograph"] = seconds / std::max<std::size_t>(1, m.cases);
  metrics["referable_roc_auc"] = m.rocAuc;
  metrics["operating_threshold"] = threshold;
  metrics["sensitivity"] = m.sensitivity;
  metrics["specificity"] = m.specificity;
  metrics["grade_quadratic_weighted_kappa"] = m.quadraticKappa;
  metrics["gradability_accuracy"] = m.gradabilityAccuracy;
  metrics["ungradable_photographs"] = m.ungradableCases;
  metrics["ungradable_flagged"] = m.ungradableFlagged;
  metrics["confusion_matrix"] = {{"rows", "true ICDR grade 0-4"},
                                 {"columns", "predicted ICDR grade 0-4"},
                                 {"counts", m.confusion}};
  if (auto written = writeJsonFile(*out, "metrics.json", metrics); !written.ok())
    return fail(written.error().message);

  imaging::CurvePlot plot;
  plot.title = "ROC, referable DR: " + bundle.value().manifest().id + " (AUC " +
               std::to_string(m.rocAuc).substr(0, 5) + ")";
  plot.xLabel = "1 - specificity";
  plot.yLabel = "sensitivity";
  for (const auto& p : m.roc) plot.points.emplace_back(p.falsePositiveRate, p.truePositiveRate);
  plot.markers.emplace_back(1.0 - m.specificity, m.sensitivity);
  auto plotted = imaging::writeCurvePlot(plot, std::filesystem::path(*out) / "roc.png");
  if (!plotted.ok()) return fail(plotted.error().message);

  std::printf(
      "%zu photographs (%zu referable): AUC %.3f; at %.2f sensitivity %.3f, specificity %.3f; "
      "kappa %.3f; gradability accuracy %.3f, %zu of %zu ungradable flagged; %.3f s/photograph\n",
      m.cases, m.referableCases, m.rocAuc, threshold, m.sensitivity, m.specificity,
      m.quadraticKappa, m.gradabilityAccuracy,
      static_cast<std::size_t>(std::lround(m.ungradableFlagged * m.ungradableCases)),
      m.ungradableCases, seconds / std::max<std::size_t>(1, m.cases));
  std::printf("confusion (rows true grade, columns predicted):\n");
  for (int t = 0; t < 5; ++t) {
    std::printf("  %d:", t);
    for (int p = 0; p < 5; ++p) std::printf(" %5d", m.confusion[t][p]);
    std::printf("\n");
  }
  return 0;
}

}  // namespace vigie::app::cli
