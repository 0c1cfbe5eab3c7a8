#pragma once

// Reads the attributes of one DICOM dataset (or item) so that a value DCMTK
// cannot read is never taken for an absent one. An attribute that is absent,
// or present with no value, gets its documented default, or is an error when
// the code cannot do without it; one that is present but unreadable (another
// VR, "abc" as a decimal string) is always an error. A bare findAndGet*()
// would leave the default in place in both cases, and a slope of "abc" would
// silently become 1.

#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <optional>
#include <string>
#include <utility>

#include "vigie/core/Result.h"

namespace vigie::imaging::internal {

/// "RescaleSlope (0028,1053)": how messages name an attribute (keyword and tag).
inline std::string attributeName(const DcmTagKey& tag) {
  return std::string(DcmTag(tag).getTagName()) + " " + tag.toString().c_str();
}

/// Reads attributes from one item, keeping the first failure (as the review
/// store's Statement keeps a failed bind), so that a run of reads is checked
/// once. A read that fails returns its default (zero for a required value).
class AttributeReader {
 public:
  /// `where` names the file (and the frame, if any) in error().
  AttributeReader(DcmItem& item, std::string where) : item_(item), where_(std::move(where)) {}

  /// The value of `tag`, or `fallback` when the attribute is absent or empty.
  Uint16 uint16(const DcmTagKey& tag, Uint16 fallback) {
    return read<Uint16>(tag, fallback, [](DcmElement& e, Uint16& v) { return e.getUint16(v); });
  }
  /// A value the caller cannot do without: absent or empty is an error too.
  Uint16 requiredUint16(const DcmTagKey& tag) {
    return read<Uint16>(tag, std::nullopt, [](DcmElement& e, Uint16& v) { return e.getUint16(v); });
  }
  Sint32 sint32(const DcmTagKey& tag, Sint32 fallback) {
    return read<Sint32>(tag, fallback, [](DcmElement& e, Sint32& v) { return e.getSint32(v); });
  }
  Float64 float64(const DcmTagKey& tag, Float64 fallback) {
    return read<Float64>(tag, fallback, [](DcmElement& e, Float64& v) { return e.getFloat64(v); });
  }
  std::string string(const DcmTagKey& tag, const std::string& fallback) {
    const OFString value =
        read<OFString>(tag, OFString(fallback.c_str()),
                       [](DcmElement& e, OFString& v) { return e.getOFString(v, 0); });
    return value.c_str();
  }

  bool ok() const { return problem_.empty(); }
  /// The first failure, without the file's name ("missing BitsAllocated
  /// (0028,0100)"); empty when every read succeeded.
  const std::string& problem() const { return problem_; }
  /// The first failure as an error naming the file. Precondition: !ok().
  core::Error error() const {
    return core::makeError(core::ErrorCode::ParseError, where_ + ": " + problem_);
  }

 private:
  template <typename T, typename Get>
  T read(const DcmTagKey& tag, const std::optional<T>& fallback, Get get) {
    DcmElement* element = nullptr;
    const OFCondition found = item_.findAndGetElement(tag, element);
    const bool absent = found == EC_TagNotFound;
    if (absent || (found.good() && element && element->isEmpty())) {
      if (fallback) return *fallback;
      fail(absent ? "missing " + attributeName(tag) : attributeName(tag) + " is empty");
      return T{};
    }
    T value{};
    const OFCondition outcome = found.good() && element ? get(*element, value) : found;
    if (outcome.good()) return value;
    fail(unreadable(tag, element, outcome));
    return fallback.value_or(T{});
  }

  /// "RescaleSlope (0028,1053) is DS 'abc', which cannot be read: ..."
  static std::string unreadable(const DcmTagKey& tag, DcmElement* element, const OFCondition& why) {
    std::string text = attributeName(tag);
    if (element) {
      OFString raw;
      if (element->getOFStringArray(raw).bad()) raw.clear();
      constexpr std::size_t kShown = 64;  // enough to recognize; a hostile value can be huge
      std::string shown = raw.c_str();
      if (shown.size() > kShown) shown = shown.substr(0, kShown) + "...";
      text += std::string(" is ") + DcmVR(element->getVR()).getVRName() + " '" + shown + "'";
    }
    return text + ", which cannot be read: " + why.text();
  }

  void fail(std::string problem) {
    if (problem_.empty()) problem_ = std::move(problem);
  }

  DcmItem& item_;
  std::string where_;
  std::string problem_;
};

}  // namespace vigie::imaging::internal
