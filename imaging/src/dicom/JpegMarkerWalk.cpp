#include "JpegMarkerWalk.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdint>

namespace vigie::imaging::internal {
namespace {

bool isFrameHeader(std::uint8_t code) {
  // SOF0 to SOF15, less DHT (C4), JPG (C8) and DAC (CC).
  return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
}

/// Whether DCMTK's bit-depth walk over one fragment reaches a TEM marker.
/// The steps are DCMTK 3.6.7's: two bytes for a marker without a segment
/// (RSTn, SOI, EOI, the reserved 0x03-0xBF), the segment's declared length
/// plus two for the others, one byte for a fill byte; the walk ends at a frame
/// header, at anything else (not a marker) and four bytes before the end.
bool walkReachesTem(const std::uint8_t* data, std::uint32_t length) {
  std::uint32_t at = 0;
  while (at + 4 < length) {
    if (data[at] != 0xFF) return false;
    const std::uint8_t code = data[at + 1];
    const std::uint32_t segment = (std::uint32_t{data[at + 2]} << 8) | data[at + 3];
    if (code == 0x01) return true;
    if (isFrameHeader(code)) return false;
    if (code == 0xFF) {
      at += 1;
    } else if ((code >= 0xD0 && code <= 0xD9) || (code >= 0x03 && code <= 0xBF)) {
      at += 2;
    } else if (code == 0xC4 || code == 0xC8 || code == 0xCC || code >= 0xDA) {
      at += segment + 2;
    } else {
      return false;  // 0x00 and 0x02: DCMTK reports an invalid marker and stops
    }
  }
  return false;
}

}  // namespace

std::optional<core::Error> refuseJpegStreamThatStallsDcmtk(DcmDataset& dataset,
                                                           const std::string& where) {
  const E_TransferSyntax syntax = dataset.getOriginalXfer();
  const DcmXfer xfer(syntax);
  // Only the syntaxes of DCMTK's JPEG codec (processes 1 to 14) take that
  // walk; JPEG-LS, JPEG 2000 and RLE streams are read by other decoders.
  if (!xfer.isEncapsulated() || xfer.getJPEGProcess8Bit() == 0) return std::nullopt;
  DcmElement* element = nullptr;
  DcmPixelSequence* sequence = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, element).bad() || !element ||
      static_cast<DcmPixelData*>(element)
          ->getEncapsulatedRepresentation(syntax, nullptr, sequence)
          .bad() ||
      !sequence)
    return std::nullopt;  // no compressed stream: the decoder reports that
  // Every fragment, not only each frame's first: DCMTK's per-frame decoding
  // starts the walk at whichever fragment it takes for a frame's start.
  const unsigned long fragments = sequence->card();
  for (unsigned long f = 1; f < fragments; ++f) {  // item 0 is the offset table
    DcmPixelItem* item = nullptr;
    Uint8* bytes = nullptr;
    if (sequence->getItem(item, f).bad() || item->getUint8Array(bytes).bad() || !bytes) continue;
    if (walkReachesTem(bytes, item->getLength())) {
      return core::makeError(core::ErrorCode::ParseError,
                             where + ": the JPEG stream in fragment " + std::to_string(f) +
                                 " has a TEM marker (0xFF01) before its frame header, which "
                                 "DCMTK cannot read past (a damaged file?)");
    }
  }
  return std::nullopt;
}

}  // namespace vigie::imaging::internal
