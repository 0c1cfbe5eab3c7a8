#pragma once

#include <cstdio>
#include <string>

#include "vigie/core/Vec3.h"

namespace vigie::app {

/// `value` with `decimals` digits after the point, whatever the locale: the
/// numbers of reports and pages people read.
inline std::string formatFixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

/// A position as "x, y, z" in mm, to a tenth.
inline std::string formatPointMm(const core::Vec3& p) {
  return formatFixed(p.x, 1) + ", " + formatFixed(p.y, 1) + ", " + formatFixed(p.z, 1);
}

}  // namespace vigie::app
