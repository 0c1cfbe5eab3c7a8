#pragma once

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

/// How a series' slices stack into a volume, worked out from headers alone.
struct SeriesLayout {
  core::VolumeGeometry geometry;
  std::vector<const DicomImageHeader*> slices;  ///< in volume order (along the slice normal)
  std::vector<std::string> warnings;            ///< e.g. uneven slice spacing
};

struct LoadedCtVolume {
  core::CtVolume volume;              ///< HU after Modality LUT rescale
  std::vector<std::string> warnings;  ///< e.g. uneven slice spacing
};

/// Turns one series of single-frame slices into a HU volume: slices sorted by
/// their position along the slice normal (not by file name or Instance
/// Number), geometry from Image Position/Orientation (Patient) and Pixel
/// Spacing, pixels rescaled to HU. Compressed transfer syntaxes that DCMTK
/// decodes (JPEG, JPEG-LS, RLE) are handled.
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
};

}  // namespace vigie::imaging
