// vigie-cli as users and scripts call it: real processes, real files.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "../unit/TestFolder.h"
#include "../unit/ZipWriter.h"
#include "vigie/core/ReviewStore.h"

namespace {

struct CliRun {
  int exitCode = -1;
  std::string output;  // stdout and stderr together
};

CliRun runCli(const std::string& arguments) {
  const std::string command = std::string(VIGIE_CLI) + " " + arguments + " 2>&1";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) run.output += buffer.data();
  const int status = pclose(pipe);
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

TEST(Cli, HelpListsEveryCommand) {
  const CliRun run = runCli("--help");
  EXPECT_EQ(run.exitCode, 0);
  for (const char* command : {"synth", "demo", "info", "convert", "decode", "analyze", "bundle",
                              "eval", "review", "export", "deid", "audit", "bench", "version"}) {
    EXPECT_NE(run.output.find(command), std::string::npos) << command;
  }
}

TEST(Cli, SynthCtWritesCasesThatInfoDescribes) {
  vigie::test::TestFolder dir("cli-ct");
  const CliRun synth = runCli("synth ct --out " + dir.path().string() +
                              " --seed 5 --count 2 --size 96x96x40 --spacing 3.75x3.75x7.5");
  ASSERT_EQ(synth.exitCode, 0) << synth.output;
  for (const char* c : {"case_000", "case_001"}) {
    std::ifstream truthFile(dir / c / "truth.json");
    ASSERT_TRUE(truthFile) << c;
    const auto truth = nlohmann::json::parse(truthFile);
    ASSERT_TRUE(truth["nodules"].is_array());
    for (const auto& n : truth["nodules"]) {
      EXPECT_EQ(n["center_mm"].size(), 3u);
      EXPECT_GE(n["diameter_mm"].get<double>(), 3.0);
      EXPECT_LE(n["diameter_mm"].get<double>(), 30.0);
    }
  }
  const CliRun info = runCli("info " + (dir / "case_001").string() + " --json");
  ASSERT_EQ(info.exitCode, 0) << info.output;
  const auto report = nlohmann::json::parse(info.output);
  ASSERT_EQ(report["series"].size(), 1u);
  const auto& series = report["series"][0];
  EXPECT_EQ(series["modality"], "CT");
  EXPECT_EQ(series["images"], 40);
  EXPECT_EQ(series["volume"]["size"], nlohmann::json({96, 96, 40}));
  EXPECT_NEAR(series["volume"]["spacing_mm"][2].get<double>(), 7.5, 1e-6);
  EXPECT_EQ(report["skipped_non_dicom"], 1);  // truth.json

  const CliRun png =
      runCli("convert " + (dir / "case_000").string() + " " + (dir / "axial.png").string());
  EXPECT_EQ(png.exitCode, 0) << png.output;
  EXPECT_GT(std::filesystem::file_size(dir / "axial.png"), 1000u);

  const CliRun nifti =
      runCli("convert " + (dir / "case_000").string() + " " + (dir / "ct.nii").string());
  EXPECT_EQ(nifti.exitCode, 0) << nifti.output;
  EXPECT_EQ(std::filesystem::file_size(dir / "ct.nii"), 352u + 96u * 96u * 40u * 2u);
  const CliRun vtk =
      runCli("convert " + (dir / "case_000").string() + " " + (dir / "ct.vtk").string());
  EXPECT_EQ(vtk.exitCode, 2);
  EXPECT_NE(vtk.output.find("ct.vtk: the output must end in"), std::string::npos);
}

TEST(Cli, SynthFundusWritesTheRequestedCount) {
  vigie::test::TestFolder dir("cli-fundus");
  const CliRun synth =
      runCli("synth fundus --out " + dir.path().string() + " --count 3 --size 200 --seed 9");
  ASSERT_EQ(synth.exitCode, 0) << synth.output;
  std::ifstream truthFile(dir / "truth.json");
  EXPECT_EQ(nlohmann::json::parse(truthFile)["images"].size(), 3u);
  EXPECT_TRUE(std::filesystem::exists(dir / "fundus_002.dcm"));
}

TEST(Cli, BadInputGetsAClearMessageAndANonZeroExit) {
  const CliRun missing = runCli("info /nonexistent/study");
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.output.find("/nonexistent/study"), std::string::npos);

  const CliRun typo = runCli("synth ct --otu /tmp/x");
  EXPECT_EQ(typo.exitCode, 2);
  EXPECT_NE(typo.output.find("unknown option --otu"), std::string::npos);

  const CliRun badSize = runCli("synth ct --out /tmp/x --size 12x");
  EXPECT_EQ(badSize.exitCode, 2);
  EXPECT_NE(badSize.output.find("--size"), std::string::npos);

  const CliRun unknown = runCli("frobnicate");
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_NE(unknown.output.find("unknown command"), std::string::npos);
}

TEST(Cli, AnalyzeWritesFindingsAndAHeatmapWithTheModelsProvenance) {
  vigie::test::TestFolder dir("cli-analyze");
  ASSERT_EQ(
      runCli("synth ct --out " + dir.path().string() + " --size 96x96x40 --spacing 3.75x3.75x7.5")
          .exitCode,
      0);
  const CliRun run = runCli("analyze " + (dir / "case_000").string() +
                            " --model " VIGIE_TEST_MODELS "/blob3d-bundle --out " +
                            (dir / "results").string() + " --cpu");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  std::ifstream file(dir / "results" / "findings.json");
  const auto report = nlohmann::json::parse(file);
  EXPECT_EQ(report["model"]["id"], "test-blob3d");
  EXPECT_EQ(report["model"]["clinical_use"], false);
  EXPECT_EQ(report["device"], "cpu");
  EXPECT_EQ(report["series"]["size"], nlohmann::json({96, 96, 40}));
  ASSERT_FALSE(report["findings"].empty());
  for (const auto& f : report["findings"]) {
    EXPECT_GE(f["score"].get<double>(), 0.5);
    EXPECT_EQ(f["center_mm"].size(), 3u);
  }
  EXPECT_GT(std::filesystem::file_size(dir / "results" / "heatmap.nii.gz"), 352u);
  EXPECT_EQ(report["lung_mask"]["applied"], false);  // the test manifest does not ask for it

  // With the lung mask: the blob model fires on every dense structure (bone,
  // heart, chest wall), and the mask keeps only what lies in the lungs.
  const CliRun masked = runCli("analyze " + (dir / "case_000").string() +
                               " --model " VIGIE_TEST_MODELS "/blob3d-bundle --out " +
                               (dir / "masked").string() + " --cpu --lung-mask on");
  ASSERT_EQ(masked.exitCode, 0) << masked.output;
  std::ifstream maskedFile(dir / "masked" / "findings.json");
  const auto maskedReport = nlohmann::json::parse(maskedFile);
  const auto& lungMask = maskedReport["lung_mask"];
  EXPECT_EQ(lungMask["applied"], true);
  EXPECT_GT(lungMask["lung_volume_ml"].get<double>(), 1000.0);
  EXPECT_EQ(maskedReport["findings"].size() + lungMask["candidates_removed"].get<std::size_t>(),
            report["findings"].size());
  EXPECT_GT(lungMask["candidates_removed"].get<std::size_t>(), 0u);

  // With a candidate classifier: the same heatmap network, so the same
  // candidates, now scored by the classifier (which wants bone density),
  // reordered, and kept at 0.5 or more: the soft-tissue ones are dropped.
  const CliRun classified =
      runCli("analyze " + (dir / "case_000").string() +
             " --model " VIGIE_TEST_MODELS "/blob3d-classified-bundle --out " +
             (dir / "classified").string() + " --cpu");
  ASSERT_EQ(classified.exitCode, 0) << classified.output;
  std::ifstream classifiedFile(dir / "classified" / "findings.json");
  const auto classifiedReport = nlohmann::json::parse(classifiedFile);
  const auto& stage2 = classifiedReport["candidate_classifier"];
  EXPECT_EQ(stage2["finding_threshold"], 0.5);
  EXPECT_EQ(classifiedReport["findings"].size() + stage2["candidates_below_it"].get<std::size_t>(),
            report["findings"].size());
  EXPECT_GT(stage2["candidates_below_it"].get<std::size_t>(), 0u);
  EXPECT_FALSE(classifiedReport["findings"].empty());
  double previous = 1.0;
  int id = 0;
  for (const auto& f : classifiedReport["findings"]) {
    EXPECT_GE(f["score"].get<double>(), 0.5);
    EXPECT_LE(f["score"].get<double>(), previous);
    EXPECT_EQ(f["id"], ++id);
    previous = f["score"].get<double>();
  }
  EXPECT_GE(classifiedReport["timing_s"]["candidate_classifier"].get<double>(), 0.0);

  const CliRun wrong = runCli("analyze " + (dir / "case_000").string() +
                              " --model " VIGIE_TEST_MODELS "/blob3d-bundle --out " +
                              (dir / "x").string() + " --lung-mask maybe");
  EXPECT_EQ(wrong.exitCode, 2);
  EXPECT_NE(wrong.output.find("--lung-mask takes on or off"), std::string::npos);
}

