// MONAI bundles: importing the Model Zoo's real configs, refusing what Vigie
// cannot run, and running detection and segmentation bundles MONAI's way on
// scans of different spacing and orientation. The networks are small fixed
// ones written by tests/data/make_monai_models.py around the real configs.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "TestFolder.h"
#include "vigie/core/Md5.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"
#include "vigie/inference/MonaiImport.h"
#include "vigie/inference/MonaiPreprocessing.h"

using namespace vigie;
using inference::ModelManifest;
using inference::MonaiPipeline;
using nlohmann::json;

namespace {

const std::filesystem::path kConfigs = std::filesystem::path(VIGIE_SOURCE_DIR) / "tests/data/monai";
const std::filesystem::path kFixtures = std::filesystem::path(VIGIE_TEST_MODELS) / "monai";

std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string config(const std::string& bundle, const std::string& file) {
  return readText(kConfigs / bundle / "configs" / file);
}

core::Result<ModelManifest> lungManifest(const std::string& inference,
                                         std::vector<std::string>* notes = nullptr) {
  inference::MonaiImportOptions options;
  options.overrides["whether_raw_luna16"] = "true";
  return inference::manifestFromMonaiConfigs(config("lung_nodule_ct_detection", "metadata.json"),
                                             inference, "lung", options, notes);
}

std::string lungInference() { return config("lung_nodule_ct_detection", "inference.json"); }

TEST(Md5, MatchesRfc1321TestSuite) {
  EXPECT_EQ(core::md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(core::md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(core::md5Hex(
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(MonaiImport, MapsTheLungDetectorConfigsAsMonaiReadsThem) {
  auto m = lungManifest(lungInference());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().task, ModelManifest::Task::CtNoduleDetection);
  ASSERT_TRUE(m.value().monai);
  const MonaiPipeline& p = *m.value().monai;
  EXPECT_EQ(p.family, MonaiPipeline::Family::Detection);
  EXPECT_EQ(p.bundleName, "Lung nodule CT detection");
  EXPECT_EQ(p.bundleVersion, "0.6.8");
  EXPECT_TRUE(p.resample);
  EXPECT_DOUBLE_EQ(p.pixdim[0], 0.703125);
  EXPECT_DOUBLE_EQ(p.pixdim[2], 1.25);
  EXPECT_DOUBLE_EQ(p.aMin, -1024.0);
  EXPECT_DOUBLE_EQ(p.aMax, 300.0);
  EXPECT_TRUE(p.clip);
  EXPECT_EQ(p.roiSize, (std::array<int, 3>{512, 512, 192}));
  EXPECT_DOUBLE_EQ(p.overlap, 0.25);
  EXPECT_EQ(p.swBatchSize, 1);
  EXPECT_FALSE(p.gaussianBlending);
  EXPECT_FALSE(p.forceSlidingWindow);
  EXPECT_EQ(p.sizeDivisible, (std::array<int, 3>{16, 16, 8}));
  EXPECT_EQ(p.featureMapScales, (std::vector<int>{1, 2, 4}));
  ASSERT_EQ(p.baseAnchorShapes.size(), 3u);
  EXPECT_EQ(p.baseAnchorShapes[1], (std::array<double, 3>{8, 6, 5}));
  EXPECT_DOUBLE_EQ(p.scoreThreshold, 0.02);
  EXPECT_EQ(p.topkPerLevel, 1000);
  EXPECT_DOUBLE_EQ(p.nmsThreshold, 0.22);
  EXPECT_EQ(p.detectionsPerImage, 300);
  EXPECT_DOUBLE_EQ(m.value().metrics.at("mAP_IoU_0.10_0.50_0.05_MaxDet_100"), 0.852);
  EXPECT_FALSE(m.value().clinicalUse);
  EXPECT_NE(m.value().intendedUse.find("not to be used for diagnostic"), std::string::npos);

  // As written, the config takes LUNA16 scans already resampled: Spacingd is
  // off, and the user is told so.
  std::vector<std::string> notes;
  auto asWritten = inference::manifestFromMonaiConfigs(
      config("lung_nodule_ct_detection", "metadata.json"), lungInference(), "lung", {}, &notes);
  ASSERT_TRUE(asWritten.ok()) << asWritten.error().message;
  EXPECT_FALSE(asWritten.value().monai->resample);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("Spacingd"), std::string::npos);
}

TEST(MonaiImport, MapsTheSpleenSegmentationConfigs) {
  auto m = inference::manifestFromMonaiConfigs(config("spleen_ct_segmentation", "metadata.json"),
                                               config("spleen_ct_segmentation", "inference.json"),
                                               "spleen");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().task, ModelManifest::Task::CtSegmentation);
  const MonaiPipeline& p = *m.value().monai;
  EXPECT_EQ(p.family, MonaiPipeline::Family::Segmentation);
  EXPECT_EQ(p.pixdim, (std::array<double, 3>{1.5, 1.5, 2.0}));
  EXPECT_DOUBLE_EQ(p.aMin, -57);
  EXPECT_DOUBLE_EQ(p.aMax, 164);
  EXPECT_EQ(p.roiSize, (std::array<int, 3>{96, 96, 96}));
  EXPECT_EQ(p.swBatchSize, 4);
  EXPECT_DOUBLE_EQ(p.overlap, 0.5);
  EXPECT_TRUE(p.softmax);
  EXPECT_EQ(p.channel, 1);
  EXPECT_EQ(m.value().labels, (std::vector<std::string>{"background", "spleen"}));
  // The manifest (with its monai section) survives writing and reading back.
  auto again = ModelManifest::parse(
      [&] {
        auto copy = m.value();
        copy.weightsFile = "model.ts";
        copy.weightsSha256 = std::string(64, 'a');
        return copy.toJson();
      }(),
      "round-trip");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().monai->roiSize, p.roiSize);
  EXPECT_EQ(again.value().monai->channel, 1);
  // Vigie's shifted, mirrored and magnified passes belong to its own sliding
  // window, not MONAI's inferer.
  auto parsedWith = [&](const std::function<void(ModelManifest&)>& set, const std::string& source) {
    auto copy = m.value();
    copy.weightsFile = "model.ts";
    copy.weightsSha256 = std::string(64, 'a');
    set(copy);
    return ModelManifest::parse(copy.toJson(), source);
  };
  auto shifted = parsedWith(
      [](ModelManifest& c) {
        c.windowShifts = {{0, 0, 0}, {2, 2, 2}};
      },
      "shifted");
  ASSERT_FALSE(shifted.ok());
  EXPECT_EQ(shifted.error().message,
            "shifted: field 'inference.window_shifts' does not apply to a model from a MONAI "
            "bundle, which runs MONAI's own inferer");
  auto mirrored = parsedWith([](ModelManifest& c) { c.mirroredPasses = {"x"}; }, "mirrored");
  ASSERT_FALSE(mirrored.ok());
  EXPECT_EQ(mirrored.error().message,
            "mirrored: field 'inference.mirrored_passes' does not apply to a model from a MONAI "
            "bundle, which runs MONAI's own inferer");
  auto magnified = parsedWith(
      [](ModelManifest& c) {
        c.extraSpacingsMm = {{1.0, 1.0, 1.0}};
      },
      "magnified");
  ASSERT_FALSE(magnified.ok());
  EXPECT_EQ(magnified.error().message,
            "magnified: field 'inference.extra_spacings_mm' does not apply to a model from a "
            "MONAI bundle, which runs MONAI's own inferer");
}

/// The spleen configs made binary as binary-label bundles are (one output
/// channel, no channel_def; Activationsd sigmoid, AsDiscreted threshold
/// 0.4), then `edit`ed: postprocessing#transforms#0 is the Activationsd,
/// #2 the AsDiscreted.
core::Result<ModelManifest> binaryManifest(const std::function<void(json&)>& edit = {},
                                           const inference::MonaiImportOptions& options = {}) {
  json metadata = json::parse(config("spleen_ct_segmentation", "metadata.json"));
  json& pred = metadata["network_data_format"]["outputs"]["pred"];
  pred["num_channels"] = 1;
  pred.erase("channel_def");
  json inference = json::parse(config("spleen_ct_segmentation", "inference.json"));
  json& post = inference["postprocessing"]["transforms"];
  post[0] = {{"_target_", "Activationsd"}, {"keys", "pred"}, {"sigmoid", true}};
  post[2] = {{"_target_", "AsDiscreted"}, {"keys", "pred"}, {"threshold", 0.4}};
  if (edit) edit(inference);
  return inference::manifestFromMonaiConfigs(metadata.dump(), inference.dump(), "binary", options);
}

TEST(MonaiImport, MapsSigmoidThresholdBundlesAndRefusesLabelRulesItCannotHonor) {
  auto m = binaryManifest();
  ASSERT_TRUE(m.ok()) << m.error().message;
  const MonaiPipeline& p = *m.value().monai;
  EXPECT_FALSE(p.softmax);
  ASSERT_TRUE(p.labelThreshold);
  EXPECT_DOUBLE_EQ(*p.labelThreshold, 0.4);
  EXPECT_EQ(p.channel, 0);  // the one channel there is, without a channel_def
  EXPECT_DOUBLE_EQ(m.value().threshold("label", 0.5), 0.4);
  // The threshold survives writing the manifest and reading it back, and the
  // spleen bundle's argmax does too.
  auto roundTrip = [](ModelManifest manifest) {
    manifest.weightsFile = "model.ts";
    manifest.weightsSha256 = std::string(64, 'a');
    return ModelManifest::parse(manifest.toJson(), "round-trip");
  };
  auto again = roundTrip(m.value());
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_TRUE(again.value().monai->labelThreshold);
  EXPECT_DOUBLE_EQ(*again.value().monai->labelThreshold, 0.4);
  EXPECT_FALSE(again.value().monai->softmax);
  auto spleen = inference::manifestFromMonaiConfigs(
      config("spleen_ct_segmentation", "metadata.json"),
      config("spleen_ct_segmentation", "inference.json"), "spleen");
  ASSERT_TRUE(spleen.ok()) << spleen.error().message;
  EXPECT_FALSE(spleen.value().monai->labelThreshold);
  auto spleenAgain = roundTrip(spleen.value());
  ASSERT_TRUE(spleenAgain.ok()) << spleenAgain.error().message;
  EXPECT_FALSE(spleenAgain.value().monai->labelThreshold);

  const auto refusal = [](const core::Result<ModelManifest>& r) {
    return r.ok() ? std::string("(imported)") : r.error().message;
  };
  const std::string both = refusal(
      binaryManifest([](json& j) { j["postprocessing"]["transforms"][2]["argmax"] = true; }));
  EXPECT_NE(both.find("postprocessing#transforms#2 (AsDiscreted)"), std::string::npos) << both;
  EXPECT_NE(both.find("argmax and a threshold"), std::string::npos) << both;

  const std::string outside = refusal(
      binaryManifest([](json& j) { j["postprocessing"]["transforms"][2]["threshold"] = 1.5; }));
  EXPECT_NE(outside.find("postprocessing#transforms#2#threshold"), std::string::npos) << outside;
  EXPECT_NE(outside.find("between 0 and 1"), std::string::npos) << outside;

  const std::string raw = refusal(
      binaryManifest([](json& j) { j["postprocessing"]["transforms"][0]["sigmoid"] = false; }));
  EXPECT_NE(raw.find("raw output"), std::string::npos) << raw;

  const std::string twoActivations = refusal(
      binaryManifest([](json& j) { j["postprocessing"]["transforms"][0]["softmax"] = true; }));
  EXPECT_NE(twoActivations.find("postprocessing#transforms#0 (Activationsd)"), std::string::npos)
      << twoActivations;

  inference::MonaiImportOptions secondChannel;
  secondChannel.channel = 1;
  const std::string channel = refusal(binaryManifest({}, secondChannel));
  EXPECT_NE(channel.find("1 output channel"), std::string::npos) << channel;
}

/// The lung config with one edit, as a user's bundle might have it.
std::string editedLung(const std::function<void(json&)>& edit) {
  json j = json::parse(lungInference());
  edit(j);
  return j.dump();
}

TEST(MonaiImport, RefusesWhatItCannotRunNamingTheEntry) {
  auto augmented = lungManifest(editedLung([](json& j) {
    j["preprocessing"]["transforms"].push_back({{"_target_", "RandFlipd"}, {"keys", "image"}});
  }));
  ASSERT_FALSE(augmented.ok());
  EXPECT_NE(augmented.error().message.find("preprocessing#transforms#7 (RandFlipd)"),
            std::string::npos)
      << augmented.error().message;

  auto python = lungManifest(
      editedLung([](json& j) { j["preprocessing"]["transforms"][4]["pixdim"] = "$[0.7] * 3"; }));
  ASSERT_FALSE(python.ok());
  EXPECT_NE(python.error().message.find("preprocessing#transforms#4#pixdim"), std::string::npos)
      << python.error().message;
  EXPECT_NE(python.error().message.find("Python expression"), std::string::npos);

  auto cycle = lungManifest(editedLung([](json& j) { j["num_classes"] = "@num_classes"; }));
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.error().message.find("never end"), std::string::npos) << cycle.error().message;

  auto otherOrientation = lungManifest(
      editedLung([](json& j) { j["preprocessing"]["transforms"][3]["axcodes"] = "LPS"; }));
  ASSERT_FALSE(otherOrientation.ok());
  EXPECT_NE(otherOrientation.error().message.find("Orientationd"), std::string::npos);

  auto anchors = lungManifest(editedLung([](json& j) {
    j["anchor_generator"]["_target_"] = "monai.apps.detection.utils.anchor_utils.AnchorGenerator";
  }));
  ASSERT_FALSE(anchors.ok());
  EXPECT_NE(anchors.error().message.find("AnchorGeneratorWithAnchorShape"), std::string::npos);

  auto unknownOp = lungManifest(editedLung(
      [](json& j) { j["detector_ops"].push_back("$@detector.set_cropped_inference(True)"); }));
  ASSERT_FALSE(unknownOp.ok());
  EXPECT_NE(unknownOp.error().message.find("detector_ops#3"), std::string::npos);

  // Nesting deeper than any config, which a recursive copy would overflow the stack on.
  auto deep = lungManifest("{\"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("nested more than 64 levels"), std::string::npos)
      << deep.error().message;

  for (const std::string& broken :
       {std::string("{"), std::string("[]"), std::string("{\"preprocessing\": 3}")}) {
    auto m = lungManifest(broken);
    ASSERT_FALSE(m.ok()) << broken;
    EXPECT_NE(m.error().message.find("lung/inference.json"), std::string::npos)
        << m.error().message;
  }
}

TEST(MonaiImport, ReadsFoldersZipsAndExportedTorchScriptAndChecksTheDownload) {
  test::TestFolder out("monai-import");
  std::vector<std::string> notes;
  auto folder = inference::importMonaiBundle(kFixtures / "lung-detector", out / "folder", notes);
  ASSERT_TRUE(folder.ok()) << folder.error().message;
  EXPECT_NE(std::find(notes.begin(), notes.end(), "md5 of models/model.ts matches large_files.yml"),
            notes.end());
  // What was imported opens as an ordinary Vigie bundle, provenance kept.
  auto reopened = inference::ModelBundle::open(out / "folder");
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(reopened.value().manifest().monai->sourceSha256,
            reopened.value().manifest().weightsSha256);
  const auto& limitations = reopened.value().manifest().card.knownLimitations;
  EXPECT_NE(std::find(limitations.begin(), limitations.end(),
                      "Licence of the bundle: Apache License Version 2.0, January 2004 (its "
                      "LICENSE file)"),
            limitations.end());

  auto zip = inference::importMonaiBundle(kFixtures / "spleen-segmenter.zip", out / "zip", notes);
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  EXPECT_EQ(zip.value().manifest().task, ModelManifest::Task::CtSegmentation);

  auto exported =
      inference::importMonaiBundle(kFixtures / "lung-detector-windows.ts", out / "ts", notes);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_TRUE(exported.value().manifest().monai->forceSlidingWindow);
  EXPECT_TRUE(inference::looksLikeMonaiBundle(kFixtures / "lung-detector-windows.ts"));
  EXPECT_TRUE(inference::looksLikeMonaiBundle(kFixtures / "lung-detector"));
  EXPECT_FALSE(inference::looksLikeMonaiBundle(out / "folder"));  // a Vigie bundle

  auto badMd5 =
      inference::importMonaiBundle(kFixtures / "lung-detector-bad-md5", out / "bad", notes);
  ASSERT_FALSE(badMd5.ok());
  EXPECT_NE(badMd5.error().message.find("md5"), std::string::npos);
  EXPECT_NE(badMd5.error().message.find("f5567e1c74b41964b2a0b19ea855f3b0"), std::string::npos);

  auto bare = inference::importMonaiBundle(kFixtures / "no-configs.ts", out / "bare", notes);
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.error().message.find("no-configs.ts"), std::string::npos);

  // An operator newer than LibTorch 1.13, named with the file and where its code calls it.
  auto newer = inference::importMonaiBundle(kFixtures / "new-operator.ts", out / "newer", notes);
  ASSERT_FALSE(newer.ok());
  const std::string& refusal = newer.error().message;
  EXPECT_NE(refusal.find("new-operator.ts: calls operator aten::scaled_dot_product_attention"),
            std::string::npos)
      << refusal;
  EXPECT_NE(refusal.find("code/__torch__.py, line"), std::string::npos) << refusal;
  EXPECT_FALSE(std::filesystem::exists(out / "newer"));

  // A bundle with the state dict only needs Python: say how to export it.
  std::filesystem::create_directories(out / "pt-only" / "models");
  std::filesystem::copy(kFixtures / "lung-detector" / "configs", out / "pt-only" / "configs");
  std::ofstream(out / "pt-only" / "models" / "model.pt") << "not torchscript";
  auto stateDict = inference::importMonaiBundle(out / "pt-only", out / "pt", notes);
  ASSERT_FALSE(stateDict.ok());
  EXPECT_NE(stateDict.error().message.find("ckpt_export"), std::string::npos);
}

/// A scan of air with a bright sphere (400 HU, radius `radiusMm`) at `center` (LPS mm).
core::CtVolume scanWithSphere(const core::VolumeGeometry& g, const core::Vec3& center,
                              double radiusMm, std::int16_t inside, std::int16_t outside) {
  core::CtVolume v(g, outside);
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i)
        if (core::distance(g.indexToPhysical({double(i), double(j), double(k)}), center) <=
            radiusMm)
          v.at(i, j, k) = inside;
  return v;
}

