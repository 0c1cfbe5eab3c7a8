// Model bundles, the sliding-window session and finding extraction, with tiny
// fixed-weight TorchScript models written by tests/data/make_test_models.py.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "../../inference/src/WindowWorkers.h"
#include "TestFolder.h"
#include "ZipWriter.h"
#include "vigie/inference/CandidateIntensity.h"
#include "vigie/inference/CandidateShape.h"
#include "vigie/inference/ComputeDevice.h"
#include "vigie/inference/FindingExtractor.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"
#include "vigie/inference/ModelCardText.h"

using namespace vigie;
using inference::ModelBundle;
using inference::ModelManifest;

namespace {

const std::filesystem::path kModels = VIGIE_TEST_MODELS;

std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Lung-like volume (-850 HU) at 2 mm with soft-tissue spheres at the given centres (mm).
core::CtVolume lungWithSpheres(const std::vector<std::pair<core::Vec3, double>>& spheres,
                               core::VolumeSize size) {
  core::VolumeGeometry g;
  g.size = size;
  g.spacing = {2.0, 2.0, 2.0};
  g.origin = {-50.0, -40.0, 100.0};
  core::CtVolume v(g, -850);
  for (std::size_t k = 0; k < size.k; ++k)
    for (std::size_t j = 0; j < size.j; ++j)
      for (std::size_t i = 0; i < size.i; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        for (const auto& [center, radius] : spheres) {
          if (core::distance(p, center) <= radius) v.at(i, j, k) = 40;
        }
      }
  return v;
}

inference::SessionOptions cpuOnly() {
  inference::SessionOptions o;
  o.preferCpu = true;
  return o;
}

inference::SessionOptions withBatch(int batch) {
  inference::SessionOptions o = cpuOnly();
  o.overlap = 0.5;
  o.batchSize = batch;
  return o;
}

core::Result<std::unique_ptr<inference::InferenceSession>> blobSession(
    inference::SessionOptions options = {}) {
  auto bundle = ModelBundle::open(kModels / "blob3d-bundle");
  if (!bundle.ok()) return bundle.error();
  options.preferCpu = true;
  return inference::InferenceSession::create(bundle.value(), options);
}

}  // namespace

TEST(ModelManifest, ParsesTheTestBundleManifest) {
  auto m = ModelManifest::load(kModels / "blob3d-bundle" / "manifest.json");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().id, "test-blob3d");
  EXPECT_EQ(m.value().task, ModelManifest::Task::CtNoduleDetection);
  EXPECT_EQ(m.value().patchSize[2], 24);
  EXPECT_DOUBLE_EQ(m.value().spacingMm[0], 2.0);
  EXPECT_DOUBLE_EQ(m.value().threshold("candidate", 0.9), 0.5);
  EXPECT_FALSE(m.value().clinicalUse);
  // What toJson() writes, parse() reads back the same.
  auto again = ModelManifest::parse(m.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().weightsSha256, m.value().weightsSha256);
  EXPECT_EQ(again.value().patchSize, m.value().patchSize);
}

TEST(ModelManifest, NamesTheFileAndFieldAtFault) {
  const std::string good = readText(kModels / "blob3d-bundle" / "manifest.json");
  auto without = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return ModelManifest::parse(text, "bundle/manifest.json");
  };
  auto missing = without("\"id\": \"test-blob3d\",", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "bundle/manifest.json: field 'id' is missing");
  auto wrongType = without("\"patch_size\": [", "\"patch_size\": [\"24\", ");
  ASSERT_FALSE(wrongType.ok());
  EXPECT_NE(
      wrongType.error().message.find("'input.patch_size' must be an array of 3 positive numbers"),
      std::string::npos);
  auto task = without("ct-nodule-detection", "brain-tumour-grading");
  ASSERT_FALSE(task.ok());
  EXPECT_NE(task.error().message.find("'task' is 'brain-tumour-grading'"), std::string::npos);
  auto notJson = ModelManifest::parse("{ nope", "m.json");
  ASSERT_FALSE(notJson.ok());
  EXPECT_NE(notJson.error().message.find("m.json: not valid JSON"), std::string::npos);
  // A number no double holds is an error too, never an exception (fuzz.ModelBundle found it).
  auto overflow = ModelManifest::parse("{\"id\": 6666666666666666E666666666666}", "m.json");
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.error().message.find("m.json: not valid JSON"), std::string::npos);
}

TEST(ModelBundle, RefusesWeightsWhoseChecksumChanged) {
  test::TestFolder dir("bundle-tampered");
  std::filesystem::copy(kModels / "blob3d-bundle", dir.path(),
                        std::filesystem::copy_options::recursive);
  std::ofstream(dir / "model.pt", std::ios::app) << "tampered";
  auto bundle = ModelBundle::open(dir.path());
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.error().message.find("does not match the manifest"), std::string::npos);
  EXPECT_NE(bundle.error().message.find("model.pt"), std::string::npos);
}

TEST(ModelBundle, OpensAZippedBundleAndRunsIt) {
  test::TestFolder dir("bundle-zip");
  // Both ways people zip a folder: its files at the root, or the folder itself.
  test::zipFolder(kModels / "blob3d-bundle", dir / "flat.zip");
  test::zipFolder(kModels / "blob3d-bundle", dir / "nested.zip", "blob3d-bundle/");
  for (const std::string name : {"flat.zip", "nested.zip"}) {
    auto bundle = ModelBundle::open(dir / name);
    ASSERT_TRUE(bundle.ok()) << name << ": " << bundle.error().message;
    EXPECT_EQ(bundle.value().source(), dir / name);
    EXPECT_EQ(bundle.value().manifest().id, "test-blob3d");
    auto session = inference::InferenceSession::create(bundle.value(), cpuOnly());
    ASSERT_TRUE(session.ok()) << session.error().message;
  }
}

TEST(ModelBundle, RefusesAZipThatIsNotABundleOrWasTamperedWith) {
  test::TestFolder dir("bundle-zip-bad");
  // A TorchScript file is itself a zip: the message must say what to do with it.
  auto bare = ModelBundle::open(kModels / "blob3d.pt");
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.error().message.find("blob3d.pt: a zip without manifest.json"), std::string::npos);
  EXPECT_NE(bare.error().message.find("vigie-cli bundle create"), std::string::npos);

  std::filesystem::copy(kModels / "blob3d-bundle", dir / "copy",
                        std::filesystem::copy_options::recursive);
  std::ofstream(dir / "copy" / "model.pt", std::ios::app) << "tampered";
  test::zipFolder(dir / "copy", dir / "tampered.zip");
  auto tampered = ModelBundle::open(dir / "tampered.zip");
  ASSERT_FALSE(tampered.ok());
  EXPECT_NE(tampered.error().message.find("tampered.zip!model.pt: SHA-256"), std::string::npos)
      << tampered.error().message;
}

TEST(InferenceSession, AnOverlapGivenForOneRunReplacesTheSessionsForThatRunOnly) {
  const core::Vec3 a{-10, 0, 140};
  const core::CtVolume volume = lungWithSpheres({{a, 5.0}}, {48, 48, 48});
  auto session = blobSession();
  ASSERT_TRUE(session.ok()) << session.error().message;
  auto windowsOf = [&](std::optional<double> overlap) {
    std::size_t total = 0;
    auto heatmap = session.value()->predictHeatmap(
        volume, [&](std::size_t, std::size_t all) { total = all; }, nullptr, overlap);
    if (!heatmap.ok()) {
      ADD_FAILURE() << heatmap.error().message;
      return std::size_t{0};
    }
    EXPECT_EQ(inference::extractFindings(heatmap.value(), {}).size(), 1u);
    return total;
  };
  EXPECT_EQ(windowsOf(0.0), 8u);            // 2 windows per axis of 24 voxels, none shared
  EXPECT_EQ(windowsOf(std::nullopt), 27u);  // the manifest's 25 %, as before
}

TEST(ModelBundle, CreatesABundleAroundAUsersTorchScriptFile) {
  test::TestFolder dir("bundle-create");
  auto manifest = ModelManifest::load(kModels / "blob3d-bundle" / "manifest.json");
  ASSERT_TRUE(manifest.ok());
  ModelManifest m = manifest.value();
  m.id = "my-model";
  m.weightsSha256 = std::string(64, '0');  // create() fills in the real digest
  auto bundle = ModelBundle::create(kModels / "blob3d.pt", m, dir / "my-model");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(bundle.value().manifest().weightsFile, "blob3d.pt");
  EXPECT_TRUE(ModelBundle::open(dir / "my-model").ok());
}

TEST(InferenceSession, FindsTwoSpheresWhereTheyAre) {
  const core::Vec3 a{-10, 0, 140}, b{20, 30, 170};
  const core::CtVolume volume = lungWithSpheres({{a, 5.0}, {b, 4.0}}, {48, 48, 48});
  auto session = blobSession();
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(session.value()->device().name, "cpu");
  EXPECT_TRUE(session.value()->optimized());
  std::size_t lastDone = 0, total = 0;
  auto heatmap = session.value()->predictHeatmap(volume, [&](std::size_t done, std::size_t all) {
    lastDone = done;
    total = all;
  });
  ASSERT_TRUE(heatmap.ok()) << heatmap.error().message;
  EXPECT_EQ(lastDone, total);
  EXPECT_EQ(total, 27u);  // 3 windows per axis at 24 voxels with 25 % overlap over 48
  EXPECT_EQ(heatmap.value().size(), volume.size());

  const auto findings = inference::extractFindings(heatmap.value(), {});
  ASSERT_EQ(findings.size(), 2u);
  // Both spheres saturate the model, so match by position, not by rank.
  const bool aFirst =
      core::distance(findings[0].centerMm, a) < core::distance(findings[0].centerMm, b);
  const core::Finding& foundA = aFirst ? findings[0] : findings[1];
  const core::Finding& foundB = aFirst ? findings[1] : findings[0];
  EXPECT_LT(core::distance(foundA.centerMm, a), 1.5);
  EXPECT_LT(core::distance(foundB.centerMm, b), 1.5);
  EXPECT_NEAR(foundA.diameterMm, 10.0, 3.0);
  // The fixed model erodes small blobs (its 3x3x3 mean needs mostly tissue): smaller, in order.
  EXPECT_GT(foundB.diameterMm, 3.0);
  EXPECT_LT(foundB.diameterMm, foundA.diameterMm);
  EXPECT_GT(foundA.score, 0.9);
  EXPECT_EQ(findings[0].id, 1);
  EXPECT_EQ(findings[1].id, 2);
}

TEST(InferenceSession, GivesTheSameHeatmapWhateverTheBatchSize) {
  const core::CtVolume volume = lungWithSpheres({{{0, 0, 140}, 6.0}}, {40, 36, 30});
  auto one = blobSession(withBatch(1));
  auto four = blobSession(withBatch(4));
  ASSERT_TRUE(one.ok() && four.ok());
  auto h1 = one.value()->predictHeatmap(volume);
  auto h4 = four.value()->predictHeatmap(volume);
  ASSERT_TRUE(h1.ok() && h4.ok());
  double maxDifference = 0;
  for (std::size_t n = 0; n < volume.voxelCount(); ++n) {
    maxDifference =
        std::max(maxDifference, double(std::abs(h1.value().data()[n] - h4.value().data()[n])));
  }
  EXPECT_LT(maxDifference, 1e-5);
}

