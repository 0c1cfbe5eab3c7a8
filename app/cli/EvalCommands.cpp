// vigie-cli eval nodules: FROC of a CT detection bundle on cases with ground truth.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "../common/CommandLine.h"
#include "../common/CtAnalysis.h"
#include "../common/NoduleEvaluation.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "ModelSupport.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/io/CurvePlot.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"

namespace vigie::app::cli {
namespace {

core::Result<std::vector<TruthNodule>> readTruth(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return core::makeError(core::ErrorCode::NotFound, file.string() + ": cannot open");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("nodules") || !j["nodules"].is_array()) {
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": expected {\"nodules\": [...]}");
  }
  std::vector<TruthNodule> truth;
  for (const auto& n : j["nodules"]) {
    if (!n.contains("center_mm") || n["center_mm"].size() != 3 || !n.contains("diameter_mm")) {
      return core::makeError(core::ErrorCode::ParseError,
                             file.string() + ": a nodule needs center_mm and diameter_mm");
    }
    truth.push_back({{n["center_mm"][0].get<double>(), n["center_mm"][1].get<double>(),
                      n["center_mm"][2].get<double>()},
                     n["diameter_mm"].get<double>(),
                     n.value("type", std::string("unknown"))});
  }
  return truth;
}

// Subgroups of the breakdown (function pointers: computeFroc takes a plain predicate).
bool atLeast4mm(const TruthNodule& t) { return t.diameterMm >= 4.0; }
bool size3to4(const TruthNodule& t) { return t.diameterMm < 4.0; }
bool size4to6(const TruthNodule& t) { return t.diameterMm >= 4.0 && t.diameterMm < 6.0; }
bool size6to10(const TruthNodule& t) { return t.diameterMm >= 6.0 && t.diameterMm < 10.0; }
bool size10up(const TruthNodule& t) { return t.diameterMm >= 10.0; }
bool solid(const TruthNodule& t) { return t.type == "solid"; }
bool partSolid(const TruthNodule& t) { return t.type == "part-solid"; }
bool groundGlass(const TruthNodule& t) { return t.type == "ground-glass"; }

nlohmann::json describeFroc(const FrocResult& froc) {
  nlohmann::json j;
  j["cpm"] = froc.cpm;
  j["nodules"] = froc.nodules;
  j["sensitivity_at_fp_per_scan"] = nlohmann::json::object();
  for (std::size_t i = 0; i < froc.fpRates.size(); ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "%g", froc.fpRates[i]);
    j["sensitivity_at_fp_per_scan"][key] = froc.sensitivityAtFp[i];
  }
  return j;
}

}  // namespace

