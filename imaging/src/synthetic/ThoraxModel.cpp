#include "ThoraxModel.h"

#include <algorithm>
#include <cmath>

namespace vigie::imaging::internal {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Adult proportions (mm) for a 360 mm field of view; multiplied by scale_.
constexpr double kBodyCenterY = 10.0;
constexpr double kBodySemiX = 160.0;
constexpr double kBodySemiY = 120.0;
constexpr double kFatThickness = 11.0;
constexpr double kPleuraRho = 0.83;  // lungs stay inside this elliptic radius
constexpr double kRibRho = 0.865;
constexpr double kLungCenterX = 74.0;
constexpr double kLungCenterY = 8.0;
constexpr double kLungSemiX = 62.0;
constexpr double kLungSemiY = 92.0;
constexpr double kMediastinumHalfWidth = 20.0;

// Heights as fractions of the scanned length (0 = inferior end).
constexpr double kLungBase = 0.10;
constexpr double kLungApex = 0.97;
constexpr double kCarina = 0.62;
constexpr double kHeartCenter = 0.36;
constexpr double kRibTop = 0.96;
constexpr double kRibBottom = 0.16;
constexpr int kRibPairs = 12;

double square(double v) { return v * v; }

bool inCircle(double x, double y, double cx, double cy, double r) {
  return square(x - cx) + square(y - cy) <= r * r;
}

}  // namespace

ThoraxModel::ThoraxModel(const core::VolumeGeometry& g) {
  const double widthMm = static_cast<double>(g.size.i) * g.spacing.x;
  scale_ = widthMm / 360.0;
  const double zFirst = g.origin.z;
  const double zLast = g.indexToPhysical({0, 0, static_cast<double>(g.size.k - 1)}).z;
  zMin_ = std::min(zFirst, zLast);
  zLength_ = std::max(std::abs(zLast - zFirst), 1.0);
}

double ThoraxModel::bodyRadius(double x, double y) const {
  return std::sqrt(square(x / (kBodySemiX * scale_)) +
                   square((y - kBodyCenterY * scale_) / (kBodySemiY * scale_)));
}

core::Vec3 ThoraxModel::hilum(int side) const {
  return {side * 42.0 * scale_, 2.0 * scale_, zAt(0.50)};
}

core::Vec3 ThoraxModel::carina() const { return {0.0, -4.0 * scale_, zAt(kCarina)}; }

core::Vec3 ThoraxModel::mainBronchusEnd(int side) const {
  return {side * 50.0 * scale_, 0.0, zAt(0.53)};
}

bool ThoraxModel::inLungEnvelope(double x, double y, double z, int side) const {
  const double t = (z - zAt(kLungBase)) / (zAt(kLungApex) - zAt(kLungBase));
  if (t <= 0.0 || t >= 1.0) return false;
  // Cross-section shrinks towards the apex (a dome) and slightly towards the base.
  const double taper = t > 0.45 ? std::sqrt(std::max(0.0, 1.0 - square((t - 0.45) / 0.55)))
                                : 1.0 - 0.25 * (0.45 - t);
  const double semiX = kLungSemiX * scale_ * taper;
  const double semiY = kLungSemiY * scale_ * (0.35 + 0.65 * taper);
  const double cx = side * kLungCenterX * scale_;
  const double cy = kLungCenterY * scale_ + (1.0 - taper) * 25.0 * scale_;  // apex sits posterior
  const double r2 = square((x - cx) / semiX) + square((y - cy) / semiY);
  if (r2 >= 1.0) return false;
  // The diaphragm dome: higher centrally than at the edges, higher on the right (liver).
  const double dome = 0.16 * (1.0 - r2) + (side < 0 ? 0.03 : 0.0);
  return t > dome;
}

bool ThoraxModel::isLung(const core::Vec3& p) const {
  const double x = p.x;
  const double y = p.y;
  const double z = p.z;
  if (std::abs(x) < kMediastinumHalfWidth * scale_) return false;
  if (bodyRadius(x, y) > kPleuraRho) return false;
  const int side = x < 0 ? -1 : 1;
  if (!inLungEnvelope(x, y, z, side)) return false;
  // The heart bulges into the left lung; keep a rim of pericardial fat.
  const double heartZ = zAt(kHeartCenter);
  const double heart = square((x - 18.0 * scale_) / (62.0 * scale_)) +
                       square((y + 28.0 * scale_) / (50.0 * scale_)) +
                       square((z - heartZ) / (0.17 * zLength_));
  return heart > 1.0;
}

