#include "BlindRead.h"

#include "TextFormat.h"

namespace vigie::app {
namespace {

std::string plural(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

BlindReadScore scoreBlindRead(const std::vector<core::Finding>& marks,
                              const std::optional<std::vector<core::Finding>>& aiFindings,
                              const std::vector<TruthNodule>& reference) {
  BlindReadScore score;
  score.reader = judgeCtMarks(marks, reference);
  if (aiFindings) score.ai = judgeCtMarks(*aiFindings, reference);
  score.reference = reference;
  return score;
}

std::string describeBlindRead(const BlindReadScore& score) {
  const CtCaseRead& r = score.reader;
  std::string text = "You found " + std::to_string(r.hits) + " of " +
                     plural(r.nodules, "nodule", "nodules") + ", with " +
                     plural(r.falsePositives, "false positive", "false positives") + ".";
  if (!r.missedLesions.empty()) {
    text += " Missed:";
    for (std::size_t i = 0; i < r.missedLesions.size(); ++i) {
      const int lesion = r.missedLesions[i];
      const TruthNodule& n = score.reference[static_cast<std::size_t>(lesion - 1)];
      text += std::string(i == 0 ? " " : "; ") + "nodule " + std::to_string(lesion) + " (" +
              formatFixed(n.diameterMm, 1) + " mm" + (n.type.empty() ? "" : " " + n.type) + " at " +
              formatPointMm(n.centerMm) + " mm)";
    }
    text += ".";
  }
  if (score.ai)
    text += " The AI found " + std::to_string(score.ai->hits) + " of " +
            std::to_string(score.ai->nodules) + ", with " +
            plural(score.ai->falsePositives, "false positive", "false positives") + ".";
  else
    text += " The AI has not run on this case.";
  return text;
}

}  // namespace vigie::app
