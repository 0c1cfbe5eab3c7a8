// The CT pipeline of the GUI and the CLI (app/workflows/CtAnalysis) with the
// test blob detector: what a bundle's inference fields change in it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "CtAnalysis.h"
#include "TestFolder.h"
#include "vigie/imaging/preprocess/LungMask.h"
#include "vigie/imaging/synthetic/ChestCtPhantom.h"
#include "vigie/inference/ModelBundle.h"

namespace vigie {
namespace {

const std::filesystem::path kModels = VIGIE_TEST_MODELS;

/// Lung-density air around soft-tissue spheres (centre, radius in mm) on a
/// 2 mm grid.
core::CtVolume lungWithSpheres(const std::vector<std::pair<core::Vec3, double>>& spheres) {
  core::VolumeGeometry g;
  g.size = {40, 36, 32};
  g.spacing = {2.0, 2.0, 2.0};
  g.origin = {-40.0, -36.0, 100.0};
  core::CtVolume v(g, -850);
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        for (const auto& [center, radius] : spheres)
          if (core::distance(p, center) <= radius) v.at(i, j, k) = 40;
      }
  return v;
}

/// A copy of the test blob detector whose manifest `edit` changes.
std::filesystem::path blobBundle(const test::TestFolder& dir, const std::string& name,
                                 const std::function<void(nlohmann::json&)>& edit) {
  const auto copy = dir.path() / name;
  std::filesystem::copy(kModels / "blob3d-bundle", copy);
  auto manifest = nlohmann::json::parse(std::ifstream(copy / "manifest.json"));
  edit(manifest);
  std::ofstream(copy / "manifest.json") << manifest.dump(2);
  return copy;
}

core::Result<app::CtAnalysis> analyze(const std::filesystem::path& bundlePath,
                                      const core::CtVolume& volume,
                                      const app::AnalysisProgress& progress = {},
                                      const app::CtAnalysisOptions& analysisOptions = {}) {
  auto bundle = inference::ModelBundle::open(bundlePath);
  if (!bundle.ok()) return bundle.error();
  inference::SessionOptions options;
  options.preferCpu = true;
  auto session = inference::InferenceSession::create(bundle.value(), options);
  if (!session.ok()) return session.error();
  return app::analyzeCt(volume, *session.value(), analysisOptions, progress);
}

TEST(CtAnalysis, PassesAtExtraSpacingsKeepEachVoxelAtItsHighestProbability) {
  const core::CtVolume volume = lungWithSpheres({{{-12, -6, 130}, 6.0}, {{14, 10, 146}, 3.0}});
  test::TestFolder dir("ct-extra-spacings");
  const auto coarse = blobBundle(dir, "coarse", [](nlohmann::json& m) {
    m["input"]["spacing_mm"] = {3.0, 3.0, 3.0};
  });
  const auto both = blobBundle(dir, "both", [](nlohmann::json& m) {
    m["inference"]["extra_spacings_mm"] = {{3.0, 3.0, 3.0}};
  });
  auto atModelSpacing = analyze(kModels / "blob3d-bundle", volume);
  auto atCoarse = analyze(coarse, volume);
  std::vector<std::pair<double, std::string>> reports;
  auto combined = analyze(both, volume, [&](double fraction, const char* stage) {
    reports.emplace_back(fraction, stage);
  });
  ASSERT_TRUE(atModelSpacing.ok()) << atModelSpacing.error().message;
  ASSERT_TRUE(atCoarse.ok()) << atCoarse.error().message;
  ASSERT_TRUE(combined.ok()) << combined.error().message;

  // Each voxel: the higher of the two single passes, on the series' grid.
  const auto& fine = atModelSpacing.value().heatmap;
  const auto& rough = atCoarse.value().heatmap;
  const auto& heatmap = combined.value().heatmap;
  ASSERT_EQ(heatmap.size(), volume.size());
  double maxDifference = 0;
  std::size_t coarseHigher = 0;
  for (std::size_t n = 0; n < volume.voxelCount(); ++n) {
    const float expected = std::max(fine.data()[n], rough.data()[n]);
    maxDifference = std::max(maxDifference, double(std::abs(heatmap.data()[n] - expected)));
    coarseHigher += rough.data()[n] > fine.data()[n] + 0.01f ? 1 : 0;
  }
  EXPECT_LT(maxDifference, 1e-6);
  EXPECT_GT(coarseHigher, 0u);  // the second pass changed the map: it ran on its own grid
  // Its findings come from that map; the candidates' shapes from the first pass.
  EXPECT_GE(combined.value().findings.size(), atModelSpacing.value().findings.size());

  // One progress scale over both passes: rising, from 0 to 1, each pass's
  // inference in its own half.
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back().first, 1.0);
  double previous = -1, lastInference = 0;
  bool rising = true;
  for (const auto& [fraction, stage] : reports) {
    rising = rising && fraction >= previous;
    previous = fraction;
    if (stage == "inference") lastInference = fraction;
  }
  EXPECT_TRUE(rising);
  EXPECT_NEAR(lastInference, 0.9, 1e-9);
  EXPECT_EQ(std::count_if(reports.begin(), reports.end(),
                          [](const auto& r) { return r.second == "resampling"; }),
            2);
}