/// Scans stored three ways: axial, axial stored right-to-left and head-first
/// down, and sagittal; each with its own spacing.
std::vector<core::VolumeGeometry> scanGeometries() {
  core::VolumeGeometry axial;
  axial.size = {96, 96, 48};
  axial.spacing = {0.8, 0.8, 1.5};
  axial.origin = {-40, -30, -60};
  core::VolumeGeometry reversed;
  reversed.size = {80, 80, 40};
  reversed.spacing = {1.0, 1.0, 2.0};
  reversed.origin = {35, -30, 20};
  reversed.direction = {core::Vec3{-1, 0, 0}, core::Vec3{0, 1, 0}, core::Vec3{0, 0, -1}};
  core::VolumeGeometry sagittal;
  sagittal.size = {70, 60, 50};
  sagittal.spacing = {0.9, 1.1, 1.2};
  sagittal.origin = {10, -20, 30};
  sagittal.direction = {core::Vec3{0, 1, 0}, core::Vec3{0, 0, -1}, core::Vec3{-1, 0, 0}};
  return {axial, reversed, sagittal};
}

/// Where MONAI's grid index (x, y, z) lies in LPS for an axis-aligned scan,
/// worked out from MONAI's rules alone: after Orientationd("RAS") the first
/// voxel is the scan's corner with the least R, A and S (the most L, P and
/// least S in LPS), and Spacingd keeps that corner, stepping pixdim along R, A, S.
core::Vec3 monaiGridPoint(const core::VolumeGeometry& g, const std::array<double, 3>& pixdim,
                          const std::array<int, 3>& index) {
  core::Vec3 corner{-1e9, -1e9, 1e9};
  for (int c = 0; c < 8; ++c) {
    const core::Vec3 p =
        g.indexToPhysical({c & 1 ? double(g.size.i - 1) : 0.0, c & 2 ? double(g.size.j - 1) : 0.0,
                           c & 4 ? double(g.size.k - 1) : 0.0});
    corner = {std::max(corner.x, p.x), std::max(corner.y, p.y), std::min(corner.z, p.z)};
  }
  return corner + core::Vec3{-index[0] * pixdim[0], -index[1] * pixdim[1], index[2] * pixdim[2]};
}

