#pragma once

// What every command that runs a model shares: how it opens the model on
// the device the user asked for, and how it describes it in its JSON output
// (so that findings.json files from the CT and the fundus paths say the same).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

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
/// `threads` intra-op threads (0 keeps LibTorch's default).
inline core::Result<std::unique_ptr<inference::InferenceSession>> openSession(
    const inference::ModelBundle& bundle, bool cpuOnly, long long threads) {
  inference::SessionOptions options;
  options.preferCpu = cpuOnly;
  options.cpuThreads = static_cast<int>(threads);
  return inference::InferenceSession::create(bundle, options);
}

}  // namespace vigie::app::cli
