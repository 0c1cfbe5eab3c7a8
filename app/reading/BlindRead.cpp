#include "BlindRead.h"

namespace vigie::app {

BlindReadScore scoreBlindRead(const std::vector<core::Finding>& marks,
                              const std::optional<std::vector<core::Finding>>& aiFindings,
                              const std::vector<TruthNodule>& reference) {
  BlindReadScore score;
  score.reader = judgeCtMarks(marks, reference);
  if (aiFindings) score.ai = judgeCtMarks(*aiFindings, reference);
  score.reference = reference;
  return score;
}

}  // namespace vigie::app
