#include "vigie/imaging/dicom/MeasurementReportWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/sct.h>
#include <dcmtk/dcmsr/codes/ucum.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <cstdio>
#include <functional>

#include "DcmtkSetup.h"
#include "DcmtkStatus.h"
#include "DeterministicUid.h"

namespace vigie::imaging {
namespace {

// Codes the standard's tables lack for what a reader does with an AI finding:
// a private coding scheme (PS3.16 section 8.2: designators beginning "99"),
// declared in the Coding Scheme Identification Sequence of every report.
constexpr const char* kLocalScheme = "99VIGIE";
DSRCodedEntryValue localCode(const char* value, const char* meaning) {
  return DSRCodedEntryValue(value, kLocalScheme, meaning);
}
const DSRCodedEntryValue kReaderDecision = localCode("decision", "Reader decision");
const DSRCodedEntryValue kAnnotationCategory = localCode("category", "Annotation category");

const DSRCodedEntryValue kNodule("27925004", "SCT", "Nodule");
const DSRCodedEntryValue kLung("39607008", "SCT", "Lung");
const DSRCodedEntryValue kDiameter("81827009", "SCT", "Diameter");
const DSRCodedEntryValue kCtChest("24627-2", "LN", "CT Chest");
const DSRCodedEntryValue kEnglish("en-US", "RFC5646", "English, United States");
const DSRCodedEntryValue kNoUnits("1", "UCUM", "no units");

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

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

/// A reader's name as a DICOM person name (PN): the whole name in the family
/// name component. The '^' after it marks the value as a component-form PN
/// (a bare single word reads as the retired ACR-NEMA form); '\\' and '='
/// would split it into several values or representations, so they go.
std::string personName(std::string name) {
  for (char& c : name) {
    if (c == '\\' || c == '=' || c == '^') c = ' ';
  }
  return (name.empty() ? "unknown" : name) + "^";
}

/// Builds the content tree depth-first. Every add goes below the current
/// node; `leaf` returns the cursor to the parent, `open`/`close` bracket a
/// container. The first DCMTK failure is kept and stops all further work.
class TreeBuilder {
 public:
  explicit TreeBuilder(DSRDocumentTree& tree) : tree_(tree) {}

  void open(DSRTypes::E_RelationshipType relation, const DSRCodedEntryValue& concept) {
    add(relation, DSRTypes::VT_Container, concept);
  }
  void close() {
    if (ok()) tree_.goUp();
  }
  void leaf(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
            const DSRCodedEntryValue& concept,
            const std::function<OFCondition(DSRContentItem&)>& setValue) {
    if (!add(relation, type, concept)) return;
    remember(setValue(tree_.getCurrentContentItem()), concept);
    tree_.goUp();
  }
  void text(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, const std::string& v) {
    leaf(r, DSRTypes::VT_Text, c, [&](DSRContentItem& i) { return i.setStringValue(v.c_str()); });
  }
  void uid(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, const std::string& v) {
    leaf(r, DSRTypes::VT_UIDRef, c, [&](DSRContentItem& i) { return i.setStringValue(v.c_str()); });
  }
  void code(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c,
            const DSRCodedEntryValue& v) {
    leaf(r, DSRTypes::VT_Code, c, [&](DSRContentItem& i) { return i.setCodeValue(v); });
  }
  void num(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, double v,
           const DSRCodedEntryValue& unit) {
    leaf(r, DSRTypes::VT_Num, c, [&](DSRContentItem& i) {
      return i.setNumericValue(DSRNumericMeasurementValue(number(v).c_str(), unit));
    });
  }

  /// Like num, then the children `modifiers` adds below the NUM item.
  void numWith(DSRTypes::E_RelationshipType r, const DSRCodedEntryValue& c, double v,
               const DSRCodedEntryValue& unit, const std::function<void()>& modifiers) {
    if (!add(r, DSRTypes::VT_Num, c)) return;
    remember(tree_.getCurrentContentItem().setNumericValue(
                 DSRNumericMeasurementValue(number(v).c_str(), unit)),
             c);
    if (ok()) modifiers();
    if (ok()) tree_.goUp();
  }