/// A scan with structure everywhere (a ramp plus a pattern), so that any
/// misplaced voxel shows.
core::CtVolume patternedScan(const core::VolumeGeometry& g) {
  core::CtVolume v(g, 0);
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i)
        v.at(i, j, k) = static_cast<std::int16_t>(-1000 + 7 * i + 13 * j + 29 * k +
                                                  ((i * 31 + j * 17 + k * 11) % 97) * 3);
  return v;
}

TEST(MonaiPreprocessing, MatchesAReimplementationOfMonaiVoxelByVoxel) {
  auto geometries = scanGeometries();
  core::VolumeGeometry oblique;  // rotated 12 degrees about the patient's axis
  oblique.size = {40, 36, 20};
  oblique.spacing = {0.9, 0.9, 2.0};
  oblique.origin = {-15, 20, -35};
  const double c = std::cos(0.21), s = std::sin(0.21);
  oblique.direction = {core::Vec3{c, s, 0}, core::Vec3{-s, c, 0}, core::Vec3{0, 0, 1}};
  geometries.push_back(oblique);
  MonaiPipeline p;
  p.pixdim = {0.703125, 0.83, 1.25};
  p.aMin = -1000, p.aMax = 600, p.bMin = 0, p.bMax = 1, p.clip = true;
  int variant = 0;
  for (auto g : geometries) {
    SCOPED_TRACE("scan " + std::to_string(variant++));
    g.size = {std::min<std::size_t>(g.size.i, 40), std::min<std::size_t>(g.size.j, 36),
              std::min<std::size_t>(g.size.k, 24)};
    const auto scan = patternedScan(g);
    test::TestFolder dir("monai-preprocess");
    std::ofstream(dir / "scan.raw", std::ios::binary)
        .write(reinterpret_cast<const char*>(scan.data()),
               static_cast<std::streamsize>(scan.voxelCount() * sizeof(std::int16_t)));
    json meta = {{"size", {g.size.i, g.size.j, g.size.k}},
                 {"origin", {g.origin.x, g.origin.y, g.origin.z}},
                 {"spacing", {g.spacing.x, g.spacing.y, g.spacing.z}},
                 {"pixdim", p.pixdim},
                 {"a_min", p.aMin},
                 {"a_max", p.aMax},
                 {"b_min", p.bMin},
                 {"b_max", p.bMax},
                 {"clip", p.clip}};
    for (const auto& d : g.direction) meta["direction"].push_back({d.x, d.y, d.z});
    std::ofstream(dir / "scan.json") << meta.dump();
    const std::string command = std::string(VIGIE_PYTHON3) + " " + VIGIE_SOURCE_DIR +
                                "/tests/data/monai_preprocess_reference.py " + dir.path().string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    const json reference = json::parse(readText(dir / "reference.json"));

    const auto ours = inference::preprocessLikeMonai(scan, p);
    for (int a = 0; a < 3; ++a) ASSERT_EQ(ours.size[a], reference["shape"][a].get<std::int64_t>());
    for (int r = 0; r < 4; ++r)
      for (int c2 = 0; c2 < 4; ++c2)
        EXPECT_NEAR(ours.rasAffine[r][c2], reference["affine"][r][c2].get<double>(), 1e-9)
            << "affine[" << r << "][" << c2 << "]";
    std::vector<float> expected(ours.voxels.size());
    std::ifstream(dir / "reference.raw", std::ios::binary)
        .read(reinterpret_cast<char*>(expected.data()),
              static_cast<std::streamsize>(expected.size() * sizeof(float)));
    double worst = 0;
    std::size_t worstAt = 0;
    for (std::size_t n = 0; n < expected.size(); ++n) {
      const double d = std::fabs(double(ours.voxels[n]) - double(expected[n]));
      if (d > worst) worst = d, worstAt = n;
    }
    EXPECT_LT(worst, 1e-5) << "at voxel " << worstAt << " of " << expected.size();
  }
}

