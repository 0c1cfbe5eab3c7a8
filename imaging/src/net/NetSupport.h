#pragma once

// What the network clients and the listener share when they read what
// arrives: an attribute's value as text.

#include <dcmtk/dcmdata/dcitem.h>

#include <string>

namespace vigie::imaging::internal {

/// The attribute's value (all of them, '\'-joined) as text; empty when absent.
inline std::string text(DcmItem* item, const DcmTagKey& tag) {
  OFString value;
  if (item && item->findAndGetOFStringArray(tag, value).good()) return value.c_str();
  return {};
}

}  // namespace vigie::imaging::internal
