// vigie-cli eval nodules: FROC of a CT detection bundle on cases with ground truth.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "../evaluation/NoduleEvaluation.h"
#include "../workflows/CtAnalysis.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "CommandLine.h"
#include "ModelSupport.h"
#include "ReliabilityReport.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/io/CurvePlot.h"
#include "vigie/inference/CandidateIntensity.h"
#include "vigie/inference/CandidateShape.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"

namespace vigie::app::cli {
namespace {

// Subgroups of the breakdown (function pointers: computeFroc takes a plain predicate).
bool atLeast4mm(const TruthNodule& t) { return t.diameterMm >= 4.0; }
bool size3to4(const TruthNodule& t) { return t.diameterMm < 4.0; }
bool size4to6(const TruthNodule& t) { return t.diameterMm >= 4.0 && t.diameterMm < 6.0; }
bool size6to10(const TruthNodule& t) { return t.diameterMm >= 6.0 && t.diameterMm < 10.0; }
bool size10up(const TruthNodule& t) { return t.diameterMm >= 10.0; }
bool solid(const TruthNodule& t) { return t.type == "solid"; }
bool partSolid(const TruthNodule& t) { return t.type == "part-solid"; }
bool groundGlass(const TruthNodule& t) { return t.type == "ground-glass"; }

/// The FROC's figures, with their intervals when `intervals` has resamples.
nlohmann::json describeFroc(const FrocResult& froc, const FrocIntervals& intervals = {}) {
  const bool withIntervals = intervals.resamples > 0;
  nlohmann::json j;
  j["cpm"] = froc.cpm;
  if (withIntervals) j["cpm_ci95"] = intervalJson(intervals.cpm);
  j["nodules"] = froc.nodules;
  j["sensitivity_at_fp_per_scan"] = nlohmann::json::object();
  for (std::size_t i = 0; i < froc.fpRates.size(); ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "%g", froc.fpRates[i]);
    j["sensitivity_at_fp_per_scan"][key] = froc.sensitivityAtFp[i];
    if (withIntervals)
      j["sensitivity_at_fp_per_scan_ci95"][key] = intervalJson(intervals.sensitivityAtFp[i]);
  }
  return j;
}

/// One row per finding: the case, its score (and the uncalibrated one when
/// the bundle calibrates), its diameter, whether it hits a nodule, that
/// nodule's size and its number in truth.json (from 1; 0 for none: nodules
/// of one size in one scan stay apart), the finding's centre (LPS mm), the
/// scan's slice spacing (mm; what a calibration may weigh), then the image's
/// shape around it at each of `shapeScalesMm`, as the analysis measured it
/// (columns shape_<scale>mm_<l1|l2|l3|dot|line>) and, for a model that reads
/// the scan `passes` times, each pass's own score near it (pass_<n>_score,
/// from 1), then the image's intensity around it (hu_inside, hu_contrast,
/// hu_sd_inside, lung_share_around: inference::candidateIntensity); what a
/// calibration is fitted to (inference/training/calibrate_ct.py).
core::Status writeCandidates(const std::filesystem::path& file,
                             const std::vector<std::string>& caseNames,
                             const std::vector<ScanResult>& scans,
                             const std::vector<double>& shapeScalesMm, std::size_t passes) {
  std::ofstream csv(file);
  csv << "case,score,uncalibrated_score,diameter_mm,on_nodule,nodule_diameter_mm,nodule,"
         "center_x_mm,center_y_mm,center_z_mm,slice_spacing_mm";
  for (const double scale : shapeScalesMm)
    for (const char* value : {"l1", "l2", "l3", "dot", "line"})
      csv << ",shape_" << scale << "mm_" << value;
  if (passes > 1)
    for (std::size_t n = 1; n <= passes; ++n) csv << ",pass_" << n << "_score";
  csv << ",hu_inside,hu_contrast,hu_sd_inside,lung_share_around\n";
  const std::size_t shapeColumns =
      shapeScalesMm.size() * static_cast<std::size_t>(inference::kShapeValuesPerScale);
  csv.precision(9);  // scores near 1 must stay apart (0.9999997 is not 1)
  for (std::size_t s = 0; s < scans.size(); ++s) {
    for (std::size_t n = 0; n < scans[s].findings.size(); ++n) {
      const core::Finding& f = scans[s].findings[n];
      const auto nodule = std::find_if(scans[s].truth.begin(), scans[s].truth.end(),
                                       [&](const TruthNodule& t) { return hits(f, t); });
      const bool onNodule = nodule != scans[s].truth.end();
      csv << caseNames[s] << ',' << f.score << ',' << f.uncalibratedScore.value_or(f.score) << ','
          << f.diameterMm << ',' << (onNodule ? 1 : 0) << ','
          << (onNodule ? nodule->diameterMm : 0.0) << ','
          << (onNodule ? nodule - scans[s].truth.begin() + 1 : 0) << ',' << f.centerMm.x << ','
          << f.centerMm.y << ',' << f.centerMm.z << ',' << scans[s].sliceSpacingMm;
      // A pipeline that measures no shape (a MONAI bundle's) leaves the cells empty.
      for (std::size_t v = 0; v < shapeColumns; ++v) {
        csv << ',';
        if (f.shape.size() == shapeColumns) csv << f.shape[v];
      }
      if (passes > 1)
        for (std::size_t pass = 0; pass < passes; ++pass)
          csv << ',' << (pass < f.passScores.size() ? f.passScores[pass] : 0.0);
      for (std::size_t v = 0; v < static_cast<std::size_t>(inference::kIntensityValues); ++v) {
        csv << ',';
        if (f.intensity.size() == static_cast<std::size_t>(inference::kIntensityValues))
          csv << f.intensity[v];
      }
      csv << '\n';
    }
  }
  csv.flush();
  if (!csv) return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write");
  return {};
}

}  // namespace

