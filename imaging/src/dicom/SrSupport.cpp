#include "SrSupport.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/codes/dcm.h>

#include <cstdio>

#include "DcmtkStatus.h"
#include "DeterministicUid.h"

namespace vigie::imaging::internal {
namespace {

const DSRCodedEntryValue kEnglish("en-US", "RFC5646", "English, United States");

}  // namespace

std::string srNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

void TreeBuilder::openMeasurementGroup(const std::string& reader, const std::string& studyUid,
                                       std::int64_t id) {
  open(kContains, CODE_DCM_MeasurementGroup);
  if (!reader.empty()) personObserver(reader);
  text(kContains, CODE_DCM_TrackingIdentifier, "Vigie measurement " + std::to_string(id));
  uid(kContains, CODE_DCM_TrackingUniqueIdentifier,
      uidFromText("vigie measurement " + studyUid + " " + std::to_string(id)));
}

Tid1500Document::Tid1500Document()
    : doc_(DSRTypes::DT_Comprehensive3DSR), builder_(doc_.getTree()) {}

core::Status Tid1500Document::begin(const SourceSeries& source,
                                    const std::string& seriesDescription,
                                    const ProducerIdentity& producer,
                                    const std::string& exportingReader,
                                    const DSRCodedEntryValue& procedure, const std::string& where) {
  where_ = where;
  if (source.slices.empty())
    return core::makeError(core::ErrorCode::InvalidArgument, where + ": no source images");
  const std::string firstFile = source.slices.front().file.string();
  DcmFileFormat first;
  auto status = toStatus(first.loadFileUntilTag(firstFile.c_str(), EXS_Unknown, EGL_noChange,
                                                DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData),
                         core::ErrorCode::IoError, firstFile);
  if (!status.ok()) return status;
  status = toStatus(doc_.readStudyData(*first.getDataset()), core::ErrorCode::ParseError,
                    firstFile + ": patient and study");
  if (!status.ok()) return status;
  doc_.createNewSeries();
  for (const OFCondition& c :
       {doc_.setSeriesDescription(seriesDescription.c_str()), doc_.setSeriesNumber("901"),
        doc_.setInstanceNumber("1"), doc_.setManufacturer("Vigie project"),
        doc_.setManufacturerModelName("Vigie"),
        doc_.setSoftwareVersions(producer.softwareVersion.c_str())}) {
    status = toStatus(c, core::ErrorCode::Internal, where + ": document header");
    if (!status.ok()) return status;
  }
  for (const SourceSlice& slice : source.slices) {
    status = toStatus(doc_.getCurrentRequestedProcedureEvidence().addItem(
                          source.studyUid.c_str(),
                          (slice.seriesUid.empty() ? source.seriesUid : slice.seriesUid).c_str(),
                          slice.sopClassUid.c_str(), slice.sopInstanceUid.c_str()),
                      core::ErrorCode::Internal, where + ": evidence");
    if (!status.ok()) return status;
  }
  auto& schemes = doc_.getCodingSchemeIdentification();
  status = toStatus(schemes.addItem(kLocalScheme), core::ErrorCode::Internal, where);
  if (status.ok())
    status = toStatus(schemes.setCodingSchemeName("Vigie reader review codes"),
                      core::ErrorCode::Internal, where);
  if (status.ok())
    status = toStatus(schemes.setCodingSchemeResponsibleOrganization("Vigie project"),
                      core::ErrorCode::Internal, where);
  if (!status.ok()) return status;

  DSRDocumentTree& tree = doc_.getTree();
  if (tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0)
    return core::makeError(core::ErrorCode::Internal, where + ": cannot create the report root");
  TreeBuilder& b = builder_;
  b.remember(tree.getCurrentContentItem().setConceptName(CODE_DCM_ImagingMeasurementReport),
             CODE_DCM_ImagingMeasurementReport);
  b.remember(tree.getCurrentContentItem().setTemplateIdentification("1500", "DCMR"),
             CODE_DCM_ImagingMeasurementReport);
  b.code(kConceptMod, CODE_DCM_LanguageOfContentItemAndDescendants, kEnglish);
  b.personObserver(exportingReader);
  b.code(kObsContext, CODE_DCM_ObserverType, CODE_DCM_Device);
  b.uid(kObsContext, CODE_DCM_DeviceObserverUID,
        uidFromText("vigie model " + producer.modelId + " " + producer.modelVersion));
  b.text(kObsContext, CODE_DCM_DeviceObserverName,
         producer.modelName.empty() ? producer.modelId : producer.modelName);
  b.code(kConceptMod, CODE_DCM_ProcedureReported, procedure);

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
  return b.status();
}

core::Status Tid1500Document::addOtherEvidence(const std::string& studyUid,
                                               const std::string& seriesUid,
                                               const char* sopClassUid,
                                               const std::string& sopInstanceUid) {
  return toStatus(doc_.getPertinentOtherEvidence().addItem(studyUid.c_str(), seriesUid.c_str(),
                                                           sopClassUid, sopInstanceUid.c_str()),
                  core::ErrorCode::Internal, where_ + ": other evidence");
}

void Tid1500Document::openMeasurements() { builder_.open(kContains, CODE_DCM_ImagingMeasurements); }

core::Result<std::string> Tid1500Document::save(const std::filesystem::path& file) {
  builder_.close();  // Imaging Measurements
  if (!builder_.ok()) {
    return core::makeError(builder_.status().error().code,
                           where_ + ": " + builder_.status().error().message);
  }
  auto status = toStatus(doc_.completeDocument(), core::ErrorCode::Internal, where_);
  if (!status.ok()) return status.error();
  DcmFileFormat out;
  status = toStatus(doc_.write(*out.getDataset()), core::ErrorCode::Internal,
                    where_ + ": the report is not valid");
  if (!status.ok()) return status.error();
  status = toStatus(out.saveFile(file.string().c_str(), EXS_LittleEndianExplicit),
                    core::ErrorCode::IoError, file.string());
  if (!status.ok()) return status.error();
  OFString sopInstanceUid;
  doc_.getSOPInstanceUID(sopInstanceUid);
  return std::string(sopInstanceUid.c_str());
}

}  // namespace vigie::imaging::internal
