#include "vigie/imaging/dicom/Deidentifier.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <map>
#include <random>
#include <sstream>

#include "DcmtkSetup.h"
#include "DcmtkStatus.h"
#include "DeterministicUid.h"
#include "DicomFileSniffer.h"
#include "vigie/core/Sha256.h"

namespace vigie::imaging {
namespace {

/// The actions of the profile's table (PS3.15 Table E.1-1).
enum class Action {
  Remove,      ///< X
  Empty,       ///< Z: zero-length value (type 2 attributes)
  Dummy,       ///< D: a dummy value of the right VR (type 1 attributes)
  Keep,        ///< K
  ReplaceUid,  ///< U
};

/// Options that can keep what the Basic Profile would otherwise take away.
enum class RetainedBy { Nothing, Dates, PatientCharacteristics };

struct Rule {
  Action action;
  RetainedBy retainedBy = RetainedBy::Nothing;
};

/// The attributes of the Basic Profile's table that occur in the images and
/// reports Vigie reads and writes, with their actions. Where the table gives
/// a choice (e.g. Z/D), the action here is the one valid for the attribute's
/// type in CT, SEG and SR objects. Attributes not listed are still covered by
/// the generic rules in Deidentifier (private tags, person names, UIDs,
/// dates).
const std::map<DcmTagKey, Rule>& profileTable() {
  static const std::map<DcmTagKey, Rule> table = {
      // Patient
      {DCM_PatientName, {Action::Dummy}},
      {DCM_PatientID, {Action::Dummy}},
      {DCM_IssuerOfPatientID, {Action::Remove}},
      {DCM_PatientBirthDate, {Action::Empty}},
      {DCM_PatientBirthTime, {Action::Remove}},
      {DCM_PatientSex, {Action::Empty, RetainedBy::PatientCharacteristics}},
      {DCM_PatientAge, {Action::Remove, RetainedBy::PatientCharacteristics}},
      {DCM_PatientSize, {Action::Remove, RetainedBy::PatientCharacteristics}},
      {DCM_PatientWeight, {Action::Remove, RetainedBy::PatientCharacteristics}},
      {DCM_EthnicGroup, {Action::Remove, RetainedBy::PatientCharacteristics}},
      {DCM_SmokingStatus, {Action::Remove, RetainedBy::PatientCharacteristics}},
      {DCM_PregnancyStatus, {Action::Remove, RetainedBy::PatientCharacteristics}},
      {DCM_PatientSexNeutered, {Action::Remove, RetainedBy::PatientCharacteristics}},
      {DCM_OtherPatientIDsSequence, {Action::Remove}},
      {DCM_RETIRED_OtherPatientIDs, {Action::Remove}},
      {DCM_OtherPatientNames, {Action::Remove}},
      {DCM_PatientBirthName, {Action::Remove}},
      {DCM_PatientAddress, {Action::Remove}},
      {DCM_PatientMotherBirthName, {Action::Remove}},
      {DCM_PatientTelephoneNumbers, {Action::Remove}},
      {DCM_CountryOfResidence, {Action::Remove}},
      {DCM_RegionOfResidence, {Action::Remove}},
      {DCM_MilitaryRank, {Action::Remove}},
      {DCM_BranchOfService, {Action::Remove}},
      {DCM_RETIRED_MedicalRecordLocator, {Action::Remove}},
      {DCM_MedicalAlerts, {Action::Remove}},
      {DCM_Allergies, {Action::Remove}},
      {DCM_Occupation, {Action::Remove}},
      {DCM_AdditionalPatientHistory, {Action::Remove}},
      {DCM_LastMenstrualDate, {Action::Remove}},
      {DCM_PatientReligiousPreference, {Action::Remove}},
      {DCM_PatientComments, {Action::Remove}},
      {DCM_PatientState, {Action::Remove}},
      {DCM_PatientInsurancePlanCodeSequence, {Action::Remove}},
      {DCM_PatientPrimaryLanguageCodeSequence, {Action::Remove}},
      {DCM_ReferencedPatientSequence, {Action::Remove}},
      {DCM_ResponsiblePerson, {Action::Remove}},
      {DCM_ResponsibleOrganization, {Action::Remove}},
      // Study, visit and request
      {DCM_StudyDate, {Action::Empty, RetainedBy::Dates}},
      {DCM_StudyTime, {Action::Empty, RetainedBy::Dates}},
      {DCM_AccessionNumber, {Action::Empty}},
      {DCM_StudyID, {Action::Empty}},
      {DCM_StudyDescription, {Action::Remove}},
      {DCM_ReferringPhysicianName, {Action::Empty}},
      {DCM_ReferringPhysicianAddress, {Action::Remove}},
      {DCM_ReferringPhysicianTelephoneNumbers, {Action::Remove}},
      {DCM_ReferringPhysicianIdentificationSequence, {Action::Remove}},
      {DCM_ConsultingPhysicianName, {Action::Remove}},
      {DCM_PhysiciansOfRecord, {Action::Remove}},
      {DCM_PhysiciansOfRecordIdentificationSequence, {Action::Remove}},
      {DCM_NameOfPhysiciansReadingStudy, {Action::Remove}},
      {DCM_PhysiciansReadingStudyIdentificationSequence, {Action::Remove}},
      {DCM_AdmittingDiagnosesDescription, {Action::Remove}},
      {DCM_AdmittingDiagnosesCodeSequence, {Action::Remove}},
      {DCM_AdmissionID, {Action::Remove}},
      {DCM_RETIRED_IssuerOfAdmissionID, {Action::Remove}},
      {DCM_ServiceEpisodeID, {Action::Remove}},
      {DCM_VisitComments, {Action::Remove}},
      {DCM_CurrentPatientLocation, {Action::Remove}},
      {DCM_PatientInstitutionResidence, {Action::Remove}},
      {DCM_ReferencedStudySequence, {Action::Remove}},
      {DCM_RequestingPhysician, {Action::Remove}},
      {DCM_RequestingService, {Action::Remove}},
      {DCM_RequestAttributesSequence, {Action::Remove}},
      {DCM_RequestedProcedureDescription, {Action::Remove}},
      {DCM_RequestedProcedureID, {Action::Remove}},
      {DCM_RETIRED_ReasonForStudy, {Action::Remove}},
      {DCM_ReasonForTheRequestedProcedure, {Action::Remove}},
      {DCM_RETIRED_StudyComments, {Action::Remove}},
      {DCM_CommentsOnThePerformedProcedureStep, {Action::Remove}},
      {DCM_ScheduledProcedureStepDescription, {Action::Remove}},
      {DCM_ScheduledProcedureStepID, {Action::Remove}},
      {DCM_PerformedProcedureStepID, {Action::Remove}},
      {DCM_PerformedProcedureStepDescription, {Action::Remove}},
      {DCM_PerformedProcedureStepStartDate, {Action::Remove, RetainedBy::Dates}},
      {DCM_PerformedProcedureStepStartTime, {Action::Remove, RetainedBy::Dates}},
      {DCM_ReferencedPerformedProcedureStepSequence, {Action::Empty}},  // type 2 in SR
      // Series, equipment and staff
      {DCM_SeriesDate, {Action::Remove, RetainedBy::Dates}},
      {DCM_SeriesTime, {Action::Remove, RetainedBy::Dates}},
      {DCM_SeriesDescription, {Action::Remove}},
      {DCM_ProtocolName, {Action::Remove}},
      {DCM_PerformingPhysicianName, {Action::Remove}},
      {DCM_PerformingPhysicianIdentificationSequence, {Action::Remove}},
      {DCM_OperatorsName, {Action::Remove}},
      {DCM_OperatorIdentificationSequence, {Action::Remove}},
      {DCM_InstitutionName, {Action::Remove}},
      {DCM_InstitutionAddress, {Action::Remove}},
      {DCM_InstitutionalDepartmentName, {Action::Remove}},
      {DCM_InstitutionCodeSequence, {Action::Remove}},
      {DCM_StationName, {Action::Remove}},
      {DCM_DeviceSerialNumber, {Action::Dummy}},  // type 1 in SEG
      {DCM_DeviceUID, {Action::ReplaceUid}},
      {DCM_ContentCreatorName, {Action::Empty}},
      {DCM_ContentCreatorIdentificationCodeSequence, {Action::Remove}},
      {DCM_TimezoneOffsetFromUTC, {Action::Remove, RetainedBy::Dates}},
      // Instance
      {DCM_InstanceCreationDate, {Action::Remove, RetainedBy::Dates}},
      {DCM_InstanceCreationTime, {Action::Remove, RetainedBy::Dates}},
      {DCM_InstanceCreatorUID, {Action::ReplaceUid}},
      {DCM_AcquisitionDate, {Action::Remove, RetainedBy::Dates}},
      {DCM_AcquisitionTime, {Action::Remove, RetainedBy::Dates}},
      {DCM_AcquisitionDateTime, {Action::Dummy, RetainedBy::Dates}},  // type 1C in OP
      {DCM_ContentDate, {Action::Dummy, RetainedBy::Dates}},
      {DCM_ContentTime, {Action::Dummy, RetainedBy::Dates}},
      {DCM_ImageComments, {Action::Remove}},
      {DCM_RETIRED_AcquisitionComments, {Action::Remove}},
      {DCM_DerivationDescription, {Action::Remove}},
      {DCM_FrameComments, {Action::Remove}},
      {DCM_TextString, {Action::Remove}},
      {DCM_RETIRED_TextComments, {Action::Remove}},
      {DCM_DigitalSignaturesSequence, {Action::Remove}},
      {DCM_OriginalAttributesSequence, {Action::Remove}},
      {DCM_ModifiedAttributesSequence, {Action::Remove}},
      {DCM_DataSetTrailingPadding, {Action::Remove}},
  };
  return table;
}

/// UIDs that DICOM or a coding scheme defines, the same for every patient:
/// they identify no one and must survive (SOP classes, transfer syntaxes,
/// coding schemes, context groups).
bool isWellKnownUid(const DcmTagKey& tag, const std::string& uid) {
  return uid.rfind("1.2.840.10008.", 0) == 0 || tag == DCM_CodingSchemeUID ||
         tag == DCM_ContextUID || tag == DCM_MappingResourceUID ||
         tag == DCM_ContextGroupExtensionCreatorUID;
}

bool isOverlayOrCurve(const DcmTagKey& tag) {
  const Uint16 group = tag.getGroup();
  if (group >= 0x5000 && group <= 0x50FF && group % 2 == 0) return true;  // retired curves
  return group >= 0x6000 && group <= 0x60FF && group % 2 == 0 &&
         (tag.getElement() == 0x3000 || tag.getElement() == 0x4000);  // overlay data, comments
}

std::string dummyFor(DcmEVR vr) {
  switch (vr) {
    case EVR_DA:
      return "19000101";
    case EVR_TM:
      return "000000";
    case EVR_DT:
      return "19000101000000";
    case EVR_PN:
      return "ANONYMOUS^";  // component form; a bare word reads as the retired form
    default:
      return "ANONYMIZED";
  }
}

std::string randomKey() {
  std::random_device device;
  std::ostringstream key;
  for (int i = 0; i < 4; ++i) key << std::hex << device();
  return key.str();
}

/// Applies the profile to one dataset, recursively.
class ProfileApplier {
 public:
  ProfileApplier(const Deidentifier& owner, const DeidentificationOptions& options,
                 DeidentificationReport& report)
      : owner_(owner), options_(options), report_(report) {}