int runEval(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "dr") return runEvalDr(args);
  constexpr const char* kUsage =
      "usage: vigie-cli eval nodules --data DIR --out DIR [--model BUNDLE|ID] [--cpu]\n"
      "                              [--threads N] [--lung-mask on|off] [--floor P]\n"
      "                              [--bootstrap N] [--seed S]\n"
      "       vigie-cli eval dr --data DIR --out DIR [--model BUNDLE|ID] (see eval dr --help)\n"
      "Runs a CT detection bundle over every case under DIR (folders with a DICOM series and a\n"
      "truth.json in the synthetic format) and writes DIR/metrics.json and DIR/froc.png: FROC as "
      "in\n"
      "LUNA16 (a hit is a finding within a nodule's radius), sensitivity at 1/8 to 8 false "
      "positives\n"
      "per scan, their mean (CPM), broken down by nodule size and type; the CPM and those\n"
      "sensitivities of all nodules with a 95 % percentile bootstrap interval over the scans\n"
      "(N resamples, default 2000, seed S; 0: none). The lung mask is\n"
      "measured both ways in the same run (metrics.json: lung_mask); the main figures use it\n"
      "when the manifest (or --lung-mask on) says so. Also: the operating threshold's false\n"
      "positives per scan and sensitivity, the calibration of the candidates' scores (expected\n"
      "calibration error; DIR/reliability.png) and every candidate in DIR/candidates.csv.\n"
      "--floor: the lowest candidate score listed (default 0.001): the FROC reaches 8 false\n"
      "positives per scan only if the candidates go down that far.\n";
  CommandLine cl(args,
                 {"--data", "--model", "--out", "--threads", "--lung-mask", "--floor",
                  "--bootstrap", "--seed"},
                 {"--cpu", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1 || cl.positional()[0] != "nodules") {
    return usage("eval needs 'nodules' or 'dr'", kUsage);
  }
  const auto data = cl.value("--data"), out = cl.value("--out");
  if (!data || !out) return usage("eval nodules needs --data and --out", kUsage);
  auto model = namedOrReferenceModel(cl.value("--model"), kReferenceCtModel);
  if (!model.ok()) return fail(model.error().message);
  const auto threads = cl.integer("--threads", 0);
  if (!threads) return usage(cl.error(), kUsage);
  const auto lungMask = lungMaskUse(cl.value("--lung-mask"));
  if (!lungMask) return usage("--lung-mask takes on or off", kUsage);
  const auto floor = cl.number("--floor", 0.001);
  if (!floor || *floor <= 0 || *floor >= 1)
    return usage("--floor takes a score between 0 and 1", kUsage);
  const auto resamples = cl.integer("--bootstrap", 2000);
  const auto seed = cl.integer("--seed", 1);
  if (!resamples || !seed) return usage(cl.error(), kUsage);
  if (*resamples < 0 || *resamples > 1000000)
    return usage("--bootstrap must be 0 to 1000000", kUsage);

  auto bundle = inference::ModelBundle::open(model.value());
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

  const auto& manifest = bundle.value().manifest();
  const std::vector<double> shapeScalesMm =
      manifest.candidateCalibration && manifest.candidateCalibration->usesShape()
          ? manifest.candidateCalibration->shapeScalesMm
          : inference::defaultShapeScalesMm();

  // Every case is analysed with the mask and scored both ways: with it (the
  // candidates inside the lungs) and without (those plus the ones it removed).
  std::vector<ScanResult> withMask, withoutMask;
  std::vector<std::string> caseNames;
  std::size_t removed = 0, unmasked = 0;
  nlohmann::json perCase = nlohmann::json::array();
  double seconds = 0;
  for (const auto& dir : cases) {
    auto truth = readTruthNodules(dir / "truth.json");
    if (!truth.ok()) return fail(truth.error().message);
    auto scan = imaging::DicomScanner().scan(dir);
    if (!scan.ok()) return fail(scan.error().message);
    if (scan.value().series.empty()) return fail(dir.string() + ": no DICOM series");
    auto loaded = imaging::CtVolumeLoader().load(scan.value().series.front());
    if (!loaded.ok()) return fail(loaded.error().message);
    // Low thresholds: the FROC sweeps all operating points.
    CtAnalysisOptions options;
    options.thresholdOverride = *floor;
    options.findingThresholdOverride = 0.0;
    options.lungMask = LungMaskUse::Always;
    // Each candidate's shape as the calibration reads it (candidates.csv).
    options.shapeScalesMm = shapeScalesMm;
    options.measureIntensity = true;
    auto analysis = analyzeCt(loaded.value().volume, *session.value(), options);
    if (!analysis.ok()) return fail(dir.string() + ": " + analysis.error().message);
    const CtAnalysis& a = analysis.value();
    const double caseSeconds = a.inferenceSeconds + a.resampleSeconds + a.postprocessSeconds +
                               a.lungMaskSeconds + a.classifierSeconds;
    seconds += caseSeconds;
    std::vector<core::Finding> all = a.findings;
    all.insert(all.end(), a.outsideLungs.begin(), a.outsideLungs.end());
    std::sort(all.begin(), all.end(),
              [](const core::Finding& x, const core::Finding& y) { return x.score > y.score; });
    caseNames.push_back(dir.filename().string());
    withMask.push_back({a.findings, truth.value(), a.sliceSpacingMm});
    withoutMask.push_back({all, truth.value(), a.sliceSpacingMm});
    removed += a.outsideLungs.size();
    unmasked += a.lungMaskApplied ? 0 : 1;
    perCase.push_back({{"case", dir.filename().string()},
                       {"nodules", truth.value().size()},
                       {"findings", all.size()},
                       {"lung_mask", describeLungMask(a)},
                       {"seconds", caseSeconds}});
    std::printf("%s: %zu nodules, %zu candidates (%zu outside the lungs), %.1f s\n",
                dir.filename().c_str(), truth.value().size(), all.size(), a.outsideLungs.size(),
                caseSeconds);
  }
  const bool maskForMainFigures =
      *lungMask == LungMaskUse::Always ||
      (*lungMask == LungMaskUse::AsManifestSays && bundle.value().manifest().lungMask);
  const std::vector<ScanResult>& scans = maskForMainFigures ? withMask : withoutMask;

  const FrocResult all = computeFroc(scans);
  const FrocIntervals allIntervals = bootstrapFrocIntervals(scans, static_cast<int>(*resamples),
                                                            static_cast<std::uint64_t>(*seed));
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
  if (allIntervals.resamples > 0)
    metrics["bootstrap"] = {
        {"resamples", allIntervals.resamples}, {"seed", *seed}, {"level", 0.95}, {"over", "scans"}};
  metrics["all"] = describeFroc(all, allIntervals);
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
  const FrocResult masked = computeFroc(withMask), unmaskedFroc = computeFroc(withoutMask);
  metrics["lung_mask"] = {
      {"used_for_the_figures_above", maskForMainFigures},
      {"candidates_removed_per_scan", double(removed) / double(scans.size())},
      {"scans_where_no_lungs_were_found", unmasked},
      {"with", describeFroc(masked)},
      {"without", describeFroc(unmaskedFroc)},
      {"with_at_least_4mm", describeFroc(computeFroc(withMask, atLeast4mm))},
      {"without_at_least_4mm", describeFroc(computeFroc(withoutMask, atLeast4mm))}};
  metrics["cases"] = perCase;
  const double operating = manifest.threshold("candidate", 0.5);
  metrics["operating_threshold"] = {
      {"threshold", operating},
      {"false_positives_per_scan", falsePositivesPerScan(scans, operating)},
      {"sensitivity", sensitivityAtThreshold(scans, operating)}};
  const Reliability calibration = reliability(findingOutcomes(scans));
  metrics["scores_calibrated"] = manifest.candidateCalibration.has_value();
  metrics["expected_calibration_error"] = calibration.expectedCalibrationError;
  metrics["reliability"] = reliabilityJson(calibration, "candidates");

  if (auto written = writeJsonFile(*out, "metrics.json", metrics); !written.ok())
    return fail(written.error().message);
  if (auto written = writeCandidates(std::filesystem::path(*out) / "candidates.csv", caseNames,
                                     scans, shapeScalesMm, 1 + manifest.extraSpacingsMm.size());
      !written.ok())
    return fail(written.error().message);
  if (auto plotted =
          writeReliabilityPlot(calibration, "nodules: " + manifest.id, "share on a nodule",
                               std::filesystem::path(*out) / "reliability.png");
      !plotted.ok())
    return fail(plotted.error().message);

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

  std::printf("%zu scans, %zu nodules: CPM %.3f", scans.size(), all.nodules, all.cpm);
  if (allIntervals.resamples > 0)
    std::printf(" (95%% CI %.3f-%.3f)", allIntervals.cpm.low, allIntervals.cpm.high);
  std::printf(
      "; sensitivity at 1 FP/scan %.3f (all), %.3f (>= 4 mm); %.1f "
      "s/scan\n",
      all.sensitivityAtFp[3],
      metrics["at_least_4mm"]["sensitivity_at_fp_per_scan"]["1"].get<double>(),
      seconds / scans.size());
  std::printf(
      "lung mask: CPM %.3f with, %.3f without; %.2f candidates removed per scan (%s the figures "
      "above)\n",
      masked.cpm, unmaskedFroc.cpm, double(removed) / double(scans.size()),
      maskForMainFigures ? "used for" : "not used for");
  return 0;
}

}  // namespace vigie::app::cli