TEST(Cli, CalibratedCandidateScoresKeepTheCandidatesAndEvalMeasuresTheirCalibration) {
  vigie::test::TestFolder dir("cli-calibrated");
  ASSERT_EQ(runCli("synth ct --out " + (dir / "cases").string() +
                   " --count 2 --size 96x96x40 --spacing 3.75x3.75x7.5")
                .exitCode,
            0);
  // The test bundle, and a copy whose manifest calibrates its candidates.
  // Uncalibrated at threshold t and calibrated at apply(t) must find the same
  // candidates; only the scores change.
  const double slope = 0.5, intercept = -1.0, rawThreshold = 0.5;
  auto apply = [&](double p) {
    return 1.0 / (1.0 + std::exp(-(slope * std::log(p / (1 - p)) + intercept)));
  };
  std::filesystem::copy(VIGIE_TEST_MODELS "/blob3d-bundle", dir / "calibrated");
  nlohmann::json manifest =
      nlohmann::json::parse(std::ifstream(dir / "calibrated" / "manifest.json"));
  manifest["calibration"]["candidate"] = {
      {"method", "platt"}, {"slope", slope}, {"intercept", intercept}, {"fitted_on", "a test"}};
  manifest["thresholds"]["candidate"] = apply(rawThreshold);
  std::ofstream(dir / "calibrated" / "manifest.json") << manifest.dump(2);

  const std::string scan = (dir / "cases" / "case_000").string();
  ASSERT_EQ(runCli("analyze " + scan + " --model " VIGIE_TEST_MODELS "/blob3d-bundle --out " +
                   (dir / "raw").string() + " --cpu --threshold 0.5")
                .exitCode,
            0);
  const CliRun calibrated = runCli("analyze " + scan + " --model " + (dir / "calibrated").string() +
                                   " --out " + (dir / "cal").string() + " --cpu");
  ASSERT_EQ(calibrated.exitCode, 0) << calibrated.output;
  const auto raw = nlohmann::json::parse(std::ifstream(dir / "raw" / "findings.json"));
  const auto cal = nlohmann::json::parse(std::ifstream(dir / "cal" / "findings.json"));
  EXPECT_EQ(raw["scores_calibrated"], false);
  EXPECT_EQ(cal["scores_calibrated"], true);
  ASSERT_FALSE(raw["findings"].empty());
  ASSERT_EQ(cal["findings"].size(), raw["findings"].size());
  for (std::size_t n = 0; n < raw["findings"].size(); ++n) {
    const double before = raw["findings"][n]["score"].get<double>();
    EXPECT_FALSE(raw["findings"][n].contains("uncalibrated_score"));
    EXPECT_NEAR(cal["findings"][n]["uncalibrated_score"].get<double>(), before, 1e-6);
    EXPECT_NEAR(cal["findings"][n]["score"].get<double>(),
                apply(std::clamp(before, 1e-7, 1 - 1e-7)), 1e-6);
  }

  const CliRun eval =
      runCli("eval nodules --data " + (dir / "cases").string() + " --model " +
             (dir / "calibrated").string() + " --out " + (dir / "eval").string() + " --cpu");
  ASSERT_EQ(eval.exitCode, 0) << eval.output;
  const auto metrics = nlohmann::json::parse(std::ifstream(dir / "eval" / "metrics.json"));
  EXPECT_EQ(metrics["scores_calibrated"], true);
  EXPECT_GE(metrics["expected_calibration_error"].get<double>(), 0.0);
  EXPECT_EQ(metrics["reliability"].size(), 10u);
  EXPECT_NEAR(metrics["operating_threshold"]["threshold"].get<double>(), apply(rawThreshold), 1e-9);
  EXPECT_GE(metrics["operating_threshold"]["false_positives_per_scan"].get<double>(), 0.0);
  EXPECT_GT(std::filesystem::file_size(dir / "eval" / "reliability.png"), 1000u);
  // The CPM and each sensitivity with their bootstrap interval over the scans.
  EXPECT_EQ(metrics["bootstrap"]["resamples"], 2000);
  EXPECT_EQ(metrics["bootstrap"]["over"], "scans");
  const double cpm = metrics["all"]["cpm"].get<double>();
  const auto cpmInterval = metrics["all"]["cpm_ci95"];
  ASSERT_EQ(cpmInterval.size(), 2u);
  EXPECT_LE(cpmInterval[0].get<double>(), cpm);
  EXPECT_GE(cpmInterval[1].get<double>(), cpm);
  EXPECT_EQ(metrics["all"]["sensitivity_at_fp_per_scan_ci95"].size(), 7u);
  const CliRun negative = runCli("eval nodules --data " + (dir / "cases").string() + " --out " +
                                 (dir / "x").string() + " --bootstrap -1");
  EXPECT_EQ(negative.exitCode, 2);
  EXPECT_NE(negative.output.find("--bootstrap must be 0 to 1000000"), std::string::npos);
  std::ifstream candidates(dir / "eval" / "candidates.csv");
  std::string header, row;
  std::getline(candidates, header);
  // Which nodule a candidate hits and where it lies, the scan's slice
  // spacing, then the image's shape around it, at the default scales, and its
  // intensity.
  EXPECT_EQ(header.rfind("case,score,uncalibrated_score,diameter_mm,on_nodule,nodule_diameter_mm,"
                         "nodule,center_x_mm,center_y_mm,center_z_mm,slice_spacing_mm,"
                         "shape_1mm_l1,shape_1mm_l2,shape_1mm_l3,shape_1mm_dot,shape_1mm_line,",
                         0),
            0u)
      << header;
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), 10 + 20 + 4);
  const auto truth =
      nlohmann::json::parse(std::ifstream(dir / "cases" / "case_000" / "truth.json"));
  std::size_t rows = 0;
  while (std::getline(candidates, row)) {
    ++rows;
    EXPECT_EQ(row.rfind("case_00", 0), 0u) << row;
    // A hit names a nodule of truth.json, of the size the row gives; a miss names none.
    std::vector<std::string> cells;
    std::stringstream split(row);
    for (std::string cell; std::getline(split, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 35u) << row;
    const int nodule = std::stoi(cells[6]);
    EXPECT_EQ(nodule > 0, cells[4] == "1") << row;
    EXPECT_EQ(std::stod(cells[10]), 7.5) << row;  // the phantoms' coarsest spacing
    if (nodule > 0 && row.rfind("case_000,", 0) == 0) {
      ASSERT_LE(nodule, int(truth["nodules"].size())) << row;
      const auto& hit = truth["nodules"][nodule - 1];
      EXPECT_NEAR(hit["diameter_mm"].get<double>(), std::stod(cells[5]), 1e-6) << row;
      // The centre given lies within that nodule, as a hit must.
      double squared = 0;
      for (int axis = 0; axis < 3; ++axis)
        squared += std::pow(std::stod(cells[7 + axis]) - hit["center_mm"][axis].get<double>(), 2);
      EXPECT_LE(std::sqrt(squared), 0.5 * hit["diameter_mm"].get<double>() + 1e-6) << row;
    }
  }
  EXPECT_GT(rows, 0u);
}

TEST(Cli, ASizeAwareCalibrationScoresEachCandidateWithItsOwnDiameter) {
  vigie::test::TestFolder dir("cli-sized-calibration");
  ASSERT_EQ(runCli("synth ct --out " + (dir / "cases").string() +
                   " --count 1 --size 96x96x40 --spacing 3.75x3.75x7.5 --seed 3")
                .exitCode,
            0);
  const double slope = 0.5, logDiameterSlope = 2.0, intercept = -6.0, threshold = 0.3;
  auto apply = [&](double p, double diameter) {
    p = std::clamp(p, 1e-7, 1 - 1e-7);
    const double z = slope * std::log(p / (1 - p)) +
                     logDiameterSlope * std::log(std::max(diameter, 1.0)) + intercept;
    return 1.0 / (1.0 + std::exp(-z));
  };
  std::filesystem::copy(VIGIE_TEST_MODELS "/blob3d-bundle", dir / "sized");
  nlohmann::json manifest = nlohmann::json::parse(std::ifstream(dir / "sized" / "manifest.json"));
  manifest["calibration"]["candidate"] = {{"method", "platt"},
                                          {"slope", slope},
                                          {"intercept", intercept},
                                          {"log_diameter_slope", logDiameterSlope}};
  manifest["thresholds"]["candidate"] = threshold;
  std::ofstream(dir / "sized" / "manifest.json") << manifest.dump(2);

  // Every raw candidate, calibrated here by hand: those that reach the
  // threshold are what the calibrated bundle must report. 0.001 is under the
  // raw score the bundle searches at (about 0.002: the threshold's inverse
  // for the largest blob the extractor can grow at this spacing).
  const std::string scan = (dir / "cases" / "case_000").string();
  ASSERT_EQ(runCli("analyze " + scan + " --model " VIGIE_TEST_MODELS "/blob3d-bundle --out " +
                   (dir / "raw").string() + " --cpu --threshold 0.001 --lung-mask off")
                .exitCode,
            0);
  const CliRun sized = runCli("analyze " + scan + " --model " + (dir / "sized").string() +
                              " --out " + (dir / "sized-out").string() + " --cpu --lung-mask off");
  ASSERT_EQ(sized.exitCode, 0) << sized.output;
  const auto raw = nlohmann::json::parse(std::ifstream(dir / "raw" / "findings.json"));
  const auto cal = nlohmann::json::parse(std::ifstream(dir / "sized-out" / "findings.json"));
  std::vector<double> expected;
  for (const auto& f : raw["findings"]) {
    const double q = apply(f["score"].get<double>(), f["diameter_mm"].get<double>());
    if (q >= threshold) expected.push_back(q);
  }
  std::sort(expected.rbegin(), expected.rend());
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(cal["findings"].size(), expected.size());
  for (std::size_t n = 0; n < expected.size(); ++n) {
    const auto& f = cal["findings"][n];
    EXPECT_EQ(f["id"].get<int>(), static_cast<int>(n) + 1);  // strongest first
    EXPECT_NEAR(f["score"].get<double>(), expected[n], 1e-6);
    EXPECT_NEAR(f["score"].get<double>(),
                apply(f["uncalibrated_score"].get<double>(), f["diameter_mm"].get<double>()), 1e-6);
  }
}

