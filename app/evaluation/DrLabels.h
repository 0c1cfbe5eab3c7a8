#pragma once

#include <array>
#include <filesystem>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::app {

/// The lesion kinds an expert mask can outline, in the labels CSV's column
/// order (mask_ma, mask_he, mask_ex, mask_se).
enum class LesionKind { Microaneurysm, Haemorrhage, HardExudate, CottonWoolSpot };
constexpr std::size_t kLesionKinds = 4;
const char* toString(LesionKind kind);  ///< "microaneurysm", ...

/// One photograph of a real labelled set.
struct DrLabel {
  std::filesystem::path file;  ///< resolved against the data folder
  int grade = 0;               ///< ICDR 0-4; 2 or 0 when only `referable` is given
  bool gradeKnown = false;
  bool gradable = true;
  /// Expert lesion masks (same size as the photograph; non-black = lesion),
  /// empty where the photograph has none of that kind.
  std::array<std::filesystem::path, kLesionKinds> masks;
};

/// Reads a labels CSV for `vigie-cli eval dr --labels`: a header row, then one
/// row per photograph. Columns (any order; others are ignored): `file`
/// (required), `grade` (ICDR 0-4) or `referable` (0/1), `gradable` (0/1,
/// default 1), `mask_ma`, `mask_he`, `mask_ex`, `mask_se` (optional). Paths are
/// relative to `dataDir`. Errors name the CSV, the line and the problem;
/// a photograph or mask that does not exist is an error too.
core::Result<std::vector<DrLabel>> readDrLabels(const std::filesystem::path& csv,
                                                const std::filesystem::path& dataDir);

}  // namespace vigie::app
