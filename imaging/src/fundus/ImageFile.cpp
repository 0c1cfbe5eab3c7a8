#include "vigie/imaging/fundus/ImageFile.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <system_error>

#include "OpenCvImage.h"

namespace vigie::imaging {

core::Status writeImageFile(const core::Image2D& image, const std::filesystem::path& file) {
  if (image.empty() || (image.channels != 1 && image.channels != 3)) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": need a grey or RGB image");
  }
  const cv::Mat view = internal::asMat(image);
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
  return internal::toImage2D(rgb);
}

}  // namespace vigie::imaging