TEST(InferenceSession, GivesTheSameHeatmapWithWindowsInParallel) {
  const core::CtVolume volume =
      lungWithSpheres({{{0, 0, 140}, 6.0}, {{15, -10, 150}, 4.0}}, {48, 40, 44});
  inference::SessionOptions serialOptions = withBatch(1), parallelOptions = withBatch(1);
  serialOptions.cpuThreads = parallelOptions.cpuThreads = 2;
  parallelOptions.parallelWindows = 2;
  auto serial = blobSession(serialOptions);
  auto parallel = blobSession(parallelOptions);
  ASSERT_TRUE(serial.ok() && parallel.ok());
  auto expected = serial.value()->predictHeatmap(volume);
  // Progress comes from the calling thread, in order, up to every window.
  const auto caller = std::this_thread::get_id();
  bool fromCaller = true, inOrder = true;
  std::size_t lastDone = 0, total = 0;
  auto heatmap = parallel.value()->predictHeatmap(volume, [&](std::size_t done, std::size_t all) {
    fromCaller = fromCaller && std::this_thread::get_id() == caller;
    inOrder = inOrder && done > lastDone;
    lastDone = done;
    total = all;
  });
  ASSERT_TRUE(expected.ok() && heatmap.ok()) << heatmap.error().message;
  EXPECT_TRUE(fromCaller);
  EXPECT_TRUE(inOrder);
  EXPECT_EQ(lastDone, total);
  double maxDifference = 0;
  for (std::size_t n = 0; n < volume.voxelCount(); ++n) {
    maxDifference = std::max(
        maxDifference, double(std::abs(expected.value().data()[n] - heatmap.value().data()[n])));
  }
  // Only the order in which windows are blended differs.
  EXPECT_LT(maxDifference, 1e-5);
  EXPECT_EQ(inference::extractFindings(heatmap.value(), {}).size(), 2u);
}

namespace {

/// A copy of the test bundle whose manifest adds `inferenceFields` (JSON
/// members) to its "inference" object.
std::filesystem::path blobBundleWith(const test::TestFolder& dir,
                                     const std::string& inferenceFields,
                                     const std::string& bundle = "blob3d-bundle") {
  const auto copy = dir.path() / "bundle";
  std::filesystem::copy(kModels / bundle, copy);
  std::string text = readText(copy / "manifest.json");
  const auto at = text.find("\"inference\"");
  const auto brace = text.find('{', at);
  text.insert(brace + 1, inferenceFields + ",");
  std::ofstream(copy / "manifest.json") << text;
  return copy;
}

}  // namespace

TEST(InferenceSession, ShiftedPassesBlendIntoTheSameGridAndCostAPassEach) {
  const core::Vec3 a{-10, 0, 140}, b{20, 30, 170};
  const core::CtVolume volume = lungWithSpheres({{a, 5.0}, {b, 4.0}}, {48, 48, 48});
  test::TestFolder dir("window-shifts");
  auto bundle =
      ModelBundle::open(blobBundleWith(dir, R"("window_shifts": [[0, 0, 0], [3, 2, 1]])"));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  auto shifted = inference::InferenceSession::create(bundle.value(), cpuOnly());
  auto plain = blobSession();
  ASSERT_TRUE(shifted.ok() && plain.ok());
  std::size_t total = 0;
  auto heatmap =
      shifted.value()->predictHeatmap(volume, [&](std::size_t, std::size_t all) { total = all; });
  auto expected = plain.value()->predictHeatmap(volume);
  ASSERT_TRUE(heatmap.ok() && expected.ok()) << heatmap.error().message;
  EXPECT_EQ(total, 2u * 27u);  // each shift one more pass of the same 27 windows
  ASSERT_EQ(heatmap.value().size(), volume.size());
  // The test model is a local filter, the same wherever its window lies: a
  // shifted pass gives the same map but where windows end (zero padding, at
  // blend weights of about 1e-3) and on the volume's faces (copied voxels
  // there). Blended back one voxel off, the spheres' steep edges would differ
  // by nearly 1.
  double maxDifference = 0;
  for (std::size_t k = 1; k + 1 < 48; ++k)
    for (std::size_t j = 1; j + 1 < 48; ++j)
      for (std::size_t i = 1; i + 1 < 48; ++i)
        maxDifference =
            std::max(maxDifference,
                     double(std::abs(heatmap.value().at(i, j, k) - expected.value().at(i, j, k))));
  EXPECT_LT(maxDifference, 0.05);
  const auto findings = inference::extractFindings(heatmap.value(), {});
  ASSERT_EQ(findings.size(), 2u);
  for (const core::Vec3& sphere : {a, b}) {
    const double nearest = std::min(core::distance(findings[0].centerMm, sphere),
                                    core::distance(findings[1].centerMm, sphere));
    EXPECT_LT(nearest, 1.5);
  }
}

TEST(InferenceSession, FittedWindowsGiveOneHeatmapWhateverTheirBudget) {
  // 96 x 80 x 72 voxels: more than a 64^3 budget, so split; the test model's
  // receptive field is 3 voxels, so a context of 2 holds it.
  const core::Vec3 a{-10, 0, 140}, b{60, 80, 200};
  const core::CtVolume volume = lungWithSpheres({{a, 5.0}, {b, 6.0}}, {96, 80, 72});
  auto windowsAndHeatmap = [&](const std::string& name, const std::string& fields) {
    test::TestFolder dir(name);
    auto bundle = ModelBundle::open(blobBundleWith(dir, fields));
    EXPECT_TRUE(bundle.ok()) << bundle.error().message;
    auto session = inference::InferenceSession::create(bundle.value(), cpuOnly());
    EXPECT_TRUE(session.ok()) << session.error().message;
    std::size_t windows = 0;
    auto heatmap = session.value()->predictHeatmap(
        volume, [&](std::size_t, std::size_t all) { windows = all; }, nullptr,
        0.9);  // an overlap for the run, which fitted windows do not use
    if (!heatmap.ok()) {
      ADD_FAILURE() << heatmap.error().message;
      return std::make_pair(std::size_t{0}, core::FloatVolume());
    }
    return std::make_pair(windows, std::move(heatmap.value()));
  };
  const auto [splitWindows, split] = windowsAndHeatmap(
      "fitted-split",
      R"("window_context_voxels": 2, "window_multiple": 4, "window_max_voxels": 262144)");
  const auto [wholeWindows, whole] = windowsAndHeatmap(
      "fitted-whole", R"("window_context_voxels": 2, "window_max_voxels": 1073741824)");
  EXPECT_GT(splitWindows, 1u);
  EXPECT_EQ(wholeWindows, 1u);
  ASSERT_EQ(split.size(), volume.size());
  ASSERT_EQ(whole.size(), volume.size());
  double maxDifference = 0;
  for (std::size_t n = 0; n < volume.voxelCount(); ++n)
    maxDifference = std::max(maxDifference, double(std::abs(split.data()[n] - whole.data()[n])));
  EXPECT_LT(maxDifference, 1e-6);  // voxel for voxel, window borders included
  const auto findings = inference::extractFindings(split, {});
  ASSERT_EQ(findings.size(), 2u);
  for (const core::Vec3& sphere : {a, b}) {
    const double nearest = std::min(core::distance(findings[0].centerMm, sphere),
                                    core::distance(findings[1].centerMm, sphere));
    EXPECT_LT(nearest, 1.5);
  }
}

TEST(InferenceSession, FittedWindowsShrinkToTheMemoryBudgetAndGiveTheSameHeatmap) {
  const core::CtVolume volume = lungWithSpheres({{{-10, 0, 140}, 5.0}}, {96, 80, 72});
  test::TestFolder dir("fitted-budget");
  auto bundle = ModelBundle::open(
      blobBundleWith(dir, R"("window_context_voxels": 2, "window_max_voxels": 1073741824)"));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  struct Run {
    std::size_t windows = 0;
    core::FloatVolume heatmap;
    std::vector<std::string> notes;
  };
  auto runWithin = [&](std::optional<std::size_t> budget) {
    inference::SessionOptions options = cpuOnly();
    options.memoryBudgetBytes = budget;
    auto session = inference::InferenceSession::create(bundle.value(), options);
    EXPECT_TRUE(session.ok()) << session.error().message;
    Run run;
    auto heatmap = session.value()->predictHeatmap(
        volume, [&](std::size_t, std::size_t all) { run.windows = all; });
    if (!heatmap.ok()) {
      ADD_FAILURE() << heatmap.error().message;
      return run;
    }
    run.heatmap = std::move(heatmap.value());
    run.notes = session.value()->lastRunNotes();
    return run;
  };
  const Run roomy = runWithin(std::nullopt);          // half the machine's free memory
  const Run tight = runWithin(std::size_t{1} << 20);  // 1 MB: far less than one window needs
  EXPECT_EQ(roomy.windows, 1u);
  EXPECT_TRUE(roomy.notes.empty());
  EXPECT_GT(tight.windows, 1u);
  ASSERT_EQ(tight.notes.size(), 1u);
  EXPECT_NE(tight.notes.front().find("memory budget"), std::string::npos) << tight.notes.front();
  EXPECT_NE(tight.notes.front().find("bytes per voxel, measured"), std::string::npos);
  ASSERT_EQ(tight.heatmap.size(), volume.size());
  ASSERT_EQ(roomy.heatmap.size(), volume.size());
  double maxDifference = 0;
  for (std::size_t n = 0; n < volume.voxelCount(); ++n)
    maxDifference = std::max(maxDifference,
                             double(std::abs(tight.heatmap.data()[n] - roomy.heatmap.data()[n])));
  EXPECT_LT(maxDifference, 1e-6);  // the same heatmap, in more windows
}

TEST(InferenceSession, FixedWindowsStepThePatchWhereTheManifestFitsThem) {
  // The baseline bench infer measures fitted windows against.
  const core::CtVolume volume = lungWithSpheres({{{-10, 0, 140}, 5.0}}, {48, 48, 48});
  test::TestFolder dir("fixed-windows");
  auto bundle = ModelBundle::open(blobBundleWith(dir, R"("window_context_voxels": 2)"));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  auto windowsOf = [&](bool fixedWindows) {
    inference::SessionOptions options = cpuOnly();
    options.fixedWindows = fixedWindows;
    auto session = inference::InferenceSession::create(bundle.value(), options);
    EXPECT_TRUE(session.ok());
    std::size_t total = 0;
    auto heatmap =
        session.value()->predictHeatmap(volume, [&](std::size_t, std::size_t all) { total = all; });
    EXPECT_TRUE(heatmap.ok());
    return total;
  };
  EXPECT_EQ(windowsOf(false), 1u);  // 48^3 fits one window
  EXPECT_EQ(windowsOf(true), 27u);  // 24^3 overlapping by the manifest's 25 %
}

