#include "DeterministicUid.h"

#include "vigie/core/SeededRandom.h"
#include "vigie/core/Sha256.h"

namespace vigie::imaging::internal {
namespace {

std::string uidFromBits(unsigned __int128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return "2.25." + digits;
}

}  // namespace

std::string deterministicUid(std::uint64_t seed, const std::string& purpose, std::uint64_t index) {
  std::uint64_t purposeHash = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : purpose) {
    purposeHash ^= c;
    purposeHash *= 1099511628211ULL;
  }
  core::SeededRandom rng = core::SeededRandom::derive(seed ^ purposeHash, index);
  // 122 random bits, as in a version-4 UUID; fits the 64-character UID limit.
  unsigned __int128 value = rng.nextU64();
  value = (value << 58) | (rng.nextU64() >> 6);
  return uidFromBits(value);
}

std::string uidFromText(const std::string& text) {
  core::Sha256 hash;
  hash.update(text);
  const auto digest = hash.finish();
  unsigned __int128 value = 0;
  for (int b = 0; b < 16; ++b) value = (value << 8) | digest[b];
  return uidFromBits(value >> 6);  // 122 bits, as deterministicUid
}

}  // namespace vigie::imaging::internal
