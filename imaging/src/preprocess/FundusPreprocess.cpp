#include "vigie/imaging/preprocess/FundusPreprocess.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "../fundus/OpenCvImage.h"

namespace vigie::imaging {

FieldOfView findFieldOfView(const core::Image2D& rgb, int threshold) {
  FieldOfView whole{0, 0, std::max(rgb.width, rgb.height)};
  if (rgb.empty() || rgb.channels != 3) return whole;
  cv::Mat brightest;
  cv::Mat channels[3];
  cv::split(internal::asMat(rgb), channels);
  cv::max(channels[0], channels[1], brightest);
  cv::max(brightest, channels[2], brightest);
  cv::Mat mask = brightest > threshold;
  // Specks of noise or text in the dark border must not widen the box.
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));
  const cv::Rect box = cv::boundingRect(mask);
  if (box.width < rgb.width / 4 || box.height < rgb.height / 4) return whole;
  const int side = std::max(box.width, box.height);
  return {box.x + box.width / 2 - side / 2, box.y + box.height / 2 - side / 2, side};
}

core::Result<PreparedPhotograph> preparePhotograph(const core::Image2D& rgb,
                                                   const FundusInputSpec& spec) {
  if (rgb.empty() || rgb.channels != 3)
    return core::makeError(core::ErrorCode::InvalidArgument, "a photograph must be RGB");
  if (spec.width <= 0 || spec.height <= 0)
    return core::makeError(core::ErrorCode::InvalidArgument, "invalid model input size");
  PreparedPhotograph prepared;
  prepared.fieldOfView = spec.cropFieldOfView ? findFieldOfView(rgb)
                                              : FieldOfView{0, 0, std::max(rgb.width, rgb.height)};
  const FieldOfView& f = prepared.fieldOfView;
  // Copy the square into a black canvas: the box may reach past the image.
  cv::Mat square(f.side, f.side, CV_8UC3, cv::Scalar::all(0));
  const cv::Rect inImage =
      cv::Rect(f.x, f.y, f.side, f.side) & cv::Rect(0, 0, rgb.width, rgb.height);
  internal::asMat(rgb)(inImage).copyTo(
      square(cv::Rect(inImage.x - f.x, inImage.y - f.y, inImage.width, inImage.height)));
  cv::Mat resized;
  const bool shrinking = f.side > spec.width;
  cv::resize(square, resized, cv::Size(spec.width, spec.height), 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  const std::size_t plane = static_cast<std::size_t>(spec.width) * spec.height;
  prepared.pixels.resize(3 * plane);
  for (int y = 0; y < spec.height; ++y) {
    const auto* row = resized.ptr<std::uint8_t>(y);
    for (int x = 0; x < spec.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        const double value = row[3 * x + c] / 255.0;
        prepared.pixels[c * plane + static_cast<std::size_t>(y) * spec.width + x] =
            static_cast<float>((value - spec.mean[c]) / spec.sd[c]);
      }
    }
  }
  return prepared;
}

core::Image2D heatmapOnPhotograph(const std::vector<float>& heatmap, int width, int height,
                                  const FieldOfView& f, int photoWidth, int photoHeight) {
  core::Image2D out(photoWidth, photoHeight, 1, 0);
  if (heatmap.empty() || width <= 0 || height <= 0 || f.side <= 0) return out;
  cv::Mat small(height, width, CV_32F, const_cast<float*>(heatmap.data()));
  cv::Mat square;
  cv::resize(small, square, cv::Size(f.side, f.side), 0, 0, cv::INTER_LINEAR);
  const cv::Rect inImage =
      cv::Rect(f.x, f.y, f.side, f.side) & cv::Rect(0, 0, photoWidth, photoHeight);
  cv::Mat bytes;
  square(cv::Rect(inImage.x - f.x, inImage.y - f.y, inImage.width, inImage.height))
      .convertTo(bytes, CV_8U, 255.0);
  cv::Mat target = internal::asMat(out);
  bytes.copyTo(target(inImage));
  return out;
}

std::vector<LesionRegion> findLesionRegions(const core::Image2D& heatmap, double threshold) {
  std::vector<LesionRegion> regions;
  if (heatmap.empty() || heatmap.channels != 1) return regions;
  const cv::Mat map = internal::asMat(heatmap);
  const cv::Mat mask = map >= std::clamp(threshold, 0.0, 1.0) * 255.0;
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  for (int label = 1; label < count; ++label) {
    LesionRegion r;
    r.centerX = centroids.at<double>(label, 0);
    r.centerY = centroids.at<double>(label, 1);
    r.areaPx = stats.at<int>(label, cv::CC_STAT_AREA);
    double peak = 0.0;
    cv::minMaxLoc(map, nullptr, &peak, nullptr, nullptr, labels == label);
    r.maxProbability = peak / 255.0;
    regions.push_back(r);
  }
  std::sort(regions.begin(), regions.end(),
            [](const auto& a, const auto& b) { return a.maxProbability > b.maxProbability; });
  return regions;
}

}  // namespace vigie::imaging