TEST(InferenceSession, AMirroredPassCancelsAModelsLeanAlongItsAxis) {
  // The leaning test model draws every blob 2 voxels (4 mm) further along x
  // than it is; read mirrored along x, 4 mm the other way. The mean of the
  // two views puts the sphere back where it is, which it can only do if each
  // mirrored window is flipped on the way in and its output flipped back. The
  // sphere is wide enough (8 voxels) for the two views to overlap.
  const core::Vec3 a{-10, 0, 140};
  const core::CtVolume volume = lungWithSpheres({{a, 8.0}}, {48, 48, 48});
  test::TestFolder dir("mirrored-passes");
  auto leaning = ModelBundle::open(kModels / "blob3d-leaning-bundle");
  auto mirrored = ModelBundle::open(
      blobBundleWith(dir, R"("mirrored_passes": ["x"])", "blob3d-leaning-bundle"));
  ASSERT_TRUE(leaning.ok() && mirrored.ok());
  auto centerOfTheOneFinding = [&](const ModelBundle& bundle, std::size_t expectedWindows) {
    auto session = inference::InferenceSession::create(bundle, cpuOnly());
    if (!session.ok()) return core::Vec3{1e9, 1e9, 1e9};
    std::size_t total = 0;
    auto heatmap =
        session.value()->predictHeatmap(volume, [&](std::size_t, std::size_t all) { total = all; });
    EXPECT_EQ(total, expectedWindows);
    if (!heatmap.ok()) return core::Vec3{1e9, 1e9, 1e9};
    const auto findings = inference::extractFindings(heatmap.value(), {});
    EXPECT_EQ(findings.size(), 1u);
    return findings.empty() ? core::Vec3{1e9, 1e9, 1e9} : findings[0].centerMm;
  };
  const core::Vec3 leant = centerOfTheOneFinding(leaning.value(), 27u);
  EXPECT_NEAR(std::abs(leant.x - a.x), 4.0, 1.0);
  EXPECT_NEAR(leant.y, a.y, 1.0);
  EXPECT_NEAR(leant.z, a.z, 1.0);
  const core::Vec3 mean = centerOfTheOneFinding(mirrored.value(), 2u * 27u);
  EXPECT_LT(core::distance(mean, a), 1.0);
}

namespace {

/// The manifest of `bundle` with `fields` (JSON members) added to its
/// "inference" object, parsed as "m.json".
core::Result<ModelManifest> parseWith(const std::filesystem::path& bundle,
                                      const std::string& fields) {
  std::string text = readText(bundle / "manifest.json");
  const auto at = text.find("\"inference\"");
  text.insert(text.find('{', at) + 1, fields + ",");
  return ModelManifest::parse(text, "m.json");
}

/// The manifest with `fields` added to its "inference" object is refused
/// with the message `expected`.
void expectRefused(const std::filesystem::path& bundle, const std::string& fields,
                   const std::string& expected) {
  auto refused = parseWith(bundle, fields);
  ASSERT_FALSE(refused.ok()) << fields;
  EXPECT_EQ(refused.error().message, expected) << fields;
}

/// Each value of `field` in `refusals` is refused with the message `expected`.
void expectEachRefused(const std::filesystem::path& bundle, const std::string& field,
                       std::initializer_list<const char*> refusals, const std::string& expected) {
  for (const char* bad : refusals) {
    auto refused = parseWith(bundle, "\"" + field + "\": " + bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().message, expected) << bad;
  }
}

}  // namespace

TEST(ModelManifest, ReadsExtraSpacingsAndRefusesOnesItCannotRun) {
  const auto ct = kModels / "blob3d-bundle";
  auto one = parseWith(ct, R"("extra_spacings_mm": [[1, 1, 0.8]])");
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one.value().extraSpacingsMm.size(), 1u);
  EXPECT_EQ(one.value().extraSpacingsMm[0], (std::array<double, 3>{1.0, 1.0, 0.8}));
  auto again = ModelManifest::parse(one.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().extraSpacingsMm, one.value().extraSpacingsMm);
  auto none = ModelManifest::parse(readText(ct / "manifest.json"), "m.json");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().extraSpacingsMm.empty());
  EXPECT_FALSE(
      nlohmann::json::parse(none.value().toJson())["inference"].contains("extra_spacings_mm"));

  const std::string expected =
      "m.json: field 'inference.extra_spacings_mm' must be a list of 1 to 3 spacings [x, y, z], "
      "each from 0.25 to 10 mm";
  expectEachRefused(ct, "extra_spacings_mm",
                    {R"([])", R"([[1, 1]])", R"([[1, 1, 0]])", R"([[1, 1, -1]])",
                     R"([[1, 1, 0.2]])", R"([[1, 1, 11]])", R"([[1, 1, "1"]])", R"("1")",
                     R"([[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]])"},
                    expected);
  auto fundus = parseWith(kModels / "fundus-bundle", R"("extra_spacings_mm": [[1, 1, 1]])");
  ASSERT_FALSE(fundus.ok());
  EXPECT_EQ(fundus.error().message,
            "m.json: field 'inference.extra_spacings_mm' applies to CT models only (their "
            "sliding window)");
}

TEST(ModelManifest, ReadsTheExtraPassOverlapOnlyBesideExtraSpacings) {
  const auto ct = kModels / "blob3d-bundle";
  auto set = parseWith(ct, R"("extra_spacings_mm": [[1, 1, 1]], "extra_pass_overlap": 0.25)");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set.value().extraPassOverlap, 0.25);
  auto again = ModelManifest::parse(set.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().extraPassOverlap, 0.25);
  auto unset = parseWith(ct, R"("extra_spacings_mm": [[1, 1, 1]])");
  ASSERT_TRUE(unset.ok()) << unset.error().message;
  EXPECT_FALSE(unset.value().extraPassOverlap);  // the extra passes take `overlap`
  EXPECT_FALSE(
      nlohmann::json::parse(unset.value().toJson())["inference"].contains("extra_pass_overlap"));

  for (const char* bad : {"-0.1", "0.96", R"("half")"}) {
    auto refused = parseWith(
        ct, std::string(R"("extra_spacings_mm": [[1, 1, 1]], "extra_pass_overlap": )") + bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("'inference.extra_pass_overlap'"), std::string::npos)
        << refused.error().message;
  }
  auto alone = parseWith(ct, R"("extra_pass_overlap": 0.25)");
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.error().message,
            "m.json: field 'inference.extra_pass_overlap' needs inference.extra_spacings_mm, "
            "whose passes it sets");
}

TEST(ModelManifest, KeepsTheFirstPassToTheLungsOnlyWhenAskedAndMasked) {
  const auto ct = kModels / "blob3d-bundle";
  const std::string masked = R"("lung_mask": true, )";
  auto withMask = [&](const std::string& inferenceFields) {
    std::string text = readText(ct / "manifest.json");
    text.insert(text.find('{', text.find("\"input\"")) + 1, masked);
    text.insert(text.find('{', text.find("\"inference\"")) + 1, inferenceFields + ",");
    return ModelManifest::parse(text, "m.json");
  };
  auto all = withMask(R"("passes_within_lungs": "all")");
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_TRUE(all.value().firstPassWithinLungs);
  auto again = ModelManifest::parse(all.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again.value().firstPassWithinLungs);
  auto extra = withMask(R"("passes_within_lungs": "extra")");
  ASSERT_TRUE(extra.ok()) << extra.error().message;
  EXPECT_FALSE(extra.value().firstPassWithinLungs);

  auto unknown = withMask(R"("passes_within_lungs": "some")");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "m.json: field 'inference.passes_within_lungs' must be \"extra\" or \"all\"");
  auto unmasked = parseWith(ct, R"("passes_within_lungs": "all")");
  ASSERT_FALSE(unmasked.ok());
  EXPECT_EQ(unmasked.error().message,
            "m.json: field 'inference.passes_within_lungs' applies to CT models with "
            "input.lung_mask only, not to MONAI bundles");
}

TEST(ModelManifest, ReadsMirroredPassesAndRefusesOnesItCannotRun) {
  const auto ct = kModels / "blob3d-bundle";
  auto two = parseWith(ct, R"("mirrored_passes": ["x", "xyz"])");
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(two.value().mirroredPasses, (std::vector<std::string>{"x", "xyz"}));
  auto again = ModelManifest::parse(two.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().mirroredPasses, two.value().mirroredPasses);
  auto none = ModelManifest::parse(readText(ct / "manifest.json"), "m.json");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().mirroredPasses.empty());
  EXPECT_FALSE(
      nlohmann::json::parse(none.value().toJson())["inference"].contains("mirrored_passes"));

  const std::string expected =
      "m.json: field 'inference.mirrored_passes' must be a list of 1 to 7 different sets of axes, "
      "each some of x, y and z in that order (\"x\", \"yz\", \"xyz\")";
  expectEachRefused(ct, "mirrored_passes",
                    {R"([])", R"(["x", "x"])", R"(["yx"])", R"(["xx"])", R"([""])", R"(["w"])",
                     R"([1])", R"("x")"},
                    expected);
  auto fundus = parseWith(kModels / "fundus-bundle", R"("mirrored_passes": ["x"])");
  ASSERT_FALSE(fundus.ok());
  EXPECT_EQ(fundus.error().message,
            "m.json: field 'inference.mirrored_passes' applies to CT models only (their sliding "
            "window)");
}

TEST(ModelManifest, ReadsWindowShiftsAndRefusesOnesItCannotRun) {
  const auto ct = kModels / "blob3d-bundle";
  auto two = parseWith(ct, R"("window_shifts": [[0, 0, 0], [2, 2, 2]])");
  ASSERT_TRUE(two.ok()) << two.error().message;
  ASSERT_EQ(two.value().windowShifts.size(), 2u);
  EXPECT_EQ(two.value().windowShifts[1], (std::array<int, 3>{2, 2, 2}));
  auto again = ModelManifest::parse(two.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().windowShifts, two.value().windowShifts);
  auto none = ModelManifest::parse(readText(ct / "manifest.json"), "m.json");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().windowShifts.empty());
  EXPECT_FALSE(nlohmann::json::parse(none.value().toJson())["inference"].contains("window_shifts"));

  const std::string expected =
      "m.json: field 'inference.window_shifts' must be a list of 1 to 8 shifts [x, y, z], each a "
      "whole number of voxels from 0 to 15";
  expectEachRefused(
      ct, "window_shifts",
      {R"([])", R"([[0, 0]])", R"([[0, 0, -1]])", R"([[0, 0, 16]])", R"([[0, 0, 1.5]])",
       R"([[0, 0, "1"]])", R"("2")",
       R"([[0,0,0],[1,0,0],[2,0,0],[3,0,0],[0,1,0],[0,2,0],[0,3,0],[1,1,1],[2,2,2]])"},
      expected);
  auto fundus = parseWith(kModels / "fundus-bundle", R"("window_shifts": [[1, 1, 1]])");
  ASSERT_FALSE(fundus.ok());
  EXPECT_EQ(fundus.error().message,
            "m.json: field 'inference.window_shifts' applies to CT models only (their sliding "
            "window)");
}