  bool ok() const { return status_.ok(); }
  const core::Status& status() const { return status_; }
  void remember(const OFCondition& condition, const DSRCodedEntryValue& concept) {
    if (condition.bad() && status_.ok()) {
      status_ = core::makeError(core::ErrorCode::Internal,
                                "cannot add '" + std::string(concept.getCodeMeaning().c_str()) +
                                    "': " + condition.text());
    }
  }

 private:
  bool add(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
           const DSRCodedEntryValue& concept) {
    if (!ok()) return false;
    remember(tree_.addChildContentItem(relation, type, concept), concept);
    return ok();
  }

  DSRDocumentTree& tree_;
  core::Status status_;
};

constexpr auto kContains = DSRTypes::RT_contains;
constexpr auto kConceptMod = DSRTypes::RT_hasConceptMod;
constexpr auto kObsContext = DSRTypes::RT_hasObsContext;

void addPersonObserver(TreeBuilder& b, const std::string& reader) {
  b.code(kObsContext, CODE_DCM_ObserverType, CODE_DCM_Person);
  b.leaf(kObsContext, DSRTypes::VT_PName, CODE_DCM_PersonObserverName,
         [&](DSRContentItem& i) { return i.setStringValue(personName(reader).c_str()); });
}

void addFinding(TreeBuilder& b, const SourceSeries& source, const CtMeasurementReport& report,
                const core::ReviewedFinding& f) {
  b.open(kContains, CODE_DCM_MeasurementGroup);
  if (!f.reader.empty()) addPersonObserver(b, f.reader);
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
    DSRSpatialCoordinates3DValue centre(DSRTypes::GT3_Point);
    centre.getGraphicDataList().addItem(static_cast<Float32>(f.centerMm.x),
                                        static_cast<Float32>(f.centerMm.y),
                                        static_cast<Float32>(f.centerMm.z));
    centre.setFrameOfReferenceUID(source.frameOfReferenceUid.c_str());
    return i.setSpatialCoordinates3D(centre);
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

core::Status describeDocument(DSRDocument& doc, const SourceSeries& source,
                              const CtMeasurementReport& report, const std::string& where) {
  DcmFileFormat first;
  auto status = internal::toStatus(
      first.loadFileUntilTag(source.slices.front().file.string().c_str(), EXS_Unknown, EGL_noChange,
                             DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData),
      core::ErrorCode::IoError, source.slices.front().file.string());
  if (!status.ok()) return status;
  // Patient and study from the source: the report files into the same study.
  status = internal::toStatus(doc.readStudyData(*first.getDataset()), core::ErrorCode::ParseError,
                              source.slices.front().file.string() + ": patient and study");
  if (!status.ok()) return status;
  doc.createNewSeries();
  for (const OFCondition& c :
       {doc.setSeriesDescription("Vigie review: lung nodule findings"), doc.setSeriesNumber("901"),
        doc.setInstanceNumber("1"), doc.setManufacturer("Vigie project"),
        doc.setManufacturerModelName("Vigie"),
        doc.setSoftwareVersions(report.producer.softwareVersion.c_str())}) {
    status = internal::toStatus(c, core::ErrorCode::Internal, where + ": document header");
    if (!status.ok()) return status;
  }
  for (const SourceSlice& slice : source.slices) {
    status = internal::toStatus(doc.getCurrentRequestedProcedureEvidence().addItem(
                                    source.studyUid.c_str(), source.seriesUid.c_str(),
                                    slice.sopClassUid.c_str(), slice.sopInstanceUid.c_str()),
                                core::ErrorCode::Internal, where + ": evidence");
    if (!status.ok()) return status;
  }
  for (const auto& [findingId, segment] : report.segments) {
    (void)findingId;
    status = internal::toStatus(doc.getPertinentOtherEvidence().addItem(
                                    source.studyUid.c_str(), segment.seriesUid.c_str(),
                                    UID_SegmentationStorage, segment.sopInstanceUid.c_str()),
                                core::ErrorCode::Internal, where + ": segmentation evidence");
    if (!status.ok()) return status;
  }
  auto& schemes = doc.getCodingSchemeIdentification();
  status = internal::toStatus(schemes.addItem(kLocalScheme), core::ErrorCode::Internal, where);
  if (status.ok())
    status = internal::toStatus(schemes.setCodingSchemeName("Vigie reader review codes"),
                                core::ErrorCode::Internal, where);
  if (status.ok())
    status = internal::toStatus(schemes.setCodingSchemeResponsibleOrganization("Vigie project"),
                                core::ErrorCode::Internal, where);
  return status;
}

}  // namespace

core::Result<std::string> writeCtMeasurementReport(const SourceSeries& source,
                                                   const CtMeasurementReport& report,
                                                   const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  const std::string where = file.string();
  if (source.slices.empty()) {
    return core::makeError(core::ErrorCode::InvalidArgument, where + ": no source slices");
  }
  DSRDocument doc(DSRTypes::DT_Comprehensive3DSR);
  auto status = describeDocument(doc, source, report, where);
  if (!status.ok()) return status.error();

  DSRDocumentTree& tree = doc.getTree();
  TreeBuilder b(tree);
  if (tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0) {
    return core::makeError(core::ErrorCode::Internal, where + ": cannot create the report root");
  }
  b.remember(tree.getCurrentContentItem().setConceptName(CODE_DCM_ImagingMeasurementReport),
             CODE_DCM_ImagingMeasurementReport);
  b.remember(tree.getCurrentContentItem().setTemplateIdentification("1500", "DCMR"),
             CODE_DCM_ImagingMeasurementReport);
  b.code(kConceptMod, CODE_DCM_LanguageOfContentItemAndDescendants, kEnglish);
  addPersonObserver(b, report.exportingReader);
  b.code(kObsContext, CODE_DCM_ObserverType, CODE_DCM_Device);
  b.uid(kObsContext, CODE_DCM_DeviceObserverUID,
        internal::uidFromText("vigie model " + report.producer.modelId + " " +
                              report.producer.modelVersion));
  b.text(kObsContext, CODE_DCM_DeviceObserverName,
         report.producer.modelName.empty() ? report.producer.modelId : report.producer.modelName);
  b.code(kConceptMod, CODE_DCM_ProcedureReported, kCtChest);

  b.open(kContains, CODE_DCM_ImageLibrary);
  b.open(kContains, CODE_DCM_ImageLibraryGroup);
  for (const SourceSlice& slice : source.slices) {
    b.leaf(kContains, DSRTypes::VT_Image, DSRCodedEntryValue(), [&](DSRContentItem& i) {
      return i.setImageReference(
          DSRImageReferenceValue(slice.sopClassUid.c_str(), slice.sopInstanceUid.c_str()));
    });
  }
  b.close();
  b.close();

  b.open(kContains, CODE_DCM_ImagingMeasurements);
  for (const core::ReviewedFinding& f : report.findings) addFinding(b, source, report, f);
  b.close();
  if (!b.ok())
    return core::makeError(b.status().error().code, where + ": " + b.status().error().message);

  status = internal::toStatus(doc.completeDocument(), core::ErrorCode::Internal, where);
  if (!status.ok()) return status.error();
  DcmFileFormat out;
  status = internal::toStatus(doc.write(*out.getDataset()), core::ErrorCode::Internal,
                              where + ": the report is not valid");
  if (!status.ok()) return status.error();
  status = internal::toStatus(out.saveFile(where.c_str(), EXS_LittleEndianExplicit),
                              core::ErrorCode::IoError, where);
  if (!status.ok()) return status.error();
  OFString sopInstanceUid;
  doc.getSOPInstanceUID(sopInstanceUid);
  return std::string(sopInstanceUid.c_str());
}

}  // namespace vigie::imaging