  void apply(DcmItem& item) {
    // Collect first: removing while iterating would skip elements.
    std::vector<DcmElement*> elements;
    for (unsigned long n = 0; n < item.card(); ++n) elements.push_back(item.getElement(n));
    for (DcmElement* element : elements) applyTo(item, element);
  }

 private:
  bool retained(RetainedBy by) const {
    return (by == RetainedBy::Dates && options_.retainDates) ||
           (by == RetainedBy::PatientCharacteristics && options_.retainPatientCharacteristics);
  }

  void remove(DcmItem& item, DcmElement* element) {
    delete item.remove(element);
    ++report_.removed;
  }

  void applyTo(DcmItem& item, DcmElement* element) {
    const DcmTagKey tag = element->getTag();
    const DcmEVR vr = element->getTag().getEVR();
    if (tag.isPrivate() || isOverlayOrCurve(tag)) return remove(item, element);
    const auto& table = profileTable();
    if (auto rule = table.find(tag); rule != table.end()) {
      if (retained(rule->second.retainedBy)) return;
      switch (rule->second.action) {
        case Action::Remove:
          return remove(item, element);
        case Action::Empty:
          element->clear();
          ++report_.emptiedOrReplaced;
          return;
        case Action::Dummy:
          setDummy(tag, vr, element);
          return;
        case Action::Keep:
          return;
        case Action::ReplaceUid:
          break;  // falls to the UID rule below
      }
    }
    if (vr == EVR_SQ) {
      auto* sequence = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long n = 0; n < sequence->card(); ++n) apply(*sequence->getItem(n));
      return;
    }
    if (vr == EVR_UI) return replaceUid(tag, element);
    if (vr == EVR_PN) {
      // A person not in the table (an SR observer, an operator in a
      // sequence): a dummy, since some of them are type 1 (SR Person Name).
      setDummy(tag, vr, element);
      return;
    }
    if ((vr == EVR_DA || vr == EVR_TM || vr == EVR_DT) && !options_.retainDates) {
      if (isStructuredContentValue(tag)) return setDummy(tag, vr, element);
      return remove(item, element);
    }
    if ((vr == EVR_LT || vr == EVR_ST || vr == EVR_UT) && options_.cleanFreeText) {
      const std::string text = currentString(element);
      const std::string cleaned = options_.cleanFreeText(text);
      if (cleaned != text) {
        element->putString(cleaned.c_str());
        ++report_.emptiedOrReplaced;
      }
    }
  }

