#include "vigie/imaging/dicom/MeasurementReportWriter.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/sct.h>
#include <dcmtk/dcmsr/codes/ucum.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "DcmtkSetup.h"
#include "DeterministicUid.h"
#include "SrSupport.h"

namespace vigie::imaging {
namespace {

using internal::kConceptMod;
using internal::kContains;
using internal::localCode;
using internal::TreeBuilder;

const DSRCodedEntryValue kReaderDecision = localCode("decision", "Reader decision");
const DSRCodedEntryValue kAnnotationCategory = localCode("category", "Annotation category");

const DSRCodedEntryValue kNodule("27925004", "SCT", "Nodule");
const DSRCodedEntryValue kLung("39607008", "SCT", "Lung");
const DSRCodedEntryValue kDiameter("81827009", "SCT", "Diameter");
const DSRCodedEntryValue kCtChest("24627-2", "LN", "CT Chest");
const DSRCodedEntryValue kNoUnits("1", "UCUM", "no units");
const DSRCodedEntryValue kLength("410668003", "SCT", "Length");
const DSRCodedEntryValue kMean("373098007", "SCT", "Mean");
const DSRCodedEntryValue kHounsfieldUnit("[hnsf'U]", "UCUM", "Hounsfield unit");

DSRCodedEntryValue decisionCode(core::ReviewState state) {
  switch (state) {
    case core::ReviewState::Confirmed:
      return localCode("confirmed", "Confirmed by reader");
    case core::ReviewState::Rejected:
      return localCode("rejected", "Rejected by reader");
    case core::ReviewState::Edited:
      return localCode("edited", "Confirmed by reader with corrections");
    case core::ReviewState::Added:
      return localCode("added", "Added by reader");
    case core::ReviewState::Pending:
      break;
  }
  return localCode("pending", "Not reviewed");
}

void addFinding(TreeBuilder& b, const SourceSeries& source, const CtMeasurementReport& report,
                const core::ReviewedFinding& f) {
  b.open(kContains, CODE_DCM_MeasurementGroup);
  if (!f.reader.empty()) b.personObserver(f.reader);
  b.text(kContains, CODE_DCM_TrackingIdentifier, "Vigie finding " + std::to_string(f.id));
  // The same finding keeps its tracking UID from one report to the next.
  b.uid(kContains, CODE_DCM_TrackingUniqueIdentifier,
        internal::uidFromText("vigie tracking " + source.studyUid + " " + report.producer.modelId +
                              " " + std::to_string(f.id)));
  b.code(kContains, CODE_DCM_Finding, kNodule);
  b.code(kConceptMod, CODE_SCT_FindingSite, kLung);
  if (auto segment = report.segments.find(f.id); segment != report.segments.end()) {
    b.leaf(kContains, DSRTypes::VT_Image, CODE_DCM_ReferencedSegment, [&](DSRContentItem& i) {
      DSRImageReferenceValue value(UID_SegmentationStorage, segment->second.sopInstanceUid.c_str());
      value.getSegmentList().addItem(static_cast<Uint16>(segment->second.segmentNumber));
      return i.setImageReference(value);
    });
    b.uid(kContains, CODE_DCM_SourceSeriesForSegmentation, source.seriesUid);
  }
  b.leaf(kContains, DSRTypes::VT_SCoord3D, CODE_DCM_Center, [&](DSRContentItem& i) {
    DSRSpatialCoordinates3DValue center(DSRTypes::GT3_Point);
    center.getGraphicDataList().addItem(static_cast<Float32>(f.centerMm.x),
                                        static_cast<Float32>(f.centerMm.y),
                                        static_cast<Float32>(f.centerMm.z));
    center.setFrameOfReferenceUID(source.frameOfReferenceUid.c_str());
    return i.setSpatialCoordinates3D(center);
  });
  b.num(kContains, kDiameter, f.diameterMm, CODE_UCUM_Millimeter);
  if (f.modelScore) {
    b.numWith(kContains, CODE_DCM_Probability, *f.modelScore, kNoUnits, [&] {
      b.text(kConceptMod, CODE_DCM_AlgorithmName, report.producer.modelId);
      b.text(kConceptMod, CODE_DCM_AlgorithmVersion, report.producer.modelVersion);
    });
  }
  b.code(kContains, kReaderDecision, decisionCode(f.state));
  if (!f.note.empty()) b.text(kContains, CODE_DCM_Comment, f.note);
  if (!f.category.empty()) b.text(kContains, kAnnotationCategory, f.category);
  b.close();
}

/// The four points of a circle as an SCOORD3D ELLIPSE: the ends of one
/// diameter, then of the perpendicular one, in the slice's plane.
std::vector<core::Vec3> circleAsEllipse(const ReaderMeasurement& m) {
  const double radius = core::distance(m.a, m.b);
  core::Vec3 u = m.b - m.a;
  u = u.norm() > 0 ? u.normalized() : core::Vec3{1, 0, 0};
  const core::Vec3 v = m.planeNormal.normalized().cross(u).normalized();
  return {m.a - u * radius, m.a + u * radius, m.a - v * radius, m.a + v * radius};
}

void addReaderMeasurement(TreeBuilder& b, const SourceSeries& source, const ReaderMeasurement& m) {
  b.openMeasurementGroup(m.reader, source.studyUid, m.id);
  const bool length = m.kind == ReaderMeasurement::Kind::Length;
  const std::vector<core::Vec3> points =
      length ? std::vector<core::Vec3>{m.a, m.b} : circleAsEllipse(m);
  b.numWith(kContains, length ? kLength : kMean, m.value,
            length ? DSRCodedEntryValue(CODE_UCUM_Millimeter) : kHounsfieldUnit, [&] {
              b.leaf(DSRTypes::RT_inferredFrom, DSRTypes::VT_SCoord3D, CODE_DCM_ImageRegion,
                     [&](DSRContentItem& i) {
                       DSRSpatialCoordinates3DValue region(length ? DSRTypes::GT3_Polyline
                                                                  : DSRTypes::GT3_Ellipse);
                       for (const auto& p : points)
                         region.getGraphicDataList().addItem(static_cast<Float32>(p.x),
                                                             static_cast<Float32>(p.y),
                                                             static_cast<Float32>(p.z));
                       region.setFrameOfReferenceUID(source.frameOfReferenceUid.c_str());
                       return i.setSpatialCoordinates3D(region);
                     });
            });
  if (!m.comment.empty()) b.text(kContains, CODE_DCM_Comment, m.comment);
  b.close();
}

}  // namespace

core::Result<std::string> writeCtMeasurementReport(const SourceSeries& source,
                                                   const CtMeasurementReport& report,
                                                   const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  internal::Tid1500Document doc;
  auto status = doc.begin(source, "Vigie review: lung nodule findings", report.producer,
                          report.exportingReader, kCtChest, file.string());
  for (const auto& [findingId, segment] : report.segments) {
    (void)findingId;
    if (status.ok())
      status = doc.addOtherEvidence(source.studyUid, segment.seriesUid, UID_SegmentationStorage,
                                    segment.sopInstanceUid);
  }
  if (!status.ok()) return status.error();
  doc.openMeasurements();
  for (const core::ReviewedFinding& f : report.findings)
    addFinding(doc.builder(), source, report, f);
  for (const ReaderMeasurement& m : report.measurements)
    addReaderMeasurement(doc.builder(), source, m);
  return doc.save(file);
}

}  // namespace vigie::imaging
