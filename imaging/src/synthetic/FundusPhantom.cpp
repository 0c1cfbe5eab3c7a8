#include "vigie/imaging/synthetic/FundusPhantom.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../fundus/OpenCvImage.h"
#include "vigie/core/SeededRandom.h"

namespace vigie::imaging {

const char* toString(FundusLesion lesion) {
  switch (lesion) {
    case FundusLesion::None:
      return "none";
    case FundusLesion::Microaneurysm:
      return "microaneurysm";
    case FundusLesion::Haemorrhage:
      return "haemorrhage";
    case FundusLesion::HardExudate:
      return "hard_exudate";
    case FundusLesion::CottonWoolSpot:
      return "cotton_wool_spot";
    case FundusLesion::Neovascularization:
      return "neovascularisation";
  }
  return "none";
}

const char* toString(FundusQuality quality) {
  switch (quality) {
    case FundusQuality::Good:
      return "good";
    case FundusQuality::Blurred:
      return "blurred";
    case FundusQuality::Underexposed:
      return "underexposed";
  }
  return "good";
}

namespace {

constexpr double kPi = 3.14159265358979323846;

/// How many lesions of each kind a grade gets, as [min, max] ranges. The
/// counts follow the ICDR definitions: MAs only for mild; more and mixed
/// lesions for moderate; >20 haemorrhages spread over 4 quadrants for severe;
/// new vessels for proliferative.
struct LesionPlan {
  int microaneurysms[2];
  int haemorrhages[2];
  int exudates[2];
  int cottonWool[2];
  int neovascular[2];
};

constexpr LesionPlan kPlans[5] = {
    {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}},      {{1, 5}, {0, 0}, {0, 0}, {0, 0}, {0, 0}},
    {{5, 14}, {2, 8}, {3, 14}, {0, 2}, {0, 0}},    {{10, 24}, {22, 36}, {6, 22}, {2, 5}, {0, 0}},
    {{10, 24}, {22, 36}, {6, 22}, {2, 5}, {1, 3}},
};

class FundusPainter {
 public:
  FundusPainter(const FundusPhantomOptions& options)
      : options_(options),
        size_(options.sizePx),
        rng_(core::SeededRandom::derive(options.seed, 0xF0)),
        image_(size_, size_, CV_32FC3),
        mask_(size_, size_, CV_8UC1, cv::Scalar(0)) {
    center_ = cv::Point2d(0.5 * size_, 0.5 * size_);
    fovRadius_ = 0.46 * size_;
    rightEye_ = rng_.chance(0.5);
    const double side =
        rightEye_ ? 1.0 : -1.0;  // the disc is nasal: right of centre for a right eye
    disc_ = center_ +
            cv::Point2d(side * rng_.uniform(0.25, 0.29) * size_, rng_.uniform(-0.03, 0.03) * size_);
    discRadius_ = rng_.uniform(0.065, 0.08) * size_;
    macula_ = center_ + cv::Point2d(-side * rng_.uniform(0.02, 0.05) * size_,
                                    rng_.uniform(-0.02, 0.02) * size_);
  }

  FundusPhantom paint() {
    paintBackground();
    paintVessels();
    paintDisc();
    FundusPhantom result;
    result.grade = options_.grade;
    result.rightEye = rightEye_;
    result.quality = options_.quality;
    paintLesions(result.lesionCounts);
    degrade();
    applyFieldOfView();
    result.image = toImage(image_);
    result.lesionMask = internal::toImage2D(mask_);
    return result;
  }

 private:
  double distanceToFovEdge(const cv::Point2d& p) const {
    return fovRadius_ - cv::norm(p - center_);
  }

  void paintBackground() {
    // Low-frequency choroidal texture: smooth random field.
    cv::Mat texture(size_ / 16 + 1, size_ / 16 + 1, CV_32FC1);
    for (int y = 0; y < texture.rows; ++y)
      for (int x = 0; x < texture.cols; ++x)
        texture.at<float>(y, x) = static_cast<float>(rng_.normal());
    cv::resize(texture, texture, cv::Size(size_, size_), 0, 0, cv::INTER_CUBIC);
    cv::GaussianBlur(texture, texture, cv::Size(0, 0), size_ / 40.0);

    const cv::Vec3f base(static_cast<float>(rng_.uniform(185, 215)),
                         static_cast<float>(rng_.uniform(75, 100)),
                         static_cast<float>(rng_.uniform(30, 50)));
    const double maculaSigma = 0.09 * size_;
    for (int y = 0; y < size_; ++y) {
      for (int x = 0; x < size_; ++x) {
        const cv::Point2d p(x, y);
        const double r = cv::norm(p - center_) / fovRadius_;
        const double vignette = 1.0 - 0.45 * std::pow(std::min(r, 1.0), 2.5);
        const double dm2 = std::pow(cv::norm(p - macula_), 2);
        const double macula = 1.0 - 0.32 * std::exp(-dm2 / (2 * maculaSigma * maculaSigma)) -
                              0.15 * std::exp(-dm2 / (2 * 0.15 * maculaSigma * 0.15 * maculaSigma));
        const double grain = 1.0 + 0.06 * texture.at<float>(y, x);
        image_.at<cv::Vec3f>(y, x) = base * static_cast<float>(vignette * macula * grain);
      }
    }
  }