TEST(Cli, AShapeCalibrationWeighsTheValuesEvalNodulesListsForEachCandidate) {
  vigie::test::TestFolder dir("cli-shape-calibration");
  ASSERT_EQ(runCli("synth ct --out " + (dir / "cases").string() +
                   " --count 1 --size 96x96x40 --spacing 3.75x3.75x7.5 --seed 3")
                .exitCode,
            0);
  const double slope = 0.5, logDiameterSlope = 0.3, intercept = -1.0, floor = 0.05;
  const std::vector<double> weights{0.1, 0.2, 0.3, 0.5, -0.5, 0, 0, 0, 1.0, -1.0};
  std::filesystem::copy(VIGIE_TEST_MODELS "/blob3d-bundle", dir / "shaped");
  nlohmann::json manifest = nlohmann::json::parse(std::ifstream(dir / "shaped" / "manifest.json"));
  manifest["calibration"]["candidate"] = {
      {"method", "platt-shape"},       {"slope", slope},
      {"intercept", intercept},        {"log_diameter_slope", logDiameterSlope},
      {"shape_scales_mm", {2.0, 5.0}}, {"shape_weights", weights},
      {"search_floor", floor}};
  // Slice-spacing terms fitted up to 5 mm: the phantom's 7.5 mm counts as 5.
  const double spacingWeight = 0.4, spacingScoreWeight = -0.2, spacingDiameterWeight = 0.1;
  const std::vector<double> spacingShapeWeights{0, 0, 0, 0.3, 0, 0, 0, 0, -0.2, 0};
  manifest["calibration"]["candidate"]["slice_spacing"] = {
      {"range_mm", {1.25, 5.0}},
      {"weight", spacingWeight},
      {"score_weight", spacingScoreWeight},
      {"log_diameter_weight", spacingDiameterWeight},
      {"shape_weights", spacingShapeWeights}};
  // And the intensity around each candidate, alone and times t.
  const std::vector<double> intensityWeights{0.05, 0.1, -0.3, -1.5},
      spacingIntensityWeights{0, 0, 0, -0.5};
  manifest["calibration"]["candidate"]["intensity_weights"] = intensityWeights;
  manifest["calibration"]["candidate"]["slice_spacing"]["intensity_weights"] =
      spacingIntensityWeights;
  manifest["thresholds"]["candidate"] = 0.2;
  std::ofstream(dir / "shaped" / "manifest.json") << manifest.dump(2);

  const CliRun eval =
      runCli("eval nodules --data " + (dir / "cases").string() + " --model " +
             (dir / "shaped").string() + " --out " + (dir / "eval").string() + " --cpu");
  ASSERT_EQ(eval.exitCode, 0) << eval.output;
  // Each candidate's score is the calibration of its raw score, size, the
  // scan's slice spacing and the shape and intensity values listed beside it:
  // what calibrate_ct.py --shape --slice-spacing --intensity fits.
  std::ifstream candidates(dir / "eval" / "candidates.csv");
  std::string header, row;
  std::getline(candidates, header);
  EXPECT_NE(header.find(",shape_2mm_l1,"), std::string::npos) << header;
  EXPECT_NE(header.find(",shape_5mm_line,hu_inside,hu_contrast,hu_sd_inside,lung_share_around"),
            std::string::npos)
      << header;
  int rows = 0;
  while (std::getline(candidates, row)) {
    std::vector<double> v;
    std::stringstream fields(row.substr(row.find(',') + 1));
    for (std::string field; std::getline(fields, field, ',');) v.push_back(std::stod(field));
    // Score, raw score, diameter, the nodule hit (3 values), the centre (3),
    // the slice spacing, then the shape, then the intensity.
    constexpr std::size_t kSpacingColumn = 9, kShapeColumn = 10;
    const std::size_t intensityColumn = kShapeColumn + weights.size();
    ASSERT_EQ(v.size(), intensityColumn + intensityWeights.size()) << row;
    EXPECT_GE(v[intensityColumn + 3], 0.0) << row;  // a share of lung
    EXPECT_LE(v[intensityColumn + 3], 1.0) << row;
    EXPECT_EQ(v[kSpacingColumn], 7.5) << row;
    const double raw = std::clamp(v[1], 1e-7, 1 - 1e-7);
    EXPECT_GE(v[1], floor) << row;  // searched down to the floor, no further
    const double scoreLogit = std::log(raw / (1 - raw)),
                 logDiameter = std::log(std::max(v[2], 1.0));
    double z = slope * scoreLogit + logDiameterSlope * logDiameter + intercept;
    double spacingTerms =
        spacingWeight + spacingScoreWeight * scoreLogit + spacingDiameterWeight * logDiameter;
    for (std::size_t n = 0; n < weights.size(); ++n) {
      z += weights[n] * v[kShapeColumn + n];
      spacingTerms += spacingShapeWeights[n] * v[kShapeColumn + n];
    }
    for (std::size_t n = 0; n < intensityWeights.size(); ++n) {
      z += intensityWeights[n] * v[intensityColumn + n];
      spacingTerms += spacingIntensityWeights[n] * v[intensityColumn + n];
    }
    z += std::log(5.0) * spacingTerms;
    // The raw score is listed to 9 digits: at 0.999999881 (a float's 1 - 2^-23)
    // its logit is only known to 2e-3, which moves a score of 0.95 by 1e-4.
    EXPECT_NEAR(v[0], 1.0 / (1.0 + std::exp(-z)), 1e-4) << row;
    ++rows;
  }
  EXPECT_GT(rows, 0);
}

TEST(Cli, BundleCreatePackagesAModelThatBundleInfoVerifies) {
  vigie::test::TestFolder dir("cli-bundle");
  const CliRun created =
      runCli(std::string("bundle create ") + VIGIE_TEST_MODELS + "/blob3d.pt --manifest " +
             VIGIE_TEST_MODELS + "/blob3d-bundle/manifest.json --out " + (dir / "b").string());
  ASSERT_EQ(created.exitCode, 0) << created.output;
  const CliRun info = runCli("bundle info " + (dir / "b").string());
  EXPECT_EQ(info.exitCode, 0) << info.output;
  EXPECT_NE(info.output.find("(verified)"), std::string::npos);
  EXPECT_NE(info.output.find("not for clinical use"), std::string::npos);

  const CliRun twoStage =
      runCli(std::string("bundle create ") + VIGIE_TEST_MODELS + "/blob3d.pt --manifest " +
             VIGIE_TEST_MODELS + "/blob3d-bundle/manifest.json --out " + (dir / "two").string() +
             " --classifier " + VIGIE_TEST_MODELS + "/centre_density.pt");
  ASSERT_EQ(twoStage.exitCode, 0) << twoStage.output;
  const CliRun twoStageInfo = runCli("bundle info " + (dir / "two").string());
  EXPECT_EQ(twoStageInfo.exitCode, 0) << twoStageInfo.output;
  EXPECT_NE(twoStageInfo.output.find("candidate classifier centre_density.pt"), std::string::npos)
      << twoStageInfo.output;
  const CliRun missing = runCli("bundle info " + (dir / "nothing").string());
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.output.find("not a model bundle (a folder or a zip of one)"),
            std::string::npos);
}

TEST(Cli, ReviewDecisionsAreDurableListedAndAudited) {
  vigie::test::TestFolder dir("cli-review");
  const std::string store = " --store " + (dir / "review.sqlite").string();
  const CliRun confirm =
      runCli("review decide --study 1.2.3 --finding 1 --decision confirm --reader dr.a" + store);
  EXPECT_EQ(confirm.exitCode, 0) << confirm.output;
  EXPECT_EQ(confirm.output, "");  // nothing but errors
  EXPECT_EQ(
      runCli(
          "review decide --study 1.2.3 --finding 2 --decision reject --reader dr.a --note vessel" +
          store)
          .exitCode,
      0);
  EXPECT_EQ(
      runCli("review decide --study 1.2.3 --finding 7 --decision add --reader dr.a --center 1,2,3 "
             "--diameter 4.5" +
             store)
          .exitCode,
      0);
  const CliRun list = runCli("review list --study 1.2.3 --json" + store);
  ASSERT_EQ(list.exitCode, 0) << list.output;
  const auto decisions = nlohmann::json::parse(list.output);
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_EQ(decisions[1]["decision"], "reject");
  EXPECT_EQ(decisions[1]["note"], "vessel");
  EXPECT_EQ(decisions[2]["center_mm"], nlohmann::json({1.0, 2.0, 3.0}));

  const CliRun noCenter =
      runCli("review decide --study 1.2.3 --finding 1 --decision edit --reader dr.a" + store);
  EXPECT_EQ(noCenter.exitCode, 2);
  const CliRun badKind =
      runCli("review decide --study 1.2.3 --finding 1 --decision maybe --reader dr.a" + store);
  EXPECT_EQ(badKind.exitCode, 2);
  EXPECT_NE(badKind.output.find("unknown decision 'maybe'"), std::string::npos);

  const CliRun verify = runCli("audit verify" + store);
  EXPECT_EQ(verify.exitCode, 0) << verify.output;
  EXPECT_NE(verify.output.find("intact: 3 entries"), std::string::npos);
  const CliRun exported = runCli("review export --json" + store);
  EXPECT_EQ(nlohmann::json::parse(exported.output)["decisions"].size(), 3u);
}

