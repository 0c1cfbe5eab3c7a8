#include "vigie/imaging/fundus/FundusEnhancement.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "OpenCvImage.h"

namespace vigie::imaging {

core::Image2D greenChannel(const core::Image2D& rgb) {
  if (rgb.channels != 3) return rgb;
  core::Image2D out(rgb.width, rgb.height, 3);
  for (std::size_t p = 0; p < out.pixels.size(); p += 3) {
    const std::uint8_t g = rgb.pixels[p + 1];
    out.pixels[p] = out.pixels[p + 1] = out.pixels[p + 2] = g;
  }
  return out;
}

core::Image2D enhanceContrast(const core::Image2D& rgb) {
  if (rgb.channels != 3 || rgb.empty()) return rgb;
  const cv::Mat view = internal::asMat(rgb);
  cv::Mat lab;
  cv::cvtColor(view, lab, cv::COLOR_RGB2Lab);
  std::vector<cv::Mat> planes;
  cv::split(lab, planes);
  cv::createCLAHE(2.0, cv::Size(8, 8))->apply(planes[0], planes[0]);
  cv::merge(planes, lab);
  cv::Mat result;
  cv::cvtColor(lab, result, cv::COLOR_Lab2RGB);
  return internal::toImage2D(result);
}

}  // namespace vigie::imaging
