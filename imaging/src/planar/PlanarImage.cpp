#include "vigie/imaging/dicom/PlanarImage.h"

#include <algorithm>
#include <cmath>

namespace vigie::imaging {

std::string PlanarSpacing::unitLabel() const {
  switch (source) {
    case SpacingSource::Patient:
      return "mm";
    case SpacingSource::Detector:
      return "mm at the detector";
    case SpacingSource::UltrasoundRegion:
      return "mm (ultrasound region)";
    case SpacingSource::None:
      break;
  }
  return "px";
}

double PlanarImage::valueAt(int frame, int column, int row) const {
  if (frame < 0 || frame >= frames || column < 0 || column >= columns || row < 0 || row >= rows)
    return 0.0;
  const std::size_t at = static_cast<std::size_t>(row) * columns + column;
  if (!color) return frameValues(frame)[at];
  const std::uint8_t* p = frameRgb(frame) + 3 * at;
  return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];  // luminance, ITU-R BT.601
}

core::Image2D PlanarImage::render(int frame, double center, double width) const {
  if (frame < 0 || frame >= frames) return {};
  if (color) {
    core::Image2D out(columns, rows, 3);
    std::copy_n(frameRgb(frame), out.pixels.size(), out.pixels.begin());
    return out;
  }
  core::Image2D out(columns, rows, 1);
  // The linear VOI function of PS3.3 C.11.2.1.2, to 8 bits.
  const double w = std::max(width, 1e-6);
  const double low = center - w / 2.0;
  const float* v = frameValues(frame);
  for (std::size_t p = 0; p < out.pixels.size(); ++p) {
    double gray = std::clamp((v[p] - low) / w, 0.0, 1.0) * 255.0;
    if (inverted) gray = 255.0 - gray;
    out.pixels[p] = static_cast<std::uint8_t>(std::lround(gray));
  }
  return out;
}

}  // namespace vigie::imaging
