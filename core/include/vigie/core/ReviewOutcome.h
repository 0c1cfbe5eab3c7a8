#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Finding.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::core {

/// Where a finding stands once every reader decision on it is applied.
enum class ReviewState {
  Pending,    ///< nobody has decided yet
  Confirmed,  ///< a reader agreed with the model
  Rejected,   ///< a reader judged it a false positive
  Edited,     ///< a reader confirmed it with a corrected centre or diameter
  Added,      ///< a reader's own finding, one the model missed
};
const char* toString(ReviewState state);  ///< "pending", "confirmed", ...

/// A finding as the review left it: the model's proposal (if any) with the
/// latest decision applied.
struct ReviewedFinding {
  int id = 0;
  std::optional<double> modelScore;  ///< absent for a reader's own finding
  Vec3 centerMm;                     ///< LPS mm, after any edit
  double diameterMm = 0.0;           ///< after any edit
  ReviewState state = ReviewState::Pending;
  std::string reader;     ///< who made the latest decision (empty when pending)
  std::string decidedAt;  ///< when (UTC, ISO 8601)
  std::string note;       ///< the latest annotation or decision note
  std::string category;   ///< the latest annotation category

  /// Confirmed, edited and added findings are the ones the reader stands behind.
  bool acceptedByReader() const {
    return state == ReviewState::Confirmed || state == ReviewState::Edited ||
           state == ReviewState::Added;
  }
};

/// Applies a study's decision history (oldest first, as ReviewStore gives it)
/// to a model's findings. Model findings keep their order; the reader's own
/// findings follow in the order they were added. Decisions on ids that are
/// neither the model's nor added are ignored (they belong to another run).
std::vector<ReviewedFinding> applyDecisions(const std::vector<Finding>& modelFindings,
                                            const std::vector<Decision>& history);

}  // namespace vigie::core
