#include "vigie/core/Md5.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

namespace vigie::core {
namespace {

/// Incremental MD5; the state is the four 32-bit words A, B, C, D.
class Md5 {
 public:
  void update(const std::uint8_t* data, std::size_t size) {
    total_ += size;
    while (size > 0) {
      const std::size_t take = std::min(size, buffer_.size() - buffered_);
      std::memcpy(buffer_.data() + buffered_, data, take);
      buffered_ += take, data += take, size -= take;
      if (buffered_ == buffer_.size()) {
        compress(buffer_.data());
        buffered_ = 0;
      }
    }
  }

  std::string finishHex() {
    const std::uint64_t bits = total_ * 8;
    const std::uint8_t one = 0x80, zero = 0;
    update(&one, 1);
    while (buffered_ != 56) update(&zero, 1);
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<std::uint8_t>(bits >> (8 * i));
    update(length, 8);
    static const char* digits = "0123456789abcdef";
    std::string hex;
    for (std::uint32_t word : state_) {
      for (int byte = 0; byte < 4; ++byte) {  // little-endian words
        const auto b = static_cast<std::uint8_t>(word >> (8 * byte));
        hex += digits[b >> 4];
        hex += digits[b & 15];
      }
    }
    return hex;
  }

 private:
  static std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

  /// K[i] = floor(2^32 * |sin(i + 1)|), as RFC 1321 defines the table.
  static const std::array<std::uint32_t, 64>& sineTable() {
    static const std::array<std::uint32_t, 64> table = [] {
      std::array<std::uint32_t, 64> t{};
      for (int i = 0; i < 64; ++i)
        t[i] = static_cast<std::uint32_t>(std::floor(4294967296.0 * std::fabs(std::sin(i + 1.0))));
      return t;
    }();
    return table;
  }

  void compress(const std::uint8_t* block) {
    static constexpr int kShifts[4][4] = {
        {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
    std::uint32_t m[16];
    for (int i = 0; i < 16; ++i)
      m[i] = std::uint32_t(block[4 * i]) | std::uint32_t(block[4 * i + 1]) << 8 |
             std::uint32_t(block[4 * i + 2]) << 16 | std::uint32_t(block[4 * i + 3]) << 24;
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    for (int i = 0; i < 64; ++i) {
      const int round = i / 16;
      std::uint32_t f;
      int g;
      if (round == 0) {
        f = (b & c) | (~b & d), g = i;
      } else if (round == 1) {
        f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
      } else if (round == 2) {
        f = b ^ c ^ d, g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d), g = (7 * i) % 16;
      }
      const std::uint32_t rotated = rotl(a + f + sineTable()[i] + m[g], kShifts[round][i % 4]);
      a = d, d = c, c = b, b = b + rotated;
    }
    state_[0] += a, state_[1] += b, state_[2] += c, state_[3] += d;
  }

  std::array<std::uint32_t, 4> state_{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace

std::string md5Hex(const std::string& bytes) {
  Md5 h;
  h.update(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return h.finishHex();
}

Result<std::string> md5HexOfFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return makeError(ErrorCode::NotFound, file.string() + ": cannot open");
  Md5 h;
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
    h.update(reinterpret_cast<const std::uint8_t*>(buffer.data()),
             static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return makeError(ErrorCode::IoError, file.string() + ": read error");
  return h.finishHex();
}

}  // namespace vigie::core