TEST(ModelManifest, ReadsFittedWindowsAndRefusesWhatCannotGoWithThem) {
  const auto ct = kModels / "blob3d-bundle";
  auto fitted = parseWith(ct, R"("window_context_voxels": 28, "window_max_voxels": 6291456)");
  ASSERT_TRUE(fitted.ok()) << fitted.error().message;
  EXPECT_EQ(fitted.value().windowContextVoxels, 28);
  EXPECT_EQ(fitted.value().windowMaxVoxels, 6291456);
  EXPECT_EQ(fitted.value().windowMultiple, 8);  // the patch's 24^3 divides by 8, not 16
  auto again = ModelManifest::parse(fitted.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().windowContextVoxels, 28);
  EXPECT_EQ(again.value().windowMaxVoxels, 6291456);
  EXPECT_EQ(again.value().windowMultiple, 8);
  auto none = ModelManifest::parse(readText(ct / "manifest.json"), "m.json");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().windowContextVoxels);  // fixed windows, as before
  EXPECT_FALSE(
      nlohmann::json::parse(none.value().toJson())["inference"].contains("window_context_voxels"));

  expectEachRefused(ct, "window_context_voxels", {"0", "129", "2.5"},
                    "m.json: field 'inference.window_context_voxels' must be a whole number from "
                    "1 to 128");
  expectRefused(ct, R"("window_context_voxels": 28, "window_max_voxels": 1000)",
                "m.json: field 'inference.window_max_voxels' must be a whole number of voxels "
                "from 262144 (64^3) to 1073741824 (1024^3)");
  expectRefused(ct, R"("window_context_voxels": 28, "window_multiple": 0)",
                "m.json: field 'inference.window_multiple' must be a whole number from 1 to 64");
  expectRefused(ct, R"("window_max_voxels": 6291456)",
                "m.json: field 'inference.window_max_voxels' needs "
                "inference.window_context_voxels, whose windows it shapes");
  expectRefused(
      ct,
      R"("extra_spacings_mm": [[1, 1, 1]], "extra_pass_overlap": 0.25, "window_context_voxels": 28)",
      "m.json: field 'inference.extra_pass_overlap' does not apply with "
      "inference.window_context_voxels: fitted windows overlap by twice the context, whatever "
      "the pass");
  expectRefused(ct, R"("window_shifts": [[0, 0, 0], [2, 2, 2]], "window_context_voxels": 28)",
                "m.json: field 'inference.window_shifts' does not apply with "
                "inference.window_context_voxels: fitted windows all start on the network's "
                "pooling grid");
  expectRefused(kModels / "fundus-bundle", R"("window_context_voxels": 28)",
                "m.json: field 'inference.window_context_voxels' applies to CT models only "
                "(their sliding window)");
}

TEST(InferenceSession, WindowsInParallelStopWhenCancelled) {
  const core::CtVolume volume = lungWithSpheres({}, {48, 48, 48});
  inference::SessionOptions options = withBatch(1);
  options.cpuThreads = 2;
  options.parallelWindows = 2;
  auto session = blobSession(options);
  ASSERT_TRUE(session.ok());
  // Cancelled before the run: no window runs, whichever thread looks first.
  std::atomic<bool> cancel{true};
  std::size_t calls = 0;
  auto heatmap = session.value()->predictHeatmap(
      volume, [&](std::size_t, std::size_t) { ++calls; }, &cancel);
  ASSERT_FALSE(heatmap.ok());
  EXPECT_EQ(heatmap.error().code, core::ErrorCode::Cancelled);
  EXPECT_EQ(calls, 0u);
}

TEST(WindowWorkers, StopTakingJobsOnceCancelledAndSaySo) {
  std::atomic<bool> cancel{false};
  std::atomic<int> started{0};
  auto job = [&](std::size_t index) -> core::Status {
    ++started;
    if (index == 1) cancel = true;  // the reader pressed Cancel meanwhile
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return {};
  };
  std::size_t lastDone = 0;
  auto ran = inference::internal::runWindowJobs(
      200, {2, 1}, job, [&](std::size_t done) { lastDone = done; }, &cancel, "model m");
  ASSERT_FALSE(ran.ok());
  EXPECT_EQ(ran.error().code, core::ErrorCode::Cancelled);
  EXPECT_LT(started.load(), 200);
  EXPECT_LT(lastDone, 200u);
}

TEST(WindowWorkers, ShareTheCoresAndNeverOutnumberThemOrTheBatches) {
  using inference::internal::planWindowThreads;
  EXPECT_EQ(planWindowThreads(2, 1, 27).workers, 1);
  EXPECT_EQ(planWindowThreads(2, 1, 27).threadsEach, 2);
  EXPECT_EQ(planWindowThreads(16, 4, 27).workers, 4);
  EXPECT_EQ(planWindowThreads(16, 4, 27).threadsEach, 4);
  EXPECT_EQ(planWindowThreads(2, 8, 27).workers, 2);  // no more than the cores
  EXPECT_EQ(planWindowThreads(2, 8, 27).threadsEach, 1);
  EXPECT_EQ(planWindowThreads(8, 4, 1).workers, 1);  // nor than the batches
  EXPECT_EQ(planWindowThreads(8, 4, 1).threadsEach, 8);
  EXPECT_EQ(planWindowThreads(0, 0, 0).workers, 1);
}

TEST(WindowWorkers, StopAtTheFirstErrorAndReportIt) {
  std::atomic<int> started{0};
  auto job = [&](std::size_t index) -> core::Status {
    ++started;
    if (index == 3) return core::makeError(core::ErrorCode::InvalidArgument, "window 3 failed");
    if (index == 5) throw std::runtime_error("not reached in order");
    return {};
  };
  auto serial = inference::internal::runWindowJobs(20, {1, 1}, job, {}, nullptr, "model m");
  ASSERT_FALSE(serial.ok());
  EXPECT_EQ(serial.error().message, "window 3 failed");
  EXPECT_EQ(started.load(), 4);

  started = 0;
  auto thrown = [&](std::size_t index) -> core::Status {
    ++started;
    if (index == 2) throw std::runtime_error("bad tensor\nbacktrace");
    // The others take a while, so that the failure stops the run long before
    // they could all have been taken.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return {};
  };
  auto parallel = inference::internal::runWindowJobs(200, {2, 1}, thrown, {}, nullptr, "model m");
  ASSERT_FALSE(parallel.ok());
  EXPECT_EQ(parallel.error().message, "model m: bad tensor");
  EXPECT_LT(started.load(), 200);
}

TEST(InferenceSession, PadsAVolumeSmallerThanAPatch) {
  const core::CtVolume volume = lungWithSpheres({{{-30, -20, 120}, 5.0}}, {16, 20, 12});
  auto session = blobSession();
  ASSERT_TRUE(session.ok());
  auto heatmap = session.value()->predictHeatmap(volume);
  ASSERT_TRUE(heatmap.ok()) << heatmap.error().message;
  EXPECT_EQ(heatmap.value().size(), volume.size());
  EXPECT_EQ(inference::extractFindings(heatmap.value(), {}).size(), 1u);
}

TEST(InferenceSession, StopsWhenCancelled) {
  const core::CtVolume volume = lungWithSpheres({}, {48, 48, 48});
  auto session = blobSession();
  ASSERT_TRUE(session.ok());
  std::atomic<bool> cancel{false};
  std::size_t calls = 0;
  auto heatmap = session.value()->predictHeatmap(
      volume,
      [&](std::size_t, std::size_t) {
        ++calls;
        cancel = true;  // the reader pressed Cancel after the first batch
      },
      &cancel);
  ASSERT_FALSE(heatmap.ok());
  EXPECT_EQ(heatmap.error().code, core::ErrorCode::Cancelled);
  EXPECT_EQ(calls, 1u);
}

// Built against a CUDA LibTorch on a machine with a GPU (the inference-only
// preset with Torch_DIR set), a session runs there, in half precision where
// the manifest allows; the CPU build, and a machine without a GPU, skip this.
TEST(InferenceSession, RunsOnTheGpuWhenThereIsOneAndAgreesWithTheCpu) {
  const inference::RuntimeInfo runtime = inference::queryRuntime();
  if (!runtime.cudaAvailable)
    GTEST_SKIP() << "no CUDA device for LibTorch " << runtime.torchVersion;
  const core::CtVolume volume = lungWithSpheres({{{0, 0, 140}, 6.0}}, {48, 40, 44});
  auto cpu = blobSession();
  auto bundle = ModelBundle::open(kModels / "blob3d-bundle");
  ASSERT_TRUE(cpu.ok() && bundle.ok());
  auto gpu = inference::InferenceSession::create(bundle.value());
  ASSERT_TRUE(gpu.ok()) << gpu.error().message;
  EXPECT_TRUE(gpu.value()->device().isCuda());
  auto expected = cpu.value()->predictHeatmap(volume);
  auto full = gpu.value()->predictHeatmap(volume);
  ASSERT_TRUE(expected.ok() && full.ok()) << full.error().message;

  test::TestFolder dir("bundle-fp16");
  auto manifest = ModelManifest::load(kModels / "blob3d-bundle" / "manifest.json");
  ASSERT_TRUE(manifest.ok());
  manifest.value().fp16OnCuda = true;
  auto halfBundle = ModelBundle::create(kModels / "blob3d.pt", manifest.value(), dir / "half");
  ASSERT_TRUE(halfBundle.ok()) << halfBundle.error().message;
  auto half = inference::InferenceSession::create(halfBundle.value());
  ASSERT_TRUE(half.ok()) << half.error().message;
  auto halved = half.value()->predictHeatmap(volume);
  ASSERT_TRUE(halved.ok()) << halved.error().message;
  double fullDifference = 0, halfDifference = 0;
  for (std::size_t n = 0; n < volume.voxelCount(); ++n) {
    const double reference = expected.value().data()[n];
    fullDifference = std::max(fullDifference, std::abs(full.value().data()[n] - reference));
    halfDifference = std::max(halfDifference, std::abs(halved.value().data()[n] - reference));
  }
  EXPECT_LT(fullDifference, 1e-4);
  EXPECT_LT(halfDifference, 2e-2);  // half precision: close, not equal
}

TEST(InferenceSession, RefusesAModelWithTheWrongOutputShape) {
  test::TestFolder dir("bundle-wrong-shape");
  auto manifest = ModelManifest::load(kModels / "blob3d-bundle" / "manifest.json");
  ASSERT_TRUE(manifest.ok());
  auto bundle = ModelBundle::create(kModels / "wrong_shape.pt", manifest.value(), dir / "wrong");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  auto session = inference::InferenceSession::create(bundle.value(), cpuOnly());
  ASSERT_TRUE(session.ok());
  auto heatmap = session.value()->predictHeatmap(lungWithSpheres({}, {24, 24, 24}));
  ASSERT_FALSE(heatmap.ok());
  EXPECT_NE(heatmap.error().message.find("returned a tensor of shape"), std::string::npos);
}

TEST(InferenceSession, ReportsAFileThatIsNotTorchScript) {
  test::TestFolder dir("bundle-not-torchscript");
  std::ofstream(dir / "fake.pt") << "not a zip archive";
  auto manifest = ModelManifest::load(kModels / "blob3d-bundle" / "manifest.json");
  ASSERT_TRUE(manifest.ok());
  auto bundle = ModelBundle::create(dir / "fake.pt", manifest.value(), dir / "fake");
  ASSERT_TRUE(bundle.ok());
  auto session = inference::InferenceSession::create(bundle.value(), cpuOnly());
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.error().message.find("not a loadable TorchScript model"), std::string::npos);
}

