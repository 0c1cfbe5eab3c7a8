#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/core/Volume.h"
#include "vigie/imaging/dicom/MeasurementReportWriter.h"
#include "vigie/imaging/dicom/SourceSeries.h"

namespace vigie::imaging {

/// What a written DICOM SEG is, for the report that refers to it.
struct WrittenSegmentation {
  std::string seriesUid;
  std::string sopInstanceUid;
  std::map<int, int> segmentOfFinding;  ///< finding id -> segment number (binary SEG)
  std::size_t frames = 0;
};

/// Writes the findings the reader accepted (confirmed, edited, added) as a
/// binary DICOM SEG on the source series' grid: one segment per finding, a
/// sphere of the finding's diameter around its centre, each frame aligned to
/// (and derived from) the source slice it lies on. Patient, study and frame of
/// reference come from the source, so viewers overlay it on the CT.
/// Fails (writing nothing) when no finding is accepted.
core::Result<WrittenSegmentation> writeNoduleSegmentation(
    const SourceSeries& source, const std::vector<core::ReviewedFinding>& findings,
    const ProducerIdentity& producer, const std::filesystem::path& file);

/// Writes a model's heatmap (probabilities 0..1 on the source series' grid)
/// as a fractional DICOM SEG of type PROBABILITY (255 = 1.0). Slices where
/// the heatmap stays below 1/255 everywhere carry no frame.
core::Result<WrittenSegmentation> writeProbabilitySegmentation(const SourceSeries& source,
                                                               const core::FloatVolume& heatmap,
                                                               const ProducerIdentity& producer,
                                                               const std::filesystem::path& file);

/// Writes a segmentation model's label (non-zero inside the structure, on
/// the source series' grid) as a binary DICOM SEG with one segment named
/// `labelName` ("spleen"), coded with SNOMED CT when Vigie knows the word.
/// Slices the label does not touch carry no frame; an empty label is an
/// error (nothing is written).
core::Result<WrittenSegmentation> writeLabelSegmentation(const SourceSeries& source,
                                                         const core::Volume<std::uint8_t>& label,
                                                         const std::string& labelName,
                                                         const ProducerIdentity& producer,
                                                         const std::filesystem::path& file);

}  // namespace vigie::imaging
