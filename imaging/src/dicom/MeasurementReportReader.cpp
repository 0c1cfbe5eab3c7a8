#include "vigie/imaging/dicom/MeasurementReportReader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <functional>
#include <optional>
#include <sstream>

#include "DcmtkSetup.h"

namespace vigie::imaging {
namespace {

bool isCode(const DSRCodedEntryValue& code, const char* value, const char* scheme) {
  return code.getCodeValue() == value && code.getCodingSchemeDesignator() == scheme;
}

/// What one measurement group holds, as the report is walked.
struct Group {
  // A nodule's:
  std::optional<core::Vec3> center;
  std::optional<double> diameterMm;
  std::string decision;  ///< Vigie's 99VIGIE decision code value, when present
  std::string trackingId;
  // A photograph's DR grade:
  bool byDevice = false;  ///< the observer is a device (a model), not a person
  std::string observer;   ///< the person observer's name
  std::string imageUid;   ///< the image it measures (Source of Measurement)
  std::optional<int> grade;
  std::optional<bool> gradable;
};

/// The ICDR grade a Vigie grade code (99VIGIE "icdr-N") says.
std::optional<int> icdrGradeOf(const DSRCodedEntryValue& code) {
  const OFString& value = code.getCodeValue();
  if (code.getCodingSchemeDesignator() != "99VIGIE" || value.size() != 6 ||
      value.compare(0, 5, "icdr-") != 0 || value[5] < '0' || value[5] > '4')
    return std::nullopt;
  return value[5] - '0';
}

/// The centre an SCOORD3D gives: its point, or the mean of its points.
std::optional<core::Vec3> centerOf(DSRSpatialCoordinates3DValue& coordinates) {
  const auto& points = coordinates.getGraphicDataList();
  const std::size_t count = points.getNumberOfItems();
  if (count == 0) return std::nullopt;
  core::Vec3 sum;
  for (std::size_t n = 1; n <= count; ++n) {
    Float32 x = 0, y = 0, z = 0;
    if (points.getItem(n, x, y, z).bad()) return std::nullopt;
    sum = sum + core::Vec3{x, y, z};
  }
  return sum * (1.0 / static_cast<double>(count));
}

/// A size in mm from a NUM item in mm or cm; none for other units.
std::optional<double> millimeters(const DSRNumericMeasurementValue& value) {
  double number = 0.0;
  std::istringstream text(value.getNumericValue().c_str());
  text.imbue(std::locale::classic());
  if (!(text >> number) || number <= 0.0) return std::nullopt;
  const auto& unit = value.getMeasurementUnit();
  if (isCode(unit, "mm", "UCUM")) return number;
  if (isCode(unit, "cm", "UCUM")) return number * 10.0;
  return std::nullopt;
}

void take(DSRContentItem& item, Group& group) {
  const DSRCodedEntryValue& concept = item.getConceptName();
  switch (item.getValueType()) {
    case DSRTypes::VT_SCoord3D:
      // The Center (DCM 111010) wins over a region the group also has.
      if (!group.center || isCode(concept, "111010", "DCM"))
        if (auto* coordinates = item.getSpatialCoordinates3DPtr())
          if (auto center = centerOf(*coordinates)) group.center = center;
      break;
    case DSRTypes::VT_Num:
      if (isCode(concept, "81827009", "SCT") || isCode(concept, "103339001", "DCM") ||
          isCode(concept, "G-D7FE", "SRT"))
        if (auto size = millimeters(item.getNumericValue())) group.diameterMm = size;
      break;
    case DSRTypes::VT_Code:
      if (isCode(concept, "decision", "99VIGIE"))
        group.decision = item.getCodeValue().getCodeValue().c_str();
      if (isCode(concept, "121005", "DCM"))  // Observer Type: Device
        group.byDevice = isCode(item.getCodeValue(), "121007", "DCM");
      if (isCode(concept, "icdr-grade", "99VIGIE")) group.grade = icdrGradeOf(item.getCodeValue());
      if (isCode(concept, "gradable", "99VIGIE"))
        group.gradable = isCode(item.getCodeValue(), "373066001", "SCT");  // Yes
      break;
    case DSRTypes::VT_Text:
      if (isCode(concept, "112039", "DCM")) group.trackingId = item.getStringValue().c_str();
      break;
    case DSRTypes::VT_PName:
      if (isCode(concept, "121008", "DCM")) {
        group.observer = item.getStringValue().c_str();  // "family^given^...": trailing ^ dropped
        while (!group.observer.empty() && group.observer.back() == '^') group.observer.pop_back();
      }
      break;
    case DSRTypes::VT_Image:
      if (isCode(concept, "121112", "DCM"))  // Source of Measurement
        if (const auto* image = item.getImageReferencePtr())
          group.imageUid = image->getSOPInstanceUID().c_str();
      break;
    default:
      break;
  }
}

/// What a report is, whatever it measures.
struct ReportHeader {
  std::string studyUid;
  std::string sopInstanceUid;
};

/// Reads `file` as a structured report and hands each of its measurement
/// groups (TID 1501 containers), complete, to `onGroup`.
core::Result<ReportHeader> walkMeasurementGroups(const std::filesystem::path& file,
                                                 const std::function<void(const Group&)>& onGroup) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return core::makeError(core::ErrorCode::NotFound, file.string() + ": no such file");
  DcmFileFormat format;
  // Values over 64 KB (an image's pixels, when a folder of slices is searched
  // for reports) stay on disk unless asked for.
  constexpr Uint32 kMaxLoadedValue = 64 * 1024;
  if (format.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, kMaxLoadedValue).bad())
    return core::makeError(core::ErrorCode::ParseError, file.string() + ": not a DICOM file");
  DcmDataset* dataset = format.getDataset();
  OFString sopClass, study, instance;
  dataset->findAndGetOFString(DCM_SOPClassUID, sopClass);
  dataset->findAndGetOFString(DCM_StudyInstanceUID, study);
  dataset->findAndGetOFString(DCM_SOPInstanceUID, instance);
  if (DSRTypes::sopClassUIDToDocumentType(sopClass) == DSRTypes::DT_invalid)
    return core::makeError(core::ErrorCode::Unsupported,
                           file.string() + ": not a structured report");
  DSRDocument document;
  if (auto read = document.read(*dataset); read.bad())
    return core::makeError(
        core::ErrorCode::ParseError,
        file.string() + ": the structured report cannot be read (" + read.text() + ")");
  if (study.empty())
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": the report names no study");
  const ReportHeader header{study.c_str(), instance.c_str()};
  DSRDocumentTree& tree = document.getTree();
  if (tree.gotoRoot() == 0) return header;
  // Depth first: a group runs until an item at its own level or above.
  std::optional<Group> group;
  std::size_t groupLevel = 0;
  do {
    DSRContentItem& item = tree.getCurrentContentItem();
    const std::size_t level = tree.getLevel();
    if (group && level <= groupLevel) {
      onGroup(*group);
      group.reset();
    }
    if (item.getValueType() == DSRTypes::VT_Container &&
        isCode(item.getConceptName(), "125007", "DCM")) {
      group.emplace();
      groupLevel = level;
    } else if (group) {
      take(item, *group);
    }
  } while (tree.iterate() != 0);
  if (group) onGroup(*group);
  return header;
}

