#include "ReviewRecords.h"

namespace vigie::app {
namespace {

/// Moves a read's rows into `into`; its error otherwise.
template <typename Rows>
core::Status take(core::Result<Rows> read, Rows& into) {
  if (!read.ok()) return read.error();
  into = std::move(read.value());
  return {};
}

}  // namespace

core::Result<ReviewRecords> readReviewRecords(const core::ReviewStore& store) {
  ReviewRecords r;
  for (auto status :
       {take(store.cases(), r.cases), take(store.allModelRuns(), r.modelRuns),
        take(store.allFundusAiResults(), r.fundusResults), take(store.allDecisions(), r.decisions),
        take(store.allFundusGrades(), r.grades), take(store.allCaseEvents(), r.events),
        take(store.siteSettings(), r.settings), take(store.allComments(), r.comments)}) {
    if (!status.ok()) return status.error();
  }
  for (const char* action : {"study opened", "photograph opened"}) {
    auto entries = store.auditEntries(action);
    if (!entries.ok()) return entries.error();
    r.openings.insert(r.openings.end(), entries.value().begin(), entries.value().end());
  }
  return r;
}

}  // namespace vigie::app