class MonaiRuntime : public ::testing::Test {
 protected:
  std::unique_ptr<inference::InferenceSession> import(
      const std::filesystem::path& source, const std::string& name,
      std::optional<std::size_t> memoryBudget = std::nullopt) {
    std::vector<std::string> notes;
    inference::MonaiImportOptions options;
    options.overrides["whether_raw_luna16"] = "true";
    auto bundle = inference::importMonaiBundle(source, out_ / name, notes, options);
    EXPECT_TRUE(bundle.ok()) << bundle.error().message;
    if (!bundle.ok()) return nullptr;
    inference::SessionOptions cpu;
    cpu.preferCpu = true;
    cpu.memoryBudgetBytes = memoryBudget;
    auto session = inference::InferenceSession::create(bundle.value(), cpu);
    EXPECT_TRUE(session.ok()) << session.error().message;
    return session.ok() ? std::move(session.value()) : nullptr;
  }
  test::TestFolder out_{"monai-runtime"};
};

TEST_F(MonaiRuntime, DetectorFindsThePlantedSphereWhereverTheScanIsStored) {
  for (const auto& [fixture, name] :
       {std::pair<const char*, const char*>{"lung-detector", "one-pass"},
        {"lung-detector-windows.ts", "sliding-windows"}}) {
    auto session = import(kFixtures / fixture, name);
    ASSERT_TRUE(session);
    const auto& pixdim = session->manifest().monai->pixdim;
    int variant = 0;
    for (const auto& geometry : scanGeometries()) {
      SCOPED_TRACE(std::string(name) + ", scan " + std::to_string(variant++));
      // On a grid point of level 0's stride (4, 4, 2), where the head's anchor sits.
      const core::Vec3 truth = monaiGridPoint(geometry, pixdim, {36, 40, 16});
      auto scan = scanWithSphere(geometry, truth, 2.5, 400, -1000);
      auto boxes = session->detectBoxes(scan);
      ASSERT_TRUE(boxes.ok()) << boxes.error().message;
      ASSERT_FALSE(boxes.value().empty());
      const auto& best = boxes.value().front();
      const double voxel = std::max({geometry.spacing.x, geometry.spacing.y, geometry.spacing.z});
      EXPECT_LE(core::distance(best.centerMm, truth), voxel)
          << "found at " << best.centerMm.x << ", " << best.centerMm.y << ", " << best.centerMm.z;
      EXPECT_GT(best.score, 0.9);
      // Zero regression: the box is anchor 0, 6 x 8 x 4 grid voxels.
      EXPECT_NEAR(best.sizeMm[0], 6 * pixdim[0], 1e-6);
      EXPECT_NEAR(best.sizeMm[1], 8 * pixdim[1], 1e-6);
      EXPECT_NEAR(best.sizeMm[2], 4 * pixdim[2], 1e-6);
      for (const auto& box : boxes.value())
        if (box.score > 0.5) {
          EXPECT_LE(core::distance(box.centerMm, truth), 4.0);
        }
    }
  }
}

