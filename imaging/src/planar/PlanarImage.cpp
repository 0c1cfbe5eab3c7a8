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

double LookupTable::map(double input) const {
  if (entries.empty()) return 0.0;
  const double offset = std::floor(input - firstMapped);
  if (offset <= 0.0) return entries.front();
  if (offset >= double(entries.size() - 1)) return entries.back();
  return entries[static_cast<std::size_t>(offset)];
}

bool UltrasoundRegion::contains(double column, double row) const {
  return column >= minColumn && column < maxColumn + 1.0 && row >= minRow && row < maxRow + 1.0;
}

PlanarLength PlanarImage::length(double fromColumn, double fromRow, double toColumn,
                                 double toRow) const {
  const double dx = toColumn - fromColumn;
  const double dy = toRow - fromRow;
  PlanarLength out;
  out.value = std::hypot(dx, dy);
  if (!ultrasoundRegions.empty()) {
    // The smallest region holding both ends: an inset (a zoomed box) drawn
    // over the main view has its own scale.
    const UltrasoundRegion* holder = nullptr;
    auto area = [](const UltrasoundRegion& r) {
      return (r.maxColumn - r.minColumn + 1.0) * (r.maxRow - r.minRow + 1.0);
    };
    for (const UltrasoundRegion& region : ultrasoundRegions) {
      if (region.contains(fromColumn, fromRow) && region.contains(toColumn, toRow) &&
          (!holder || area(region) < area(*holder)))
        holder = &region;
    }
    if (!holder) {
      out.outsideRegions = true;
      return out;
    }
    out.value = std::hypot(dx * holder->columnMm, dy * holder->rowMm);
    out.source = SpacingSource::UltrasoundRegion;
    return out;
  }
  if (spacing.calibrated() && spacing.rowMm > 0.0 && spacing.columnMm > 0.0) {
    out.value = std::hypot(dx * spacing.columnMm, dy * spacing.rowMm);
    out.source = spacing.source;
  }
  return out;
}

double PlanarImage::valueAt(int frame, int column, int row) const {
  if (frame < 0 || frame >= frames || column < 0 || column >= columns || row < 0 || row >= rows)
    return 0.0;
  const std::size_t at = static_cast<std::size_t>(row) * columns + column;
  if (!color) return frameValues(frame)[at];
  const std::uint8_t* p = frameRgb(frame) + 3 * at;
  return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];  // luminance, ITU-R BT.601
}

core::Image2D PlanarImage::render(int frame) const {
  if (color || !voiLut || voiLut->entries.empty() || frame < 0 || frame >= frames)
    return render(frame, windowCenter, windowWidth);
  core::Image2D out(columns, rows, 1);
  const double scale = 255.0 / std::max(voiLut->outputMax(), 1.0);
  const float* v = frameValues(frame);
  for (std::size_t p = 0; p < out.pixels.size(); ++p) {
    double gray = std::clamp(voiLut->map(v[p]) * scale, 0.0, 255.0);
    if (inverted) gray = 255.0 - gray;
    out.pixels[p] = static_cast<std::uint8_t>(std::lround(gray));
  }
  return out;
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
