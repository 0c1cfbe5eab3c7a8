#pragma once

#include <cstdint>
#include <vector>

namespace vigie::core {

/// A 2D image of `channels` interleaved 8-bit samples per pixel, row-major,
/// top row first: the toolkit-free way for layers to pass photographs, masks
/// and rendered slices to each other. Colour images are RGB (not BGR).
struct Image2D {
  int width = 0;
  int height = 0;
  int channels = 1;
  std::vector<std::uint8_t> pixels;  ///< width * height * channels samples

  Image2D() = default;
  Image2D(int w, int h, int c, std::uint8_t fill = 0)
      : width(w), height(h), channels(c), pixels(static_cast<std::size_t>(w) * h * c, fill) {}

  bool empty() const { return pixels.empty(); }
  std::uint8_t* pixel(int x, int y) {
    return pixels.data() + (static_cast<std::size_t>(y) * width + x) * channels;
  }
  const std::uint8_t* pixel(int x, int y) const {
    return pixels.data() + (static_cast<std::size_t>(y) * width + x) * channels;
  }
};

}  // namespace vigie::core