  /// Dates and times inside SR content items are type 1 there; they get
  /// dummies rather than removal so the report stays valid.
  static bool isStructuredContentValue(const DcmTagKey& tag) {
    return tag == DCM_Date || tag == DCM_Time || tag == DCM_DateTime ||
           tag == DCM_ObservationDateTime;
  }

  void setDummy(const DcmTagKey& tag, DcmEVR vr, DcmElement* element) {
    std::string value = dummyFor(vr);
    if (tag == DCM_PatientID) value = owner_.pseudonymousPatientId(currentString(element));
    element->putString(value.c_str());
    ++report_.emptiedOrReplaced;
  }

  void replaceUid(const DcmTagKey& tag, DcmElement* element) {
    const std::string uid = currentString(element);
    if (uid.empty() || isWellKnownUid(tag, uid)) return;
    element->putString(owner_.replacementUid(uid).c_str());
    ++report_.uidsReplaced;
  }

  static std::string currentString(DcmElement* element) {
    OFString value;
    element->getOFStringArray(value);
    return value.c_str();
  }

  const Deidentifier& owner_;
  const DeidentificationOptions& options_;
  DeidentificationReport& report_;
};

core::Status recordMethod(DcmDataset& ds, const DeidentificationOptions& options,
                          const std::string& where) {
  // De-identification Method is LO (64 characters at most): the short form
  // here, the full names in the code sequence.
  std::string method = "Vigie PS3.15 E: Basic, CleanSC";
  std::vector<std::pair<const char*, const char*>> codes = {
      {"113100", "Basic Application Confidentiality Profile"},
      {"113104", "Clean Structured Content Option"}};
  if (options.retainDates) {
    method += ", RetainDates";
    codes.push_back({"113106", "Retain Longitudinal Temporal Information Full Dates Option"});
  }
  if (options.retainPatientCharacteristics) {
    method += ", RetainPatChars";
    codes.push_back({"113108", "Retain Patient Characteristics Option"});
  }
  auto status = internal::putStrings(ds,
                                     {{DCM_PatientIdentityRemoved, "YES"},
                                      {DCM_DeidentificationMethod, method},
                                      {DCM_LongitudinalTemporalInformationModified,
                                       options.retainDates ? "UNMODIFIED" : "REMOVED"}},
                                     where);
  if (!status.ok()) return status;
  delete ds.remove(DCM_DeidentificationMethodCodeSequence);
  for (std::size_t n = 0; n < codes.size(); ++n) {
    DcmItem* item = nullptr;
    status = internal::toStatus(
        ds.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, item, -2),
        core::ErrorCode::Internal, where + ": De-identification Method Code Sequence");
    if (!status.ok()) return status;
    for (const auto& [tag, value] :
         std::vector<std::pair<DcmTagKey, const char*>>{{DCM_CodeValue, codes[n].first},
                                                        {DCM_CodingSchemeDesignator, "DCM"},
                                                        {DCM_CodeMeaning, codes[n].second}}) {
      status = internal::toStatus(item->putAndInsertString(tag, value), core::ErrorCode::Internal,
                                  where + ": De-identification Method Code Sequence");
      if (!status.ok()) return status;
    }
  }
  return {};
}

}  // namespace