  /// A vessel as a random walk with gentle curvature, branching as it thins.
  void growVessel(cv::Mat& layer, cv::Point2d p, double heading, double width, double curvature,
                  int depth) {
    const double step = 0.008 * size_;
    while (width > 0.6 && distanceToFovEdge(p) > 2) {
      heading += curvature + rng_.normal(0, 0.05);
      const cv::Point2d next = p + step * cv::Point2d(std::cos(heading), std::sin(heading));
      cv::line(layer, p, next, cv::Scalar(1.0), std::max(1, static_cast<int>(std::lround(width))),
               cv::LINE_AA);
      p = next;
      width *= 0.992;
      if (depth < 4 && rng_.chance(0.035)) {
        const double turn = (rng_.chance(0.5) ? 1 : -1) * rng_.uniform(0.4, 0.9);
        growVessel(layer, p, heading + turn, width * 0.7, curvature * rng_.uniform(-1.2, 1.2),
                   depth + 1);
        width *= 0.85;
      }
    }
  }

  void paintVessels() {
    cv::Mat veins(size_, size_, CV_32FC1, cv::Scalar(0));
    cv::Mat arteries(size_, size_, CV_32FC1, cv::Scalar(0));
    const double towardsMacula = std::atan2(macula_.y - disc_.y, macula_.x - disc_.x);
    const double width = 0.011 * size_;
    for (int arcade = 0; arcade < 4; ++arcade) {
      const bool temporal = arcade < 2;
      const double up = (arcade % 2 == 0) ? -1.0 : 1.0;
      // Temporal arcades leave the disc steeply and curve around the macula.
      const double heading = temporal ? towardsMacula + up * 1.0 : towardsMacula + kPi + up * 0.8;
      const double bend = (temporal ? -0.022 : 0.01) * up * (rightEye_ ? 1 : 1);
      const double sign = (std::cos(towardsMacula) > 0) ? 1.0 : -1.0;
      growVessel(veins, disc_, heading, width, bend * sign, 0);
      growVessel(arteries, disc_, heading + up * 0.15, width * 0.75, bend * sign, 0);
    }
    cv::GaussianBlur(veins, veins, cv::Size(0, 0), 0.8);
    cv::GaussianBlur(arteries, arteries, cv::Size(0, 0), 0.8);
    blendLayer(veins, cv::Vec3f(110, 22, 18), 0.85);
    blendLayer(arteries, cv::Vec3f(165, 45, 28), 0.75);
  }

  void blendLayer(const cv::Mat& layer, const cv::Vec3f& color, double strength) {
    for (int y = 0; y < size_; ++y) {
      for (int x = 0; x < size_; ++x) {
        const float a = static_cast<float>(std::min(1.0, layer.at<float>(y, x) * strength));
        if (a <= 0) continue;
        cv::Vec3f& px = image_.at<cv::Vec3f>(y, x);
        // Darken towards the vessel colour in proportion to the local brightness.
        const float light = std::min(1.2f, (px[0] + 1) / 200.0f);
        px = px * (1 - a) + color * (a * light);
      }
    }
  }

  void paintDisc() {
    const cv::Vec3f rim(248, 200, 135);
    const cv::Vec3f cup(255, 238, 200);
    const double cupRadius = discRadius_ * rng_.uniform(0.3, 0.5);
    for (int y = 0; y < size_; ++y) {
      for (int x = 0; x < size_; ++x) {
        const double d = cv::norm(cv::Point2d(x, y) - disc_);
        if (d > discRadius_ * 1.3) continue;
        const double a = std::clamp((discRadius_ * 1.15 - d) / (0.3 * discRadius_), 0.0, 1.0);
        const double c = std::clamp((cupRadius * 1.2 - d) / (0.4 * cupRadius), 0.0, 1.0);
        cv::Vec3f& px = image_.at<cv::Vec3f>(y, x);
        const cv::Vec3f disc = rim * static_cast<float>(1 - c) + cup * static_cast<float>(c);
        // Vessels stay visible on the disc: keep some of the darkening.
        const float keep = std::min(1.0f, px[0] / 180.0f);
        px = px * static_cast<float>(1 - a) + disc * static_cast<float>(a * (0.55 + 0.45 * keep));
      }
    }
  }

