// vigie-cli analyze, and vigie-cli bundle create|info.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "../reading/CaseRegistration.h"
#include "../workflows/BundleOpening.h"
#include "../workflows/CtAnalysis.h"
#include "../workflows/InstallLayout.h"
#include "../workflows/SeriesChoice.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "CommandLine.h"
#include "ModelSupport.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/SegmentationWriter.h"
#include "vigie/imaging/dicom/SourceSeries.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/io/NiftiWriter.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"
#include "vigie/inference/ModelCardText.h"
#include "vigie/inference/MonaiImport.h"

namespace vigie::app::cli {
namespace {

int importMonaiBundle(CommandLine& cl, const char* usageText) {
  const auto out = cl.value("--out");
  if (!out) return usage("bundle import needs --out BUNDLE", usageText);
  inference::MonaiImportOptions options;
  if (cl.value("--channel")) {
    const auto channel = cl.integer("--channel", 1);
    if (!channel || *channel < 0 || *channel > 255)
      return usage("--channel takes 0 to 255", usageText);
    options.channel = static_cast<int>(*channel);
  }
  for (const auto& assignment : cl.values("--set")) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      return usage("--set takes ID=VALUE (an inference.json entry and a JSON value)", usageText);
    options.overrides[assignment.substr(0, eq)] = assignment.substr(eq + 1);
  }
  std::vector<std::string> notes;
  auto bundle = inference::importMonaiBundle(cl.positional()[1], *out, notes, options);
  if (!bundle.ok()) return fail(bundle.error().message);
  const auto& m = bundle.value().manifest();
  const auto& p = *m.monai;
  std::printf("imported %s %s (MONAI %s) as %s: task %s\n", p.bundleName.c_str(),
              p.bundleVersion.c_str(), p.monaiVersion.c_str(), m.id.c_str(),
              inference::toString(m.task));
  std::printf("  pre-processing: orientation RAS, %s, intensity [%g, %g] -> [%g, %g]%s\n",
              p.resample
                  ? ("spacing " + std::to_string(p.pixdim[0]) + " x " +
                     std::to_string(p.pixdim[1]) + " x " + std::to_string(p.pixdim[2]) + " mm")
                        .c_str()
                  : "the scan's own spacing",
              p.aMin, p.aMax, p.bMin, p.bMax, p.clip ? ", clipped" : "");
  for (const auto& note : notes) std::printf("  %s\n", note.c_str());
  std::printf("  written to %s (weights SHA-256 %s)\n", out->c_str(), m.weightsSha256.c_str());
  return 0;
}

}  // namespace

