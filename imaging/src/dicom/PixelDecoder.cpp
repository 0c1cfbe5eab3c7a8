#include "vigie/imaging/dicom/PixelDecoder.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <cstring>

#include "AttributeReader.h"
#include "DcmtkSetup.h"
#include "DecodeLimits.h"
#include "DicomFileSniffer.h"
#include "Jpeg2000.h"

namespace vigie::imaging {
namespace {

/// The compressed bytes of each frame of an encapsulated Pixel Data: one
/// fragment per frame, or several (a new frame starts where a fragment
/// starts with a JPEG 2000 start-of-codestream marker).
core::Result<std::vector<std::vector<std::uint8_t>>> frameStreams(DcmDataset& ds, int frames,
                                                                  const std::string& where) {
  DcmElement* element = nullptr;
  DcmPixelSequence* sequence = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() ||
      static_cast<DcmPixelData*>(element)
          ->getEncapsulatedRepresentation(ds.getOriginalXfer(), nullptr, sequence)
          .bad() ||
      !sequence || sequence->card() < 2) {
    return core::makeError(core::ErrorCode::ParseError, where + ": no encapsulated pixel data");
  }
  std::vector<std::vector<std::uint8_t>> streams;
  const unsigned long fragments = sequence->card() - 1;  // item 0 is the offset table
  for (unsigned long f = 1; f <= fragments; ++f) {
    DcmPixelItem* item = nullptr;
    Uint8* bytes = nullptr;
    if (sequence->getItem(item, f).bad() || item->getUint8Array(bytes).bad() || !bytes)
      return core::makeError(core::ErrorCode::ParseError, where + ": unreadable fragment");
    const std::size_t length = item->getLength();
    const bool startsCodestream = length >= 2 && bytes[0] == 0xFF && bytes[1] == 0x4F;
    const bool newFrame = streams.empty() || (static_cast<unsigned long>(frames) == fragments) ||
                          (frames > 1 && startsCodestream);
    if (newFrame) streams.emplace_back();
    streams.back().insert(streams.back().end(), bytes, bytes + length);
  }
  if (static_cast<int>(streams.size()) != frames) {
    return core::makeError(core::ErrorCode::ParseError,
                           where + ": " + std::to_string(frames) + " frames but " +
                               std::to_string(streams.size()) + " compressed streams");
  }
  return streams;
}

core::Result<DecodedPixels> decodeUnguarded(const std::filesystem::path& file) {
  const std::string where = file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return core::makeError(core::ErrorCode::NotFound, where + ": no such file");
  if (!internal::mayBeDicom(file))
    return core::makeError(core::ErrorCode::ParseError, where + ": not a DICOM file");
  DcmFileFormat format;
  OFCondition status = format.loadFile(where.c_str());
  if (status.bad())
    return core::makeError(core::ErrorCode::ParseError, where + ": " + status.text());
  DcmDataset* ds = format.getDataset();
  if (auto refused = internal::refuseBeforeDecoding(*ds, where)) return *refused;
  DecodedPixels out;
  const DcmXfer original(ds->getOriginalXfer());
  out.transferSyntax = original.getXferID();
  out.lossy = original.isEncapsulated() && original.isLossy();
  if (!ds->tagExists(DCM_PixelData))
    return core::makeError(core::ErrorCode::ParseError, where + ": no image pixel data");
  // An image's size and allocation are required; the others have defaults
  // (one sample, all allocated bits stored, unsigned, one frame). Present
  // but unreadable, any of them is an error naming it.
  internal::AttributeReader read(*ds, where);
  const Uint16 rows = read.requiredUint16(DCM_Rows);
  const Uint16 columns = read.requiredUint16(DCM_Columns);
  const Uint16 allocated = read.requiredUint16(DCM_BitsAllocated);
  const Uint16 samples = read.uint16(DCM_SamplesPerPixel, 1);
  const Uint16 stored = read.uint16(DCM_BitsStored, 0);
  const Uint16 representation = read.uint16(DCM_PixelRepresentation, 0);
  Sint32 frames = read.sint32(DCM_NumberOfFrames, 1);
  if (!read.ok()) return read.error();
  if (frames < 1) frames = 1;
  out.rows = rows;
  out.columns = columns;
  out.frames = frames;
  out.samplesPerPixel = samples;
  out.bitsAllocated = allocated;
  out.bitsStored = stored;
  out.pixelRepresentation = representation;
  if (internal::isJpeg2000Syntax(out.transferSyntax)) {
    const std::string photometric = read.string(DCM_PhotometricInterpretation, "");
    if (!read.ok()) return read.error();
    // The codestream's colour transform is undone by the decoder.
    out.photometric =
        photometric == "YBR_RCT" || photometric == "YBR_ICT" ? std::string("RGB") : photometric;
    if (allocated != 8 && allocated != 16) {
      return core::makeError(
          core::ErrorCode::Unsupported,
          where + ": JPEG 2000 with " + std::to_string(allocated) + " bits allocated");
    }
    auto streams = frameStreams(*ds, frames, where);
    if (!streams.ok()) return streams.error();
    for (const auto& stream : streams.value()) {
      auto frame = internal::decodeJpeg2000(stream.data(), stream.size(), allocated / 8,
                                            {columns, rows, samples}, where);
      if (!frame.ok()) return frame.error();
      if (frame.value().width != columns || frame.value().height != rows ||
          frame.value().components != samples) {
        return core::makeError(core::ErrorCode::ParseError,
                               where +
                                   ": the JPEG 2000 frame does not match Rows, Columns and "
                                   "Samples per Pixel");
      }
      out.bytes.insert(out.bytes.end(), frame.value().bytes.begin(), frame.value().bytes.end());
    }
    return out;
  }
  // Decompresses in place with the registered codecs (DCMTK: JPEG, JPEG-LS,
  // RLE); an unknown syntax fails here and says so.
  status = ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (status.bad() || !ds->canWriteXfer(EXS_LittleEndianExplicit)) {
    return core::makeError(core::ErrorCode::Unsupported, where +
                                                             ": cannot decode transfer syntax " +
                                                             std::string(original.getXferName()) +
                                                             " (" + out.transferSyntax + ")");
  }
  // Read after decompression: a codec that changes the layout updates it.
  out.photometric = read.string(DCM_PhotometricInterpretation, "");
  if (samples > 1) out.planarConfiguration = read.uint16(DCM_PlanarConfiguration, 0);
  if (!read.ok()) return read.error();

  // YBR_FULL_422 stores two samples per pixel (the chroma pair is shared by
  // two neighbours), not three.
  const std::size_t storedSamples = out.photometric == "YBR_FULL_422" && samples == 3 ? 2 : samples;
  const std::size_t expected =
      static_cast<std::size_t>(rows) * columns * storedSamples * frames * ((allocated + 7) / 8);
  DcmElement* pixels = nullptr;
  status = ds->findAndGetElement(DCM_PixelData, pixels);
  if (status.bad()) {
    return core::makeError(
        core::ErrorCode::ParseError,
        where + ": cannot read " + internal::attributeName(DCM_PixelData) + ": " + status.text());
  }
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
  if (pixels && pixels->getTag().getEVR() == EVR_OW) {
    Uint16* words = nullptr;
    if (pixels->getUint16Array(words).good() && words) {
      data = reinterpret_cast<const std::uint8_t*>(words);
      length = pixels->getLength();
    }
  } else if (pixels) {
    Uint8* bytes = nullptr;
    if (pixels->getUint8Array(bytes).good() && bytes) {
      data = bytes;
      length = pixels->getLength();
    }
  }
  if (allocated == 1) {
    // Bit-packed (e.g. a binary SEG): frames back to back, bits in order.
    const std::size_t bits = static_cast<std::size_t>(rows) * columns * samples * frames;
    if (!data || length * 8 < bits)
      return core::makeError(core::ErrorCode::ParseError, where + ": pixel data truncated");
    out.bytes.assign(data, data + (bits + 7) / 8);
    return out;
  }
  if (data && allocated == 32 && original.isBigEndian() && pixels->getTag().getEVR() == EVR_OW &&
      length >= expected) {
    // DCMTK swaps OW in 16-bit words: a big-endian 32-bit value comes back
    // with its halves in the wrong order. Put them right in a copy.
    out.bytes.assign(data, data + expected);
    for (std::size_t at = 0; at + 4 <= expected; at += 4) {
      std::swap(out.bytes[at], out.bytes[at + 2]);
      std::swap(out.bytes[at + 1], out.bytes[at + 3]);
    }
    return out;
  }
  if (!data || length < expected) {
    return core::makeError(core::ErrorCode::ParseError, where + ": pixel data truncated (" +
                                                            std::to_string(length) + " of " +
                                                            std::to_string(expected) + " bytes)");
  }
  out.bytes.assign(data, data + expected);
  return out;
}

}  // namespace

core::Result<DecodedPixels> decodeDicomPixels(const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  return internal::guardAgainstDcmtkExceptions(file.string(),
                                               [&] { return decodeUnguarded(file); });
}

}  // namespace vigie::imaging
