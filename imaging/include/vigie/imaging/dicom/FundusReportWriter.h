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

/// A reader's part in a photograph's double reading (a site's policy: a
/// primary grader, a second grader blind to the first grade, an arbiter
/// when the two disagree).
enum class FundusReaderRole { PrimaryGrader, SecondGrader, Arbiter };

/// One reader's grade of a photograph (their latest), with their role when
/// the site double-reads and whether it is the grade in force.
struct FundusReaderGrade {
  core::FundusGrade grade;  ///< reader, grade, gradable, note, recordedAt (UTC, ISO 8601)
  std::optional<FundusReaderRole> role;
  /// Whether it is the final grade (then the assessment's `reader`); unset
  /// when the caller does not know (it applied no double-reading policy).
  std::optional<bool> isFinal;
};

/// One photograph with the model's and the readers' assessments (any may
/// be missing: a photograph graded by hand only, or not yet reviewed).
struct FundusImageAssessment {
  SourceSlice image;
  std::optional<FundusModelAssessment> model;
  /// The grade in force: the final one under double reading (the latest
  /// while a second reading or an arbitration is awaited), else the latest.
  std::optional<core::FundusGrade> reader;
  /// Every reader's grade, in the order they first graded; empty when the
  /// caller knows only the grade in force. At most one is final, and it
  /// matches `reader`.
  std::vector<FundusReaderGrade> readerGrades;
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
/// gradability and quality score) and one for the grade in force (person
/// observer, with their role when known: grade, referable status,
/// gradability, comment, and each lesion mark as a lesion finding inferred
/// from a 2D SCOORD CIRCLE selected from the photograph), then a "Reader's
/// grade" container per entry of `readerGrades` (its own person observer and
/// role, grade, referable status, gradability, comment, whether it is the
/// final grade when known, and when it was given as the grade's Observation
/// DateTime). All track the same image and refer to it as the source of
/// measurement.
/// The readers' containers are not measurement groups, so that a reader of
/// the report that takes every person's group as a grade (the readers of
/// MeasurementReportReader.h) still finds one grade per photograph.
/// Referable means ICDR grade 2 or more. Fails (InvalidArgument, naming the
/// photograph) when two grades of a photograph are final, or the final one
/// is not `reader`, or a recorded time is not ISO 8601. Returns the report's
/// SOP Instance UID.
core::Result<std::string> writeFundusReport(const SourceSeries& source, const FundusReport& report,
                                            const std::filesystem::path& file);

}  // namespace vigie::imaging