core::Result<nlohmann::json> writeCtResults(const std::filesystem::path& out,
                                            const imaging::DicomSeriesEntry& series,
                                            const CtAnalysis& a,
                                            const inference::InferenceSession& session,
                                            double loadSeconds) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, out.string() + ": " + ec.message());
  auto written = imaging::writeNiftiProbabilities(a.heatmap, out / "heatmap.nii.gz");
  if (!written.ok()) return written.error();
  if (!a.label.empty()) {
    // A segmentation model's label, as 0/1 voxels in the series' geometry.
    core::CtVolume label(a.label.geometry(), core::Uninitialized{});
    std::copy(a.label.data(), a.label.data() + a.label.voxelCount(), label.data());
    auto labelWritten = imaging::writeNifti(label, out / "label.nii.gz");
    if (!labelWritten.ok()) return labelWritten.error();
  }
  const auto& manifest = session.manifest();
  auto source = imaging::describeSourceSeries(series);
  if (!source.ok()) return source.error();
  imaging::ProducerIdentity producer{manifest.id, manifest.name, manifest.version, VIGIE_VERSION};
  auto seg = imaging::writeProbabilitySegmentation(source.value(), a.heatmap, producer,
                                                   out / "heatmap-seg.dcm");
  if (!seg.ok())
    std::fprintf(stderr, "vigie-cli: no heatmap SEG: %s\n", seg.error().message.c_str());
  std::optional<core::Result<imaging::WrittenSegmentation>> labelSeg;
  if (!a.label.empty()) {
    // The label as a binary SEG too, which a PACS viewer shows as an outline.
    labelSeg = imaging::writeLabelSegmentation(source.value(), a.label, a.labelName, producer,
                                               out / "label-seg.dcm");
    if (!labelSeg->ok())
      std::fprintf(stderr, "vigie-cli: no label SEG: %s\n", labelSeg->error().message.c_str());
  }

  const auto& device = session.device();
  nlohmann::json report;
  report["findings"] = nlohmann::json::array();
  for (const auto& f : a.findings) {
    nlohmann::json finding = {{"id", f.id},
                              {"score", f.score},
                              {"center_mm", toJson(f.centerMm)},
                              {"diameter_mm", f.diameterMm}};
    if (f.uncalibratedScore) finding["uncalibrated_score"] = *f.uncalibratedScore;
    report["findings"].push_back(std::move(finding));
  }
  report["model"] = describeModel(manifest);
  report["device"] = device.name;
  report["cpu_threads"] = device.cpuThreads;
  report["optimised_for_inference"] = session.optimized();
  report["threshold"] = a.threshold;
  report["scores_calibrated"] = manifest.candidateCalibration.has_value();
  report["lung_mask"] = describeLungMask(a);
  if (manifest.monai) {
    report["monai_bundle"] = {{"name", manifest.monai->bundleName},
                              {"version", manifest.monai->bundleVersion}};
    if (a.fromBoxes) report["heatmap_kind"] = "boxes drawn as ellipsoids filled with their score";
  }
  if (manifest.task == inference::ModelManifest::Task::CtSegmentation) {
    report["label"] = "label.nii.gz";
    report["label_volume_ml"] = a.labelVolumeMl;
    if (!a.labelName.empty()) report["label_name"] = a.labelName;
    if (labelSeg && labelSeg->ok()) report["label_seg"] = "label-seg.dcm";
  }
  if (!a.runNotes.empty()) report["run_notes"] = a.runNotes;
  if (a.candidatesClassified) {
    // The scores above are the classifier's; the heatmap's peaks chose the candidates.
    report["candidate_classifier"] = {{"finding_threshold", a.findingThreshold},
                                      {"candidates_below_it", a.belowFindingThreshold}};
  }
  const auto& g = a.heatmap.geometry();
  report["series"] = {{"study_uid", series.studyInstanceUid},
                      {"series_uid", series.seriesInstanceUid},
                      {"size", {g.size.i, g.size.j, g.size.k}},
                      {"spacing_mm", toJson(g.spacing)}};
  report["coordinates"] = "LPS patient coordinates, mm";
  report["heatmap"] = "heatmap.nii.gz";
  if (seg.ok()) report["heatmap_seg"] = "heatmap-seg.dcm";
  report["timing_s"] = {{"load", loadSeconds},
                        {"resample", a.resampleSeconds},
                        {"inference", a.inferenceSeconds},
                        {"postprocess", a.postprocessSeconds},
                        {"lung_mask", a.lungMaskSeconds},
                        {"candidate_classifier", a.classifierSeconds}};
  if (!a.passVoxelShares.empty()) report["pass_voxel_shares"] = a.passVoxelShares;
  if (auto written = writeJsonFile(out, "findings.json", report); !written.ok())
    return written.error();
  return report;
}

core::Result<std::filesystem::path> namedOrReferenceModel(const std::optional<std::string>& named,
                                                          const char* reference) {
  if (named) return resolveModel(*named, modelsDirectory());
  auto folder = resolveModel(reference, modelsDirectory());
  if (folder.ok())
    std::fprintf(stderr,
                 "vigie-cli: no --model: the shipped reference model %s (not for clinical "
                 "use; vigie-cli bundle info says what it learnt from)\n",
                 folder.value().string().c_str());
  return folder;
}

