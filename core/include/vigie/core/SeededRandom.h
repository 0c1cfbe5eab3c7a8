#pragma once

#include <cstdint>

namespace vigie::core {

/// A small, fast pseudo-random generator whose sequence depends only on its
/// seed, on every platform and standard library. (std::normal_distribution and
/// friends are implementation-defined, so they cannot give "same seed, same
/// bytes" across toolchains; this class can.)
///
/// Generator: xoshiro256** (Blackman & Vigna), state seeded through splitmix64.
/// Not for cryptography. Not thread-safe: give each thread its own instance,
/// seeded with derive().
class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed);

  /// A new generator whose sequence is a function of this seed and `stream`
  /// only (not of how many numbers were drawn): for per-slice or per-object
  /// streams that stay identical whatever the thread count.
  static SeededRandom derive(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t nextU64();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi);
  /// Uniform integer in [lo, hi] (inclusive).
  int uniformInt(int lo, int hi);
  /// Standard normal (mean 0, SD 1), Box-Muller.
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  /// True with probability p.
  bool chance(double p) { return uniform() < p; }

 private:
  std::uint64_t state_[4];
  double spareNormal_ = 0.0;
  bool hasSpareNormal_ = false;
};

}  // namespace vigie::core
