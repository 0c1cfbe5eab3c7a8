#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/Vec3.h"

namespace vigie::imaging {

/// A nodule a Measurement Report marks and its author stands behind.
struct ReportedNodule {
  core::Vec3 centerMm;  ///< LPS mm, in the report's frame of reference
  double diameterMm = 0.0;
  std::string trackingId;  ///< the group's Tracking Identifier, when it has one
};

/// The lung nodules of a DICOM TID 1500 Measurement Report: an expert's
/// read exported by Vigie, or by another tool.
struct NoduleReport {
  std::string studyUid;
  std::string sopInstanceUid;
  std::vector<ReportedNodule> nodules;
  /// Groups the reader rejected or left unreviewed (Vigie's decision codes).
  std::size_t notAccepted = 0;
  /// Measurement groups that are no nodule with a position and a size (a
  /// length, a region's mean, a group without a centre).
  std::size_t otherGroups = 0;
};

/// Reads the measurement groups of a structured report: each group with a
/// centre (an SCOORD3D point; or the mean of an SCOORD3D region's points)
/// and a size (Diameter, or Long Axis; in mm or cm) is a nodule, unless
/// Vigie's reader-decision code says rejected or not reviewed. A file that
/// is DICOM but not a structured report is an Unsupported error; a report
/// that cannot be read, a ParseError; both name the file.
core::Result<NoduleReport> readNoduleReport(const std::filesystem::path& file);

/// A reader's diabetic-retinopathy grade of one photograph in a report.
struct ReportedGrade {
  std::string imageUid;  ///< the photograph's SOP Instance UID
  int grade = 0;         ///< ICDR 0-4
  bool gradable = true;
  std::string observer;  ///< the person observer's name, when given
};

/// The readers' grades of a DR screening report as Vigie writes it (TID 1500,
/// `vigie-cli export` of photographs): each measurement group of a person
/// observer with an ICDR grade and the photograph it measures (Source of
/// Measurement). A device's group (the model's answer) is no reader's grade.
struct FundusGradeReport {
  std::string studyUid;
  std::string sopInstanceUid;
  std::vector<ReportedGrade> grades;
  std::size_t otherGroups = 0;  ///< the model's groups and groups without a grade
};

/// Reads a DR screening report's grades; errors as readNoduleReport.
core::Result<FundusGradeReport> readFundusGradeReport(const std::filesystem::path& file);

/// A report read once for what it may hold, nodules or photographs' grades
/// (for a folder of reports of either kind); errors as readNoduleReport.
struct StructuredReport {
  NoduleReport nodules;
  FundusGradeReport grades;
};
core::Result<StructuredReport> readStructuredReport(const std::filesystem::path& file);

}  // namespace vigie::imaging
