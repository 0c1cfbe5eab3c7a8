#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "DrLabels.h"
#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"

namespace vigie::app {

/// Checks a model's lesion heatmap against expert lesion masks, photograph
/// by photograph, and gives per lesion kind:
/// - the pixel-level ROC AUC: lesion pixels of that kind against the
///   field-of-view pixels outside every lesion (from 256-bin histograms of the
///   8-bit heatmap, ties counting one half);
/// - the lesion-level sensitivity: the share of the mask's lesions
///   (8-connected regions) where the heatmap reaches `threshold` somewhere.
/// A photograph without retinopathy and without masks adds background only,
/// so a heatmap that lights up healthy retina lowers every AUC.
class LesionMapEvaluation {
 public:
  explicit LesionMapEvaluation(double threshold = 0.5) : threshold_(threshold) {}

  /// `heatmap`: one 8-bit channel over the photograph (255 = 1.0);
  /// `photograph`: RGB, for the field of view (any channel above 20);
  /// `masks`: RGB or grey, empty for a kind the photograph has none of;
  /// a lesion pixel is one with a channel above 40 (masks are often JPEG).
  /// `name` names the photograph in errors (a mask of another size).
  core::Status add(const core::Image2D& heatmap, const core::Image2D& photograph,
                   const std::array<core::Image2D, kLesionKinds>& masks, const std::string& name);

  std::size_t photographs() const { return photographs_; }
  double pixelAuc(LesionKind kind) const;  ///< 0 when the kind was never outlined
  std::uint64_t lesionPixels(LesionKind kind) const;
  std::size_t lesions(LesionKind kind) const { return lesions_[index(kind)]; }
  std::size_t lesionsFound(LesionKind kind) const { return found_[index(kind)]; }
  double lesionSensitivity(LesionKind kind) const;
  double threshold() const { return threshold_; }

 private:
  static std::size_t index(LesionKind kind) { return static_cast<std::size_t>(kind); }
  using Histogram = std::array<std::uint64_t, 256>;

  double threshold_;
  std::size_t photographs_ = 0;
  std::array<Histogram, kLesionKinds> lesion_{};
  Histogram background_{};
  std::array<std::size_t, kLesionKinds> lesions_{}, found_{};
};

}  // namespace vigie::app