namespace {

/// Runs an outside tool (dciodvfy, dsrdump) the same way as vigie-cli.
CliRun runTool(const std::string& command) {
  CliRun run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) run.output += buffer.data();
  const int status = pclose(pipe);
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

/// dciodvfy's findings of class "Error" (warnings are advice, e.g. about
/// attributes a DICOMDIR would want, or our private coding scheme).
std::string dciodvfyErrors(const std::filesystem::path& file, const std::string& iod) {
  const CliRun run = runTool(std::string(VIGIE_DCIODVFY) + " " + file.string());
  if (run.output.find(iod) == std::string::npos)
    return "dciodvfy did not recognise " + iod + ": " + run.output;
  std::string errors;
  std::istringstream lines(run.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Error", 0) == 0) errors += line + "\n";
  }
  return errors;
}

/// A small synthetic CT, analysed with the test model and recorded in a
/// review store, with one finding confirmed and one added by the reader.
struct ReviewedCase {
  vigie::test::TestFolder dir;
  std::string store;
  std::string studyUid;
  nlohmann::json findings;

  explicit ReviewedCase(const std::string& name) : dir(name) {
    store = " --store " + (dir / "review.sqlite").string();
    EXPECT_EQ(
        runCli("synth ct --out " + dir.path().string() + " --size 96x96x40 --spacing 3.75x3.75x7.5")
            .exitCode,
        0);
    const CliRun analyzed =
        runCli("analyze " + (dir / "case_000").string() +
               " --model " VIGIE_TEST_MODELS "/blob3d-bundle --cpu --reader dr.a --out " +
               (dir / "results").string() + store);
    EXPECT_EQ(analyzed.exitCode, 0) << analyzed.output;
    std::ifstream file(dir / "results" / "findings.json");
    const auto report = nlohmann::json::parse(file);
    studyUid = report["series"]["study_uid"];
    findings = report["findings"];
    EXPECT_FALSE(findings.empty());
    EXPECT_EQ(runCli("review decide --study " + studyUid +
                     " --finding 1 --decision confirm --reader dr.a" + store)
                  .exitCode,
              0);
    const CliRun added = runCli("review add --study " + studyUid +
                                " --center 0,0,0 --diameter 6 --reader dr.b --note missed" + store);
    EXPECT_EQ(added.exitCode, 0) << added.output;
  }
};

}  // namespace

TEST(Cli, ExportWritesAReportAndSegmentationsThatAnIndependentCheckerAccepts) {
  ReviewedCase c("cli-export");
  {
    // Two measurements as the GUI records them: a length and a circular region.
    auto store = vigie::core::ReviewStore::open(c.dir / "review.sqlite");
    ASSERT_TRUE(store.ok());
    const CliRun info = runCli("info --json " + (c.dir / "case_000").string());
    const std::string seriesUid = nlohmann::json::parse(info.output)["series"][0]["series_uid"];
    vigie::core::Measurement length;
    length.studyUid = c.studyUid;
    length.seriesUid = seriesUid;
    length.reader = "dr.a";
    length.kind = "length";
    length.pointsMm = {{-10, 0, 0}, {20, 40, 0}};
    length.value = 50.0;
    length.unit = "mm";
    length.note = "axial: slice 20";
    length.plane = vigie::core::SlicePlane::Axial;
    ASSERT_TRUE(store.value()->recordMeasurement(length).ok());
    vigie::core::Measurement roi = length;
    roi.kind = "roi";
    roi.pointsMm = {{0, 0, 0}, {6, 0, 0}};
    roi.value = -812.5;
    roi.unit = "[hnsf'U]";
    roi.note = "axial: mean -812.5 HU, SD 20.1 HU, slice 20";
    ASSERT_TRUE(store.value()->recordMeasurement(roi).ok());
  }
  const CliRun exported = runCli("export " + (c.dir / "case_000").string() + " --out " +
                                 (c.dir / "dicom").string() + " --reader dr.a" + c.store);
  ASSERT_EQ(exported.exitCode, 0) << exported.output;
  EXPECT_NE(exported.output.find("(2 accepted by the reader)"), std::string::npos)
      << exported.output;
  EXPECT_NE(exported.output.find("; 2 measurements"), std::string::npos) << exported.output;

  EXPECT_EQ(dciodvfyErrors(c.dir / "dicom" / "sr.dcm", "Comprehensive3DSR"), "");
  EXPECT_EQ(dciodvfyErrors(c.dir / "dicom" / "seg-nodules.dcm", "Segmentation"), "");
  EXPECT_EQ(dciodvfyErrors(c.dir / "results" / "heatmap-seg.dcm", "Segmentation"), "");

  const CliRun dump =
      runTool(std::string(VIGIE_DSRDUMP) + " " + (c.dir / "dicom" / "sr.dcm").string());
  EXPECT_EQ(dump.exitCode, 0) << dump.output;
  for (const char* expected :
       {"Imaging Measurement Report", "Confirmed by reader", "Added by reader", "Not reviewed",
        "\"missed\"", "Referenced Segment", "SCOORD3D:(,,\"Center\")=(POINT",
        "NUM:(,,\"Length\")=\"50\" (mm", "SCOORD3D:(,,\"Image Region\")=(POLYLINE",
        "NUM:(,,\"Mean\")=\"-812.5\"", "=(ELLIPSE", "Vigie measurement"}) {
    EXPECT_NE(dump.output.find(expected), std::string::npos) << expected << "\n" << dump.output;
  }
  const CliRun verify = runCli("audit verify" + c.store);
  EXPECT_EQ(verify.exitCode, 0) << verify.output;
  const CliRun backup = runCli("review export --json" + c.store);
  const auto json = nlohmann::json::parse(backup.output);
  EXPECT_EQ(json["schema_version"], 8);
  ASSERT_EQ(json["model_runs"].size(), 1u);
  // The worklist's part of the store is in the backup too: analyze --store
  // registered the study.
  ASSERT_EQ(json["cases"].size(), 1u);
  EXPECT_EQ(json["cases"][0]["kind"], "ct");
  EXPECT_TRUE(json["case_events"].is_array());
  EXPECT_TRUE(json["fundus_ai_results"].is_array());
  EXPECT_TRUE(json["comments"].is_array());
  EXPECT_TRUE(json["site_settings"].is_object());
  EXPECT_EQ(json["model_runs"][0]["findings"].size(), c.findings.size());
  EXPECT_EQ(json["decisions"][1]["finding_id"], 1001);
}

