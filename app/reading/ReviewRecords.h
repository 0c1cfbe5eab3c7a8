#pragma once

#include <map>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::app {

/// The review store's records, read once, for the views built from all of
/// them (the worklist, reader statistics). Each list is oldest first.
struct ReviewRecords {
  std::vector<core::CaseRecord> cases;
  std::vector<core::ModelRun> modelRuns;
  std::vector<core::FundusAiResult> fundusResults;
  std::vector<core::Decision> decisions;
  std::vector<core::FundusGrade> grades;
  std::vector<core::CaseEvent> events;
  std::map<std::string, std::string> settings;  ///< the site settings in force
  std::vector<core::CaseComment> comments;
  /// When a reader opened a case in the window (the audit's "study opened"
  /// and "photograph opened" entries): where the time spent on it starts.
  std::vector<core::AuditEntry> openings;
};

core::Result<ReviewRecords> readReviewRecords(const core::ReviewStore& store);

}  // namespace vigie::app