Deidentifier::Deidentifier(DeidentificationOptions options) : options_(std::move(options)) {
  if (options_.key.empty()) options_.key = randomKey();
}

std::string Deidentifier::replacementUid(const std::string& uid) const {
  return internal::uidFromText("vigie deid uid " + options_.key + " " + uid);
}

std::string Deidentifier::pseudonymousPatientId(const std::string& patientId) const {
  return "ANON-" +
         core::Sha256::hex("vigie deid patient " + options_.key + " " + patientId).substr(0, 12);
}

core::Status Deidentifier::deidentifyFile(const std::filesystem::path& in,
                                          const std::filesystem::path& out,
                                          DeidentificationReport* report) const {
  internal::ensureDcmtkReady();
  return internal::guardAgainstDcmtkExceptions(
      in.string(), [&] { return deidentifyFileUnguarded(in, out, report); });
}

core::Status Deidentifier::deidentifyFileUnguarded(const std::filesystem::path& in,
                                                   const std::filesystem::path& out,
                                                   DeidentificationReport* report) const {
  DcmFileFormat file;
  auto status = internal::toStatus(file.loadFile(in.string().c_str()), core::ErrorCode::ParseError,
                                   in.string());
  if (!status.ok()) return status;
  DcmDataset& ds = *file.getDataset();
  // Decoded pixels are untouched; the profile only rewrites attributes.
  DeidentificationReport local;
  ProfileApplier(*this, options_, report ? *report : local).apply(ds);
  status = recordMethod(ds, options_, out.string());
  if (!status.ok()) return status;
  // The meta header repeats the SOP Instance UID: keep it in step.
  OFString sopInstance;
  ds.findAndGetOFString(DCM_SOPInstanceUID, sopInstance);
  status = internal::toStatus(
      file.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPInstanceUID, sopInstance.c_str()),
      core::ErrorCode::Internal, out.string());
  if (!status.ok()) return status;
  std::error_code ec;
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
  if (ec)
    return core::makeError(core::ErrorCode::IoError,
                           out.parent_path().string() + ": " + ec.message());
  return internal::toStatus(file.saveFile(out.string().c_str(), EXS_Unknown),
                            core::ErrorCode::IoError, out.string());
}