const char* referenceModelFor(const std::filesystem::path& path) {
  const auto photographs = imaging::listPhotographs(path);
  const bool plainPictures =
      std::any_of(photographs.begin(), photographs.end(),
                  [](const std::filesystem::path& f) { return f.extension() != ".dcm"; });
  if (plainPictures) return kReferenceFundusModel;
  if (photographs.empty()) return kReferenceCtModel;
  // DICOM files only: photographs unless a CT series is among them.
  auto scan = imaging::DicomScanner().scan(path);
  if (!scan.ok()) return kReferenceCtModel;  // the CT path reports the problem
  const bool ct =
      std::any_of(scan.value().series.begin(), scan.value().series.end(),
                  [](const imaging::DicomSeriesEntry& s) { return s.modality == "CT"; });
  return ct ? kReferenceCtModel : kReferenceFundusModel;
}

core::Status recordCtRun(const StoreTarget& target, const imaging::DicomSeriesEntry& series,
                         const std::string& source, const CtAnalysis& a,
                         const inference::InferenceSession& session) {
  auto registered = target.store.registerCase(ctCase(series, source, target.reader));
  if (!registered.ok()) return registered.error();
  const auto& manifest = session.manifest();
  core::ModelRun run;
  run.studyUid = series.studyInstanceUid;
  run.seriesUid = series.seriesInstanceUid;
  run.bundleId = manifest.id;
  run.bundleVersion = manifest.version;
  run.weightsSha256 = manifest.weightsSha256;
  run.device = session.device().name;
  run.durationSeconds = a.resampleSeconds + a.inferenceSeconds + a.postprocessSeconds +
                        a.lungMaskSeconds + a.classifierSeconds;
  run.reader = target.reader;
  run.findings = a.findings;
  auto recorded = target.store.recordModelRun(run);
  if (!recorded.ok()) return recorded.error();
  return {};
}

core::Status recordFundusRun(const StoreTarget& target, const std::filesystem::path& file,
                             const FundusAnalysis& a, const inference::InferenceSession& session,
                             double seconds) {
  auto record = photographCase(file, target.reader);
  if (!record.ok()) return record.error();
  auto registered = target.store.registerCase(record.value());
  if (!registered.ok()) return registered.error();
  const auto& manifest = session.manifest();
  const auto& p = a.prediction;
  core::FundusAiResult result;
  result.imageUid = record.value().caseUid;
  result.bundleId = manifest.id;
  result.bundleVersion = manifest.version;
  result.weightsSha256 = manifest.weightsSha256;
  result.device = session.device().name;
  result.durationSeconds = seconds;
  result.grade = p.grade;
  result.referableProbability = p.referableProbability;
  result.referable = p.referable;
  result.gradable = p.gradable;
  result.qualityScore = p.qualityScore;
  result.lesions = static_cast<int>(a.lesions.size());
  result.lesionRegions = lesionRegionsToKeep(a.lesions);
  result.reader = target.reader;
  auto recorded = target.store.recordFundusAiResult(result);
  if (!recorded.ok()) return recorded.error();
  return {};
}

