#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/VolumeGeometry.h"
#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::imaging {

/// One image of a source series, as a derived object (SR, SEG) refers to it.
struct SourceSlice {
  std::filesystem::path file;
  std::string sopClassUid;
  std::string sopInstanceUid;
  /// The image's own series when it is not the source's (a report on a
  /// study's photographs, each in its series); empty: the source's series.
  std::string seriesUid = {};
};

/// What a derived DICOM object needs to know about the CT series it was made
/// from: its identity, its frame of reference, its geometry and its slices in
/// volume order (slice k lies at index k along the volume's third axis).
struct SourceSeries {
  std::string studyUid;
  std::string seriesUid;
  std::string frameOfReferenceUid;
  core::VolumeGeometry geometry;
  std::vector<SourceSlice> slices;
};

/// Describes a single-frame series the way CtVolumeLoader stacks it.
core::Result<SourceSeries> describeSourceSeries(const DicomSeriesEntry& series);

/// Describes a series of separate images (e.g. fundus photographs) that do
/// not stack into a volume: no geometry, images in Instance Number order.
core::Result<SourceSeries> describeSourceImages(const DicomSeriesEntry& series);

}  // namespace vigie::imaging