core::Result<DeidentificationReport> Deidentifier::deidentifyTree(
    const std::filesystem::path& in, const std::filesystem::path& outDir) const {
  internal::ensureDcmtkReady();
  std::error_code ec;
  if (!std::filesystem::exists(in, ec))
    return core::makeError(core::ErrorCode::NotFound, in.string() + ": no such file or folder");
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(in, ec)) {
    for (auto it = std::filesystem::recursive_directory_iterator(in, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) return core::makeError(core::ErrorCode::IoError, in.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(in);
  }
  DeidentificationReport report;
  for (const auto& file : files) {
    if (!internal::mayBeDicom(file)) {
      ++report.skipped;  // not DICOM: nothing to de-identify, and it is not copied
      continue;
    }
    const auto uid = internal::sopInstanceUidOf(file);
    if (!uid) {
      report.unreadable.push_back({file, "not a readable DICOM instance (no SOP Instance UID)"});
      continue;
    }
    const auto out = outDir / (replacementUid(*uid) + ".dcm");
    auto status = deidentifyFile(file, out, &report);
    if (!status.ok()) {
      report.unreadable.push_back({file, status.error().message});
      continue;
    }
    ++report.files;
    report.written.push_back(out);
  }
  return report;
}

}  // namespace vigie::imaging