/// Both readings from one walk over the report's groups.
core::Result<StructuredReport> readUnguarded(const std::filesystem::path& file) {
  StructuredReport report;
  NoduleReport& nodules = report.nodules;
  FundusGradeReport& grades = report.grades;
  auto header = walkMeasurementGroups(file, [&](const Group& group) {
    if (!group.center || !group.diameterMm) {
      ++nodules.otherGroups;
    } else if (group.decision == "rejected" || group.decision == "pending") {
      ++nodules.notAccepted;
    } else {
      nodules.nodules.push_back({*group.center, *group.diameterMm, group.trackingId});
    }
    if (group.byDevice || !group.grade || group.imageUid.empty()) {
      ++grades.otherGroups;
    } else {
      grades.grades.push_back(
          {group.imageUid, *group.grade, group.gradable.value_or(true), group.observer});
    }
  });
  if (!header.ok()) return header.error();
  nodules.studyUid = grades.studyUid = header.value().studyUid;
  nodules.sopInstanceUid = grades.sopInstanceUid = header.value().sopInstanceUid;
  return report;
}

}  // namespace

core::Result<StructuredReport> readStructuredReport(const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  return internal::guardAgainstDcmtkExceptions(file.string(), [&] { return readUnguarded(file); });
}

core::Result<NoduleReport> readNoduleReport(const std::filesystem::path& file) {
  auto report = readStructuredReport(file);
  if (!report.ok()) return report.error();
  return std::move(report.value().nodules);
}

core::Result<FundusGradeReport> readFundusGradeReport(const std::filesystem::path& file) {
  auto report = readStructuredReport(file);
  if (!report.ok()) return report.error();
  return std::move(report.value().grades);
}

}  // namespace vigie::imaging
