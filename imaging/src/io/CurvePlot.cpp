#include "vigie/imaging/io/CurvePlot.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

namespace vigie::imaging {

core::Status writeCurvePlot(const CurvePlot& plot, const std::filesystem::path& file) {
  constexpr int kWidth = 640, kHeight = 480, kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;
  cv::Mat image(kHeight, kWidth, CV_8UC3, cv::Scalar(255, 255, 255));
  auto xOf = [&](double x) {
    const double lo = plot.logX ? std::log2(plot.xMin) : plot.xMin;
    const double hi = plot.logX ? std::log2(plot.xMax) : plot.xMax;
    const double v = plot.logX ? std::log2(std::max(x, plot.xMin)) : x;
    return kLeft + static_cast<int>((v - lo) / (hi - lo) * (kWidth - kLeft - kRight));
  };
  auto yOf = [&](double y) {
    return kHeight - kBottom -
           static_cast<int>((y - plot.yMin) / (plot.yMax - plot.yMin) * (kHeight - kTop - kBottom));
  };
  const cv::Scalar gray(200, 200, 200), black(0, 0, 0), blue(180, 90, 20), red(40, 40, 220);
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  // Grid and tick labels.
  for (int t = 0; t <= 5; ++t) {
    const double y = plot.yMin + t * (plot.yMax - plot.yMin) / 5;
    cv::line(image, {kLeft, yOf(y)}, {kWidth - kRight, yOf(y)}, gray, 1);
    char label[16];
    std::snprintf(label, sizeof label, "%.1f", y);
    cv::putText(image, label, {kLeft - 40, yOf(y) + 5}, font, 0.45, black, 1, cv::LINE_AA);
  }
  std::vector<double> xTicks;
  if (plot.logX) {
    for (double x = plot.xMin; x <= plot.xMax * 1.0001; x *= 2) xTicks.push_back(x);
  } else {
    for (int t = 0; t <= 5; ++t) xTicks.push_back(plot.xMin + t * (plot.xMax - plot.xMin) / 5);
  }
  for (double x : xTicks) {
    cv::line(image, {xOf(x), kTop}, {xOf(x), kHeight - kBottom}, gray, 1);
    char label[16];
    std::snprintf(label, sizeof label, x < 1 && plot.logX ? "1/%g" : "%g",
                  x < 1 && plot.logX ? 1 / x : x);
    cv::putText(image, label, {xOf(x) - 12, kHeight - kBottom + 20}, font, 0.45, black, 1,
                cv::LINE_AA);
  }
  cv::rectangle(image, {kLeft, kTop}, {kWidth - kRight, kHeight - kBottom}, black, 1);
  const cv::Scalar darkGray(150, 150, 150);
  for (std::size_t i = 1; i < plot.reference.size(); ++i) {
    const auto& a = plot.reference[i - 1];
    const auto& b = plot.reference[i];
    cv::line(image, {xOf(a.first), yOf(a.second)}, {xOf(b.first), yOf(b.second)}, darkGray, 1,
             cv::LINE_AA);
  }
  // The curve, as a step function through the points.
  for (std::size_t i = 1; i < plot.points.size(); ++i) {
    const auto& a = plot.points[i - 1];
    const auto& b = plot.points[i];
    cv::line(image, {xOf(a.first), yOf(a.second)}, {xOf(b.first), yOf(b.second)}, blue, 2,
             cv::LINE_AA);
  }
  for (const auto& m : plot.markers)
    cv::circle(image, {xOf(m.first), yOf(m.second)}, 4, red, cv::FILLED, cv::LINE_AA);
  cv::putText(image, plot.title, {kLeft, 25}, font, 0.6, black, 1, cv::LINE_AA);
  cv::putText(image, plot.xLabel, {kWidth / 2 - 80, kHeight - 15}, font, 0.5, black, 1,
              cv::LINE_AA);
  cv::Mat yLabel(30, kHeight - kTop - kBottom, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(yLabel, plot.yLabel, {10, 20}, font, 0.5, black, 1, cv::LINE_AA);
  cv::rotate(yLabel, yLabel, cv::ROTATE_90_COUNTERCLOCKWISE);
  yLabel.copyTo(image(cv::Rect(2, kTop, yLabel.cols, yLabel.rows)));
  try {
    if (!cv::imwrite(file.string(), image))
      return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write");
  } catch (const cv::Exception& e) {
    return core::makeError(core::ErrorCode::IoError, file.string() + ": " + e.what());
  }
  return {};
}

}  // namespace vigie::imaging