TEST(Cli, ExportWritesTheLengthsDrawnOn2dImagesOnTheirImageAndFrame) {
  vigie::test::TestFolder dir("cli-export-2d");
  // A two-frame ultrasound loop calibrated by one region of 0.02 cm a pixel.
  const std::string study = "1.2.826.0.1.3680043.10.1391.77.1";
  const std::string series = "1.2.826.0.1.3680043.10.1391.77.2";
  const std::string instance = "1.2.826.0.1.3680043.10.1391.77.3";
  {
    DcmFileFormat format;
    DcmDataset* ds = format.getDataset();
    ds->putAndInsertString(DCM_SOPClassUID, UID_UltrasoundMultiframeImageStorage);
    ds->putAndInsertString(DCM_SOPInstanceUID, instance.c_str());
    ds->putAndInsertString(DCM_StudyInstanceUID, study.c_str());
    ds->putAndInsertString(DCM_SeriesInstanceUID, series.c_str());
    ds->putAndInsertString(DCM_Modality, "US");
    ds->putAndInsertString(DCM_PatientName, "Doe^Jane");
    ds->putAndInsertString(DCM_PatientID, "US-1");
    ds->putAndInsertUint16(DCM_Rows, 32);
    ds->putAndInsertUint16(DCM_Columns, 48);
    ds->putAndInsertString(DCM_NumberOfFrames, "2");
    ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
    ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    ds->putAndInsertUint16(DCM_BitsAllocated, 8);
    ds->putAndInsertUint16(DCM_BitsStored, 8);
    ds->putAndInsertUint16(DCM_HighBit, 7);
    ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
    std::vector<Uint8> pixels(2 * 32 * 48, 90);
    ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), pixels.size());
    DcmItem* region = nullptr;
    ds->findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, region, -2);
    region->putAndInsertUint32(DCM_RegionLocationMinX0, 0);
    region->putAndInsertUint32(DCM_RegionLocationMinY0, 0);
    region->putAndInsertUint32(DCM_RegionLocationMaxX1, 47);
    region->putAndInsertUint32(DCM_RegionLocationMaxY1, 31);
    region->putAndInsertUint16(DCM_PhysicalUnitsXDirection, 3);
    region->putAndInsertUint16(DCM_PhysicalUnitsYDirection, 3);
    region->putAndInsertFloat64(DCM_PhysicalDeltaX, 0.02);
    region->putAndInsertFloat64(DCM_PhysicalDeltaY, 0.02);
    std::filesystem::create_directories(dir / "us");
    ASSERT_TRUE(
        format.saveFile((dir / "us" / "loop.dcm").c_str(), EXS_LittleEndianExplicit).good());
  }
  const std::string store = " --store " + (dir / "review.sqlite").string();
  const CliRun nothing =
      runCli("export " + (dir / "us").string() + " --out " + (dir / "none").string() + store);
  EXPECT_NE(nothing.exitCode, 0);
  EXPECT_NE(nothing.output.find("no length on the images of series " + series), std::string::npos)
      << nothing.output;
  {
    // A length as the Images tab records it: on the second frame.
    auto opened = vigie::core::ReviewStore::open(dir / "review.sqlite");
    ASSERT_TRUE(opened.ok());
    vigie::core::Measurement length;
    length.studyUid = study;
    length.seriesUid = series;
    length.reader = "dr.echo";
    length.kind = "length";
    length.image = vigie::core::ImageReference{UID_UltrasoundMultiframeImageStorage, instance, 2};
    length.pixelPoints = {{4.5, 6.0}, {34.5, 6.0}};
    length.value = 6.0;
    length.unit = "mm";
    length.note = "mm (ultrasound region)";
    ASSERT_TRUE(opened.value()->recordMeasurement(length).ok());
  }
  const CliRun exported = runCli("export " + (dir / "us").string() + " --out " +
                                 (dir / "dicom").string() + " --reader dr.echo" + store);
  ASSERT_EQ(exported.exitCode, 0) << exported.output;
  EXPECT_NE(exported.output.find("1 lengths on the series' 2D images"), std::string::npos)
      << exported.output;
  EXPECT_EQ(dciodvfyErrors(dir / "dicom" / "sr.dcm", "Comprehensive3DSR"), "");
  const CliRun dump =
      runTool(std::string(VIGIE_DSRDUMP) + " +Pl " + (dir / "dicom" / "sr.dcm").string());
  EXPECT_EQ(dump.exitCode, 0) << dump.output;
  for (const std::string& expected :
       {std::string("NUM:(,,\"Length\")=\"6\" (mm"),
        std::string("SCOORD:(,,\"Image Region\")=(POLYLINE,4.5/6,34.5/6)"),
        std::string("selected from IMAGE:=(USm image,,2)"), std::string("\"dr.echo^\""),
        std::string("\"mm (ultrasound region)\""), std::string("Doe^Jane")}) {
    EXPECT_NE(dump.output.find(expected), std::string::npos) << expected << "\n" << dump.output;
  }
}

TEST(Cli, ExportDeidentifiedKeepsEveryReferenceAndNoIdentity) {
  ReviewedCase c("cli-export-deid");
  const auto out = c.dir / "anon";
  const CliRun exported = runCli("export " + (c.dir / "case_000").string() + " --out " +
                                 out.string() + " --deidentify --key k" + c.store);
  ASSERT_EQ(exported.exitCode, 0) << exported.output;
  EXPECT_FALSE(std::filesystem::exists(out / ".identified"));
  std::set<std::string> instances;
  for (const auto& entry : std::filesystem::directory_iterator(out / "series")) {
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(entry.path().c_str()).good());
    OFString uid;
    format.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
    instances.insert(uid.c_str());
  }
  EXPECT_EQ(instances.size(), 40u);
  for (const char* object : {"sr.dcm", "seg-nodules.dcm"}) {
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile((out / object).c_str()).good());
    DcmStack stack;
    std::size_t references = 0;
    while (format.getDataset()
               ->search(DCM_ReferencedSOPInstanceUID, stack, ESM_afterStackTop, OFTrue)
               .good()) {
      OFString uid;
      static_cast<DcmElement*>(stack.top())->getOFString(uid, 0);
      if (std::string(object) == "sr.dcm" && uid.length() && !instances.count(uid.c_str())) {
        // The report also refers to the SEG, de-identified beside it.
        DcmFileFormat seg;
        ASSERT_TRUE(seg.loadFile((out / "seg-nodules.dcm").c_str()).good());
        OFString segUid;
        seg.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, segUid);
        EXPECT_EQ(uid, segUid);
      } else {
        EXPECT_EQ(instances.count(uid.c_str()), 1u) << object << " refers to " << uid;
      }
      ++references;
    }
    EXPECT_GE(references, 40u) << object;
    OFString name;
    format.getDataset()->findAndGetOFString(DCM_PatientName, name);
    EXPECT_EQ(name, "ANONYMOUS^");
  }
  // Neither the phantom's name nor its ID is left in any byte of any file.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("PHANTOM^CHEST"), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("VIGIE-SYNTH"), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("dr.a"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(dciodvfyErrors(out / "sr.dcm", "Comprehensive3DSR"), "");
  EXPECT_EQ(dciodvfyErrors(out / "seg-nodules.dcm", "Segmentation"), "");
  const CliRun info = runCli("info " + (out / "series").string());
  EXPECT_EQ(info.exitCode, 0) << info.output;
  EXPECT_NE(info.output.find("volume 96x96x40 voxels"), std::string::npos) << info.output;
}

TEST(Cli, DeidCopiesOnlyDicomAndRecordsTheRunInTheAuditLog) {
  vigie::test::TestFolder dir("cli-deid");
  ASSERT_EQ(
      runCli("synth ct --out " + dir.path().string() + " --size 96x96x40 --spacing 3.75x3.75x7.5")
          .exitCode,
      0);
  const std::string store = " --store " + (dir / "review.sqlite").string();
  const CliRun run =
      runCli("deid " + (dir / "case_000").string() + " " + (dir / "anon").string() + store);
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("de-identified 40 files"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("1 files were not DICOM"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "anon" / "truth.json"));
  EXPECT_NE(runCli("audit verify" + store).output.find("intact: 1 entries"), std::string::npos);
  const CliRun missing =
      runCli("deid " + (dir / "nothing").string() + " " + (dir / "x").string() + store);
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.output.find("no such file or folder"), std::string::npos) << missing.output;
}

TEST(Cli, SyntheticDicomPassesTheIndependentChecker) {
  vigie::test::TestFolder dir("cli-dciodvfy");
  ASSERT_EQ(
      runCli("synth ct --out " + dir.path().string() + " --size 96x96x40 --spacing 3.75x3.75x7.5")
          .exitCode,
      0);
  ASSERT_EQ(runCli("synth fundus --out " + (dir / "fundus").string() + " --count 1").exitCode, 0);
  EXPECT_EQ(dciodvfyErrors(dir / "case_000" / "CT000001.dcm", "CTImage"), "");
  EXPECT_EQ(dciodvfyErrors(dir / "fundus" / "fundus_000.dcm", "OphthalmicPhotography8BitImage"),
            "");
}

