#pragma once

#include <memory>
#include <string>

#include "../reading/CaseReview.h"
#include "CommandLine.h"
#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::app::cli {

/// A case as a trainer's command sees it: the store (--store) and the
/// case's review against the reference (--reference, when given).
struct OpenedCase {
  std::unique_ptr<core::ReviewStore> store;
  CaseReview review;
};

/// Opens the store and reviews `caseUid`; the error names a reference that
/// cannot be read or a case the store does not know.
core::Result<OpenedCase> openCaseReview(const CommandLine& cl, const std::string& caseUid);

}  // namespace vigie::app::cli
