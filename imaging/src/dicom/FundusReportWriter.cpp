#include "vigie/imaging/dicom/FundusReportWriter.h"

#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/sct.h>

#include "DcmtkSetup.h"
#include "DeterministicUid.h"
#include "SrSupport.h"

namespace vigie::imaging {
namespace {

using internal::kConceptMod;
using internal::kContains;
using internal::localCode;
using internal::TreeBuilder;

const DSRCodedEntryValue kDiabeticRetinopathy("4855003", "SCT", "Diabetic retinopathy");
const DSRCodedEntryValue kRetina("5665001", "SCT", "Retina");
const DSRCodedEntryValue kYes("373066001", "SCT", "Yes");
const DSRCodedEntryValue kNo("373067005", "SCT", "No");
const DSRCodedEntryValue kOphthalmicPhotography(CODE_DCM_OphthalmicPhotography);
const DSRCodedEntryValue kNoUnits("1", "UCUM", "no units");
const DSRCodedEntryValue kIcdrGrade = localCode("icdr-grade", "ICDR diabetic retinopathy grade");
const DSRCodedEntryValue kReferable = localCode("referable-dr", "Referable diabetic retinopathy");
const DSRCodedEntryValue kGradable = localCode("gradable", "Image gradable");
const DSRCodedEntryValue kQualityScore = localCode("quality-score", "Image quality score");
const DSRCodedEntryValue kLesion = localCode("fundus-lesion", "Fundus lesion");
const DSRCodedEntryValue kReaderGrade = localCode("reader-grade", "Reader's grade");
const DSRCodedEntryValue kFinalGrade = localCode("final-grade", "Final grade");
const DSRCodedEntryValue kObserverRole(CODE_DCM_PersonObserverRoleInThisProcedure);

/// The double-reading roles: PS3.16's performing roles (CID 7453, which may
/// be extended) have none for them.
DSRCodedEntryValue roleCode(FundusReaderRole role) {
  switch (role) {
    case FundusReaderRole::PrimaryGrader:
      return localCode("primary-grader", "Primary grader");
    case FundusReaderRole::SecondGrader:
      return localCode("second-grader", "Second grader");
    case FundusReaderRole::Arbiter:
      break;
  }
  return localCode("arbiter", "Arbiter");
}

/// The lesion kinds a reader marks (the names the review store keeps).
DSRCodedEntryValue lesionCode(const std::string& kind) {
  if (kind == "microaneurysm") return localCode("microaneurysm", "Microaneurysm");
  if (kind == "haemorrhage") return localCode("haemorrhage", "Retinal haemorrhage");
  if (kind == "hard_exudate") return localCode("hard-exudate", "Hard exudate");
  if (kind == "cotton_wool_spot") return localCode("cotton-wool-spot", "Cotton-wool spot");
  if (kind == "neovascularisation") return localCode("neovascularisation", "Neovascularisation");
  return localCode("other-lesion", "Other lesion");
}

DSRCodedEntryValue icdrGrade(int grade) {
  switch (grade) {
    case 0:
      return localCode("icdr-0", "No apparent retinopathy");
    case 1:
      return localCode("icdr-1", "Mild non-proliferative diabetic retinopathy");
    case 2:
      return localCode("icdr-2", "Moderate non-proliferative diabetic retinopathy");
    case 3:
      return localCode("icdr-3", "Severe non-proliferative diabetic retinopathy");
    default:
      return localCode("icdr-4", "Proliferative diabetic retinopathy");
  }
}

const DSRCodedEntryValue& yesNo(bool value) { return value ? kYes : kNo; }

/// The review store's time of a grade ("2026-03-01T09:30:00.250Z", UTC) as
/// a DICOM DT ("20260301093000.250+0000"); empty when it has none, unset
/// when it is not that form.
std::optional<std::string> dicomDateTime(const std::string& iso) {
  if (iso.empty()) return std::string();
  auto digits = [&](std::size_t from, std::size_t count) {
    if (from + count > iso.size()) return false;
    for (std::size_t n = from; n < from + count; ++n)
      if (iso[n] < '0' || iso[n] > '9') return false;
    return true;
  };
  if (!digits(0, 4) || iso[4] != '-' || !digits(5, 2) || iso[7] != '-' || !digits(8, 2) ||
      iso[10] != 'T' || !digits(11, 2) || iso[13] != ':' || !digits(14, 2) || iso[16] != ':' ||
      !digits(17, 2))
    return std::nullopt;
  std::string dt = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + iso.substr(11, 2) +
                   iso.substr(14, 2) + iso.substr(17, 2);
  std::size_t at = 19;
  if (at < iso.size() && iso[at] == '.') {
    std::size_t end = at + 1;
    while (end < iso.size() && iso[end] >= '0' && iso[end] <= '9') ++end;
    if (end == at + 1 || end - at - 1 > 6) return std::nullopt;  // DT keeps 6 digits at most
    dt += iso.substr(at, end - at);
    at = end;
  }
  if (at < iso.size() && iso[at] == 'Z') ++at;
  if (at != iso.size()) return std::nullopt;
  return dt + "+0000";
}

std::string photographName(const FundusImageAssessment& a, int index) {
  return "photograph " + std::to_string(index) + " (" + a.image.sopInstanceUid + ")";
}

/// A photograph's reader grades as the report needs them: at most one final,
/// and that one the grade in force; each recorded time as a DICOM DT.
core::Result<std::vector<std::string>> checkReaderGrades(const FundusImageAssessment& a,
                                                         int index) {
  std::vector<std::string> observedAt;
  const FundusReaderGrade* inForce = nullptr;
  for (const FundusReaderGrade& r : a.readerGrades) {
    if (r.isFinal.value_or(false)) {
      if (inForce)
        return core::makeError(core::ErrorCode::InvalidArgument,
                               photographName(a, index) + ": two final grades, " +
                                   inForce->grade.reader + "'s and " + r.grade.reader + "'s");
      inForce = &r;
    }
    auto dt = dicomDateTime(r.grade.recordedAt);
    if (!dt)
      return core::makeError(core::ErrorCode::InvalidArgument,
                             photographName(a, index) + ": " + r.grade.reader +
                                 "'s grade was recorded at '" + r.grade.recordedAt +
                                 "', not a UTC time as YYYY-MM-DDTHH:MM:SS[.fff]Z");
    observedAt.push_back(*dt);
  }
  if (inForce &&
      (!a.reader || a.reader->reader != inForce->grade.reader ||
       a.reader->grade != inForce->grade.grade || a.reader->gradable != inForce->grade.gradable))
    return core::makeError(core::ErrorCode::InvalidArgument,
                           photographName(a, index) + ": " + inForce->grade.reader +
                               "'s grade is marked final but is not the grade in force");
  return observedAt;
}

/// The role of the reader whose grade is in force, when the report knows it.
std::optional<FundusReaderRole> finalRole(const FundusImageAssessment& a) {
  for (const FundusReaderGrade& r : a.readerGrades)
    if (r.isFinal.value_or(false)) return r.role;
  return std::nullopt;
}

/// The items both groups of an image share: what is tracked and where (after
/// the group's own observer context).
void describeImage(TreeBuilder& b, const SourceSeries& source, const SourceSlice& image,
                   int index) {
  b.text(kContains, CODE_DCM_TrackingIdentifier, "Vigie fundus image " + std::to_string(index));
  b.uid(kContains, CODE_DCM_TrackingUniqueIdentifier,
        internal::uidFromText("vigie fundus tracking " + source.studyUid + " " +
                              image.sopInstanceUid));
  b.code(kContains, CODE_DCM_Finding, kDiabeticRetinopathy);
  b.code(kConceptMod, CODE_SCT_FindingSite, kRetina);
  b.leaf(kContains, DSRTypes::VT_Image, CODE_DCM_SourceOfMeasurement, [&](DSRContentItem& i) {
    return i.setImageReference(
        DSRImageReferenceValue(image.sopClassUid.c_str(), image.sopInstanceUid.c_str()));
  });
}

void addModelGroup(TreeBuilder& b, const SourceSeries& source, const FundusImageAssessment& a,
                   const ProducerIdentity& producer, int index) {
  const FundusModelAssessment& m = *a.model;
  b.open(kContains, CODE_DCM_MeasurementGroup);
  b.code(internal::kObsContext, CODE_DCM_ObserverType, CODE_DCM_Device);
  b.uid(internal::kObsContext, CODE_DCM_DeviceObserverUID,
        internal::uidFromText("vigie model " + producer.modelId + " " + producer.modelVersion));
  b.text(internal::kObsContext, CODE_DCM_DeviceObserverName, producer.modelId);
  describeImage(b, source, a.image, index);
  b.code(kContains, kIcdrGrade, icdrGrade(m.grade));
  b.numWith(kContains, CODE_DCM_Probability, m.referableProbability, kNoUnits, [&] {
    b.text(kConceptMod, CODE_DCM_AlgorithmName, producer.modelId);
    b.text(kConceptMod, CODE_DCM_AlgorithmVersion, producer.modelVersion);
  });
  b.code(kContains, kReferable, yesNo(m.grade >= 2));
  b.code(kContains, kGradable, yesNo(m.gradable));
  b.num(kContains, kQualityScore, m.qualityScore, kNoUnits);
  b.close();
}

/// A reader's lesion mark: the lesion's kind, inferred from a circle on the
/// photograph (SCOORD pixel coordinates: 0,0 is the top left corner of the
/// top left pixel, whose centre the store calls 0,0).
void addLesionMark(TreeBuilder& b, const SourceSlice& image, const core::FundusLesionMark& m) {
  b.leafWith(
      kContains, DSRTypes::VT_Code, kLesion,
      [&](DSRContentItem& i) { return i.setCodeValue(lesionCode(m.lesion)); },
      [&] {
        b.leafWith(
            DSRTypes::RT_inferredFrom, DSRTypes::VT_SCoord, CODE_DCM_ImageRegion,
            [&](DSRContentItem& i) {
              DSRSpatialCoordinatesValue circle(DSRTypes::GT_Circle);
              const auto x = static_cast<Float32>(m.x + 0.5), y = static_cast<Float32>(m.y + 0.5);
              circle.getGraphicDataList().addItem(x, y);
              circle.getGraphicDataList().addItem(x + static_cast<Float32>(m.radius), y);
              return i.setSpatialCoordinates(circle);
            },
            [&] {
              b.leaf(DSRTypes::RT_selectedFrom, DSRTypes::VT_Image, DSRCodedEntryValue(),
                     [&](DSRContentItem& i) {
                       return i.setImageReference(DSRImageReferenceValue(
                           image.sopClassUid.c_str(), image.sopInstanceUid.c_str()));
                     });
            });
      });
}

void addReaderGroup(TreeBuilder& b, const SourceSeries& source, const FundusImageAssessment& a,
                    int index) {
  b.open(kContains, CODE_DCM_MeasurementGroup);
  b.personObserver(a.reader ? a.reader->reader : a.lesionMarks.front().reader);
  if (auto role = a.reader ? finalRole(a) : std::nullopt)
    b.code(internal::kObsContext, kObserverRole, roleCode(*role));
  describeImage(b, source, a.image, index);
  if (a.reader) {
    const core::FundusGrade& g = *a.reader;
    b.code(kContains, kIcdrGrade, icdrGrade(g.grade));
    b.code(kContains, kReferable, yesNo(g.grade >= 2));
    b.code(kContains, kGradable, yesNo(g.gradable));
    if (!g.note.empty()) b.text(kContains, CODE_DCM_Comment, g.note);
  }
  for (const auto& mark : a.lesionMarks) addLesionMark(b, a.image, mark);
  b.close();
}

/// One reader's grade in a container of its own: who gave it, in which role,
/// whether it is final (when the caller knows), and when (the grade's
/// Observation DateTime). Lesion marks stay in the group of the grade in
/// force.
void addReaderGrade(TreeBuilder& b, const SourceSeries& source, const FundusImageAssessment& a,
                    const FundusReaderGrade& r, const std::string& observedAt, int index) {
  const core::FundusGrade& g = r.grade;
  b.open(kContains, kReaderGrade);
  b.personObserver(g.reader);
  if (r.role) b.code(internal::kObsContext, kObserverRole, roleCode(*r.role));
  describeImage(b, source, a.image, index);
  b.leaf(kContains, DSRTypes::VT_Code, kIcdrGrade, [&](DSRContentItem& i) {
    OFCondition set = i.setCodeValue(icdrGrade(g.grade));
    // Unchecked: DCMTK 3.6.7's DT check refuses the offset +0000 (UTC), which
    // PS3.5 allows; dicomDateTime made the value and dciodvfy accepts it.
    if (set.good() && !observedAt.empty())
      set = i.setObservationDateTime(observedAt.c_str(), /*check=*/OFFalse);
    return set;
  });
  b.code(kContains, kReferable, yesNo(g.grade >= 2));
  b.code(kContains, kGradable, yesNo(g.gradable));
  if (r.isFinal) b.code(kContains, kFinalGrade, yesNo(*r.isFinal));
  if (!g.note.empty()) b.text(kContains, CODE_DCM_Comment, g.note);
  b.close();
}

}  // namespace

core::Result<std::string> writeFundusReport(const SourceSeries& source, const FundusReport& report,
                                            const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  // Checked first, so that bad input leaves no file behind.
  std::vector<std::vector<std::string>> observedAt;
  int checked = 0;
  for (const FundusImageAssessment& a : report.images) {
    auto times = checkReaderGrades(a, ++checked);
    if (!times.ok())
      return core::makeError(times.error().code, file.string() + ": " + times.error().message);
    observedAt.push_back(std::move(times.value()));
  }
  internal::Tid1500Document doc;
  auto status = doc.begin(source, "Vigie review: diabetic retinopathy screening", report.producer,
                          report.exportingReader, kOphthalmicPhotography, file.string());
  if (!status.ok()) return status.error();
  doc.openMeasurements();
  int index = 0;
  for (const FundusImageAssessment& a : report.images) {
    ++index;
    if (a.model) addModelGroup(doc.builder(), source, a, report.producer, index);
    if (a.reader || !a.lesionMarks.empty()) addReaderGroup(doc.builder(), source, a, index);
    for (std::size_t n = 0; n < a.readerGrades.size(); ++n)
      addReaderGrade(doc.builder(), source, a, a.readerGrades[n],
                     observedAt[static_cast<std::size_t>(index - 1)][n], index);
  }
  return doc.save(file);
}

}  // namespace vigie::imaging
