#include "DecodeLimits.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>
#include <cstdint>

#include "JpegMarkerWalk.h"

namespace vigie::imaging::internal {
namespace {

#ifdef VIGIE_FUZZING
// The fuzzing build: smaller, so that each input stays quick under the
// sanitizers (which write a shadow for every byte reserved) and the fuzzer
// spends its time on parsing rather than on filling legitimate large buffers.
constexpr std::uint64_t kMaxFrameBytes = std::uint64_t{32} << 20;
constexpr std::uint64_t kMaxImageBytes = std::uint64_t{128} << 20;
#else
constexpr std::uint64_t kMaxFrameBytes = std::uint64_t{256} << 20;
constexpr std::uint64_t kMaxImageBytes = std::uint64_t{2} << 30;
#endif

std::string megabytes(std::uint64_t bytes) { return std::to_string((bytes + (1u << 19)) >> 20); }

}  // namespace

std::optional<core::Error> refuseOversizedImage(DcmItem& dataset, const std::string& where) {
  Uint16 rows = 0, columns = 0, samples = 1, bitsAllocated = 0;
  if (dataset.findAndGetUint16(DCM_Rows, rows).bad() ||
      dataset.findAndGetUint16(DCM_Columns, columns).bad())
    return std::nullopt;
  dataset.findAndGetUint16(DCM_SamplesPerPixel, samples);
  dataset.findAndGetUint16(DCM_BitsAllocated, bitsAllocated);
  Sint32 frames = 1;
  if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
  const std::uint64_t bytesPerSample = bitsAllocated > 8 ? (bitsAllocated + 7u) / 8u : 1u;
  const std::uint64_t frameBytes =
      std::uint64_t{rows} * columns * std::max<Uint16>(samples, 1) * bytesPerSample;
  const std::string shape = std::to_string(columns) + " x " + std::to_string(rows) + " x " +
                            std::to_string(samples) + " samples of " +
                            std::to_string(bitsAllocated) + " bits";
  if (frameBytes > kMaxFrameBytes) {
    return core::makeError(core::ErrorCode::Unsupported,
                           where + ": a frame of " + shape + " is " + megabytes(frameBytes) +
                               " MB decoded, over the " + megabytes(kMaxFrameBytes) +
                               " MB Vigie decodes per frame (a damaged header?)");
  }
  const std::uint64_t imageBytes = frameBytes * static_cast<std::uint64_t>(frames);
  if (imageBytes > kMaxImageBytes) {
    return core::makeError(core::ErrorCode::Unsupported,
                           where + ": " + std::to_string(frames) + " frames of " + shape + " are " +
                               megabytes(imageBytes) + " MB decoded, over the " +
                               megabytes(kMaxImageBytes) + " MB Vigie decodes per image");
  }
  return std::nullopt;
}

std::optional<core::Error> refuseBeforeDecoding(DcmDataset& dataset, const std::string& where) {
  if (auto refused = refuseOversizedImage(dataset, where)) return refused;
  return refuseJpegStreamThatStallsDcmtk(dataset, where);
}

}  // namespace vigie::imaging::internal