TEST_F(MonaiRuntime, DetectorShrinksItsWindowsToFitTheMemoryBudget) {
  // One pass over this scan's 208x208x104 padded grid is what the bundle
  // asks; 16 MB is far less than that pass takes.
  core::VolumeGeometry geometry;
  geometry.size = {200, 200, 100};
  geometry.spacing = {0.703125, 0.703125, 1.25};  // the bundle's own: no resampling
  geometry.origin = {-70, -70, -60};
  auto roomy = import(kFixtures / "lung-detector", "roomy");
  auto tight = import(kFixtures / "lung-detector", "tight", std::size_t{16} << 20);
  ASSERT_TRUE(roomy && tight);
  const auto& pixdim = tight->manifest().monai->pixdim;
  const core::Vec3 truth = monaiGridPoint(geometry, pixdim, {100, 104, 52});
  const auto scan = scanWithSphere(geometry, truth, 2.5, 400, -1000);

  auto asked = roomy->detectBoxes(scan);
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  EXPECT_TRUE(roomy->lastRunNotes().empty());  // the machine has room for one pass

  auto fitted = tight->detectBoxes(scan);
  ASSERT_TRUE(fitted.ok()) << fitted.error().message;
  ASSERT_EQ(tight->lastRunNotes().size(), 1u);
  const std::string& note = tight->lastRunNotes().front();
  EXPECT_NE(note.find("instead of 208x208x104"), std::string::npos) << note;
  EXPECT_NE(note.find("bytes per voxel, measured"), std::string::npos) << note;
  // The same sphere, found where it is, through many small windows.
  ASSERT_FALSE(fitted.value().empty());
  EXPECT_LE(core::distance(fitted.value().front().centerMm, truth), pixdim[2]);
  EXPECT_NEAR(fitted.value().front().score, asked.value().front().score, 1e-3);
}