  /// A random point inside the field of view, away from the disc.
  cv::Point2d lesionSite(double margin, int quadrant = -1) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const double angle =
          quadrant >= 0 ? (quadrant + rng_.uniform()) * kPi / 2 : rng_.uniform(0, 2 * kPi);
      const double r = std::sqrt(rng_.uniform(0.0, 1.0)) * (fovRadius_ - margin);
      const cv::Point2d p = center_ + r * cv::Point2d(std::cos(angle), std::sin(angle));
      if (cv::norm(p - disc_) > discRadius_ * 1.5) return p;
    }
    return macula_;
  }

  void stamp(FundusLesion kind, const cv::Point2d& p, double radius, const cv::Vec3f& color,
             double blurSigma, double opacity, bool irregular) {
    const int pad = static_cast<int>(std::ceil(radius * 2 + 3 * blurSigma)) + 2;
    cv::Mat shape(2 * pad + 1, 2 * pad + 1, CV_32FC1, cv::Scalar(0));
    const cv::Point2d local(pad, pad);
    if (irregular) {
      const int lobes = rng_.uniformInt(2, 4);
      for (int l = 0; l < lobes; ++l) {
        const cv::Point2d offset(rng_.normal(0, radius * 0.4), rng_.normal(0, radius * 0.4));
        cv::ellipse(shape, local + offset,
                    cv::Size(std::max(1.0, radius * rng_.uniform(0.6, 1.0)),
                             std::max(1.0, radius * rng_.uniform(0.5, 0.9))),
                    rng_.uniform(0, 180), 0, 360, cv::Scalar(1.0), cv::FILLED, cv::LINE_AA);
      }
    } else {
      cv::circle(shape, local, std::max(1, static_cast<int>(std::lround(radius))), cv::Scalar(1.0),
                 cv::FILLED, cv::LINE_AA);
    }
    if (blurSigma > 0) cv::GaussianBlur(shape, shape, cv::Size(0, 0), blurSigma);
    const int x0 = static_cast<int>(std::lround(p.x)) - pad;
    const int y0 = static_cast<int>(std::lround(p.y)) - pad;
    for (int y = 0; y < shape.rows; ++y) {
      for (int x = 0; x < shape.cols; ++x) {
        const int gx = x0 + x, gy = y0 + y;
        if (gx < 0 || gy < 0 || gx >= size_ || gy >= size_) continue;
        const float a = static_cast<float>(shape.at<float>(y, x) * opacity);
        if (a <= 0.02f) continue;
        cv::Vec3f& px = image_.at<cv::Vec3f>(gy, gx);
        const float light = std::min(1.2f, (px[0] + 1) / 190.0f);
        px = px * (1 - a) + color * (a * light);
        if (a > 0.3f) mask_.at<std::uint8_t>(gy, gx) = static_cast<std::uint8_t>(kind);
      }
    }
  }

  void paintNeovascularTuft(const cv::Point2d& site) {
    cv::Mat layer(size_, size_, CV_32FC1, cv::Scalar(0));
    const double reach = 0.05 * size_;
    for (int loop = 0; loop < 14; ++loop) {
      cv::Point2d p = site;
      double heading = rng_.uniform(0, 2 * kPi);
      for (int s = 0; s < 14; ++s) {
        heading += rng_.normal(0, 0.7);
        cv::Point2d next = p + 0.006 * size_ * cv::Point2d(std::cos(heading), std::sin(heading));
        if (cv::norm(next - site) > reach) heading += kPi;
        cv::line(layer, p, next, cv::Scalar(1.0), 1, cv::LINE_AA);
        p = next;
      }
    }
    for (int y = 0; y < size_; ++y)
      for (int x = 0; x < size_; ++x)
        if (layer.at<float>(y, x) > 0.3f)
          mask_.at<std::uint8_t>(y, x) =
              static_cast<std::uint8_t>(FundusLesion::Neovascularization);
    blendLayer(layer, cv::Vec3f(150, 30, 25), 0.9);
  }

  int drawCount(const int range[2]) { return rng_.uniformInt(range[0], range[1]); }

  void paintLesions(std::array<int, kFundusLesionClasses>& counts) {
    const LesionPlan& plan = kPlans[std::clamp(options_.grade, 0, 4)];
    const double s = size_;
    auto count = [&](FundusLesion kind) -> int& { return counts[static_cast<int>(kind)]; };

    for (int n = drawCount(plan.neovascular); n > 0; --n) {
      // New vessels at the disc (NVD) or elsewhere (NVE).
      const cv::Point2d site = rng_.chance(0.5) ? disc_ + cv::Point2d(rng_.normal(0, discRadius_),
                                                                      rng_.normal(0, discRadius_))
                                                : lesionSite(0.1 * s);
      paintNeovascularTuft(site);
      ++count(FundusLesion::Neovascularization);
    }
    for (int n = drawCount(plan.cottonWool); n > 0; --n) {
      stamp(FundusLesion::CottonWoolSpot, lesionSite(0.15 * s), rng_.uniform(0.012, 0.022) * s,
            cv::Vec3f(245, 235, 220), 0.006 * s, 0.75, true);
      ++count(FundusLesion::CottonWoolSpot);
    }
    // Severe NPDR: haemorrhages in every quadrant.
    const int haemorrhages = drawCount(plan.haemorrhages);
    for (int n = 0; n < haemorrhages; ++n) {
      const int quadrant = options_.grade >= 3 ? n % 4 : -1;
      stamp(FundusLesion::Haemorrhage, lesionSite(0.05 * s, quadrant),
            rng_.uniform(0.005, 0.014) * s, cv::Vec3f(95, 12, 10), 0.8, 0.92, rng_.chance(0.6));
      ++count(FundusLesion::Haemorrhage);
    }
    // Hard exudates cluster, often in a ring near the macula.
    const int exudates = drawCount(plan.exudates);
    const cv::Point2d cluster =
        macula_ + cv::Point2d(rng_.normal(0, 0.06 * s), rng_.normal(0, 0.06 * s));
    for (int n = 0; n < exudates; ++n) {
      cv::Point2d p = cluster + cv::Point2d(rng_.normal(0, 0.04 * s), rng_.normal(0, 0.04 * s));
      if (distanceToFovEdge(p) < 0.05 * s || cv::norm(p - disc_) < discRadius_ * 1.5)
        p = lesionSite(0.1 * s);
      stamp(FundusLesion::HardExudate, p, rng_.uniform(0.003, 0.008) * s, cv::Vec3f(250, 225, 95),
            0.5, 0.95, rng_.chance(0.5));
      ++count(FundusLesion::HardExudate);
    }
    for (int n = drawCount(plan.microaneurysms); n > 0; --n) {
      stamp(FundusLesion::Microaneurysm, lesionSite(0.08 * s),
            std::max(1.2, rng_.uniform(0.0025, 0.004) * s), cv::Vec3f(110, 15, 12), 0.4, 0.95,
            false);
      ++count(FundusLesion::Microaneurysm);
    }
  }

  void degrade() {
    // Sensor noise first, then the acquisition defect.
    for (int y = 0; y < size_; ++y)
      for (int x = 0; x < size_; ++x) {
        cv::Vec3f& px = image_.at<cv::Vec3f>(y, x);
        for (int c = 0; c < 3; ++c) px[c] += static_cast<float>(rng_.normal(0, 2.5));
      }
    if (options_.quality == FundusQuality::Blurred) {
      cv::GaussianBlur(image_, image_, cv::Size(0, 0), rng_.uniform(0.012, 0.02) * size_);
    } else if (options_.quality == FundusQuality::Underexposed) {
      image_ *= rng_.uniform(0.12, 0.2);
      for (int y = 0; y < size_; ++y)
        for (int x = 0; x < size_; ++x) {
          cv::Vec3f& px = image_.at<cv::Vec3f>(y, x);
          for (int c = 0; c < 3; ++c) px[c] += static_cast<float>(rng_.normal(0, 3.0));
        }
    }
  }

  void applyFieldOfView() {
    for (int y = 0; y < size_; ++y)
      for (int x = 0; x < size_; ++x) {
        const double edge = distanceToFovEdge(cv::Point2d(x, y));
        const float keep = static_cast<float>(std::clamp(edge + 0.5, 0.0, 1.0));
        image_.at<cv::Vec3f>(y, x) *= keep;
        if (keep < 0.5f) mask_.at<std::uint8_t>(y, x) = 0;
      }
  }

  static core::Image2D toImage(const cv::Mat& floatRgb) {
    cv::Mat bytes;
    floatRgb.convertTo(bytes, CV_8UC3);  // saturating, rounding
    return internal::toImage2D(bytes);
  }

  FundusPhantomOptions options_;
  int size_;
  core::SeededRandom rng_;
  cv::Mat image_;
  cv::Mat mask_;
  cv::Point2d center_;
  double fovRadius_ = 0;
  bool rightEye_ = true;
  cv::Point2d disc_;
  double discRadius_ = 0;
  cv::Point2d macula_;
};

}  // namespace

FundusPhantomGenerator::FundusPhantomGenerator(FundusPhantomOptions options) : options_(options) {}

core::Result<FundusPhantom> FundusPhantomGenerator::generate() const {
  if (options_.sizePx < 128 || options_.sizePx > 4096) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "fundus size must be 128 to 4096 pixels");
  }
  if (options_.grade < 0 || options_.grade > 4) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "ICDR grade must be 0 to 4, got " + std::to_string(options_.grade));
  }
  FundusPainter painter(options_);
  return painter.paint();
}

}  // namespace vigie::imaging