// The candidate classifier (second stage): its test network scores a cube
// by the density of its central voxels, so the expected scores are known.
TEST(CandidateClassifier, ScoresEachCandidateFromTheCubeAroundIt) {
  auto bundle = ModelBundle::open(kModels / "blob3d-classified-bundle");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  ASSERT_TRUE(bundle.value().manifest().candidateClassifier.has_value());
  EXPECT_EQ(bundle.value().manifest().candidateClassifier->patchSize[0], 8);
  auto session = inference::InferenceSession::create(bundle.value(), cpuOnly());
  ASSERT_TRUE(session.ok()) << session.error().message;
  ASSERT_TRUE(session.value()->hasCandidateClassifier());
  const core::Vec3 sphere{-10.0, 0.0, 130.0};
  auto volume = lungWithSpheres({{sphere, 8.0}}, {30, 30, 30});
  for (std::size_t o = 0; o < volume.voxelCount(); ++o)
    if (volume.data()[o] > 0) volume.data()[o] = 400;  // bone-dense: the classifier's "yes"
  // Seven candidates (more than the batch of 3): on the sphere, in the lung,
  // at a corner (the cube mostly outside: air) and far outside the volume.
  const std::vector<core::Vec3> centers = {sphere,
                                           {0.0, 10.0, 115.0},
                                           volume.geometry().origin,
                                           {500.0, 500.0, 500.0},
                                           sphere + core::Vec3{1.0, 1.0, 0.0},
                                           {-40.0, -30.0, 110.0},
                                           sphere};
  auto scores = session.value()->classifyCandidates(volume, centers);
  ASSERT_TRUE(scores.ok()) << scores.error().message;
  ASSERT_EQ(scores.value().size(), centers.size());
  for (std::size_t n : {0u, 4u, 6u}) EXPECT_GT(scores.value()[n], 0.99) << n;
  for (std::size_t n : {1u, 2u, 3u, 5u}) EXPECT_LT(scores.value()[n], 0.01) << n;
  EXPECT_TRUE(session.value()->classifyCandidates(volume, {}).value().empty());
}

TEST(CandidateClassifier, IsCheckedLikeTheWeightsAndNamedInErrors) {
  test::TestFolder dir("bundle-classifier");
  std::filesystem::copy(kModels / "blob3d-classified-bundle", dir / "b",
                        std::filesystem::copy_options::recursive);
  std::ofstream(dir / "b" / "classifier.pt", std::ios::app) << "tampered";
  auto tampered = ModelBundle::open(dir / "b");
  ASSERT_FALSE(tampered.ok());
  EXPECT_NE(tampered.error().message.find("classifier.pt: SHA-256"), std::string::npos)
      << tampered.error().message;

  const std::string good = readText(kModels / "blob3d-classified-bundle" / "manifest.json");
  auto without = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return ModelManifest::parse(text, "m.json");
  };
  auto badFile = without("\"file\": \"classifier.pt\"", "\"file\": \"../classifier.pt\"");
  ASSERT_FALSE(badFile.ok());
  EXPECT_NE(badFile.error().message.find("'candidate_classifier.file'"), std::string::npos);
  auto badPatch = without("\"patch_size\": [\n      8,", "\"patch_size\": [\n      0,");
  ASSERT_FALSE(badPatch.ok());
  EXPECT_NE(badPatch.error().message.find("'candidate_classifier.patch_size'"), std::string::npos);

  auto reparsed = ModelManifest::parse(
      ModelBundle::open(kModels / "blob3d-classified-bundle").value().manifest().toJson(), "x");
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message;
  EXPECT_EQ(reparsed.value().candidateClassifier->batchSize, 3);
  EXPECT_EQ(reparsed.value().candidateClassifier->file, "classifier.pt");
}

TEST(CandidateClassifier, IsPackagedByCreateAndItsWrongOutputRefused) {
  test::TestFolder dir("bundle-classifier-create");
  auto manifest = ModelManifest::load(kModels / "blob3d-bundle" / "manifest.json");
  ASSERT_TRUE(manifest.ok());
  auto made = ModelBundle::create(kModels / "blob3d.pt", manifest.value(), dir / "made",
                                  kModels / "centre_density.pt");
  ASSERT_TRUE(made.ok()) << made.error().message;
  const auto& c = made.value().manifest().candidateClassifier;
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->file, "centre_density.pt");
  EXPECT_TRUE(std::filesystem::exists(dir / "made" / "centre_density.pt"));
  EXPECT_EQ(c->patchSize[0], 32);  // the default

  // A heatmap network where the classifier should be: its 5D output is refused.
  auto wrong = ModelBundle::create(kModels / "blob3d.pt", manifest.value(), dir / "wrong",
                                   kModels / "wrong_shape.pt");
  ASSERT_TRUE(wrong.ok()) << wrong.error().message;
  auto session = inference::InferenceSession::create(wrong.value(), cpuOnly());
  ASSERT_TRUE(session.ok());
  auto scores =
      session.value()->classifyCandidates(lungWithSpheres({}, {20, 20, 20}), {{0.0, 0.0, 120.0}});
  ASSERT_FALSE(scores.ok());
  EXPECT_NE(scores.error().message.find("candidate classifier returned a tensor of shape"),
            std::string::npos)
      << scores.error().message;

  auto fundus = ModelManifest::load(kModels / "fundus-bundle" / "manifest.json");
  ASSERT_TRUE(fundus.ok());
  auto notCt = ModelBundle::create(kModels / "fundus.pt", fundus.value(), dir / "fundus",
                                   kModels / "centre_density.pt");
  ASSERT_FALSE(notCt.ok());
  EXPECT_NE(notCt.error().message.find("a candidate classifier is for CT models"),
            std::string::npos)
      << notCt.error().message;

  auto plain = blobSession();
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain.value()->hasCandidateClassifier());
  EXPECT_FALSE(plain.value()->classifyCandidates(lungWithSpheres({}, {20, 20, 20}), {}).ok());
}

TEST(FindingExtractor, KeepsOnePeakPerBlobAndOrdersByScore) {
  core::VolumeGeometry g;
  g.size = {30, 30, 30};
  g.spacing = {1.0, 1.0, 1.0};
  core::FloatVolume heat(g, 0.0f);
  auto blob = [&](core::Vec3 c, double sigma, float peak) {
    for (std::size_t k = 0; k < 30; ++k)
      for (std::size_t j = 0; j < 30; ++j)
        for (std::size_t i = 0; i < 30; ++i) {
          const double d = core::distance({double(i), double(j), double(k)}, c);
          heat.at(i, j, k) =
              std::max(heat.at(i, j, k), float(peak * std::exp(-d * d / (2 * sigma * sigma))));
        }
  };
  blob({8, 8, 8}, 2.0, 0.7f);
  blob({20, 21, 19}, 2.5, 0.95f);
  blob({25, 5, 25}, 2.0, 0.3f);  // below the threshold
  const auto findings = inference::extractFindings(heat, {});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_FLOAT_EQ(findings[0].score, 0.95f);
  EXPECT_LT(core::distance(findings[0].centerMm, {20, 21, 19}), 0.3);
  EXPECT_LT(core::distance(findings[1].centerMm, {8, 8, 8}), 0.3);
  // Half maximum of a Gaussian lies at 1.177 sigma: diameter about 2.35 sigma.
  EXPECT_NEAR(findings[0].diameterMm, 2.35 * 2.5, 1.2);
}

TEST(FindingExtractor, NoFindingOutgrowsTheLargestDiameterItAnnounces) {
  core::VolumeGeometry g;
  g.size = {60, 60, 40};
  g.spacing = {0.8, 0.8, 1.5};
  core::FloatVolume heat(g, 0.9f);  // a plateau filling the whole volume,
  heat.at(30, 30, 20) = 0.95f;      // with its peak far from every edge
  inference::FindingExtractorOptions options;
  options.maxSearchRadiusMm = 10.0;
  const double largest = inference::largestFindingDiameterMm(options, g.spacing);
  const auto findings = inference::extractFindings(heat, options);
  ASSERT_FALSE(findings.empty());
  // The peak's blob fills its whole search box: exactly the announced bound.
  EXPECT_FLOAT_EQ(findings[0].score, 0.95f);
  EXPECT_NEAR(findings[0].diameterMm, largest, 1e-9);
  for (const auto& f : findings) EXPECT_LE(f.diameterMm, largest + 1e-9);
}

namespace {

/// `count` 64x64 prepared images whose green channel is bright over the
/// given fraction of rows (the test model's "lesions").
std::vector<float> fundusBatch(const std::vector<double>& brightFractions) {
  std::vector<float> pixels;
  for (double fraction : brightFractions) {
    std::vector<float> image(3 * 64 * 64, 0.2f);
    const int brightRows = static_cast<int>(64 * fraction);
    for (int y = 0; y < brightRows; ++y)
      for (int x = 0; x < 64; ++x) image[64 * 64 + y * 64 + x] = 0.9f;
    pixels.insert(pixels.end(), image.begin(), image.end());
  }
  return pixels;
}

core::Result<std::unique_ptr<inference::InferenceSession>> fundusSession(
    const std::filesystem::path& weights, const test::TestFolder& dir) {
  auto manifest = ModelManifest::load(kModels / "fundus-bundle" / "manifest.json");
  if (!manifest.ok()) return manifest.error();
  auto bundle = ModelBundle::create(weights, manifest.value(), dir / "bundle");
  if (!bundle.ok()) return bundle.error();
  return inference::InferenceSession::create(bundle.value(), cpuOnly());
}

}  // namespace

TEST(FundusPrediction, GradesGradabilityAndHeatmapFollowTheModel) {
  auto bundle = ModelBundle::open(kModels / "fundus-bundle");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  auto session = inference::InferenceSession::create(bundle.value(), cpuOnly());
  ASSERT_TRUE(session.ok()) << session.error().message;
  // Five images, batch size 3: two batches, results in order.
  auto predictions = session.value()->predictFundus(fundusBatch({0.0, 1.0, 0.25, 0.75, 0.0}), 5);
  ASSERT_TRUE(predictions.ok()) << predictions.error().message;
  ASSERT_EQ(predictions.value().size(), 5u);
  const auto& healthy = predictions.value()[0];
  const auto& sick = predictions.value()[1];
  EXPECT_EQ(healthy.grade, 0);
  EXPECT_EQ(sick.grade, 4);
  EXPECT_FALSE(healthy.referable);
  EXPECT_TRUE(sick.referable);
  EXPECT_NEAR(sick.referableProbability,
              sick.gradeProbabilities[2] + sick.gradeProbabilities[3] + sick.gradeProbabilities[4],
              1e-9);
  double total = 0;
  for (double p : sick.gradeProbabilities) total += p;
  EXPECT_NEAR(total, 1.0, 1e-6);
  EXPECT_NEAR(healthy.qualityScore, 1.0 / (1.0 + std::exp(-5.0)), 1e-5);
  EXPECT_TRUE(healthy.gradable);
  ASSERT_EQ(sick.heatmapWidth, 16);
  ASSERT_EQ(sick.heatmapHeight, 16);
  EXPECT_GT(predictions.value()[2].heatmap[0], 0.9f);        // top rows bright
  EXPECT_LT(predictions.value()[2].heatmap[15 * 16], 0.1f);  // bottom rows dark
  EXPECT_EQ(predictions.value()[4].grade, 0);
}

