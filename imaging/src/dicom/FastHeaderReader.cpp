#include "FastHeaderReader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::imaging::internal {
namespace {

std::atomic<bool> gFastHeaders{true};

constexpr std::size_t kHeadBytes = 64 * 1024;
constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFFu;
constexpr int kMaxDepth = 16;  // nested sequences deeper than this: let DCMTK decide

constexpr std::uint32_t tagOf(std::uint16_t group, std::uint16_t element) {
  return (std::uint32_t{group} << 16) | element;
}
constexpr std::uint32_t kPixelData = tagOf(0x7FE0, 0x0010);
constexpr std::uint32_t kItem = tagOf(0xFFFE, 0xE000);
constexpr std::uint32_t kItemEnd = tagOf(0xFFFE, 0xE00D);
constexpr std::uint32_t kSequenceEnd = tagOf(0xFFFE, 0xE0DD);

/// VRs whose explicit-VR encoding has two reserved bytes and a 4-byte length.
bool hasLongLength(char a, char b) {
  static constexpr const char* kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                          "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* vr : kLong)
    if (vr[0] == a && vr[1] == b) return true;
  return false;
}

/// One element as it lies in the buffer.
struct Element {
  std::uint32_t tag = 0;
  std::uint32_t length = 0;
  bool sequence = false;   ///< SQ, or undefined length (a sequence or encapsulated data)
  bool unknownVr = false;  ///< explicit VR "UN": DCMTK keeps such values as raw bytes
  char vr[2] = {0, 0};     ///< as written, for an explicit VR; zeros for an implicit one
  std::size_t value = 0;   ///< offset of the value in the buffer
};

/// A little-endian dataset in a byte buffer; every read is bounds-checked.
class Walker {
 public:
  Walker(std::string_view bytes, bool explicitVr) : bytes_(bytes), explicitVr_(explicitVr) {}

  std::uint16_t u16(std::size_t at) const {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes_[at]) |
                                      (static_cast<unsigned char>(bytes_[at + 1]) << 8));
  }
  std::uint32_t u32(std::size_t at) const {
    return std::uint32_t{u16(at)} | (std::uint32_t{u16(at + 2)} << 16);
  }

  /// Reads the element header at `at`; false when it does not fit.
  bool element(std::size_t at, Element& e) const {
    if (at + 8 > bytes_.size()) return false;
    e.tag = tagOf(u16(at), u16(at + 2));
    if (e.tag == kItem || e.tag == kItemEnd || e.tag == kSequenceEnd || !explicitVr_) {
      e.length = u32(at + 4);
      e.value = at + 8;
      e.sequence = e.length == kUndefinedLength;
      return true;
    }
    const char a = bytes_[at + 4], b = bytes_[at + 5];
    e.vr[0] = a;
    e.vr[1] = b;
    e.unknownVr = a == 'U' && b == 'N';
    if (hasLongLength(a, b)) {
      if (at + 12 > bytes_.size()) return false;
      e.length = u32(at + 8);
      e.value = at + 12;
    } else {
      e.length = u16(at + 6);
      e.value = at + 8;
    }
    e.sequence = (a == 'S' && b == 'Q') || e.length == kUndefinedLength;
    return true;
  }

  /// The offset just past a sequence whose value starts at `at` (undefined
  /// length: items until the Sequence Delimitation Item); 0 when malformed.
  std::size_t skipUndefinedSequence(std::size_t at, int depth) const {
    if (depth > kMaxDepth) return 0;
    while (true) {
      Element item;
      if (!element(at, item)) return 0;
      if (item.tag == kSequenceEnd) return item.value;
      if (item.tag != kItem) return 0;
      if (item.length != kUndefinedLength) {
        at = item.value + item.length;
        if (at > bytes_.size()) return 0;
        continue;
      }
      at = skipItemElements(item.value, depth + 1);
      if (at == 0) return 0;
    }
  }

  std::string_view value(const Element& e) const { return bytes_.substr(e.value, e.length); }
  std::size_t size() const { return bytes_.size(); }

 private:
  /// Past the Item Delimitation Item that ends an undefined-length item.
  std::size_t skipItemElements(std::size_t at, int depth) const {
    while (true) {
      Element e;
      if (!element(at, e)) return 0;
      if (e.tag == kItemEnd) return e.value;
      at = next(e, depth);
      if (at == 0) return 0;
    }
  }

 public:
  /// The offset of the element after `e` (skipping its value or its items).
  std::size_t next(const Element& e, int depth) const {
    if (e.length == kUndefinedLength) return skipUndefinedSequence(e.value, depth);
    const std::size_t end = e.value + e.length;
    return end <= bytes_.size() ? end : 0;
  }

 private:
  std::string_view bytes_;
  bool explicitVr_;
};