bool ThoraxModel::isRib(double x, double y, double z, double rho) const {
  constexpr double kHalfThicknessRho = 0.028;
  if (std::abs(rho - kRibRho) > kHalfThicknessRho) return false;
  // Angle around the body from the posterior midline, 0..pi on each side.
  const double theta = std::abs(std::atan2(x, y - kBodyCenterY * scale_));
  if (theta < 0.28 || theta > 2.35) return false;  // spine behind, cartilage in front
  const double pitch = (kRibTop - kRibBottom) * zLength_ / kRibPairs;
  const double drop = 0.9 * pitch * (theta - 0.28);  // ribs slope down towards the front
  const double halfWidth = 0.30 * pitch;
  const double zFromTop = zAt(kRibTop) - z - drop;
  if (zFromTop < 0.0) return false;
  const double phase = std::fmod(zFromTop, pitch);
  const int index = static_cast<int>(zFromTop / pitch);
  return index < kRibPairs && std::abs(phase - 0.5 * pitch) < halfWidth;
}

TissueSample ThoraxModel::sample(const core::Vec3& p) const {
  const double x = p.x;
  const double y = p.y;
  const double z = p.z;
  const double rho = bodyRadius(x, y);
  if (rho > 1.0) return {kOutside, -1000.0f};

  const double s = scale_;
  const double fatRho = 1.0 - kFatThickness * s / (kBodySemiY * s);
  if (rho > fatRho) return {kSoftTissue, -95.0f};
  if (isRib(x, y, z, rho)) {
    const bool cortex = std::abs(rho - kRibRho) > 0.016;
    return {kBone, cortex ? 850.0f : 260.0f};
  }
  // Spine: vertebral bodies separated by discs, the canal and a spinous process.
  const double discPitch = 0.095 * zLength_;
  const bool inDisc = std::fmod(z - zMin_, discPitch) < 0.16 * discPitch;
  if (inCircle(x, y, 0.0, 76.0 * s, 19.0 * s)) {
    if (inDisc) return {kSoftTissue, 85.0f};
    const bool cortex = !inCircle(x, y, 0.0, 76.0 * s, 16.5 * s);
    return {kBone, cortex ? 700.0f : 230.0f};
  }
  if (inCircle(x, y, 0.0, 102.0 * s, 7.0 * s)) return {kSoftTissue, 25.0f};
  if (!inDisc && ((std::abs(x) < 4.0 * s && y > 109.0 * s && y < 121.0 * s) ||
                  inCircle(std::abs(x), y, 13.0 * s, 100.0 * s, 5.5 * s))) {
    return {kBone, 650.0f};
  }
  // Trachea above the carina, with its wall.
  const core::Vec3 carinaPoint = carina();
  if (z > carinaPoint.z) {
    if (inCircle(x, y, carinaPoint.x, carinaPoint.y, 8.0 * s)) return {kAirway, -1000.0f};
    if (inCircle(x, y, carinaPoint.x, carinaPoint.y, 10.0 * s)) return {kSoftTissue, 30.0f};
  }
  // Aorta: ascending in front, descending beside the spine.
  if (z > zAt(0.42) && z < zAt(0.74) && inCircle(x, y, 12.0 * s, -20.0 * s, 14.0 * s)) {
    return {kSoftTissue, 42.0f};
  }
  if (z > zAt(0.12) && z < zAt(0.74) && inCircle(x, y, 24.0 * s, 52.0 * s, 12.0 * s)) {
    return {kSoftTissue, 42.0f};
  }
  if (isLung(p)) {
    // Gravity-dependent density: posterior lung is slightly denser.
    const double gradient = 30.0 * (y / (kBodySemiY * s));
    return {kLung, static_cast<float>(-855.0 + gradient)};
  }
  // Under the diaphragm: liver on the right, stomach and spleen on the left.
  if (z < zAt(0.30) && rho < kPleuraRho) return {kSoftTissue, x < 0 ? 58.0f : 38.0f};
  return {kSoftTissue, 38.0f};
}

}  // namespace vigie::imaging::internal
