#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/core/Vec3.h"
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

/// A measurement a reader drew on the series.
struct ReaderMeasurement {
  enum class Kind { Length, CircularRoi };
  Kind kind = Kind::Length;
  std::int64_t id = 0;  ///< the review store's
  std::string reader;
  core::Vec3 a, b;  ///< the line's ends; or the circle's centre and a point on it (LPS mm)
  core::Vec3 planeNormal{0, 0, 1};  ///< the slice the circle was drawn on
  double value = 0.0;               ///< mm for a length; mean HU for a region
  std::string comment;              ///< the reader-facing text (SD, area ... for a region)
};

/// Everything a reviewed CT study's Measurement Report says.
struct CtMeasurementReport {
  ProducerIdentity producer;
  std::string exportingReader;  ///< the Person Observer of the whole report
  std::vector<core::ReviewedFinding> findings;
  /// Finding id -> its segment in the nodule SEG (confirmed findings only).
  std::map<int, SegmentReference> segments;
  std::vector<ReaderMeasurement> measurements;
};

/// Writes a DICOM Comprehensive 3D SR following TID 1500 (Imaging Measurement
/// Report): the person and the model as observers, the CT chest procedure, an
/// image library of the source slices, and one measurement group per finding
/// with its tracking identifiers, the finding (nodule) and site (lung), its
/// centre as an SCOORD3D point in the series' frame of reference, its diameter,
/// the model's score and the reader's decision (codes of the local scheme
/// 99VIGIE, declared in the file); then one group per reader measurement: a
/// length (SCT Length, mm) or a circular region's mean (SCT Mean, Hounsfield
/// units), each inferred from its SCOORD3D polyline or ellipse. The patient
/// and study come from the source series, so the report files into the same
/// study.
/// Returns the report's SOP Instance UID.
core::Result<std::string> writeCtMeasurementReport(const SourceSeries& source,
                                                   const CtMeasurementReport& report,
                                                   const std::filesystem::path& file);

}  // namespace vigie::imaging