TEST(Cli, FundusGradesExportAsAReportThatTheCheckerAccepts) {
  vigie::test::TestFolder dir("cli-fundus-export");
  ASSERT_EQ(runCli("synth fundus --out " + dir.path().string() + " --count 1").exitCode, 0);
  const auto photo = dir / "fundus_000.dcm";
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(photo.c_str()).good());
  OFString uid;
  format.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  const std::string store = " --store " + (dir / "review.sqlite").string();
  const CliRun none = runCli("export " + photo.string() + " --out " + (dir / "x").string() + store);
  EXPECT_EQ(none.exitCode, 1);
  EXPECT_NE(none.output.find("no photograph of this series has a reader's grade"),
            std::string::npos)
      << none.output;
  const CliRun refused = runCli("review grade --image " + std::string(uid.c_str()) +
                                " --grade 7 --reader dr.eye" + store);
  EXPECT_EQ(refused.exitCode, 2);
  ASSERT_EQ(runCli("review grade --image " + std::string(uid.c_str()) +
                   " --grade 2 --reader dr.eye --note haemorrhages" + store)
                .exitCode,
            0);
  const CliRun grades = runCli("review grades --json --image " + std::string(uid.c_str()) + store);
  EXPECT_EQ(nlohmann::json::parse(grades.output)[0]["grade"], 2);
  {
    // Two lesion marks from the GUI (through the store, as it records them),
    // a third withdrawn: the two standing ones are exported.
    auto direct = vigie::core::ReviewStore::open(dir / "review.sqlite");
    ASSERT_TRUE(direct.ok());
    vigie::core::FundusLesionMark mark;
    mark.imageUid = uid.c_str();
    mark.reader = "dr.eye";
    mark.lesion = "haemorrhage";
    mark.x = 200;
    mark.y = 150;
    mark.radius = 12;
    ASSERT_TRUE(direct.value()->recordFundusLesionMark(mark).ok());
    mark.lesion = "hard_exudate";
    mark.x = 90.5;
    ASSERT_TRUE(direct.value()->recordFundusLesionMark(mark).ok());
    mark.lesion = "microaneurysm";
    auto third = direct.value()->recordFundusLesionMark(mark);
    ASSERT_TRUE(third.ok());
    vigie::core::FundusLesionMark withdrawal;
    withdrawal.imageUid = mark.imageUid;
    withdrawal.reader = "dr.eye";
    withdrawal.withdraws = third.value();
    ASSERT_TRUE(direct.value()->recordFundusLesionMark(withdrawal).ok());
  }
  const CliRun exported = runCli("export " + photo.string() + " --out " + (dir / "out").string() +
                                 " --model " VIGIE_TEST_MODELS "/fundus-bundle" + store);
  ASSERT_EQ(exported.exitCode, 0) << exported.output;
  EXPECT_EQ(dciodvfyErrors(dir / "out" / "sr.dcm", "Comprehensive3DSR"), "");
  const CliRun dump = runTool(std::string(VIGIE_DSRDUMP) + " " + (dir / "out" / "sr.dcm").string());
  EXPECT_NE(dump.output.find("Moderate non-proliferative diabetic retinopathy"), std::string::npos)
      << dump.output;
  EXPECT_NE(dump.output.find("\"haemorrhages\""), std::string::npos);
  // The model's group: the device observer and its referable-DR probability.
  EXPECT_NE(dump.output.find("\"test-fundus\""), std::string::npos) << dump.output;
  EXPECT_NE(dump.output.find("(121007,DCM,\"Device\")"), std::string::npos);
  EXPECT_NE(dump.output.find("Probability"), std::string::npos);
  // The marks: each a lesion finding inferred from a circle on the photograph.
  EXPECT_NE(dump.output.find("Retinal haemorrhage"), std::string::npos) << dump.output;
  EXPECT_NE(dump.output.find("Hard exudate"), std::string::npos);
  EXPECT_EQ(dump.output.find("Microaneurysm"), std::string::npos);  // withdrawn
  // Pixel centres in the store, pixel corners in SCOORD: +0.5.
  EXPECT_NE(dump.output.find("(CIRCLE,200.5/150.5,"), std::string::npos) << dump.output;
  EXPECT_NE(dump.output.find("(CIRCLE,91/150.5,"), std::string::npos);
}

TEST(Cli, AnalyzesFundusPhotographsAndEvaluatesADrModel) {
  vigie::test::TestFolder dir("cli-fundus");
  ASSERT_EQ(
      runCli("synth fundus --out " + (dir / "photos").string() + " --count 6 --size 256").exitCode,
      0);
  const CliRun one =
      runCli("analyze " + (dir / "photos" / "fundus_000.dcm").string() +
             " --model " VIGIE_TEST_MODELS "/fundus-bundle --out " + (dir / "one").string());
  ASSERT_EQ(one.exitCode, 0) << one.output;
  std::ifstream file(dir / "one" / "findings.json");
  const auto report = nlohmann::json::parse(file);
  for (const char* key : {"grade", "referable_probability", "gradable", "quality_score", "lesions"})
    EXPECT_TRUE(report.contains(key)) << key;
  EXPECT_EQ(report["model"]["id"], "test-fundus");
  EXPECT_TRUE(std::filesystem::exists(dir / "one" / "heatmap.png"));
  // Recorded in a store, the answer keeps where its lesion regions are, and
  // the JSON backup carries them.
  const std::string store = " --store " + (dir / "review.sqlite").string();
  const CliRun stored = runCli("analyze " + (dir / "photos" / "fundus_000.dcm").string() +
                               " --model " VIGIE_TEST_MODELS "/fundus-bundle --out " +
                               (dir / "stored").string() + store);
  ASSERT_EQ(stored.exitCode, 0) << stored.output;
  const auto backup = nlohmann::json::parse(runCli("review export --json" + store).output);
  ASSERT_EQ(backup["fundus_ai_results"].size(), 1u);
  const auto& answer = backup["fundus_ai_results"][0];
  ASSERT_TRUE(answer["lesion_regions"].is_array());
  EXPECT_EQ(answer["lesion_regions"].size(), answer["lesions"].get<std::size_t>());
  for (const auto& region : answer["lesion_regions"])
    EXPECT_GE(region["radius"].get<double>(), 0.0);

  const CliRun all =
      runCli("analyze " + (dir / "photos").string() +
             " --model " VIGIE_TEST_MODELS "/fundus-bundle --out " + (dir / "all").string());
  ASSERT_EQ(all.exitCode, 0) << all.output;
  std::ifstream allFile(dir / "all" / "findings.json");
  EXPECT_EQ(nlohmann::json::parse(allFile)["images"].size(), 18u);  // PNG, JPEG and DICOM each
  EXPECT_TRUE(std::filesystem::exists(dir / "all" / "fundus_000_dcm_heatmap.png"));

  const CliRun eval =
      runCli("eval dr --data " + (dir / "photos").string() +
             " --model " VIGIE_TEST_MODELS "/fundus-bundle --out " + (dir / "eval").string());
  ASSERT_EQ(eval.exitCode, 0) << eval.output;
  std::ifstream metricsFile(dir / "eval" / "metrics.json");
  const auto metrics = nlohmann::json::parse(metricsFile);
  EXPECT_EQ(metrics["photographs"], 6);
  for (const char* key : {"referable_roc_auc", "sensitivity", "specificity",
                          "grade_quadratic_weighted_kappa", "gradability_accuracy"}) {
    ASSERT_TRUE(metrics.contains(key)) << key;
    EXPECT_GE(metrics[key].get<double>(), -1.0);
  }
  EXPECT_EQ(metrics["confusion_matrix"]["counts"].size(), 5u);
  EXPECT_GT(std::filesystem::file_size(dir / "eval" / "roc.png"), 1000u);

  const CliRun wrongModel =
      runCli("eval dr --data " + (dir / "photos").string() +
             " --model " VIGIE_TEST_MODELS "/blob3d-bundle --out " + (dir / "x").string());
  EXPECT_EQ(wrongModel.exitCode, 1);
  EXPECT_NE(wrongModel.output.find("not a fundus-dr-screening model"), std::string::npos);
}