TEST(FundusPrediction, AcceptsAModelWithGradesOnly) {
  test::TestFolder dir("fundus-grades-only");
  auto session = fundusSession(kModels / "fundus_grades_only.pt", dir);
  ASSERT_TRUE(session.ok()) << session.error().message;
  auto predictions = session.value()->predictFundus(fundusBatch({1.0}), 1);
  ASSERT_TRUE(predictions.ok()) << predictions.error().message;
  EXPECT_EQ(predictions.value()[0].grade, 4);
  EXPECT_DOUBLE_EQ(predictions.value()[0].qualityScore, 1.0);  // no gradability output

  inference::FundusExplanationOptions noMap;
  noMap.occlusionWhenNoHeatmap = false;
  auto bare = session.value()->predictFundus(fundusBatch({1.0}), 1, nullptr, noMap);
  ASSERT_TRUE(bare.ok());
  EXPECT_TRUE(bare.value()[0].heatmap.empty());
  EXPECT_EQ(bare.value()[0].heatmapSource, inference::HeatmapSource::None);
}

TEST(FundusPrediction, ExplainsAModelWithoutAHeatmapByOcclusion) {
  // The grades-only model calls a photograph referable by how much of it is
  // bright green; the map must point at the bright rows and nowhere else.
  test::TestFolder dir("fundus-occlusion");
  auto session = fundusSession(kModels / "fundus_grades_only.pt", dir);
  ASSERT_TRUE(session.ok()) << session.error().message;
  auto predictions = session.value()->predictFundus(fundusBatch({0.6, 0.0}), 2);
  ASSERT_TRUE(predictions.ok()) << predictions.error().message;
  const auto& p = predictions.value()[0];
  EXPECT_EQ(p.heatmapSource, inference::HeatmapSource::Occlusion);
  ASSERT_EQ(p.heatmapWidth, 64);
  ASSERT_EQ(p.heatmapHeight, 64);
  auto rowMean = [&](int from, int to) {
    double sum = 0;
    for (int y = from; y < to; ++y)
      for (int x = 0; x < 64; ++x) sum += p.heatmap[static_cast<std::size_t>(y * 64 + x)];
    return sum / ((to - from) * 64);
  };
  EXPECT_GT(rowMean(0, 30), 0.5);    // bright rows 0-37
  EXPECT_LT(rowMean(48, 64), 0.02);  // dark rows, away from the edge
  EXPECT_FLOAT_EQ(*std::max_element(p.heatmap.begin(), p.heatmap.end()), 1.0f);
  // A photograph the model sees nothing in gets a map of zeros, not amplified noise.
  const auto& empty = predictions.value()[1];
  EXPECT_EQ(*std::max_element(empty.heatmap.begin(), empty.heatmap.end()), 0.0f);
}

TEST(FundusPrediction, RefusesWrongOutputsAndWrongInputs) {
  test::TestFolder dir("fundus-wrong");
  auto session = fundusSession(kModels / "fundus_wrong.pt", dir);
  ASSERT_TRUE(session.ok()) << session.error().message;
  auto wrong = session.value()->predictFundus(fundusBatch({0.5}), 1);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("grade logits of shape [1, 4]"), std::string::npos)
      << wrong.error().message;
  auto tooFew = session.value()->predictFundus(std::vector<float>(10), 1);
  ASSERT_FALSE(tooFew.ok());
  EXPECT_NE(tooFew.error().message.find("3 x 64 x 64"), std::string::npos);
  auto ct = ModelBundle::open(kModels / "blob3d-bundle");
  auto ctSession = inference::InferenceSession::create(ct.value(), cpuOnly());
  auto notFundus = ctSession.value()->predictFundus(fundusBatch({0.5}), 1);
  ASSERT_FALSE(notFundus.ok());
  EXPECT_NE(notFundus.error().message.find("is not a fundus model"), std::string::npos);
}

TEST(ModelManifest, ReadsCalibrationAndModelCardAndWritesThemBack) {
  std::string text = readText(kModels / "fundus-bundle" / "manifest.json");
  const std::string extra =
      R"("calibration": {"referable": {"method": "platt", "slope": 0.5, "intercept": -1.25,
          "fitted_on": "21 real photographs"}},
        "model_card": {"document": "docs/model-cards/x.md", "evaluation": "AUC 0.9 on 50",
          "known_limitations": ["one camera", "no grades"]},)";
  const auto at = text.find('{');
  auto m = ModelManifest::parse(text.substr(0, at + 1) + extra + text.substr(at + 1), "m.json");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_TRUE(m.value().referableCalibration.has_value());
  EXPECT_DOUBLE_EQ(m.value().referableCalibration->slope, 0.5);
  EXPECT_EQ(m.value().card.knownLimitations.size(), 2u);
  auto again = ModelManifest::parse(m.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_TRUE(again.value().referableCalibration.has_value());
  EXPECT_DOUBLE_EQ(again.value().referableCalibration->intercept, -1.25);
  EXPECT_EQ(again.value().referableCalibration->fittedOn, "21 real photographs");
  EXPECT_EQ(again.value().card.document, "docs/model-cards/x.md");
  EXPECT_EQ(again.value().card.knownLimitations[1], "no grades");

  // p' = sigmoid(0.5 * logit(p) - 1.25)
  EXPECT_NEAR(m.value().referableCalibration->apply(0.5), 1.0 / (1.0 + std::exp(1.25)), 1e-12);
  EXPECT_GT(m.value().referableCalibration->apply(1.0), 0.99);  // finite at the ends
  EXPECT_LT(m.value().referableCalibration->apply(0.0), 0.01);

  const std::string card = inference::modelCardText(m.value());
  EXPECT_NE(card.find("NOT FOR CLINICAL USE"), std::string::npos);
  EXPECT_NE(card.find("  - one camera"), std::string::npos);
  EXPECT_NE(card.find("fitted on 21 real photographs"), std::string::npos);
  EXPECT_NE(card.find("Evaluation: AUC 0.9 on 50"), std::string::npos);

  auto bad = [&](const std::string& from, const std::string& to) {
    std::string broken = m.value().toJson();
    const auto where = broken.find(from);
    EXPECT_NE(where, std::string::npos) << from;
    broken.replace(where, from.size(), to);
    auto parsed = ModelManifest::parse(broken, "m.json");
    EXPECT_FALSE(parsed.ok());
    return parsed.ok() ? std::string() : parsed.error().message;
  };
  EXPECT_EQ(bad("\"platt\"", "\"isotonic\""),
            "m.json: field 'calibration.referable.method' is 'isotonic'; this Vigie knows 'platt'");
  EXPECT_NE(bad("\"slope\": 0.5", "\"slope\": -2").find("'calibration.referable.slope' must be"),
            std::string::npos);
  EXPECT_NE(bad("\"no grades\"", "3").find("'model_card.known_limitations' must be an array"),
            std::string::npos);
}

TEST(ModelManifest, ReadsACtModelsCandidateCalibrationAndRefusesItElsewhere) {
  const std::string extra =
      R"("calibration": {"candidate": {"method": "platt", "slope": 0.25, "intercept": -2.0,
          "fitted_on": "12 calibration phantoms"}},)";
  auto insert = [&](const std::filesystem::path& manifest) {
    std::string text = readText(manifest);
    const auto at = text.find('{');
    return text.substr(0, at + 1) + extra + text.substr(at + 1);
  };
  auto ct = ModelManifest::parse(insert(kModels / "blob3d-bundle" / "manifest.json"), "ct.json");
  ASSERT_TRUE(ct.ok()) << ct.error().message;
  ASSERT_TRUE(ct.value().candidateCalibration.has_value());
  EXPECT_FALSE(ct.value().referableCalibration.has_value());
  const inference::ScoreCalibration& c = *ct.value().candidateCalibration;
  EXPECT_DOUBLE_EQ(c.slope, 0.25);
  // A saturated sigmoid (many peaks at 0.9999+) spreads out again.
  EXPECT_LT(c.apply(0.9999999), 0.9);
  EXPECT_LT(c.apply(0.9999), c.apply(0.9999999));
  // invert() is apply()'s inverse: the extractor searches the heatmap at invert(threshold).
  for (double p : {0.01, 0.2, 0.5, 0.8}) EXPECT_NEAR(c.apply(c.invert(p)), p, 1e-9) << p;
  // Above what the calibration can reach (its value at a score of 1), no score maps there.
  EXPECT_LT(c.apply(1.0), 0.9);
  EXPECT_LT(c.apply(c.invert(0.93)), 0.93);
  auto again = ModelManifest::parse(ct.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_TRUE(again.value().candidateCalibration.has_value());
  EXPECT_EQ(again.value().candidateCalibration->fittedOn, "12 calibration phantoms");
  EXPECT_NE(inference::modelCardText(ct.value()).find("each candidate's score"), std::string::npos);

  auto fundus = ModelManifest::parse(insert(kModels / "fundus-bundle" / "manifest.json"), "f.json");
  ASSERT_FALSE(fundus.ok());
  EXPECT_EQ(fundus.error().message,
            "f.json: field 'calibration.candidate' applies to ct-nodule-detection models only");
}

TEST(ModelManifest, ACandidateCalibrationMayWeighTheCandidatesSizeAndOnlyThere) {
  const std::string extra =
      R"("calibration": {"candidate": {"method": "platt", "slope": 0.5, "intercept": -6.0,
          "log_diameter_slope": 1.5}},)";
  auto insert = [&](const std::filesystem::path& manifest, const std::string& what) {
    std::string text = readText(manifest);
    const auto at = text.find('{');
    return text.substr(0, at + 1) + what + text.substr(at + 1);
  };
  auto ct = ModelManifest::parse(insert(kModels / "blob3d-bundle" / "manifest.json", extra), "ct");
  ASSERT_TRUE(ct.ok()) << ct.error().message;
  const inference::ScoreCalibration& c = *ct.value().candidateCalibration;
  ASSERT_TRUE(c.usesDiameter());
  // The same peak scores higher on a larger candidate: sigmoid(0.5 logit(p) + 1.5 ln d - 6).
  const double p = 0.999;
  const double z = 0.5 * std::log(p / (1 - p)) + 1.5 * std::log(20.0) - 6.0;
  EXPECT_NEAR(c.apply(p, 20.0), 1.0 / (1.0 + std::exp(-z)), 1e-12);
  EXPECT_GT(c.apply(p, 20.0), c.apply(p, 5.0));
  EXPECT_DOUBLE_EQ(c.apply(p, 0.2), c.apply(p, 1.0));  // under 1 mm counts as 1 mm
  for (double d : {2.0, 4.0, 30.0})  // where 0.9 is within reach (a score under 1)
    for (double q : {0.05, 0.5, 0.9}) EXPECT_NEAR(c.apply(c.invert(q, d), d), q, 1e-9) << d;
  auto again = ModelManifest::parse(ct.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_DOUBLE_EQ(again.value().candidateCalibration->logDiameterSlope, 1.5);
  EXPECT_NE(inference::modelCardText(ct.value()).find("ln(candidate diameter in mm)"),
            std::string::npos);

  // A referable probability has no size.
  const std::string referable =
      R"("calibration": {"referable": {"method": "platt", "slope": 0.5, "intercept": 0,
          "log_diameter_slope": 1.5}},)";
  auto fundus =
      ModelManifest::parse(insert(kModels / "fundus-bundle" / "manifest.json", referable), "f");
  ASSERT_FALSE(fundus.ok());
  EXPECT_EQ(fundus.error().message,
            "f: field 'calibration.referable.log_diameter_slope' applies to CT candidates only, "
            "which have a size");
}