/// A string value as DCMTK's findAndGetOFString gives it: the first of its
/// backslash-separated values, without the padding (trailing NUL or spaces;
/// leading spaces too, for the VRs where they are insignificant).
std::string firstValue(std::string_view value) {
  const auto slash = value.find('\\');
  if (slash != std::string_view::npos) value = value.substr(0, slash);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.remove_suffix(1);
  return std::string(value);
}

std::string trimmed(std::string_view value) {
  while (!value.empty() && (value.front() == ' ')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.remove_suffix(1);
  return std::string(value);
}

/// The decimal strings (DS) of a multi-valued element; false when one of the
/// first `count` is missing or not a number.
bool decimals(std::string_view value, std::size_t count, double* out) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (start > value.size()) return false;
    const auto end = value.find('\\', start);
    const std::string token =
        trimmed(value.substr(start, end == std::string_view::npos ? value.npos : end - start));
    if (token.empty()) return false;
    char* stop = nullptr;
    out[i] = std::strtod(token.c_str(), &stop);
    if (stop == token.c_str() || *stop != '\0') return false;
    start = end == std::string_view::npos ? value.size() + 1 : end + 1;
  }
  return true;
}

bool integer(std::string_view value, long& out) {
  const std::string token = trimmed(firstValue(value));
  if (token.empty()) return false;
  char* stop = nullptr;
  out = std::strtol(token.c_str(), &stop, 10);
  return stop != token.c_str() && *stop == '\0';
}

}  // namespace

void setFastHeaderReading(bool enabled) { gFastHeaders = enabled; }
bool fastHeaderReading() { return gFastHeaders; }

