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

/// What the reveal tells the reader, e.g. "You found 2 of 3 nodules, with 1
/// false positive; missed: nodule 3 (6.2 mm at -40.1, 12.0, 88.5 mm). The
/// AI found 3 of 3, with 4 false positives."
std::string describeBlindRead(const BlindReadScore& score);

}  // namespace vigie::app