TEST(ModelManifest, ACandidateCalibrationMayWeighTheImagesShapeAroundIt) {
  auto insert = [&](const std::string& what) {
    std::string text = readText(kModels / "blob3d-bundle" / "manifest.json");
    const auto at = text.find('{');
    return text.substr(0, at + 1) + what + text.substr(at + 1);
  };
  auto ct = ModelManifest::parse(
      insert(R"("calibration": {"candidate": {"method": "platt-shape", "slope": 0.5,
          "intercept": -2.0, "shape_scales_mm": [1.5, 3.0], "search_floor": 0.1,
          "shape_weights": [0, 0, 0, 2.0, -1.0, 0, 0, 0, 0.5, 0]}},)"),
      "ct");
  ASSERT_TRUE(ct.ok()) << ct.error().message;
  const inference::ScoreCalibration& c = *ct.value().candidateCalibration;
  ASSERT_TRUE(c.usesShape());
  EXPECT_DOUBLE_EQ(c.searchFloor, 0.1);
  // Each shape value adds its weight times itself to the logit.
  const std::vector<double> shape{9, 9, 9, 1.0, 0.5, 9, 9, 9, 2.0, 9};
  const double p = 0.9;
  const double z = 0.5 * std::log(p / (1 - p)) - 2.0 + 2.0 * 1.0 - 1.0 * 0.5 + 0.5 * 2.0;
  EXPECT_NEAR(c.apply({p, 5.0, shape}), 1.0 / (1.0 + std::exp(-z)), 1e-12);
  auto again = ModelManifest::parse(ct.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().candidateCalibration->shapeWeights, c.shapeWeights);
  EXPECT_EQ(again.value().candidateCalibration->shapeScalesMm, c.shapeScalesMm);
  EXPECT_NE(inference::modelCardText(ct.value()).find("10 weights on the image's shape"),
            std::string::npos);

  auto wrongCount = ModelManifest::parse(
      insert(R"("calibration": {"candidate": {"method": "platt-shape", "slope": 0.5,
          "intercept": 0, "shape_scales_mm": [1.5], "search_floor": 0.1,
          "shape_weights": [1, 2, 3]}},)"),
      "m");
  ASSERT_FALSE(wrongCount.ok());
  EXPECT_EQ(wrongCount.error().message,
            "m: field 'calibration.candidate.shape_weights' has 3 weights; 1 scales need 5");
  auto noFloor = ModelManifest::parse(
      insert(R"("calibration": {"candidate": {"method": "platt-shape", "slope": 0.5,
          "intercept": 0, "shape_scales_mm": [1.5], "shape_weights": [1, 2, 3, 4, 5]}},)"),
      "m");
  ASSERT_FALSE(noFloor.ok());
  EXPECT_EQ(noFloor.error().message, "m: field 'calibration.candidate.search_floor' is missing");
}

/// The test bundle's manifest with `candidate` as its candidate calibration,
/// read; with `twoPasses`, the model reads the scan a second time at 1 mm.
core::Result<ModelManifest> withCandidateCalibration(const nlohmann::json& candidate,
                                                     bool twoPasses = false) {
  auto m = nlohmann::json::parse(readText(kModels / "blob3d-bundle" / "manifest.json"));
  m["calibration"]["candidate"] = candidate;
  if (twoPasses) m["inference"]["extra_spacings_mm"] = {{1.0, 1.0, 1.0}};
  return ModelManifest::parse(m.dump(), "m");
}

/// What reading that manifest says: its error, or "accepted".
std::string refusalOf(const nlohmann::json& candidate, bool twoPasses = false) {
  auto parsed = withCandidateCalibration(candidate, twoPasses);
  return parsed.ok() ? std::string("accepted") : parsed.error().message;
}

TEST(ModelManifest, ACandidateCalibrationMayWeighEachPassesOwnScore) {
  nlohmann::json candidate = {{"method", "platt-shape"},
                              {"slope", 0.5},
                              {"intercept", -1.0},
                              {"shape_scales_mm", {1.5}},
                              {"search_floor", 0.05},
                              {"shape_weights", {0, 0, 0, 0, 0}},
                              {"pass_score_weights", {0.75, -0.25}}};
  auto read = withCandidateCalibration(candidate, true);
  ASSERT_TRUE(read.ok()) << read.error().message;
  const inference::ScoreCalibration& c = *read.value().candidateCalibration;
  ASSERT_TRUE(c.usesPassScores());
  // Each pass's score adds its weight times its logit; scores of 0 or 1 stay finite.
  auto logit = [](double p) { return std::log(p / (1 - p)); };
  const double z = 0.5 * logit(0.9) - 1.0 + 0.75 * logit(0.8) - 0.25 * logit(0.6);
  EXPECT_NEAR(c.apply({0.9, 5.0, {0, 0, 0, 0, 0}, {0.8, 0.6}}), 1.0 / (1.0 + std::exp(-z)), 1e-12);
  EXPECT_TRUE(std::isfinite(c.apply({0.9, 5.0, {}, {0.0, 1.0}})));
  // A caller without the passes' scores gets the calibration without them.
  EXPECT_NEAR(c.apply({0.9, 5.0}), 1.0 / (1.0 + std::exp(-(0.5 * logit(0.9) - 1.0))), 1e-12);
  auto again = ModelManifest::parse(read.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().candidateCalibration->passScoreWeights, c.passScoreWeights);
  EXPECT_NE(inference::modelCardText(read.value()).find("each of the 2 passes' own score"),
            std::string::npos);

  EXPECT_EQ(refusalOf(candidate, false),
            "m: field 'calibration.candidate.pass_score_weights' needs "
            "inference.extra_spacings_mm: a model read once has one score");
  nlohmann::json three = candidate;
  three["pass_score_weights"] = {1, 2, 3};
  EXPECT_EQ(refusalOf(three, true),
            "m: field 'calibration.candidate.pass_score_weights' has 3 weights; the model reads "
            "the scan 2 times");
  const nlohmann::json plain = {
      {"method", "platt"}, {"slope", 1.0}, {"intercept", 0.0}, {"pass_score_weights", {1, 1}}};
  EXPECT_EQ(refusalOf(plain, true),
            "m: field 'calibration.candidate.pass_score_weights' goes with the method "
            "'platt-shape' only");
  nlohmann::json words = candidate;
  words["pass_score_weights"] = {"a", "b"};
  EXPECT_NE(refusalOf(words, true).find("pass_score_weights"), std::string::npos);
}

