#include "vigie/core/ReviewOutcome.h"

#include <map>

namespace vigie::core {

const char* toString(ReviewState state) {
  switch (state) {
    case ReviewState::Pending:
      return "pending";
    case ReviewState::Confirmed:
      return "confirmed";
    case ReviewState::Rejected:
      return "rejected";
    case ReviewState::Edited:
      return "edited";
    case ReviewState::Added:
      return "added";
  }
  return "pending";
}

std::vector<ReviewedFinding> applyDecisions(const std::vector<Finding>& modelFindings,
                                            const std::vector<Decision>& history) {
  std::vector<ReviewedFinding> out;
  std::map<int, std::size_t> indexOfId;
  for (const Finding& f : modelFindings) {
    ReviewedFinding r;
    r.id = f.id;
    r.modelScore = f.score;
    r.centerMm = f.centerMm;
    r.diameterMm = f.diameterMm;
    indexOfId[f.id] = out.size();
    out.push_back(r);
  }
  for (const Decision& d : history) {
    auto found = indexOfId.find(d.findingId);
    if (d.kind == DecisionKind::Add && found == indexOfId.end()) {
      ReviewedFinding r;
      r.id = d.findingId;
      r.state = ReviewState::Added;
      found = indexOfId.emplace(d.findingId, out.size()).first;
      out.push_back(r);
    }
    if (found == indexOfId.end()) continue;
    ReviewedFinding& r = out[found->second];
    if (d.centerMm) r.centerMm = *d.centerMm;
    if (d.diameterMm) r.diameterMm = *d.diameterMm;
    switch (d.kind) {
      case DecisionKind::Confirm:
        r.state = ReviewState::Confirmed;
        break;
      case DecisionKind::Reject:
        r.state = ReviewState::Rejected;
        break;
      case DecisionKind::Edit:
        // An edit of the reader's own finding keeps it the reader's.
        if (r.state != ReviewState::Added) r.state = ReviewState::Edited;
        break;
      case DecisionKind::Annotate:  // a comment does not change the verdict
      case DecisionKind::Add:
        break;
    }
    if (d.kind == DecisionKind::Annotate && !d.category.empty()) r.category = d.category;
    if (!d.note.empty()) r.note = d.note;
    r.reader = d.reader;
    r.decidedAt = d.recordedAt;
  }
  return out;
}

}  // namespace vigie::core
