#pragma once

// How every command that runs a model describes it in its JSON output, so
// that findings.json files from the CT and the fundus paths say the same.

#include <nlohmann/json.hpp>

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

}  // namespace vigie::app::cli
