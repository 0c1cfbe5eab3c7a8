#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"

namespace vigie::imaging {

/// Lesion classes as stored in a lesion mask (pixel value = class).
enum class FundusLesion : std::uint8_t {
  None = 0,
  Microaneurysm = 1,
  Haemorrhage = 2,
  HardExudate = 3,
  CottonWoolSpot = 4,
  Neovascularization = 5,
};
constexpr int kFundusLesionClasses = 6;
const char* toString(FundusLesion lesion);  ///< "microaneurysm", ...

/// Why an image cannot be graded, if it cannot.
enum class FundusQuality { Good, Blurred, Underexposed };
const char* toString(FundusQuality quality);  ///< "good", "blurred", "underexposed"

struct FundusPhantomOptions {
  int sizePx = 768;  ///< square image side
  int grade = 0;     ///< ICDR grade 0 (none) to 4 (proliferative)
  FundusQuality quality = FundusQuality::Good;
  std::uint64_t seed = 1;
};

struct FundusPhantom {
  core::Image2D image;       ///< RGB, 8 bit
  core::Image2D lesionMask;  ///< 1 channel, FundusLesion per pixel
  int grade = 0;
  bool rightEye = true;
  FundusQuality quality = FundusQuality::Good;
  /// Number of lesions drawn, indexed by FundusLesion.
  std::array<int, kFundusLesionClasses> lesionCounts{};

  bool referable() const { return grade >= 2; }
  bool gradable() const { return quality == FundusQuality::Good; }
};

/// Paints a colour fundus photograph: circular field of view, illumination
/// fall-off, optic disc and cup, macula and fovea, branching arcade vessels,
/// and the lesions of the requested ICDR grade (microaneurysms for 1; plus
/// haemorrhages, hard exudates and cotton-wool spots for 2 and 3, with many
/// haemorrhages in all quadrants for 3; plus neovascularisation for 4).
/// Ungradable images are blurred or under-exposed versions of the same eye.
/// Deterministic from the seed; thread-safe.
class FundusPhantomGenerator {
 public:
  explicit FundusPhantomGenerator(FundusPhantomOptions options);
  core::Result<FundusPhantom> generate() const;

 private:
  FundusPhantomOptions options_;
};

}  // namespace vigie::imaging
