#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"
#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::imaging {

/// Called with (slices done, slices in total), from a worker thread.
using LoadProgress = std::function<void(std::size_t done, std::size_t total)>;

/// One slice of a volume: a single-frame image, or one frame of a
/// multi-frame image (frame counts from 0).
struct SliceRef {
  const DicomImageHeader* header = nullptr;
  int frame = 0;
};

/// How a series' slices stack into a volume, worked out from headers alone.
struct SeriesLayout {
  core::VolumeGeometry geometry;
  std::vector<SliceRef> slices;       ///< in volume order (along the slice normal)
  std::vector<std::string> warnings;  ///< e.g. uneven slice spacing
  bool multiFrame = false;            ///< some slice is a frame of a multi-frame image
  /// Gantry tilt: how far (columns, rows) each slice's content must move in
  /// its plane to sit on the orthogonal grid of `geometry`. Empty when the
  /// slices already stack straight.
  std::vector<std::array<double, 2>> tiltShiftPx;
};

struct LoadedCtVolume {
  core::CtVolume volume;              ///< HU after Modality LUT rescale
  std::vector<std::string> warnings;  ///< e.g. uneven slice spacing
};

/// Turns one series into a HU volume: its single-frame slices, or the frames
/// of its multi-frame images (Enhanced CT/MR, placed by their functional
/// groups), sorted by their position along the slice normal (not by file
/// name, Instance Number or frame number), geometry from Image
/// Position/Orientation (Patient) and Pixel Spacing, pixels rescaled to HU
/// (per frame where the functional groups say so). Every transfer syntax
/// decodeDicomPixels reads is handled; a multi-frame file is read once.
/// A series acquired with gantry tilt (slices offset within their planes as
/// they advance) is de-sheared onto an orthogonal grid: each slice moved in
/// its plane by its offset, bilinear, air outside the field of view; a
/// warning gives the angle.
///
/// Blocks; decodes on several threads. `cancel` (if given) is polled between
/// slices: when set, the result is an ErrorCode::Cancelled error.
class CtVolumeLoader {
 public:
  /// Sorts the slices and computes the geometry without reading pixels.
  /// The layout points into `series`, which must outlive it.
  static core::Result<SeriesLayout> layout(const DicomSeriesEntry& series);

  core::Result<LoadedCtVolume> load(const DicomSeriesEntry& series,
                                    const LoadProgress& progress = {},
                                    const std::atomic<bool>* cancel = nullptr) const;

  /// Receives the slices of a streamed series in volume order, each once:
  /// index k along the third axis, columns x rows HU values (valid during the call).
  using SliceSink = std::function<core::Status(std::size_t k, const std::int16_t* slice)>;

  /// Decodes the series as load() does, but a batch of slices at a time,
  /// handing each batch to `sink` in order, so that memory holds a batch, not
  /// the volume (what a conversion to a file needs). A multi-frame series is
  /// loaded whole first. Returns the layout's warnings; stops at the first
  /// error, of decoding or of the sink. Geometry: layout(series).
  core::Result<std::vector<std::string>> stream(const DicomSeriesEntry& series,
                                                const SliceSink& sink,
                                                const LoadProgress& progress = {},
                                                const std::atomic<bool>* cancel = nullptr) const;
};

}  // namespace vigie::imaging
