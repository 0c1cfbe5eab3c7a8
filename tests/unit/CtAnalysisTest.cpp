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
                                      const app::AnalysisProgress& progress = {}) {
  auto bundle = inference::ModelBundle::open(bundlePath);
  if (!bundle.ok()) return bundle.error();
  inference::SessionOptions options;
  options.preferCpu = true;
  auto session = inference::InferenceSession::create(bundle.value(), options);
  if (!session.ok()) return session.error();
  return app::analyzeCt(volume, *session.value(), {}, progress);
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

}  // namespace
}  // namespace vigie
