#include "ColorPixels.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "LookupTableReader.h"

namespace vigie::imaging::internal {
namespace {

/// One stored sample, unsigned, reduced to its top 8 stored bits.
struct ByteSample {
  const std::uint8_t* bytes;
  int bytesPerSample;
  int shift;  ///< bits stored - 8, when more than 8

  std::uint8_t operator()(std::size_t index) const {
    std::uint32_t raw = 0;
    if (bytesPerSample == 1)
      raw = bytes[index];
    else if (bytesPerSample == 2)
      raw = bytes[2 * index] | static_cast<std::uint32_t>(bytes[2 * index + 1]) << 8;
    else
      std::memcpy(&raw, bytes + 4 * index, 4);  // little endian, as the host
    return static_cast<std::uint8_t>(std::min<std::uint32_t>(raw >> shift, 255u));
  }
};

std::uint8_t clampByte(double v) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

/// YCbCr, full range (PS3.3 C.7.6.3.1.2), to RGB.
void ybrToRgb(std::uint8_t y, std::uint8_t cb, std::uint8_t cr, std::uint8_t* rgb) {
  const double b = cb - 128.0, r = cr - 128.0;
  rgb[0] = clampByte(y + 1.402 * r);
  rgb[1] = clampByte(y - 0.344136 * b - 0.714136 * r);
  rgb[2] = clampByte(y + 1.772 * b);
}

/// One colour's palette: Descriptor (entries, first mapped value, bits) and Data.
struct Palette {
  std::vector<std::uint8_t> entries;
  long firstMapped = 0;

  std::uint8_t operator()(long stored) const {
    const long at = std::clamp(stored - firstMapped, 0L, static_cast<long>(entries.size()) - 1);
    return entries[static_cast<std::size_t>(at)];
  }
};

core::Result<Palette> paletteOf(DcmItem& item, const DcmTagKey& descriptor, const DcmTagKey& data,
                                const char* color, const std::string& where) {
  auto table =
      readLookupTable(item, descriptor, data, false, std::string(color) + " palette", where);
  if (!table.ok()) {
    if (table.error().code != core::ErrorCode::NotFound) return table.error();
    const bool segmented = item.tagExists(DCM_SegmentedRedPaletteColorLookupTableData);
    return core::makeError(core::ErrorCode::Unsupported,
                           where + (segmented ? ": segmented palette colour tables not supported"
                                              : ": PALETTE COLOR without its lookup tables"));
  }
  // 8-bit entries kept as they are, 16-bit ones reduced to their top byte.
  Palette palette;
  palette.firstMapped = static_cast<long>(table.value().firstMapped);
  palette.entries.reserve(table.value().entries.size());
  for (const std::uint16_t entry : table.value().entries) {
    palette.entries.push_back(
        static_cast<std::uint8_t>(table.value().bits == 8 && entry < 256 ? entry : entry >> 8));
  }
  return palette;
}

core::Result<std::vector<std::uint8_t>> fromPalette(const DecodedPixels& d, DcmItem& item,
                                                    const std::string& where) {
  auto red = paletteOf(item, DCM_RedPaletteColorLookupTableDescriptor,
                       DCM_RedPaletteColorLookupTableData, "red", where);
  if (!red.ok()) return red.error();
  auto green = paletteOf(item, DCM_GreenPaletteColorLookupTableDescriptor,
                         DCM_GreenPaletteColorLookupTableData, "green", where);
  if (!green.ok()) return green.error();
  auto blue = paletteOf(item, DCM_BluePaletteColorLookupTableDescriptor,
                        DCM_BluePaletteColorLookupTableData, "blue", where);
  if (!blue.ok()) return blue.error();
  if (d.bitsAllocated != 8 && d.bitsAllocated != 16) {
    return core::makeError(
        core::ErrorCode::Unsupported,
        where + ": PALETTE COLOR with " + std::to_string(d.bitsAllocated) + " bits allocated");
  }
  const std::size_t pixels = static_cast<std::size_t>(d.rows) * d.columns * d.frames;
  std::vector<std::uint8_t> rgb(pixels * 3);
  for (std::size_t p = 0; p < pixels; ++p) {
    const long stored = d.bitsAllocated == 8
                            ? d.bytes[p]
                            : static_cast<long>(d.bytes[2 * p] | (d.bytes[2 * p + 1] << 8));
    rgb[3 * p] = red.value()(stored);
    rgb[3 * p + 1] = green.value()(stored);
    rgb[3 * p + 2] = blue.value()(stored);
  }
  return rgb;
}

}  // namespace

core::Result<std::vector<std::uint8_t>> toRgb8(const DecodedPixels& d, DcmItem& item,
                                               const std::string& where) {
  if (d.photometric == "PALETTE COLOR") return fromPalette(d, item, where);
  const bool rgbLike = d.photometric == "RGB" || d.photometric == "YBR_FULL";
  if (d.samplesPerPixel != 3 || (!rgbLike && d.photometric != "YBR_FULL_422")) {
    return core::makeError(core::ErrorCode::Unsupported,
                           where + ": colour as " + d.photometric + " with " +
                               std::to_string(d.samplesPerPixel) + " samples not supported");
  }
  if (d.bitsAllocated != 8 && d.bitsAllocated != 16 && d.bitsAllocated != 32) {
    return core::makeError(
        core::ErrorCode::Unsupported,
        where + ": colour with " + std::to_string(d.bitsAllocated) + " bits allocated");
  }
  const int stored = d.bitsStored > 0 ? std::min(d.bitsStored, d.bitsAllocated) : d.bitsAllocated;
  const ByteSample sample{d.bytes.data(), d.bitsAllocated / 8, std::max(0, stored - 8)};
  const std::size_t perFrame = static_cast<std::size_t>(d.rows) * d.columns;
  const std::size_t pixels = perFrame * d.frames;
  std::vector<std::uint8_t> rgb(pixels * 3);

  if (d.photometric == "YBR_FULL_422") {
    // Two pixels share one chroma pair: Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2).
    if (d.bitsAllocated != 8 || d.columns % 2 != 0) {
      return core::makeError(core::ErrorCode::Unsupported,
                             where + ": YBR_FULL_422 other than 8 bits and even columns");
    }
    for (std::size_t pair = 0; pair < pixels / 2; ++pair) {
      const std::uint8_t* s = d.bytes.data() + 4 * pair;
      ybrToRgb(s[0], s[2], s[3], rgb.data() + 6 * pair);
      ybrToRgb(s[1], s[2], s[3], rgb.data() + 6 * pair + 3);
    }
    return rgb;
  }
  const bool planar = d.planarConfiguration == 1;
  for (std::size_t p = 0; p < pixels; ++p) {
    std::uint8_t c[3];
    const std::size_t frame = p / perFrame, inFrame = p % perFrame;
    for (int k = 0; k < 3; ++k) {
      const std::size_t index =
          planar ? frame * perFrame * 3 + static_cast<std::size_t>(k) * perFrame + inFrame
                 : 3 * p + static_cast<std::size_t>(k);
      c[k] = sample(index);
    }
    if (d.photometric == "YBR_FULL")
      ybrToRgb(c[0], c[1], c[2], rgb.data() + 3 * p);
    else
      std::copy_n(c, 3, rgb.data() + 3 * p);
  }
  return rgb;
}

}  // namespace vigie::imaging::internal
