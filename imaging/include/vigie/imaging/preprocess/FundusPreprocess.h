#pragma once

#include <array>
#include <vector>

#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"

namespace vigie::imaging {

/// The square around a photograph's circular field of view, in the
/// photograph's pixels. It may reach past the borders (then padded black).
struct FieldOfView {
  int x = 0;
  int y = 0;
  int side = 0;
};

/// Finds the field of view: the pixels brighter than `threshold` (in any
/// channel) outside the dark mask of the camera, cleaned of specks, and the
/// square centred on their bounding box. The whole image when none are found.
FieldOfView findFieldOfView(const core::Image2D& rgb, int threshold = 20);

/// How a fundus model wants its input (from the bundle's manifest).
struct FundusInputSpec {
  int width = 512;
  int height = 512;
  std::array<double, 3> mean{0.0, 0.0, 0.0};  ///< per RGB channel, 0..1 scale
  std::array<double, 3> sd{1.0, 1.0, 1.0};
  bool cropFieldOfView = true;
};

/// A photograph ready for the network: [3, height, width] floats, RGB,
/// (value / 255 - mean) / sd, and where it came from in the photograph.
struct PreparedPhotograph {
  std::vector<float> pixels;
  FieldOfView fieldOfView;
};

/// Crops the field of view (if asked), resizes (area averaging when
/// shrinking, bilinear when enlarging) and normalises the colours.
core::Result<PreparedPhotograph> preparePhotograph(const core::Image2D& rgb,
                                                   const FundusInputSpec& spec);

/// A heatmap computed on the prepared image (0..1, `width` x `height`), laid
/// back over the photograph: an 8-bit single-channel image of the
/// photograph's size, 255 = 1.0, zero outside the field of view.
core::Image2D heatmapOnPhotograph(const std::vector<float>& heatmap, int width, int height,
                                  const FieldOfView& fieldOfView, int photoWidth, int photoHeight);

/// A lesion on a photograph: a connected region of the heatmap at or above
/// the threshold.
struct LesionRegion {
  double centerX = 0.0;  ///< pixels, in the photograph
  double centerY = 0.0;
  int areaPx = 0;
  double maxProbability = 0.0;
};

/// The connected regions of an 8-bit heatmap (255 = 1.0) at or above
/// `threshold`, strongest first.
std::vector<LesionRegion> findLesionRegions(const core::Image2D& heatmap, double threshold = 0.5);

}  // namespace vigie::imaging
