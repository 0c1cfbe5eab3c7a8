#pragma once

#include <QImage>

#include "vigie/core/Image2D.h"

namespace vigie::app {

/// A core::Image2D (1 channel grey or 3 channels RGB) as a QImage of its own
/// (a copy, so it outlives the Image2D); null for anything else.
inline QImage toQImage(const core::Image2D& image) {
  if (image.empty() || image.width <= 0 || image.height <= 0) return {};
  if (image.channels != 1 && image.channels != 3) return {};
  const std::size_t needed = static_cast<std::size_t>(image.width) * image.height * image.channels;
  if (image.pixels.size() < needed) return {};
  const QImage::Format format =
      image.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
  return QImage(image.pixels.data(), image.width, image.height, image.width * image.channels,
                format)
      .copy();
}

}  // namespace vigie::app
