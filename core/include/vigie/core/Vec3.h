#pragma once

#include <array>
#include <cmath>

namespace vigie::core {

/// A 3-vector of doubles: a point or direction in patient space (LPS, mm)
/// or a continuous voxel index, depending on context.
struct Vec3 {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;

  constexpr double operator[](int axis) const { return axis == 0 ? x : (axis == 1 ? y : z); }
  constexpr double& operator[](int axis) { return axis == 0 ? x : (axis == 1 ? y : z); }

  constexpr Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  constexpr Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  constexpr Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
  constexpr Vec3 operator/(double s) const { return {x / s, y / s, z / s}; }
  constexpr bool operator==(const Vec3& o) const { return x == o.x && y == o.y && z == o.z; }

  constexpr double dot(const Vec3& o) const { return x * o.x + y * o.y + z * o.z; }
  constexpr Vec3 cross(const Vec3& o) const {
    return {y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x};
  }
  double norm() const { return std::sqrt(dot(*this)); }
  Vec3 normalized() const {
    const double n = norm();
    return n > 0.0 ? *this / n : *this;
  }
};

inline double distance(const Vec3& a, const Vec3& b) { return (a - b).norm(); }

}  // namespace vigie::core