TEST_F(MonaiRuntime, SegmenterLabelsTheSphereOnTheScansOwnVoxels) {
  auto session = import(kFixtures / "spleen-segmenter", "spleen");
  ASSERT_TRUE(session);
  auto geometries = scanGeometries();
  core::VolumeGeometry large;  // wider than one 96-voxel window at 1.5 mm: several windows
  large.size = {200, 180, 40};
  large.spacing = {1.0, 1.0, 2.5};
  large.origin = {-100, -90, 0};
  geometries.push_back(large);
  int variant = 0;
  for (const auto& geometry : geometries) {
    SCOPED_TRACE("scan " + std::to_string(variant++));
    const core::Vec3 center = geometry.indexToPhysical(
        {geometry.size.i * 0.6, geometry.size.j * 0.45, geometry.size.k * 0.5});
    const double radius = 12.0;
    auto scan = scanWithSphere(geometry, center, radius, 150, 0);
    auto segmented = session->segment(scan);
    ASSERT_TRUE(segmented.ok()) << segmented.error().message;
    const auto& label = segmented.value().label;
    ASSERT_EQ(label.size(), scan.size());
    std::size_t inside = 0, agree = 0;
    for (std::size_t n = 0; n < scan.voxelCount(); ++n) {
      inside += label.data()[n];
      agree += (label.data()[n] == 1) == (scan.data()[n] == 150);
    }
    const double ml = double(inside) * geometry.voxelVolume() / 1000.0;
    const double truthMl = 4.0 / 3.0 * M_PI * radius * radius * radius / 1000.0;
    EXPECT_NEAR(ml, truthMl, 0.2 * truthMl);
    EXPECT_GT(double(agree) / double(scan.voxelCount()), 0.99);
    const core::Vec3 c = geometry.physicalToIndex(center);
    EXPECT_GT(segmented.value().probability.at(std::size_t(std::lround(c.x)),
                                               std::size_t(std::lround(c.y)),
                                               std::size_t(std::lround(c.z))),
              0.9f);
    EXPECT_LT(segmented.value().probability.at(0, 0, 0), 0.1f);
  }
}