// Without --model, analyze runs the shipped reference model for what PATH
// holds; --model also takes an installed bundle's id; a name that is
// neither is refused, listing the installed ids.
TEST(Cli, AnalyzeChoosesTheShippedModelForPhotographsAndCtWhenNoneIsNamed) {
  vigie::test::TestFolder dir("cli-default-model");
  ASSERT_EQ(
      runCli("synth fundus --out " + (dir / "photos").string() + " --count 1 --size 256").exitCode,
      0);
  ASSERT_EQ(
      runCli("synth ct --out " + (dir / "ct").string() + " --count 1 --size 64x64x32 --nodules 1")
          .exitCode,
      0);
  auto modelOf = [&](const std::string& out) {
    std::ifstream file(dir / out / "findings.json");
    return nlohmann::json::parse(file)["model"]["id"].get<std::string>();
  };
  const CliRun photo = runCli("analyze " + (dir / "photos" / "fundus_000.png").string() +
                              " --out " + (dir / "photo").string());
  ASSERT_EQ(photo.exitCode, 0) << photo.output;
  EXPECT_EQ(modelOf("photo"), "vigie-fundus-dr");
  EXPECT_NE(photo.output.find("not for clinical use"), std::string::npos) << photo.output;
  // A DICOM photograph is a photograph too.
  const CliRun dicomPhoto = runCli("analyze " + (dir / "photos" / "fundus_000.dcm").string() +
                                   " --out " + (dir / "dicom-photo").string());
  ASSERT_EQ(dicomPhoto.exitCode, 0) << dicomPhoto.output;
  EXPECT_EQ(modelOf("dicom-photo"), "vigie-fundus-dr");
  const CliRun ct =
      runCli("analyze " + (dir / "ct" / "case_000").string() + " --out " + (dir / "scan").string());
  ASSERT_EQ(ct.exitCode, 0) << ct.output;
  EXPECT_EQ(modelOf("scan"), "vigie-ct-nodule-synth");
  const CliRun byId = runCli("analyze " + (dir / "photos" / "fundus_000.png").string() +
                             " --model vigie-fundus-dr --out " + (dir / "by-id").string());
  ASSERT_EQ(byId.exitCode, 0) << byId.output;
  EXPECT_EQ(modelOf("by-id"), "vigie-fundus-dr");
  const CliRun unknown = runCli("analyze " + (dir / "photos" / "fundus_000.png").string() +
                                " --model no-such-model --out " + (dir / "x").string());
  EXPECT_EQ(unknown.exitCode, 1);
  EXPECT_NE(unknown.output.find("no-such-model"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("vigie-ct-nodule-synth"), std::string::npos) << unknown.output;
}

TEST(Cli, EvaluatesADrModelOnALabeledSetWithLesionMasks) {
  // A "real" set as users bring one: photographs, a labels CSV with referable
  // only (no grades) and an expert mask (a binary PGM with one 20-pixel
  // square "haemorrhage"; the arithmetic is checked in the unit tests).
  vigie::test::TestFolder dir("cli-dr-labels");
  ASSERT_EQ(
      runCli("synth fundus --out " + (dir / "photos").string() + " --count 6 --size 256").exitCode,
      0);
  {
    std::ofstream mask(dir / "photos" / "mask_he.pgm", std::ios::binary);
    mask << "P5\n256 256\n255\n";
    for (int y = 0; y < 256; ++y)
      for (int x = 0; x < 256; ++x)
        mask.put(x >= 100 && x < 120 && y >= 90 && y < 110 ? '\xff' : 0);
  }
  {
    std::ofstream csv(dir / "labels.csv");
    csv << "file,referable,gradable,mask_he\n"
        << "fundus_000.png,0,1,\nfundus_001.png,1,1,mask_he.pgm\nfundus_002.png,1,1,\n"
        << "fundus_003.png,0,1,\nfundus_004.png,1,0,\nfundus_005.png,0,1,\n";
  }
  const CliRun eval = runCli("eval dr --data " + (dir / "photos").string() + " --labels " +
                             (dir / "labels.csv").string() +
                             " --model " VIGIE_TEST_MODELS "/fundus-bundle --bootstrap 300 --out " +
                             (dir / "eval").string());
  ASSERT_EQ(eval.exitCode, 0) << eval.output;
  std::ifstream metricsFile(dir / "eval" / "metrics.json");
  const auto metrics = nlohmann::json::parse(metricsFile);
  EXPECT_EQ(metrics["photographs"], 6);
  EXPECT_EQ(metrics["referable_photographs"], 3);
  EXPECT_EQ(metrics["graded_photographs"], 0);
  EXPECT_FALSE(metrics.contains("grade_quadratic_weighted_kappa"));  // no grades to compare
  EXPECT_EQ(metrics["bootstrap"]["resamples"], 300);
  for (const char* key : {"referable_roc_auc", "sensitivity", "specificity"}) {
    const auto interval = metrics[std::string(key) + "_ci95"];
    ASSERT_EQ(interval.size(), 2u) << key;
    EXPECT_LE(interval[0].get<double>(), metrics[key].get<double>() + 1e-12) << key;
    EXPECT_GE(interval[1].get<double>(), metrics[key].get<double>() - 1e-12) << key;
  }
  EXPECT_GE(metrics["expected_calibration_error"].get<double>(), 0.0);
  EXPECT_EQ(metrics["reliability"].size(), 10u);
  EXPECT_EQ(metrics["ungradable_photographs"], 1);
  ASSERT_TRUE(metrics.contains("lesion_maps")) << eval.output;
  // The masked photograph and the three without retinopathy score the map.
  EXPECT_EQ(metrics["lesion_maps"]["photographs"], 4);
  const auto& he = metrics["lesion_maps"]["kinds"]["haemorrhage"];
  EXPECT_EQ(he["lesions"], 1);
  EXPECT_EQ(he["lesion_pixels"], 400);
  EXPECT_LE(he["lesions_found"].get<int>(), 1);
  EXPECT_GE(he["pixel_roc_auc"].get<double>(), 0.0);
  EXPECT_LE(he["pixel_roc_auc"].get<double>(), 1.0);
  EXPECT_NE(eval.output.find("lesion map, haemorrhage"), std::string::npos);
  for (const char* plot : {"roc.png", "reliability.png"})
    EXPECT_GT(std::filesystem::file_size(dir / "eval" / plot), 1000u) << plot;
  std::ifstream predictions(dir / "eval" / "predictions.csv");
  const std::string text((std::istreambuf_iterator<char>(predictions)), {});
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 7);

  {
    std::ofstream bad(dir / "bad.csv");
    bad << "file,referable\nfundus_000.png,2\n";
  }
  const CliRun refused = runCli(
      "eval dr --data " + (dir / "photos").string() + " --labels " + (dir / "bad.csv").string() +
      " --model " VIGIE_TEST_MODELS "/fundus-bundle --out " + (dir / "x").string());
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.output.find("bad.csv:2: referable '2' is not 0 or 1"), std::string::npos)
      << refused.output;
}

TEST(Cli, LoadsAJpeg2000SeriesLikeTheUncompressedOne) {
  // GDCM (an independent encoder) rewrites the series as JPEG 2000 Lossless;
  // Vigie decodes it with OpenJPEG into exactly the same HU volume.
  vigie::test::TestFolder dir("cli-j2k");
  ASSERT_EQ(
      runCli("synth ct --out " + dir.path().string() + " --size 96x96x40 --spacing 3.75x3.75x7.5")
          .exitCode,
      0);
  const CliRun transcoded =
      runTool(std::string(VIGIE_PYTHON3) + " " VIGIE_SOURCE_DIR "/tests/data/transcode_j2k.py " +
              (dir / "case_000").string() + " " + (dir / "j2k").string());
  ASSERT_EQ(transcoded.exitCode, 0) << transcoded.output;
  const CliRun info = runCli("info " + (dir / "j2k").string());
  EXPECT_NE(info.output.find("1.2.840.10008.1.2.4.90"), std::string::npos) << info.output;
  ASSERT_EQ(
      runCli("convert " + (dir / "case_000").string() + " " + (dir / "a.nii").string()).exitCode,
      0);
  const CliRun converted =
      runCli("convert " + (dir / "j2k").string() + " " + (dir / "b.nii").string());
  ASSERT_EQ(converted.exitCode, 0) << converted.output;
  std::ifstream a(dir / "a.nii", std::ios::binary), b(dir / "b.nii", std::ios::binary);
  const std::string bytesA((std::istreambuf_iterator<char>(a)), {});
  const std::string bytesB((std::istreambuf_iterator<char>(b)), {});
  ASSERT_EQ(bytesA.size(), bytesB.size());
  EXPECT_TRUE(bytesA == bytesB);

  // A codestream that claims a 60000 x 60000 image (the fuzzer's find): refused
  // from its header, before OpenJPEG allocates gigabytes for it.
  std::filesystem::path slice;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "j2k")) slice = entry.path();
  std::ifstream in(slice, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto siz = bytes.find(std::string("\xFF\x51", 2));
  ASSERT_NE(siz, std::string::npos);
  for (const std::size_t field :
       {siz + 6, siz + 10, siz + 22, siz + 26})  // Xsiz, Ysiz, XTsiz, YTsiz
    bytes.replace(field, 4, std::string("\x00\x00\xEA\x60", 4));
  std::ofstream(dir / "huge.dcm", std::ios::binary) << bytes;
  const CliRun huge =
      runCli("decode " + (dir / "huge.dcm").string() + " " + (dir / "huge.raw").string());
  EXPECT_EQ(huge.exitCode, 1);
  EXPECT_NE(huge.output.find("codestream is 60000 x 60000"), std::string::npos) << huge.output;
}

TEST(Cli, ReadsADicomdirAndSaysWhichOfItsFilesAreMissing) {
  // pydicom's test DICOMDIR (Debian's python3-pydicom): 13 series of CR, CT
  // and MR with the upper-case, extension-less file names of a CD.
  const CliRun where =
      runTool(std::string(VIGIE_PYTHON3) +
              " -c 'import os, pydicom; print(os.path.dirname(pydicom.__file__))'");
  ASSERT_EQ(where.exitCode, 0) << where.output;
  const std::filesystem::path source =
      std::filesystem::path(where.output.substr(0, where.output.find('\n'))) / "data" /
      "test_files" / "dicomdirtests";
  vigie::test::TestFolder dir("cli-dicomdir");
  std::filesystem::copy(source, dir / "cd", std::filesystem::copy_options::recursive);
  const CliRun info = runCli("info --json " + (dir / "cd" / "DICOMDIR").string());
  ASSERT_EQ(info.exitCode, 0) << info.output;
  // 13 series; those holding several stacks (a scout's frontal and lateral
  // views, MR localisers in three planes, CR views of different sizes) are
  // listed once per stack, each saying which it is.
  std::set<std::string> seriesUids;
  int stacked = 0;
  const auto listed = nlohmann::json::parse(info.output);
  for (const auto& s : listed["series"]) {
    seriesUids.insert(s["series_uid"].get<std::string>());
    if (s.contains("stack")) {
      ++stacked;
      EXPECT_GE(s["stack"]["of"].get<int>(), 2);
    }
  }
  EXPECT_EQ(seriesUids.size(), 13u);
  EXPECT_GT(stacked, 0);
  // Above them, the patients and their studies with counts.
  int studies = 0, series = 0;
  for (const auto& patient : listed["patients"])
    for (const auto& study : patient["studies"]) {
      ++studies;
      series += study["series"].get<int>();
    }
  EXPECT_EQ(listed["patients"].size(), 2u);
  EXPECT_EQ(studies, 6);
  EXPECT_EQ(series, 13);

  std::filesystem::remove(dir / "cd" / "77654033" / "CR1" / "6154");
  const CliRun missing = runCli("info " + (dir / "cd" / "DICOMDIR").string());
  EXPECT_EQ(missing.exitCode, 0) << missing.output;
  EXPECT_NE(missing.output.find(" series, 1 unreadable"), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("but missing"), std::string::npos) << missing.output;
}

