#pragma once

// Converts DCMTK's OFCondition into Vigie's Status at the imaging boundary,
// so that no DCMTK status is ever ignored.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/ofstd/ofcond.h>

#include <string>
#include <utility>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::imaging::internal {

inline core::Status toStatus(const OFCondition& condition, core::ErrorCode code,
                             const std::string& context) {
  if (condition.good()) return {};
  return core::makeError(code, context + ": " + condition.text());
}

/// Sets string attributes in order; the first failure names `file` and the attribute.
inline core::Status putStrings(DcmDataset& ds,
                               const std::vector<std::pair<DcmTagKey, std::string>>& values,
                               const std::string& file) {
  for (const auto& [tag, value] : values) {
    auto status = toStatus(ds.putAndInsertString(tag, value.c_str()), core::ErrorCode::Internal,
                           file + ": cannot set " + DcmTag(tag).getTagName());
    if (!status.ok()) return status;
  }
  return {};
}

/// Sets US (unsigned short) attributes in order, as putStrings does.
inline core::Status putNumbers(DcmDataset& ds,
                               const std::vector<std::pair<DcmTagKey, Uint16>>& values,
                               const std::string& file) {
  for (const auto& [tag, value] : values) {
    auto status = toStatus(ds.putAndInsertUint16(tag, value), core::ErrorCode::Internal,
                           file + ": cannot set " + DcmTag(tag).getTagName());
    if (!status.ok()) return status;
  }
  return {};
}

}  // namespace vigie::imaging::internal
