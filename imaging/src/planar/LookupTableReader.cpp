#include "LookupTableReader.h"

#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>
#include <cstdlib>

namespace vigie::imaging::internal {
namespace {

/// A value of a lookup table descriptor, whose VR is US or SS by the pixel
/// representation: read as text, so either works.
bool descriptorValue(DcmItem& item, const DcmTagKey& descriptor, unsigned long index, long& out) {
  OFString text;
  if (item.findAndGetOFString(descriptor, text, index).bad() || text.empty()) return false;
  char* end = nullptr;
  out = std::strtol(text.c_str(), &end, 10);
  return end && *end == '\0';
}

}  // namespace

core::Result<LookupTable> readLookupTable(DcmItem& item, const DcmTagKey& descriptor,
                                          const DcmTagKey& data, bool signedInput,
                                          const std::string& what, const std::string& where) {
  long count = 0, first = 0, bits = 0;
  if (!item.tagExists(descriptor))
    return core::makeError(core::ErrorCode::NotFound, where + ": no " + what);
  if (!descriptorValue(item, descriptor, 0, count) ||
      !descriptorValue(item, descriptor, 1, first) || !descriptorValue(item, descriptor, 2, bits) ||
      bits < 1 || bits > 16) {
    return core::makeError(core::ErrorCode::ParseError,
                           where + ": the " + what + "'s descriptor is malformed");
  }
  // A descriptor read as US holds a signed first value as its 16-bit pattern.
  if (signedInput && first > 32767) first -= 65536;
  const std::size_t entries = count <= 0 ? 65536 : static_cast<std::size_t>(count);
  DcmElement* element = nullptr;
  const Uint8* bytes = nullptr;
  if (item.findAndGetElement(data, element).good() && element) {
    Uint16* words = nullptr;
    Uint8* octets = nullptr;
    if (element->getUint16Array(words).good() && words)
      bytes = reinterpret_cast<const Uint8*>(words);
    else if (element->getUint8Array(octets).good() && octets)
      bytes = octets;
  }
  if (!bytes)
    return core::makeError(core::ErrorCode::ParseError,
                           where + ": the " + what + "'s data missing");
  const std::size_t length = element->getLength();
  LookupTable table;
  table.firstMapped = static_cast<double>(first);
  table.bits = static_cast<int>(bits);
  table.entries.resize(entries);
  if (length >= 2 * entries) {
    // A word per entry, little endian once read.
    for (std::size_t e = 0; e < entries; ++e)
      table.entries[e] =
          static_cast<std::uint16_t>(bytes[2 * e] | (static_cast<unsigned>(bytes[2 * e + 1]) << 8));
  } else if (bits <= 8 && length >= entries) {
    std::copy_n(bytes, entries, table.entries.begin());  // packed two entries to a word
  } else {
    return core::makeError(core::ErrorCode::ParseError, where + ": the " + what +
                                                            "'s data is shorter than its "
                                                            "descriptor says");
  }
  return table;
}

}  // namespace vigie::imaging::internal