TEST(ModelManifest, ACandidateCalibrationMayWeighTheSliceSpacingWithinTheRangeItWasFittedOn) {
  nlohmann::json candidate = {{"method", "platt-shape"},
                              {"slope", 0.5},
                              {"intercept", -1.0},
                              {"log_diameter_slope", 0.25},
                              {"shape_scales_mm", {1.5}},
                              {"search_floor", 0.05},
                              {"shape_weights", {0, 0, 0, 1.0, 0}},
                              {"slice_spacing",
                               {{"range_mm", {1.25, 3.0}},
                                {"weight", -0.5},
                                {"score_weight", 0.2},
                                {"log_diameter_weight", 0.3},
                                {"shape_weights", {0, 0, 0, -0.4, 0}}}}};
  auto read = withCandidateCalibration(candidate);
  ASSERT_TRUE(read.ok()) << read.error().message;
  const inference::ScoreCalibration& c = *read.value().candidateCalibration;
  ASSERT_TRUE(c.usesSliceSpacing());
  auto logit = [](double p) { return std::log(p / (1 - p)); };
  auto expected = [&](double spacingMm) {
    const double t = std::log(spacingMm);
    const double z = 0.5 * logit(0.9) - 1.0 + 0.25 * std::log(6.0) + 1.0 * 2.0 +
                     t * (-0.5 + 0.2 * logit(0.9) + 0.3 * std::log(6.0) - 0.4 * 2.0);
    return 1.0 / (1.0 + std::exp(-z));
  };
  const std::vector<double> shape{0, 0, 0, 2.0, 0};
  auto at = [&](double spacingMm) { return c.apply({0.9, 6.0, shape, {}, spacingMm}); };
  // t = ln(spacing) times the terms, within the range fitted on...
  EXPECT_NEAR(at(2.0), expected(2.0), 1e-12);
  EXPECT_NEAR(at(3.0), expected(3.0), 1e-12);
  EXPECT_NE(at(1.25), at(3.0));
  // ...and no further: a spacing outside it counts as the nearest end, an
  // unknown one (0) as the thinnest, never an extrapolation.
  EXPECT_DOUBLE_EQ(at(0.6), at(1.25));
  EXPECT_DOUBLE_EQ(at(0.0), at(1.25));
  EXPECT_DOUBLE_EQ(at(7.5), at(3.0));
  auto again = ModelManifest::parse(read.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_DOUBLE_EQ(again.value().candidateCalibration->apply({0.9, 6.0, shape, {}, 2.0}), at(2.0));
  EXPECT_NE(inference::modelCardText(read.value()).find("slice spacing (fitted on 1.25 to 3 mm;"),
            std::string::npos)
      << inference::modelCardText(read.value());

  nlohmann::json reversed = candidate;
  reversed["slice_spacing"]["range_mm"] = {3.0, 1.25};
  EXPECT_EQ(refusalOf(reversed),
            "m: field 'calibration.candidate.slice_spacing.range_mm' must be [thinnest, "
            "thickest] in mm, over 0 and up to 20");
  nlohmann::json shapeCount = candidate;
  shapeCount["slice_spacing"]["shape_weights"] = {1, 2};
  EXPECT_EQ(refusalOf(shapeCount),
            "m: field 'calibration.candidate.slice_spacing.shape_weights' has 2 weights; the "
            "shape has 5 values");
  nlohmann::json noScore = candidate;
  noScore["slice_spacing"].erase("score_weight");
  EXPECT_EQ(refusalOf(noScore),
            "m: field 'calibration.candidate.slice_spacing.score_weight' is missing");
  const nlohmann::json plain = {{"method", "platt"},
                                {"slope", 1.0},
                                {"intercept", 0.0},
                                {"slice_spacing", candidate["slice_spacing"]}};
  EXPECT_EQ(refusalOf(plain),
            "m: field 'calibration.candidate.slice_spacing' goes with the method 'platt-shape' "
            "only");
}

TEST(CandidateShape, TellsABlobFromATubeAndFromFlatLung) {
  core::VolumeGeometry g;
  g.size = {40, 40, 40};
  g.spacing = {1.25, 1.25, 1.25};
  core::CtVolume volume(g, -850);
  const core::Vec3 blob{12.5, 12.5, 12.5}, tube{37.5, 37.5, 25.0};
  for (std::size_t k = 0; k < 40; ++k)
    for (std::size_t j = 0; j < 40; ++j)
      for (std::size_t i = 0; i < 40; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        const double toTube = std::hypot(p.x - tube.x, p.y - tube.y);  // along z
        if (core::distance(p, blob) <= 3.0 || toTube <= 1.5) volume.at(i, j, k) = 40;
      }
  const std::vector<double> scales{2.0};
  const auto atBlob = inference::candidateShape(volume, blob, scales);
  const auto atTube = inference::candidateShape(volume, tube, scales);
  const auto inLung = inference::candidateShape(volume, {25.0, 37.5, 5.0}, scales);
  ASSERT_EQ(atBlob.size(), std::size_t(inference::kShapeValuesPerScale));
  // A blob curves down alike in every direction: three equal negative eigenvalues.
  EXPECT_LT(atBlob[2], 0.0);
  EXPECT_NEAR(atBlob[0], atBlob[2], 0.05 * std::abs(atBlob[0]));
  EXPECT_GT(atBlob[3], 1.0);               // dot
  EXPECT_LT(atBlob[4], 0.05 * atBlob[3]);  // barely a line
  // A tube: two negative, one near zero (along it); a line, no dot.
  EXPECT_LT(atTube[0], 0.0);
  EXPECT_LT(atTube[1], 0.0);
  EXPECT_LT(std::abs(atTube[2]), 0.05 * std::abs(atTube[0]));
  EXPECT_GT(atTube[4], 10 * atTube[3]);
  for (double v : inLung) EXPECT_NEAR(v, 0.0, 1e-9);
  // Outside the volume, its border repeats: still finite, still the right count.
  const auto outside = inference::candidateShape(volume, {-100, -100, -100}, {1.0, 4.0});
  ASSERT_EQ(outside.size(), std::size_t(2 * inference::kShapeValuesPerScale));
  for (double v : outside) EXPECT_TRUE(std::isfinite(v));
}

TEST(ModelManifest, ACandidateCalibrationMayWeighTheIntensityAroundTheCandidate) {
  nlohmann::json candidate = {{"method", "platt-shape"},
                              {"slope", 0.5},
                              {"intercept", -1.0},
                              {"shape_scales_mm", {1.5}},
                              {"search_floor", 0.05},
                              {"shape_weights", {0, 0, 0, 0, 0}},
                              {"intensity_weights", {0.1, 0.2, -0.9, -2.5}},
                              {"slice_spacing",
                               {{"range_mm", {1.25, 3.0}},
                                {"weight", 0.0},
                                {"score_weight", 0.0},
                                {"log_diameter_weight", 0.0},
                                {"intensity_weights", {0, 0, 0, -1.0}}}}};
  auto read = withCandidateCalibration(candidate);
  ASSERT_TRUE(read.ok()) << read.error().message;
  const inference::ScoreCalibration& c = *read.value().candidateCalibration;
  ASSERT_TRUE(c.usesIntensity());
  const std::vector<double> intensity{0.4, 8.9, 0.5, 0.75};
  auto at = [&](double spacingMm) {
    inference::CandidateEvidence evidence(0.9, 6.0, {}, {}, spacingMm);
    evidence.intensity = intensity;
    return c.apply(evidence);
  };
  auto expected = [&](double spacingMm) {
    const double z = 0.5 * std::log(0.9 / 0.1) - 1.0 + 0.1 * 0.4 + 0.2 * 8.9 - 0.9 * 0.5 -
                     2.5 * 0.75 + std::log(spacingMm) * (-1.0 * 0.75);
    return 1.0 / (1.0 + std::exp(-z));
  };
  EXPECT_NEAR(at(1.25), expected(1.25), 1e-12);
  EXPECT_NEAR(at(3.0), expected(3.0), 1e-12);
  // Not measured (an older caller): no evidence either way.
  EXPECT_NEAR(c.apply({0.9, 6.0, {}, {}, 1.0}),
              1.0 / (1.0 + std::exp(-(0.5 * std::log(9.0) - 1.0))), 1e-12);
  auto again = ModelManifest::parse(read.value().toJson(), "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().candidateCalibration->intensityWeights, c.intensityWeights);
  EXPECT_EQ(again.value().candidateCalibration->sliceSpacing->intensityWeights,
            c.sliceSpacing->intensityWeights);
  EXPECT_NE(inference::modelCardText(read.value())
                .find("4 of the 4 measures of the image's intensity around the candidate (mean HU "
                      "inside it, its contrast with the shell around it, the spread of HU inside, "
                      "the share of lung around)"),
            std::string::npos)
      << inference::modelCardText(read.value());

  // A calibration that leaves a measure out (weight 0, alone and times the
  // spacing) does not claim it on the card.
  nlohmann::json withoutLung = candidate;
  withoutLung["intensity_weights"] = {0.1, 0.2, -0.9, 0.0};
  withoutLung["slice_spacing"]["intensity_weights"] = {0.3, 0, 0, 0};
  auto partial = withCandidateCalibration(withoutLung);
  ASSERT_TRUE(partial.ok()) << partial.error().message;
  const auto card = inference::modelCardText(partial.value());
  EXPECT_NE(card.find("3 of the 4 measures of the image's intensity"), std::string::npos) << card;
  EXPECT_EQ(card.find("share of lung"), std::string::npos) << card;

  nlohmann::json three = candidate;
  three["intensity_weights"] = {0.1, 0.2, 0.3};
  EXPECT_EQ(refusalOf(three),
            "m: field 'calibration.candidate.intensity_weights' must be 4 finite numbers, one "
            "per value of candidateIntensity");
  nlohmann::json alone = candidate;
  alone.erase("intensity_weights");
  EXPECT_EQ(refusalOf(alone),
            "m: field 'calibration.candidate.slice_spacing.intensity_weights' has 4 weights; "
            "the calibration weighs 0 intensity values");
  const nlohmann::json plain = {{"method", "platt"},
                                {"slope", 1.0},
                                {"intercept", 0.0},
                                {"intensity_weights", {0.1, 0.2, 0.3, 0.4}}};
  EXPECT_EQ(refusalOf(plain),
            "m: field 'calibration.candidate.intensity_weights' goes with the method "
            "'platt-shape' only");
}

TEST(CandidateIntensity, MeasuresTheCandidateAgainstWhatTouchesItAndTheLungAround) {
  // A nodule of 40 HU, 8.6 mm across, in lung of -850 HU, measured as an 8 mm
  // candidate, on thin and on 3 mm slices; then the same nodule near the chest
  // wall.
  auto phantom = [](core::Vec3 spacing, bool wall) {
    core::VolumeGeometry g;
    g.spacing = spacing;
    g.size = {std::size_t(std::lround(40 / spacing.x)), std::size_t(std::lround(40 / spacing.y)),
              std::size_t(std::lround(40 / spacing.z))};
    core::CtVolume volume(g, -850);
    for (std::size_t k = 0; k < g.size.k; ++k)
      for (std::size_t j = 0; j < g.size.j; ++j)
        for (std::size_t i = 0; i < g.size.i; ++i) {
          const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
          if (core::distance(p, {20.0, 20.0, 21.0}) <= 4.3 || (wall && p.x >= 25.0))
            volume.at(i, j, k) = 40;
        }
    return volume;
  };
  for (const core::Vec3 spacing : {core::Vec3{1.25, 1.25, 1.25}, core::Vec3{0.7, 0.7, 3.0}}) {
    const auto inLung = inference::candidateIntensity(phantom(spacing, false), {20, 20, 21}, 8.0);
    ASSERT_EQ(inLung.size(), std::size_t(inference::kIntensityValues));
    EXPECT_NEAR(inLung[0], 0.40, 1e-9);  // every voxel within 4 mm is nodule
    EXPECT_NEAR(inLung[2], 0.0, 1e-9);   // uniform inside
    // Against the shell at 4-8 mm: mostly lung, a rim of nodule.
    EXPECT_GT(inLung[1], 7.0);
    EXPECT_LT(inLung[1], 8.9);
    EXPECT_NEAR(inLung[3], 1.0, 1e-9);  // lung all round at 8-12 mm
    // Near the wall (5 mm from the centre): less lung around, less contrast.
    const auto atWall = inference::candidateIntensity(phantom(spacing, true), {20, 20, 21}, 8.0);
    EXPECT_LT(atWall[3], 0.85);
    EXPECT_GT(atWall[3], 0.5);
    EXPECT_LT(atWall[1], inLung[1]);
    // A small candidate is measured over 2 mm at least; on the nodule's
    // edge, half nodule and half lung, the spread shows.
    const auto onEdge = inference::candidateIntensity(phantom(spacing, false), {24, 20, 21}, 1.0);
    EXPECT_GT(onEdge[2], 1.0);
  }
  // Off the volume: the nearest voxels stand for it, every value finite.
  const auto outside =
      inference::candidateIntensity(phantom({1.25, 1.25, 1.25}, false), {-100, -100, -100}, 5.0);
  ASSERT_EQ(outside.size(), std::size_t(inference::kIntensityValues));
  EXPECT_NEAR(outside[0], -8.5, 1e-9);
  for (double v : outside) EXPECT_TRUE(std::isfinite(v));
  EXPECT_EQ(inference::candidateIntensity(core::CtVolume(), {0, 0, 0}, 5.0),
            std::vector<double>(inference::kIntensityValues, 0.0));
}

TEST(FundusPrediction, CalibrationMovesTheReferableProbabilityAndKeepsGradesSummingToOne) {
  test::TestFolder dir("fundus-calibrated");
  auto manifest = ModelManifest::load(kModels / "fundus-bundle" / "manifest.json");
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  inference::ScoreCalibration calibration;
  calibration.slope = 0.4;
  calibration.intercept = -0.8;
  manifest.value().referableCalibration = calibration;
  auto bundle = ModelBundle::create(kModels / "fundus.pt", manifest.value(), dir / "bundle");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  auto calibrated = inference::InferenceSession::create(bundle.value(), cpuOnly());
  ASSERT_TRUE(calibrated.ok()) << calibrated.error().message;
  auto plain = ModelBundle::open(kModels / "fundus-bundle");
  ASSERT_TRUE(plain.ok());
  auto raw = inference::InferenceSession::create(plain.value(), cpuOnly());
  ASSERT_TRUE(raw.ok());
  const auto images = fundusBatch({0.0, 0.25, 1.0});
  auto before = raw.value()->predictFundus(images, 3);
  auto after = calibrated.value()->predictFundus(images, 3);
  ASSERT_TRUE(before.ok() && after.ok());
  for (int i = 0; i < 3; ++i) {
    const auto& b = before.value()[i];
    const auto& a = after.value()[i];
    EXPECT_DOUBLE_EQ(a.rawReferableProbability, b.referableProbability);
    EXPECT_NEAR(a.referableProbability, calibration.apply(b.referableProbability), 1e-6);
    double total = 0;
    for (double p : a.gradeProbabilities) total += p;
    EXPECT_NEAR(total, 1.0, 1e-9);
    EXPECT_NEAR(a.referableProbability,
                a.gradeProbabilities[2] + a.gradeProbabilities[3] + a.gradeProbabilities[4], 1e-9);
    EXPECT_EQ(a.referable, a.referableProbability >= 0.5);
  }
  // The slope under 1 pulls a saturated score back from 1.00.
  EXPECT_LT(after.value()[2].referableProbability, before.value()[2].referableProbability);
}