int runAnalyze(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli analyze PATH --out DIR [--model BUNDLE|ID] [--series UID] [--cpu]\n"
      "                         [--threads N] [--threshold T] [--lung-mask on|off]\n"
      "                         [--store PATH --reader NAME] [--memory-budget MB]\n"
      "                         [--parallel-windows N]\n"
      "--model is a bundle (folder, zip, MONAI bundle) or the id of an installed one\n"
      "(vigie-ct-nodule-synth, vigie-fundus-dr); without it, the shipped reference model for\n"
      "what PATH holds: the DR model for photographs, the nodule model for CT.\n"
      "A fundus model (task fundus-dr-screening) runs over the photograph(s) at PATH (PNG,\n"
      "JPEG, TIFF or DICOM; a file or a folder) and writes DIR/findings.json (grade, referable\n"
      "probability, gradability, lesions) and the lesion heatmap(s) as PNG.\n"
      "Runs a CT detection model bundle over the largest CT series under PATH (or --series) and\n"
      "writes DIR/findings.json, DIR/heatmap.nii.gz (the probability map in the series'\n"
      "geometry) and DIR/heatmap-seg.dcm (the same map as a fractional DICOM SEG on the source "
      "slices).\n"
      "--lung-mask on|off keeps candidates to the lung fields, or not, whatever the manifest's\n"
      "input.lung_mask says. --parallel-windows N runs N batches of windows at once, the\n"
      "--threads shared between them (default 1: every thread on one batch; bench infer\n"
      "--layouts measures both).\n"
      "A MONAI bundle (folder, zip or exported model.ts) is imported on the fly into the user's\n"
      "cache: a detector's boxes become the findings (the heatmap draws them), a segmentation\n"
      "model writes its channel's probability as the heatmap and its label as DIR/label.nii.gz\n"
      "and DIR/label-seg.dcm (a binary DICOM SEG). A MONAI model's windows, and those of a\n"
      "model that fits its windows to the scan (the reference nodule model), shrink to fit\n"
      "--memory-budget MB (default: half the memory available), measured on a small window;\n"
      "fitted windows give the same findings whatever their size, only slower.\n"
      "With --store, the study (or each photograph) goes on that review store's worklist and\n"
      "the run with its findings is recorded (for review decide, export and the worklist's\n"
      "triage); --reader names who ran it (default vigie-cli).\n";
  CommandLine cl(args,
                 {"--model", "--out", "--series", "--threads", "--threshold", "--lung-mask",
                  "--store", "--reader", "--memory-budget", "--parallel-windows"},
                 {"--cpu", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1) return usage("analyze needs one PATH", kUsage);
  const auto out = cl.value("--out");
  if (!out) return usage("analyze needs --out DIR", kUsage);
  auto model = namedOrReferenceModel(cl.value("--model"), referenceModelFor(cl.positional()[0]));
  if (!model.ok()) return fail(model.error().message);
  const auto threads = cl.integer("--threads", 0);
  const auto threshold = cl.number("--threshold", -1.0);
  const auto memoryBudget = cl.integer("--memory-budget", 0);
  const auto parallelWindows = cl.integer("--parallel-windows", 1);
  if (!threads || !threshold || !memoryBudget || !parallelWindows) return usage(cl.error(), kUsage);
  if (*parallelWindows < 1) return usage("--parallel-windows takes a count (>= 1)", kUsage);
  if (*memoryBudget < 0) return usage("--memory-budget takes megabytes (> 0)", kUsage);
  const auto lungMask = lungMaskUse(cl.value("--lung-mask"));
  if (!lungMask) return usage("--lung-mask takes on or off", kUsage);

  auto bundle = openOrImportBundle(model.value(), defaultImportedBundleCache());
  if (!bundle.ok()) return fail(bundle.error().message);
  auto session =
      openSession(bundle.value(), cl.has("--cpu"), *threads, *memoryBudget, *parallelWindows);
  if (!session.ok()) return fail(session.error().message);
  std::unique_ptr<core::ReviewStore> store;
  if (auto storeFile = cl.value("--store")) {
    auto opened = core::ReviewStore::open(*storeFile);
    if (!opened.ok()) return fail(opened.error().message);
    store = std::move(opened.value());
  }
  std::optional<StoreTarget> target;
  if (store) target.emplace(StoreTarget{*store, cl.value("--reader").value_or("vigie-cli")});
  if (bundle.value().manifest().task == inference::ModelManifest::Task::FundusDrScreening)
    return runAnalyzeFundus(cl.positional()[0], *out, *session.value(),
                            target ? &*target : nullptr);

  auto start = std::chrono::steady_clock::now();
  auto scan = imaging::DicomScanner().scan(cl.positional()[0]);
  if (!scan.ok()) return fail(scan.error().message);
  const auto wanted = cl.value("--series");
  const imaging::DicomSeriesEntry* chosen = chooseSeries(scan.value(), wanted);
  if (!chosen)
    return fail(cl.positional()[0] + ": no CT series found" +
                (wanted ? " with UID " + *wanted : ""));
  auto loaded = imaging::CtVolumeLoader().load(*chosen);
  if (!loaded.ok()) return fail(scan.value().displayMessage(loaded.error().message));
  const double loadSeconds = secondsSince(start);

  CtAnalysisOptions options;
  options.thresholdOverride = *threshold;
  options.lungMask = *lungMask;
  auto analysis = analyzeCt(loaded.value().volume, *session.value(), options);
  if (!analysis.ok()) return fail(analysis.error().message);
  const CtAnalysis& a = analysis.value();

  auto results = writeCtResults(*out, *chosen, a, *session.value(), loadSeconds);
  if (!results.ok()) return fail(results.error().message);
  const auto& manifest = bundle.value().manifest();
  const auto& device = session.value()->device();
  if (target) {
    auto recorded =
        recordCtRun(*target, *chosen, caseSource(*chosen, cl.positional()[0]), a, *session.value());
    if (!recorded.ok()) return fail(recorded.error().message);
  }
  for (const auto& note : a.runNotes) std::printf("note: %s\n", note.c_str());
  if (manifest.task == inference::ModelManifest::Task::CtSegmentation) {
    std::printf("segmentation: %.1f ml labelled by %s on %s in %.1f s; results in %s\n",
                a.labelVolumeMl, manifest.id.c_str(), device.name.c_str(), a.inferenceSeconds,
                out->c_str());
    return 0;
  }
  std::printf("%zu findings (threshold %.2f) from %s on %s in %.1f s; results in %s\n",
              a.findings.size(), a.threshold, bundle.value().manifest().id.c_str(),
              device.name.c_str(),
              a.resampleSeconds + a.inferenceSeconds + a.postprocessSeconds + a.classifierSeconds,
              out->c_str());
  return 0;
}

int runBundle(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli bundle info BUNDLE [--json]\n"
      "       vigie-cli bundle create MODEL.pt --manifest TEMPLATE.json --out BUNDLE\n"
      "                               [--classifier CLASSIFIER.pt]\n"
      "       vigie-cli bundle import MONAI_BUNDLE_DIR|ZIP|model.ts --out BUNDLE [--channel N]\n"
      "                               [--set ID=VALUE]...\n"
      "info    validates a bundle (manifest fields, weights' SHA-256) and describes it\n"
      "create  packages a TorchScript file as a bundle: copies it, fills in weights.file and\n"
      "        weights.sha256 (the template may leave them as placeholders), writes\n"
      "        manifest.json; --classifier adds a CT model's candidate classifier the same way\n"
      "import  turns a MONAI Model Zoo bundle (detection or segmentation, with its TorchScript\n"
      "        models/model.ts) into a Vigie bundle that runs MONAI's pre- and post-processing;\n"
      "        --channel chooses a segmentation bundle's channel (default: the first that is\n"
      "        not the background); --set replaces an inference.json entry first, as MONAI's\n"
      "        command line does (e.g. --set whether_raw_luna16=true). What is supported:\n"
      "        docs/monai-bundles.md\n"
      "The manifest schema: docs/model-bundle.md\n";
  CommandLine cl(args, {"--manifest", "--out", "--classifier", "--channel", "--set"},
                 {"--json", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 2)
    return usage("bundle needs 'info BUNDLE', 'create MODEL.pt' or 'import MONAI_BUNDLE'", kUsage);
  const std::string verb = cl.positional()[0];
  if (verb == "import") return importMonaiBundle(cl, kUsage);
  if (verb == "info") {
    auto bundle = inference::ModelBundle::open(cl.positional()[1]);
    if (!bundle.ok()) return fail(bundle.error().message);
    const auto& m = bundle.value().manifest();
    if (cl.has("--json")) {
      std::cout << m.toJson() << '\n';
      return 0;
    }
    std::printf("%s %s (%s)\n  task %s, modality %s\n  weights %s, SHA-256 %s (verified)\n",
                m.name.c_str(), m.version.c_str(), m.id.c_str(), inference::toString(m.task),
                m.modality.c_str(), m.weightsFile.c_str(), m.weightsSha256.c_str());
    if (m.task == inference::ModelManifest::Task::CtNoduleDetection) {
      std::printf("  input: %.3g x %.3g x %.3g mm, window [%g, %g] HU\n", m.spacingMm[0],
                  m.spacingMm[1], m.spacingMm[2], m.intensityWindowHu[0], m.intensityWindowHu[1]);
      if (m.windowContextVoxels) {
        std::printf(
            "  windows fitted to each pass's volume: at most %lld voxels, sides multiples of %d, "
            "each voxel read at least %d voxels inside one\n",
            static_cast<long long>(m.windowMaxVoxels), m.windowMultiple, *m.windowContextVoxels);
      } else {
        std::printf("  windows of %d x %d x %d voxels overlapping by %.2f\n", m.patchSize[0],
                    m.patchSize[1], m.patchSize[2], m.overlap);
      }
      for (const std::string& axes : m.mirroredPasses)
        std::printf("  one more pass over the same windows mirrored along %s (the views' mean)\n",
                    axes.c_str());
      for (const auto& s : m.extraSpacingsMm) {
        std::printf("  one more pass at %.3g x %.3g x %.3g mm", s[0], s[1], s[2]);
        if (!m.windowContextVoxels)
          std::printf(", windows overlapping by %.2f", m.extraPassOverlap.value_or(m.overlap));
        std::printf(", over the lungs' box when the lung mask is on (each voxel: the higher)\n");
      }
      if (m.firstPassWithinLungs) std::printf("  the first pass, too, over the lungs' box\n");
      if (const auto& c = m.candidateClassifier) {
        std::printf("  candidate classifier %s, SHA-256 %s (verified), cube %d x %d x %d\n",
                    c->file.c_str(), c->sha256.c_str(), c->patchSize[0], c->patchSize[1],
                    c->patchSize[2]);
      }
    }
    std::printf("  clinical use: %s\n\n%s", m.clinicalUse ? "yes" : "NO (not for clinical use)",
                inference::modelCardText(m).c_str());
    return 0;
  }
  if (verb == "create") {
    const auto manifestFile = cl.value("--manifest");
    const auto out = cl.value("--out");
    if (!manifestFile || !out) return usage("bundle create needs --manifest and --out", kUsage);
    std::ifstream in(*manifestFile);
    if (!in) return fail(*manifestFile + ": cannot open");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The template's weights entry is filled in here, so placeholders are fine.
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(*manifestFile + ": not a JSON object");
    j["weights"] = {{"file", std::filesystem::path(cl.positional()[1]).filename().string()},
                    {"sha256", std::string(64, '0')}};
    const std::string classifier = cl.value("--classifier").value_or("");
    if (!classifier.empty()) {
      if (!j.contains("candidate_classifier") || !j["candidate_classifier"].is_object())
        j["candidate_classifier"] = {{"patch_size", {32, 32, 32}}};
      j["candidate_classifier"]["file"] = std::filesystem::path(classifier).filename().string();
      j["candidate_classifier"]["sha256"] = std::string(64, '0');
    }
    auto manifest = inference::ModelManifest::parse(j.dump(), *manifestFile);
    if (!manifest.ok()) return fail(manifest.error().message);
    auto bundle =
        inference::ModelBundle::create(cl.positional()[1], manifest.value(), *out, classifier);
    if (!bundle.ok()) return fail(bundle.error().message);
    std::printf("bundle %s written to %s (weights SHA-256 %s)\n",
                bundle.value().manifest().id.c_str(), out->c_str(),
                bundle.value().manifest().weightsSha256.c_str());
    return 0;
  }
  return usage("unknown bundle verb '" + verb + "'", kUsage);
}

}  // namespace vigie::app::cli