TEST(CtAnalysis, EachCandidateCarriesEachPassesOwnScoreWhichTheCalibrationMayWeigh) {
  const core::CtVolume volume = lungWithSpheres({{{-12, -6, 130}, 6.0}, {{14, 10, 146}, 3.0}});
  test::TestFolder dir("ct-pass-scores");
  auto calibrated = [](nlohmann::json& m, std::vector<double> passWeights) {
    m["inference"]["extra_spacings_mm"] = {{3.0, 3.0, 3.0}};
    m["calibration"]["candidate"] = {{"method", "platt-shape"},
                                     {"slope", 1.0},
                                     {"intercept", 0.0},
                                     {"shape_scales_mm", {2.0}},
                                     {"shape_weights", {0, 0, 0, 0, 0}},
                                     {"search_floor", 0.05}};
    if (!passWeights.empty()) m["calibration"]["candidate"]["pass_score_weights"] = passWeights;
    m["thresholds"]["candidate"] = 1e-9;  // every candidate kept, however weighed
  };
  const auto once = blobBundle(dir, "once", [](nlohmann::json&) {});
  const auto twice = blobBundle(dir, "twice", [&](nlohmann::json& m) { calibrated(m, {}); });
  const auto weighed = blobBundle(dir, "weighed", [&](nlohmann::json& m) {
    calibrated(m, {0.5, 1.5});
  });
  auto single = analyze(once, volume);
  auto both = analyze(twice, volume);
  auto withPasses = analyze(weighed, volume);
  ASSERT_TRUE(single.ok()) << single.error().message;
  ASSERT_TRUE(both.ok()) << both.error().message;
  ASSERT_TRUE(withPasses.ok()) << withPasses.error().message;

  ASSERT_FALSE(single.value().findings.empty());
  for (const auto& f : single.value().findings) EXPECT_TRUE(f.passScores.empty());
  // Two passes: each candidate has both passes' scores near it, the higher of
  // them about the combined map's peak (which each voxel's higher value makes).
  ASSERT_FALSE(both.value().findings.empty());
  for (const auto& f : both.value().findings) {
    ASSERT_EQ(f.passScores.size(), 2u);
    ASSERT_TRUE(f.uncalibratedScore.has_value());
    for (const double score : f.passScores) EXPECT_TRUE(score >= 0.0 && score <= 1.0);
    EXPECT_GE(std::max(f.passScores[0], f.passScores[1]), *f.uncalibratedScore - 0.05);
  }
  // The same candidates, each calibrated with its passes' scores as the manifest weighs them.
  ASSERT_EQ(withPasses.value().findings.size(), both.value().findings.size());
  auto logit = [](double p) {
    p = std::clamp(p, 1e-7, 1 - 1e-7);
    return std::log(p / (1 - p));
  };
  for (const auto& f : withPasses.value().findings) {
    const double z =
        logit(*f.uncalibratedScore) + 0.5 * logit(f.passScores[0]) + 1.5 * logit(f.passScores[1]);
    EXPECT_NEAR(f.score, 1.0 / (1.0 + std::exp(-z)), 1e-9);
  }
}