TEST_F(MonaiRuntime, SigmoidSegmenterLabelsWhatItsThresholdKeeps) {
  auto session = import(kFixtures / "binary-segmenter", "binary");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->manifest().monai->channel, 0);
  const core::VolumeGeometry geometry = scanGeometries().front();
  const core::Vec3 bright = geometry.indexToPhysical({30, 48, 24});
  const core::Vec3 dim = geometry.indexToPhysical({68, 48, 24});
  const double radius = 10.0;
  // 150 HU scales to 0.94, a probability near 1; 51 HU to 0.489, a
  // probability of 0.44: labelled at the bundle's 0.4, as MONAI would, not
  // at 0.5. Air (0 HU here) is near 0.
  auto scan = scanWithSphere(geometry, bright, radius, 150, 0);
  const auto withDim = scanWithSphere(geometry, dim, radius, 51, 0);
  for (std::size_t n = 0; n < scan.voxelCount(); ++n)
    if (withDim.data()[n] == 51) scan.data()[n] = 51;
  auto segmented = session->segment(scan);
  ASSERT_TRUE(segmented.ok()) << segmented.error().message;
  const auto& label = segmented.value().label;
  std::size_t agree = 0;
  for (std::size_t n = 0; n < scan.voxelCount(); ++n)
    agree += (label.data()[n] == 1) == (scan.data()[n] != 0);
  EXPECT_GT(double(agree) / double(scan.voxelCount()), 0.99);
  auto at = [&](const core::Vec3& p) {
    const core::Vec3 c = geometry.physicalToIndex(p);
    return std::array<std::size_t, 3>{std::size_t(std::lround(c.x)), std::size_t(std::lround(c.y)),
                                      std::size_t(std::lround(c.z))};
  };
  const auto b = at(bright), d = at(dim);
  EXPECT_EQ(label.at(b[0], b[1], b[2]), 1);
  EXPECT_EQ(label.at(d[0], d[1], d[2]), 1);
  EXPECT_EQ(label.at(0, 0, 0), 0);
  EXPECT_NEAR(segmented.value().probability.at(d[0], d[1], d[2]), 0.444f, 0.01f);
  EXPECT_GT(segmented.value().probability.at(b[0], b[1], b[2]), 0.99f);
  EXPECT_LT(segmented.value().probability.at(0, 0, 0), 0.01f);
}

