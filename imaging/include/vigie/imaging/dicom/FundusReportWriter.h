#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/MeasurementReportWriter.h"
#include "vigie/imaging/dicom/SourceSeries.h"

namespace vigie::imaging {

/// What a diabetic-retinopathy model said about one photograph.
struct FundusModelAssessment {
  int grade = 0;                      ///< ICDR 0-4
  double referableProbability = 0.0;  ///< P(grade >= 2)
  bool gradable = true;
  double qualityScore = 0.0;  ///< 0..1, higher is better
};

/// One photograph with the model's and the reader's assessment (either may
/// be missing: a photograph graded by hand only, or not yet reviewed).
struct FundusImageAssessment {
  SourceSlice image;
  std::optional<FundusModelAssessment> model;
  std::optional<core::FundusGrade> reader;  ///< the reader's latest grade
  /// The reader's standing lesion marks on this photograph (see
  /// core::lesionMarksInForce), in the photograph's pixels.
  std::vector<core::FundusLesionMark> lesionMarks;
};

struct FundusReport {
  ProducerIdentity producer;  ///< the model ("none" when only readers graded)
  std::string exportingReader;
  std::vector<FundusImageAssessment> images;
};

/// Writes a DICOM Comprehensive 3D SR following TID 1500 for diabetic
/// retinopathy screening: per photograph, a measurement group for the model
/// (device observer: ICDR grade, referable-DR probability and status,
/// gradability and quality score) and one for the reader (person observer:
/// grade, referable status, gradability, comment, and each lesion mark as a
/// lesion finding inferred from a 2D SCOORD CIRCLE selected from the
/// photograph), both tracking the same image and referring to it as the
/// source of measurement. Referable means ICDR grade 2 or more. Returns the
/// report's SOP Instance UID.
core::Result<std::string> writeFundusReport(const SourceSeries& source, const FundusReport& report,
                                            const std::filesystem::path& file);

}  // namespace vigie::imaging