TEST(Cli, ReadsAZippedStudyNamingItsBadMembersAndLeavingNothingBehind) {
  vigie::test::TestFolder dir("cli-zip");
  ASSERT_EQ(runCli("synth ct --out " + dir.path().string() + " --size 64x64x24 --spacing 5x5x10")
                .exitCode,
            0);
  // A damaged slice and a stray text file travel in the zip too.
  const auto slices = dir / "case_000";
  std::filesystem::path first;
  for (const auto& entry : std::filesystem::directory_iterator(slices))
    if (entry.path().extension() == ".dcm" && (first.empty() || entry.path() < first))
      first = entry.path();
  ASSERT_FALSE(first.empty());
  std::filesystem::copy_file(first, slices / "broken.dcm");
  std::filesystem::resize_file(slices / "broken.dcm", 600);
  std::ofstream(slices / "README.txt") << "not DICOM";
  vigie::test::zipFolder(slices, dir / "study.zip", "case_000/");

  std::filesystem::create_directories(dir / "tmp");
  const std::string withTmp = "TMPDIR=" + (dir / "tmp").string() + " ";
  const std::string cli = withTmp + std::string(VIGIE_CLI) + " ";
  const CliRun info = runTool(cli + "info --json " + (dir / "study.zip").string());
  ASSERT_EQ(info.exitCode, 0) << info.output;
  const auto report = nlohmann::json::parse(info.output);
  ASSERT_EQ(report["series"].size(), 1u);
  EXPECT_EQ(report["series"][0]["images"], 24);
  EXPECT_EQ(report["skipped_non_dicom"], 2);  // truth.json and README.txt
  ASSERT_EQ(report["unreadable"].size(), 1u);
  EXPECT_EQ(report["unreadable"][0]["file"], (dir / "study.zip").string() + "!case_000/broken.dcm");

  ASSERT_EQ(runCli("convert " + slices.string() + " " + (dir / "a.nii").string()).exitCode, 0);
  const CliRun converted =
      runTool(cli + "convert " + (dir / "study.zip").string() + " " + (dir / "b.nii").string());
  ASSERT_EQ(converted.exitCode, 0) << converted.output;
  std::ifstream a(dir / "a.nii", std::ios::binary), b(dir / "b.nii", std::ios::binary);
  const std::string bytesA((std::istreambuf_iterator<char>(a)), {});
  const std::string bytesB((std::istreambuf_iterator<char>(b)), {});
  EXPECT_TRUE(!bytesA.empty() && bytesA == bytesB);
  // The unpacked images (patient data) are gone once the command ends.
  EXPECT_TRUE(std::filesystem::is_empty(dir / "tmp"));

  std::ofstream(dir / "bad.zip") << "PK\x03\x04 and then garbage";
  const CliRun bad = runCli("info " + (dir / "bad.zip").string());
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.output.find("bad.zip: not a zip archive"), std::string::npos) << bad.output;
}

TEST(Cli, ConvertWritesEveryVolumeFormatAndPhotographsAsPng) {
  vigie::test::TestFolder dir("cli-convert");
  ASSERT_EQ(runCli("synth ct --out " + dir.path().string() + " --size 64x64x24 --spacing 5x5x10")
                .exitCode,
            0);
  for (const std::string name : {"v.nii.gz", "v.nrrd", "v.mha"}) {
    const CliRun run =
        runCli("convert " + (dir / "case_000").string() + " " + (dir / name).string());
    EXPECT_EQ(run.exitCode, 0) << name << ": " << run.output;
    EXPECT_GT(std::filesystem::file_size(dir / name), 1000u) << name;
  }
  const CliRun wrong =
      runCli("convert " + (dir / "case_000").string() + " " + (dir / "v.vtk").string());
  EXPECT_EQ(wrong.exitCode, 2);
  EXPECT_NE(wrong.output.find("must end in .nii, .nii.gz, .nrrd, .mha or .png"), std::string::npos);

  // A DICOM ophthalmic photograph and a JPEG come out as colour PNGs.
  ASSERT_EQ(
      runCli("synth fundus --out " + (dir / "fundus").string() + " --count 1 --size 160").exitCode,
      0);
  for (const std::string name : {"fundus_000.dcm", "fundus_000.jpg"}) {
    const auto png = dir / (name + ".png");
    const CliRun run = runCli("convert " + (dir / "fundus" / name).string() + " " + png.string());
    ASSERT_EQ(run.exitCode, 0) << name << ": " << run.output;
    std::ifstream in(png, std::ios::binary);
    std::string magic(8, '\0');
    in.read(magic.data(), 8);
    EXPECT_EQ(magic.substr(1, 3), "PNG") << name;
    // Colour type 2 (RGB) in the IHDR chunk: the colour was kept.
    in.seekg(25);
    EXPECT_EQ(in.get(), 2) << name;
  }
}

TEST(Cli, ImportsMonaiBundlesAndAnalyzesWithThem) {
  vigie::test::TestFolder dir("cli-monai");
  ASSERT_EQ(
      runCli("synth ct --out " + dir.path().string() + " --size 96x96x40 --spacing 3.75x3.75x7.5")
          .exitCode,
      0);
  const std::string monai = VIGIE_TEST_MODELS "/monai";
  const CliRun imported = runCli("bundle import " + monai + "/lung-detector --out " +
                                 (dir / "lung").string() + " --set whether_raw_luna16=true");
  ASSERT_EQ(imported.exitCode, 0) << imported.output;
  EXPECT_NE(imported.output.find("Lung nodule CT detection 0.6.8"), std::string::npos);
  EXPECT_NE(imported.output.find("md5 of models/model.ts matches"), std::string::npos);
  const CliRun info = runCli("bundle info " + (dir / "lung").string() + " --json");
  ASSERT_EQ(info.exitCode, 0) << info.output;
  EXPECT_EQ(nlohmann::json::parse(info.output)["monai"]["detection"]["nms_threshold"], 0.22);

  const CliRun detected =
      runCli("analyze " + (dir / "case_000").string() + " --model " + (dir / "lung").string() +
             " --out " + (dir / "detected").string() + " --cpu");
  ASSERT_EQ(detected.exitCode, 0) << detected.output;
  std::ifstream detectedFile(dir / "detected" / "findings.json");
  const auto report = nlohmann::json::parse(detectedFile);
  EXPECT_EQ(report["model"]["id"], "monai-lung-nodule-ct-detection");
  EXPECT_EQ(report["monai_bundle"]["version"], "0.6.8");
  ASSERT_FALSE(report["findings"].empty());  // the planted head fires on every dense blob
  for (const auto& f : report["findings"]) {
    EXPECT_GE(f["score"].get<double>(), 0.5);
    EXPECT_GT(f["diameter_mm"].get<double>(), 2.0);
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "detected" / "heatmap.nii.gz"));

  // A segmentation bundle named directly, as a zip: imported on the fly into the cache.
  ::setenv("XDG_CACHE_HOME", (dir / "cache").c_str(), 1);
  const CliRun segmented =
      runCli("analyze " + (dir / "case_000").string() + " --model " + monai +
             "/spleen-segmenter.zip --out " + (dir / "segmented").string() + " --cpu");
  ::unsetenv("XDG_CACHE_HOME");
  ASSERT_EQ(segmented.exitCode, 0) << segmented.output;
  std::ifstream segmentedFile(dir / "segmented" / "findings.json");
  const auto segReport = nlohmann::json::parse(segmentedFile);
  EXPECT_EQ(segReport["model"]["task"], "ct-segmentation");
  EXPECT_EQ(segReport["label_name"], "spleen");
  EXPECT_GT(segReport["label_volume_ml"].get<double>(), 0.0);
  EXPECT_TRUE(segReport["findings"].empty());
  EXPECT_TRUE(std::filesystem::exists(dir / "segmented" / "label.nii.gz"));
  // The label as a binary SEG a PACS shows, named and coded as the structure.
  ASSERT_EQ(segReport["label_seg"], "label-seg.dcm");
  const CliRun labelSeg = runCli("info " + (dir / "segmented" / "label-seg.dcm").string());
  EXPECT_EQ(labelSeg.exitCode, 0) << labelSeg.output;
  EXPECT_NE(labelSeg.output.find("SEG"), std::string::npos) << labelSeg.output;
  EXPECT_FALSE(std::filesystem::is_empty(dir / "cache" / "vigie" / "monai-bundles"));

  // A one-channel sigmoid bundle (AsDiscreted threshold 0.4): its label as a SEG too.
  ASSERT_EQ(
      runCli("bundle import " + monai + "/binary-segmenter --out " + (dir / "binary").string())
          .exitCode,
      0);
  const CliRun binary =
      runCli("analyze " + (dir / "case_000").string() + " --model " + (dir / "binary").string() +
             " --out " + (dir / "binary-analysis").string() + " --cpu");
  ASSERT_EQ(binary.exitCode, 0) << binary.output;
  std::ifstream binaryFile(dir / "binary-analysis" / "findings.json");
  const auto binaryReport = nlohmann::json::parse(binaryFile);
  EXPECT_GT(binaryReport["label_volume_ml"].get<double>(), 0.0);
  EXPECT_EQ(binaryReport["label_seg"], "label-seg.dcm");
  EXPECT_TRUE(std::filesystem::exists(dir / "binary-analysis" / "label-seg.dcm"));

  const CliRun refused =
      runCli("bundle import " + monai + "/lung-detector-bad-md5 --out " + (dir / "bad").string());
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.output.find("lung-detector-bad-md5/models/model.ts: md5"), std::string::npos)
      << refused.output;
}
