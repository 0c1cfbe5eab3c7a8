#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/MeasurementReportWriter.h"
#include "vigie/imaging/dicom/SourceSeries.h"

namespace vigie::imaging {

/// The readers' lengths on the 2D images of one series (radiographs,
/// ultrasound, a scout, secondary captures).
struct PlanarMeasurementReport {
  ProducerIdentity producer;  ///< Vigie; no model reads these images
  std::string exportingReader;
  /// Each with `image` (one of the series' images) and two `pixelPoints`.
  std::vector<core::Measurement> lengths;
};

/// Writes a DICOM Comprehensive 3D SR following TID 1500 for lengths drawn
/// on 2D images: one measurement group per length (the reader as person
/// observer, tracking identifiers, the Length in mm, or in pixels when the
/// image has no calibration, with where its millimetres come from as a
/// comment), inferred from a 2D SCOORD POLYLINE selected from the image and
/// frame it was drawn on. Filed into the images' study. Fails, naming the
/// length, when one refers to an image that is not in `source`. Returns the
/// report's SOP Instance UID.
core::Result<std::string> writePlanarMeasurementReport(const SourceSeries& source,
                                                       const PlanarMeasurementReport& report,
                                                       const std::filesystem::path& file);

}  // namespace vigie::imaging
