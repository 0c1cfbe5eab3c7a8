#pragma once

#include <optional>
#include <string>
#include <vector>

#include "DoubleReading.h"
#include "NoduleEvaluation.h"
#include "ReadingReference.h"
#include "ReviewRecords.h"
#include "vigie/core/Result.h"

namespace vigie::app {

/// What one reader did with one finding: confirm, reject, edit, annotate,
/// add, or "" (no decision).
struct ReaderCall {
  std::string reader;
  std::string call;
  std::optional<core::Vec3> centerMm;  ///< where an edit or an addition put it
  /// The reference nodule the reader's mark lies on (at `centerMm` when the
  /// reader moved it), 0 on none; -1 without a reference.
  int lesion = -1;
  std::string note;
};

/// One finding of a case, the AI's or a reader's own, side by side.
struct FindingReview {
  int findingId = 0;
  bool fromAi = true;
  std::string addedBy;  ///< the reader who added it (fromAi false)
  double score = 0.0;   ///< the AI's; 0 for a reader's own finding
  core::Vec3 centerMm;
  double diameterMm = 0.0;
  /// The reference nodule it lies on (1-based), 0 on none; -1 without a reference.
  int lesion = -1;
  std::vector<ReaderCall> calls;  ///< one per reader of the case, in reading order
  /// Readers' calls differ, or a call goes against the reference (a false
  /// positive kept, a nodule rejected).
  bool disputed = false;
  std::vector<core::CaseComment> comments;
};

/// One reference nodule and who found it.
struct LesionReview {
  int lesion = 0;  ///< 1-based
  TruthNodule nodule;
  bool foundByAi = false;
  std::vector<std::string> foundBy, missedBy;  ///< readers
};

/// A case as a trainer reviews it: the model's findings, each reader's
/// decisions and the reference side by side (CT), or the model's answer,
/// every grade and the reference grade (a photograph); the comments.
struct CaseReview {
  core::CaseRecord record;
  std::vector<std::string> readers;  ///< who read it, in the order they first did
  bool hasReference = false;
  std::vector<FindingReview> findings;  ///< the AI's by id, then readers' own
  std::vector<LesionReview> lesions;
  std::optional<core::FundusAiResult> fundusAi;
  std::vector<core::FundusGrade> grades;  ///< every grade, oldest first
  std::optional<ReferenceGrade> referenceGrade;
  std::optional<GradingStatus> grading;     ///< under the site's double reading
  std::vector<core::CaseComment> comments;  ///< on the whole case
};

/// The review of one registered case; `reference` may be null. An error
/// names a case the store does not know.
core::Result<CaseReview> reviewCase(const ReviewRecords& records, const ReadingReference* reference,
                                    const std::string& caseUid);

}  // namespace vigie::app
