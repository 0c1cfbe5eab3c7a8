#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ReaderStatistics.h"

namespace vigie::app {

/// A resident's blind read of a CT case (educational mode), once revealed:
/// their marks and the AI's findings, each judged against the reference as
/// `review stats` judges them.
struct BlindReadScore {
  CtCaseRead reader;
  std::optional<CtCaseRead> ai;  ///< absent when the AI has not run on the case
  std::vector<TruthNodule> reference;
};

/// Scores a blind read: `marks` the reader's (judgeCtMarks), `aiFindings`
/// the model's latest run on the case (none: the AI has not run).
BlindReadScore scoreBlindRead(const std::vector<core::Finding>& marks,
                              const std::optional<std::vector<core::Finding>>& aiFindings,
                              const std::vector<TruthNodule>& reference);

}  // namespace vigie::app
