#pragma once

// Converts DCMTK's OFCondition into Vigie's Status at the imaging boundary,
// so that no DCMTK status is ever ignored.

#include <dcmtk/ofstd/ofcond.h>

#include <string>

#include "vigie/core/Result.h"

namespace vigie::imaging::internal {

inline core::Status toStatus(const OFCondition& condition, core::ErrorCode code,
                             const std::string& context) {
  if (condition.good()) return {};
  return core::makeError(code, context + ": " + condition.text());
}

}  // namespace vigie::imaging::internal