TEST_F(MonaiRuntime, SegmenterShrinksItsWindowsToFitTheMemoryBudget) {
  // The bundle asks for four 96x96x96 windows at a time; 16 MB holds far
  // fewer voxels of a 16-channel first stage.
  core::VolumeGeometry geometry;
  geometry.size = {120, 120, 60};
  geometry.spacing = {1.5, 1.5, 2.0};  // the bundle's own
  geometry.origin = {-90, -90, -60};
  auto roomy = import(kFixtures / "spleen-segmenter-hungry", "roomy-segmenter");
  auto tight =
      import(kFixtures / "spleen-segmenter-hungry", "tight-segmenter", std::size_t{16} << 20);
  ASSERT_TRUE(roomy && tight);
  const auto scan = scanWithSphere(geometry, geometry.indexToPhysical({70, 50, 30}), 15.0, 150, 0);

  auto asked = roomy->segment(scan);
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  EXPECT_TRUE(roomy->lastRunNotes().empty());  // the machine has room for the bundle's plan

  auto fitted = tight->segment(scan);
  ASSERT_TRUE(fitted.ok()) << fitted.error().message;
  ASSERT_EQ(tight->lastRunNotes().size(), 1u);
  const std::string& note = tight->lastRunNotes().front();
  EXPECT_NE(note.find("instead of 96x96x96"), std::string::npos) << note;
  EXPECT_NE(note.find("4 at a time"), std::string::npos) << note;
  EXPECT_NE(note.find("bytes per voxel, measured"), std::string::npos) << note;
  // The same label through many small windows: the network is voxel-wise.
  std::size_t differ = 0, inside = 0;
  for (std::size_t n = 0; n < scan.voxelCount(); ++n) {
    differ += asked.value().label.data()[n] != fitted.value().label.data()[n];
    inside += fitted.value().label.data()[n];
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_GT(inside, 1000u);
}

TEST_F(MonaiRuntime, RefusesTheWrongFamilyAndEmptyScans) {
  auto session = import(kFixtures / "spleen-segmenter", "spleen-wrong");
  ASSERT_TRUE(session);
  core::VolumeGeometry g;
  g.size = {8, 8, 8};
  auto boxes = session->detectBoxes(core::CtVolume(g, 0));
  ASSERT_FALSE(boxes.ok());
  EXPECT_NE(boxes.error().message.find("not a MONAI detection bundle"), std::string::npos);
  auto empty = session->segment(core::CtVolume{});
  EXPECT_FALSE(empty.ok());
}

}  // namespace
