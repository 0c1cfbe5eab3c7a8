#include "vigie/imaging/fundus/ImageFile.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <system_error>

namespace vigie::imaging {

core::Status writeImageFile(const core::Image2D& image, const std::filesystem::path& file) {
  if (image.empty() || (image.channels != 1 && image.channels != 3)) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": need a grey or RGB image");
  }
  cv::Mat view(image.height, image.width, image.channels == 3 ? CV_8UC3 : CV_8UC1,
               const_cast<std::uint8_t*>(image.pixels.data()));
  cv::Mat ordered;
  if (image.channels == 3) {
    cv::cvtColor(view, ordered, cv::COLOR_RGB2BGR);  // OpenCV writes BGR
  } else {
    ordered = view;
  }
  const std::vector<int> params{cv::IMWRITE_JPEG_QUALITY, 95};
  try {
    if (!cv::imwrite(file.string(), ordered, params)) {
      return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write image");
    }
  } catch (const cv::Exception& e) {
    return core::makeError(core::ErrorCode::IoError, file.string() + ": " + e.what());
  }
  return {};
}

core::Result<core::Image2D> readImageFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return core::makeError(core::ErrorCode::NotFound, file.string() + ": no such file");
  }
  cv::Mat bgr;
  try {
    bgr = cv::imread(file.string(), cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return core::makeError(core::ErrorCode::ParseError, file.string() + ": " + e.what());
  }
  if (bgr.empty()) {
    return core::makeError(
        core::ErrorCode::ParseError,
        file.string() + ": not a readable JPEG, PNG or TIFF image (truncated or unknown format)");
  }
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  core::Image2D out(rgb.cols, rgb.rows, 3);
  for (int y = 0; y < rgb.rows; ++y)
    std::copy_n(rgb.ptr<std::uint8_t>(y), rgb.cols * 3, out.pixel(0, y));
  return out;
}

}  // namespace vigie::imaging
