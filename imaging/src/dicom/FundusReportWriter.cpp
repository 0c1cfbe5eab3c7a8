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

}  // namespace

core::Result<std::string> writeFundusReport(const SourceSeries& source, const FundusReport& report,
                                            const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
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
  }
  return doc.save(file);
}

}  // namespace vigie::imaging