int runEval(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "dr") return runEvalDr(args);
  constexpr const char* kUsage =
      "usage: vigie-cli eval nodules --data DIR --model BUNDLE --out DIR [--cpu] [--threads N]\n"
      "       vigie-cli eval dr --data DIR --model BUNDLE --out DIR (see eval dr --help)\n"
      "Runs a CT detection bundle over every case under DIR (folders with a DICOM series and a\n"
      "truth.json in the synthetic format) and writes DIR/metrics.json and DIR/froc.png: FROC as "
      "in\n"
      "LUNA16 (a hit is a finding within a nodule's radius), sensitivity at 1/8 to 8 false "
      "positives\n"
      "per scan, their mean (CPM), broken down by nodule size and type.\n";
  CommandLine cl(args, {"--data", "--model", "--out", "--threads"}, {"--cpu", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1 || cl.positional()[0] != "nodules") {
    return usage("eval needs 'nodules' or 'dr'", kUsage);
  }
  const auto data = cl.value("--data"), model = cl.value("--model"), out = cl.value("--out");
  if (!data || !model || !out) return usage("eval nodules needs --data, --model and --out", kUsage);
  const auto threads = cl.integer("--threads", 0);
  if (!threads) return usage(cl.error(), kUsage);

  auto bundle = inference::ModelBundle::open(*model);
  if (!bundle.ok()) return fail(bundle.error().message);
  auto session = openSession(bundle.value(), cl.has("--cpu"), *threads);
  if (!session.ok()) return fail(session.error().message);

  std::vector<std::filesystem::path> cases;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(*data, ec)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "truth.json"))
      cases.push_back(entry.path());
  }
  if (ec) return fail(*data + ": " + ec.message());
  std::sort(cases.begin(), cases.end());
  if (cases.empty()) return fail(*data + ": no case folders with a truth.json");

  std::vector<ScanResult> scans;
  nlohmann::json perCase = nlohmann::json::array();
  double seconds = 0;
  for (const auto& dir : cases) {
    auto truth = readTruth(dir / "truth.json");
    if (!truth.ok()) return fail(truth.error().message);
    auto scan = imaging::DicomScanner().scan(dir);
    if (!scan.ok()) return fail(scan.error().message);
    if (scan.value().series.empty()) return fail(dir.string() + ": no DICOM series");
    auto loaded = imaging::CtVolumeLoader().load(scan.value().series.front());
    if (!loaded.ok()) return fail(loaded.error().message);
    // Low threshold: the FROC sweeps all operating points.
    auto analysis = analyseCt(loaded.value().volume, *session.value(), 0.05);
    if (!analysis.ok()) return fail(dir.string() + ": " + analysis.error().message);
    const double caseSeconds = analysis.value().inferenceSeconds +
                               analysis.value().resampleSeconds +
                               analysis.value().postprocessSeconds;
    seconds += caseSeconds;
    scans.push_back({analysis.value().findings, truth.value()});
    perCase.push_back({{"case", dir.filename().string()},
                       {"nodules", truth.value().size()},
                       {"findings", analysis.value().findings.size()},
                       {"seconds", caseSeconds}});
    std::printf("%s: %zu nodules, %zu candidates, %.1f s\n", dir.filename().c_str(),
                truth.value().size(), analysis.value().findings.size(), caseSeconds);
  }

  const FrocResult all = computeFroc(scans);
  // The threshold at which the whole set has at most 1 false positive per scan.
  double thresholdAt1Fp = 1.0;
  for (const auto& p : all.curve) {
    if (p.falsePositivesPerScan <= 1.0) thresholdAt1Fp = p.threshold;
  }
  nlohmann::json metrics;
  metrics["model"] = {{"id", bundle.value().manifest().id},
                      {"version", bundle.value().manifest().version},
                      {"weights_sha256", bundle.value().manifest().weightsSha256}};
  metrics["data"] = *data;
  metrics["scans"] = scans.size();
  metrics["device"] = session.value()->device().name;
  metrics["seconds_per_scan"] = seconds / scans.size();
  metrics["all"] = describeFroc(all);
  metrics["at_least_4mm"] = describeFroc(computeFroc(scans, atLeast4mm));
  metrics["threshold_at_1_fp_per_scan"] = thresholdAt1Fp;
  const std::pair<const char*, bool (*)(const TruthNodule&)> groups[] = {
      {"3-4mm", size3to4},          {"4-6mm", size4to6}, {"6-10mm", size6to10},
      {"10mm+", size10up},          {"solid", solid},    {"part-solid", partSolid},
      {"ground-glass", groundGlass}};
  for (const auto& [name, predicate] : groups) {
    const FrocResult froc = computeFroc(scans, predicate);
    metrics["breakdown"][name] = {
        {"nodules", froc.nodules},
        {"cpm", froc.cpm},
        {"sensitivity_at_1_fp_per_scan", sensitivityAtThreshold(scans, thresholdAt1Fp, predicate)}};
  }
  metrics["cases"] = perCase;

  if (auto written = writeJsonFile(*out, "metrics.json", metrics); !written.ok())
    return fail(written.error().message);

  imaging::CurvePlot plot;
  plot.title = "FROC: " + bundle.value().manifest().id + " (CPM " +
               std::to_string(all.cpm).substr(0, 5) + ")";
  plot.xLabel = "false positives per scan";
  plot.yLabel = "sensitivity";
  plot.logX = true;
  plot.xMin = 0.125;
  plot.xMax = 8;
  for (const auto& p : all.curve)
    plot.points.emplace_back(std::clamp(p.falsePositivesPerScan, 0.125, 8.0), p.sensitivity);
  for (std::size_t i = 0; i < all.fpRates.size(); ++i)
    plot.markers.emplace_back(all.fpRates[i], all.sensitivityAtFp[i]);
  auto plotted = imaging::writeCurvePlot(plot, std::filesystem::path(*out) / "froc.png");
  if (!plotted.ok()) return fail(plotted.error().message);

  std::printf(
      "%zu scans, %zu nodules: CPM %.3f; sensitivity at 1 FP/scan %.3f (all), %.3f (>= 4 mm); %.1f "
      "s/scan\n",
      scans.size(), all.nodules, all.cpm, all.sensitivityAtFp[3],
      metrics["at_least_4mm"]["sensitivity_at_fp_per_scan"]["1"].get<double>(),
      seconds / scans.size());
  return 0;
}

}  // namespace vigie::app::cli
