#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/imaging/dicom/SourceSeries.h"

namespace vigie::imaging {

/// Who made a derived object: the model and the software around it.
struct ProducerIdentity {
  std::string modelId;          ///< bundle id, e.g. "vigie-ct-nodule-synth"
  std::string modelName;        ///< human-readable
  std::string modelVersion;     ///< bundle version
  std::string softwareVersion;  ///< Vigie's version
};

/// A reference to one segment of a DICOM SEG written alongside the report.
struct SegmentReference {
  std::string seriesUid;
  std::string sopInstanceUid;
  int segmentNumber = 0;
};

/// Everything a reviewed CT study's Measurement Report says.
struct CtMeasurementReport {
  ProducerIdentity producer;
  std::string exportingReader;  ///< the Person Observer of the whole report
  std::vector<core::ReviewedFinding> findings;
  /// Finding id -> its segment in the nodule SEG (confirmed findings only).
  std::map<int, SegmentReference> segments;
};

/// Writes a DICOM Comprehensive 3D SR following TID 1500 (Imaging Measurement
/// Report): the person and the model as observers, the CT chest procedure, an
/// image library of the source slices, and one measurement group per finding
/// with its tracking identifiers, the finding (nodule) and site (lung), its
/// centre as an SCOORD3D point in the series' frame of reference, its diameter,
/// the model's score and the reader's decision (codes of the local scheme
/// 99VIGIE, declared in the file). The patient and study come from the source
/// series, so the report files into the same study.
/// Returns the report's SOP Instance UID.
core::Result<std::string> writeCtMeasurementReport(const SourceSeries& source,
                                                   const CtMeasurementReport& report,
                                                   const std::filesystem::path& file);

}  // namespace vigie::imaging
