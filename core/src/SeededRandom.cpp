#include "vigie/core/SeededRandom.h"

#include <cmath>

namespace vigie::core {
namespace {

std::uint64_t splitMix64(std::uint64_t& x) {
  x += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotateLeft(std::uint64_t value, int bits) {
  return (value << bits) | (value >> (64 - bits));
}

constexpr double kTwoPi = 6.283185307179586476925286766559;

}  // namespace

SeededRandom::SeededRandom(std::uint64_t seed) {
  std::uint64_t mixer = seed;
  for (auto& word : state_) word = splitMix64(mixer);
}

SeededRandom SeededRandom::derive(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t mixer = seed ^ (stream * 0xD1B54A32D192ED03ULL);
  return SeededRandom(splitMix64(mixer) ^ stream);
}

std::uint64_t SeededRandom::nextU64() {
  const std::uint64_t result = rotateLeft(state_[1] * 5, 7) * 9;
  const std::uint64_t shifted = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= shifted;
  state_[3] = rotateLeft(state_[3], 45);
  return result;
}

double SeededRandom::uniform() {
  // The top 53 bits give every double in [0, 1) on a 2^-53 grid.
  return static_cast<double>(nextU64() >> 11) * 0x1.0p-53;
}

double SeededRandom::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

int SeededRandom::uniformInt(int lo, int hi) {
  if (hi <= lo) return lo;
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<int>(nextU64() % span);
}

double SeededRandom::normal() {
  if (hasSpareNormal_) {
    hasSpareNormal_ = false;
    return spareNormal_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  spareNormal_ = radius * std::sin(kTwoPi * u2);
  hasSpareNormal_ = true;
  return radius * std::cos(kTwoPi * u2);
}

}  // namespace vigie::core