TEST(CtAnalysis, PassesKeptToTheLungsReadOnlyTheLungsBox) {
  imaging::ChestCtPhantomOptions o;
  o.size = {128, 128, 60};
  o.spacingMm = {2.8, 2.8, 4.2};
  o.seed = 33;
  o.noduleCount = 6;
  auto phantom = imaging::ChestCtPhantomGenerator(o).generate();
  ASSERT_TRUE(phantom.ok()) << phantom.error().message;
  const auto& volume = phantom.value().volume;
  test::TestFolder dir("ct-extra-pass-region");
  const auto single =
      blobBundle(dir, "single", [](nlohmann::json& m) { m["input"]["lung_mask"] = true; });
  const auto both = blobBundle(dir, "both", [](nlohmann::json& m) {
    m["input"]["lung_mask"] = true;
    m["inference"]["extra_spacings_mm"] = {{3.0, 3.0, 3.0}};
    m["inference"]["extra_pass_overlap"] = 0.25;
  });
  auto alone = analyze(single, volume);
  auto inLungs = analyze(both, volume);
  const auto allInLungs = blobBundle(dir, "all", [](nlohmann::json& m) {
    m["input"]["lung_mask"] = true;
    m["inference"]["passes_within_lungs"] = "all";
  });
  auto firstInLungs = analyze(allInLungs, volume);
  app::CtAnalysisOptions noMask;
  noMask.lungMask = app::LungMaskUse::Never;
  auto everywhere = analyze(both, volume, {}, noMask);
  ASSERT_TRUE(alone.ok()) << alone.error().message;
  ASSERT_TRUE(inLungs.ok()) << inLungs.error().message;
  ASSERT_TRUE(everywhere.ok()) << everywhere.error().message;
  ASSERT_TRUE(firstInLungs.ok()) << firstInLungs.error().message;
  EXPECT_EQ(alone.value().passVoxelShares, std::vector<double>{1.0});
  EXPECT_EQ(everywhere.value().passVoxelShares, (std::vector<double>{1.0, 1.0}));
  ASSERT_EQ(inLungs.value().passVoxelShares.size(), 2u);
  EXPECT_EQ(inLungs.value().passVoxelShares[0], 1.0);  // the first pass: the whole series
  const double share = inLungs.value().passVoxelShares[1];
  EXPECT_GT(share, 0.2);
  EXPECT_LT(share, 0.9);
  EXPECT_TRUE(inLungs.value().lungMaskApplied);
  // Kept to the lungs, the first pass reads the same box as the extra ones.
  EXPECT_EQ(firstInLungs.value().passVoxelShares, std::vector<double>{share});

  // Outside the lungs' box (with the pass's margin and a voxel of
  // interpolation) the heatmap is the first pass's alone; inside, the higher.
  auto lungs = imaging::LungMask::segment(volume);
  ASSERT_TRUE(lungs.ok()) << lungs.error().message;
  const auto box = lungs.value().boxIn(volume.geometry(), 16.0 + 4.2);
  ASSERT_TRUE(box);
  const auto& first = alone.value().heatmap;
  const auto& merged = inLungs.value().heatmap;
  const auto& whole = everywhere.value().heatmap;
  const auto& boxOnly = firstInLungs.value().heatmap;
  std::size_t changedInside = 0, changedOutside = 0, wholeChangedOutside = 0, boxOnlyOutside = 0;
  const auto& size = volume.size();
  for (std::size_t k = 0; k < size.k; ++k)
    for (std::size_t j = 0; j < size.j; ++j)
      for (std::size_t i = 0; i < size.i; ++i) {
        const std::size_t n = volume.offset(i, j, k);
        const bool inside = i >= box->first[0] && i <= box->last[0] && j >= box->first[1] &&
                            j <= box->last[1] && k >= box->first[2] && k <= box->last[2];
        EXPECT_GE(merged.data()[n], first.data()[n] - 1e-6f);
        const bool changed = merged.data()[n] > first.data()[n] + 1e-6f;
        (inside ? changedInside : changedOutside) += changed ? 1 : 0;
        if (!inside) wholeChangedOutside += whole.data()[n] > first.data()[n] + 1e-6f ? 1 : 0;
        if (!inside) boxOnlyOutside += boxOnly.data()[n] > 0 ? 1 : 0;
      }
  EXPECT_GT(changedInside, 0u);
  EXPECT_EQ(changedOutside, 0u);
  EXPECT_GT(wholeChangedOutside, 0u);  // over the whole series the pass reaches the body wall
  EXPECT_EQ(boxOnlyOutside, 0u);       // a first pass kept to the box leaves the rest at 0
  EXPECT_TRUE(firstInLungs.value().lungMaskApplied);  // and the mask still filters its findings
}

}  // namespace
}  // namespace vigie
