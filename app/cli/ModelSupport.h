#pragma once

// What every command that runs a model shares: how it opens the model on
// the device the user asked for, and how it describes it in its JSON output
// (so that findings.json files from the CT and the fundus paths say the same).

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../workflows/BundleOpening.h"
#include "../workflows/CtAnalysis.h"
#include "../workflows/FundusAnalysis.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"
#include "vigie/inference/ModelManifest.h"

namespace vigie::app::cli {

inline nlohmann::json describeModel(const inference::ModelManifest& m) {
  return {{"id", m.id},
          {"name", m.name},
          {"version", m.version},
          {"task", inference::toString(m.task)},
          {"weights_sha256", m.weightsSha256},
          {"intended_use", m.intendedUse},
          {"training_data", m.trainingData},
          {"clinical_use", m.clinicalUse}};
}

/// A session on the bundle at `folder`: the CPU only when `cpuOnly`, with
/// `threads` intra-op threads (0 keeps LibTorch's default) shared by
/// `parallelWindows` batches of windows in flight and, when `memoryBudgetMb`
/// > 0, that much memory for a MONAI detector's windows.
inline core::Result<std::unique_ptr<inference::InferenceSession>> openSession(
    const inference::ModelBundle& bundle, bool cpuOnly, long long threads,
    long long memoryBudgetMb = 0, long long parallelWindows = 1) {
  inference::SessionOptions options;
  options.preferCpu = cpuOnly;
  options.cpuThreads = static_cast<int>(threads);
  options.parallelWindows = static_cast<int>(parallelWindows);
  if (memoryBudgetMb > 0)
    options.memoryBudgetBytes = static_cast<std::size_t>(memoryBudgetMb) * 1024 * 1024;
  return inference::InferenceSession::create(bundle, options);
}

/// `--lung-mask on|off`: on or off whatever the manifest says; absent, the
/// manifest decides. Nothing when the value is neither.
inline std::optional<LungMaskUse> lungMaskUse(const std::optional<std::string>& value) {
  if (!value) return LungMaskUse::AsManifestSays;
  if (*value == "on") return LungMaskUse::Always;
  if (*value == "off") return LungMaskUse::Never;
  return std::nullopt;
}

/// What findings.json and metrics.json say about the lung mask.
inline nlohmann::json describeLungMask(const CtAnalysis& a) {
  nlohmann::json j = {{"applied", a.lungMaskApplied}};
  if (a.lungMaskApplied) {
    j["lung_volume_ml"] = a.lungVolumeMl;
    j["candidates_removed"] = a.outsideLungs.size();
    j["seconds"] = a.lungMaskSeconds;
  }
  if (!a.lungMaskProblem.empty()) j["problem"] = a.lungMaskProblem;
  return j;
}

/// Writes what `vigie-cli analyze` leaves for a CT series into `out` (created
/// when missing): heatmap.nii.gz, label.nii.gz for a segmentation model,
/// heatmap-seg.dcm (a warning, not a failure, when the SEG cannot be made) and
/// findings.json, whose content it returns.
core::Result<nlohmann::json> writeCtResults(const std::filesystem::path& out,
                                            const imaging::DicomSeriesEntry& series,
                                            const CtAnalysis& a,
                                            const inference::InferenceSession& session,
                                            double loadSeconds);

/// findings.json's entry for one photograph: grade, referable probability,
/// gradability, quality and lesion regions.
nlohmann::json describeFundusAnalysis(const FundusAnalysis& a);

/// The model a command runs: the one named by --model (a path, or an
/// installed bundle's id), else the shipped reference bundle `reference`
/// (kReferenceCtModel, kReferenceFundusModel), said on stderr.
core::Result<std::filesystem::path> namedOrReferenceModel(const std::optional<std::string>& named,
                                                          const char* reference);

/// The shipped reference bundle for what PATH holds: the DR model for
/// photographs (and no CT series), else the CT model.
const char* referenceModelFor(const std::filesystem::path& path);

/// Where a model command records what it found (--store): the review store
/// and who ran the model. The worklist then lists the study or photograph.
struct StoreTarget {
  core::ReviewStore& store;
  std::string reader;
};

/// Registers the CT study `series` is in (`source`: where it opens from, see
/// caseSource; may be empty) and records the run with its findings.
core::Status recordCtRun(const StoreTarget& target, const imaging::DicomSeriesEntry& series,
                         const std::string& source, const CtAnalysis& a,
                         const inference::InferenceSession& session);

/// Registers the photograph `file` and records the model's answer on it.
core::Status recordFundusRun(const StoreTarget& target, const std::filesystem::path& file,
                             const FundusAnalysis& a, const inference::InferenceSession& session,
                             double seconds);

}  // namespace vigie::app::cli