std::optional<DicomImageHeader> readHeaderFast(const std::filesystem::path& file) {
  if (!gFastHeaders) return std::nullopt;
  std::string head(kHeadBytes, '\0');
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::size_t got = 0;
  while (got < head.size()) {
    const ssize_t n = ::read(fd, head.data() + got, head.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  head.resize(got);
  if (got < 132 || head.compare(128, 4, "DICM") != 0) return std::nullopt;

  // File meta information: always explicit VR little endian, group 0002.
  const Walker meta(head, true);
  std::string syntax;
  std::size_t at = 132;
  Element e;
  while (meta.element(at, e) && (e.tag >> 16) == 0x0002) {
    if (e.length == kUndefinedLength) return std::nullopt;
    if (e.tag == tagOf(0x0002, 0x0010)) syntax = firstValue(meta.value(e));
    at = meta.next(e, 0);
    if (at == 0) return std::nullopt;
  }
  const bool implicitVr = syntax == "1.2.840.10008.1.2";
  // Big endian and deflated datasets are DCMTK's; every other syntax
  // (uncompressed, JPEG, JPEG-LS, RLE, JPEG 2000 ...) has an explicit VR LE dataset.
  if (syntax.empty() || syntax == "1.2.840.10008.1.2.2" || syntax == "1.2.840.10008.1.2.1.99")
    return std::nullopt;

  const Walker data(head, !implicitVr);
  DicomImageHeader h;
  h.file = file;
  h.transferSyntaxUid = syntax;
  bool pixelData = false, position = false, orientation = false, bitsAllocated = false;
  double values[6];
  std::uint32_t previous = 0;
  while (data.element(at, e)) {
    if (e.tag == kPixelData) {
      pixelData = true;
      break;
    }
    // Elements must ascend; a dataset that does not is for DCMTK to judge.
    if (e.tag <= previous || e.tag == kItem || e.tag == kItemEnd || e.tag == kSequenceEnd)
      return std::nullopt;
    previous = e.tag;
    if (!e.sequence && e.value + e.length > data.size()) return std::nullopt;
    const std::string_view v = e.sequence ? std::string_view() : data.value(e);
    // An attribute the scanner reads, stored as UN: DCMTK's reading is the reference.
    if (e.unknownVr && ((e.tag >> 16) == 0x0008 || (e.tag >> 16) == 0x0010 ||
                        (e.tag >> 16) == 0x0020 || (e.tag >> 16) == 0x0028))
      return std::nullopt;
    switch (e.tag) {
      case tagOf(0x0008, 0x0016):
        h.sopClassUid = firstValue(v);
        break;
      case tagOf(0x0008, 0x0018):
        h.sopInstanceUid = firstValue(v);
        break;
      case tagOf(0x0008, 0x0020):
        h.studyDate = firstValue(v);
        break;
      case tagOf(0x0008, 0x0060):
        h.modality = firstValue(v);
        break;
      case tagOf(0x0008, 0x103E):
        h.seriesDescription = firstValue(v);
        break;
      case tagOf(0x0010, 0x0010):
        h.patientName = firstValue(v);
        break;
      case tagOf(0x0010, 0x0020):
        h.patientId = firstValue(v);
        break;
      case tagOf(0x0020, 0x000D):
        h.studyInstanceUid = firstValue(v);
        break;
      case tagOf(0x0020, 0x000E):
        h.seriesInstanceUid = firstValue(v);
        break;
      case tagOf(0x0020, 0x0052):
        h.frameOfReferenceUid = firstValue(v);
        break;
      case tagOf(0x0020, 0x0013): {
        long number = 0;
        if (integer(v, number)) h.instanceNumber = static_cast<int>(number);
        break;
      }
      case tagOf(0x0020, 0x0032):
        position = decimals(v, 3, values);
        if (position) h.imagePosition = {values[0], values[1], values[2]};
        break;
      case tagOf(0x0020, 0x0037):
        orientation = decimals(v, 6, values);
        if (orientation) {
          h.rowDirection = core::Vec3{values[0], values[1], values[2]}.normalized();
          h.columnDirection = core::Vec3{values[3], values[4], values[5]}.normalized();
        }
        break;
      case tagOf(0x0028, 0x0002):
      case tagOf(0x0028, 0x0010):
      case tagOf(0x0028, 0x0011):
      case tagOf(0x0028, 0x0100):
      case tagOf(0x0028, 0x0101):
      case tagOf(0x0028, 0x0103): {
        // US, one value; anything else (another VR, empty, several values)
        // is DCMTK's to read and, if malformed, to report.
        if (e.length != 2 || (e.vr[0] != 0 && (e.vr[0] != 'U' || e.vr[1] != 'S')))
          return std::nullopt;
        const int value = data.u16(e.value);
        bitsAllocated = bitsAllocated || e.tag == tagOf(0x0028, 0x0100);
        if (e.tag == tagOf(0x0028, 0x0002)) h.samplesPerPixel = value;
        if (e.tag == tagOf(0x0028, 0x0010)) h.rows = value;
        if (e.tag == tagOf(0x0028, 0x0011)) h.columns = value;
        if (e.tag == tagOf(0x0028, 0x0100)) h.bitsAllocated = value;
        if (e.tag == tagOf(0x0028, 0x0101)) h.bitsStored = value;
        if (e.tag == tagOf(0x0028, 0x0103)) h.pixelRepresentation = value;
        break;
      }
      case tagOf(0x0028, 0x0008): {
        // DCMTK places frames, and reports a count that is not a number.
        long frames = 1;
        if (!trimmed(v).empty() && (!integer(v, frames) || frames > 1)) return std::nullopt;
        break;
      }
      case tagOf(0x0028, 0x0030):
        if (decimals(v, 1, values) && values[0] > 0) h.rowSpacing = values[0];
        if (decimals(v, 2, values) && values[1] > 0) h.columnSpacing = values[1];
        break;
      // A rescale that is not a number is DCMTK's to report (absent or
      // empty, the identity stays).
      case tagOf(0x0028, 0x1052):
        if (trimmed(v).empty()) break;
        if (!decimals(v, 1, values)) return std::nullopt;
        h.rescaleIntercept = values[0];
        break;
      case tagOf(0x0028, 0x1053):
        if (trimmed(v).empty()) break;
        if (!decimals(v, 1, values)) return std::nullopt;
        if (values[0] != 0.0) h.rescaleSlope = values[0];
        break;
      default:
        break;
    }
    at = data.next(e, 0);
    if (at == 0) return std::nullopt;
  }
  // No Bits Allocated: DCMTK's reading names it as missing.
  if (!pixelData || h.rows == 0 || h.columns == 0 || !bitsAllocated) return std::nullopt;
  h.hasPosition = position;
  return h;
}

}  // namespace vigie::imaging::internal
