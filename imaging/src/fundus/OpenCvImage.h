#pragma once

// Internal: moving images between core::Image2D (the toolkit-free type other
// layers see) and OpenCV, in one place.

#include <opencv2/core.hpp>

#include <algorithm>

#include "vigie/core/Image2D.h"

namespace vigie::imaging::internal {

/// An OpenCV header over the image's pixels (no copy; the image must outlive it).
inline cv::Mat asMat(const core::Image2D& image) {
  return cv::Mat(image.height, image.width, image.channels == 3 ? CV_8UC3 : CV_8UC1,
                 const_cast<std::uint8_t*>(image.pixels.data()));
}

/// Copies an 8-bit, 1- or 3-channel matrix (rows may be padded) into an Image2D.
inline core::Image2D toImage2D(const cv::Mat& bytes) {
  core::Image2D out(bytes.cols, bytes.rows, bytes.channels());
  for (int y = 0; y < bytes.rows; ++y) {
    std::copy_n(bytes.ptr<std::uint8_t>(y), bytes.cols * bytes.channels(), out.pixel(0, y));
  }
  return out;
}

}  // namespace vigie::imaging::internal
