#include "vigie/imaging/dicom/OphthalmicPhotoWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "DcmtkSetup.h"
#include "DcmtkStatus.h"
#include "DeterministicUid.h"

namespace vigie::imaging {
namespace {

struct Code {
  const char* value;
  const char* scheme;
  const char* meaning;
};

/// Writes a code sequence with one item.
core::Status putCode(DcmDataset& ds, const DcmTagKey& sequence, const Code& code,
                     const std::string& file) {
  DcmItem* item = nullptr;
  auto status =
      internal::toStatus(ds.findOrCreateSequenceItem(sequence, item, 0), core::ErrorCode::Internal,
                         file + ": " + DcmTag(sequence).getTagName());
  for (const auto& [tag, value] : {std::pair<DcmTagKey, const char*>{DCM_CodeValue, code.value},
                                   {DCM_CodingSchemeDesignator, code.scheme},
                                   {DCM_CodeMeaning, code.meaning}}) {
    if (status.ok())
      status = internal::toStatus(item->putAndInsertString(tag, value), core::ErrorCode::Internal,
                                  file + ": " + DcmTag(sequence).getTagName());
  }
  return status;
}

}  // namespace

core::Status OphthalmicPhotoWriter::write(const core::Image2D& rgb,
                                          const OphthalmicPhotoDescription& d,
                                          const std::filesystem::path& file) const {
  if (rgb.channels != 3 || rgb.empty() || rgb.width > 65535 || rgb.height > 65535) {
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        file.string() + ": an ophthalmic photograph must be a non-empty RGB image");
  }
  internal::ensureDcmtkReady();
  DcmFileFormat fileFormat;
  DcmDataset* ds = fileFormat.getDataset();
  const std::string laterality = d.rightEye ? "R" : "L";
  const std::vector<std::pair<DcmTagKey, std::string>> strings = {
      {DCM_SpecificCharacterSet, "ISO_IR 100"},
      {DCM_ImageType, "ORIGINAL\\PRIMARY"},
      {DCM_SOPClassUID, UID_OphthalmicPhotography8BitImageStorage},
      {DCM_SOPInstanceUID, internal::deterministicUid(d.uidSeed, "op-instance", d.imageIndex)},
      {DCM_StudyDate, d.studyDate},
      {DCM_ContentDate, d.studyDate},
      {DCM_StudyTime, "100000"},
      {DCM_ContentTime, "100000"},
      {DCM_AcquisitionDateTime, d.studyDate + "100000"},
      {DCM_AccessionNumber, ""},
      {DCM_Modality, "OP"},
      {DCM_Manufacturer, "Vigie synthetic phantom"},
      {DCM_ReferringPhysicianName, ""},
      {DCM_StudyDescription, d.studyDescription},
      {DCM_SeriesDescription, "Colour fundus, macula-centred"},
      {DCM_PatientName, d.patientName},
      {DCM_PatientID, d.patientId},
      {DCM_PatientBirthDate, ""},
      {DCM_PatientSex, "O"},
      {DCM_StudyInstanceUID, internal::deterministicUid(d.uidSeed, "op-study")},
      {DCM_SeriesInstanceUID, internal::deterministicUid(d.uidSeed, "op-series", d.imageIndex)},
      {DCM_StudyID, "1"},
      {DCM_SeriesNumber, std::to_string(d.imageIndex + 1)},
      {DCM_InstanceNumber, "1"},
      {DCM_ImageLaterality, laterality},  // OP: in the image, not the series (Laterality)
      {DCM_PatientOrientation, ""},
      // Synchronization module: not synchronised to anything but UTC.
      {DCM_SynchronizationFrameOfReferenceUID,
       UID_UniversalCoordinatedTimeSynchronizationFrameOfReference},
      {DCM_SynchronizationTrigger, "NO TRIGGER"},
      {DCM_AcquisitionTimeSynchronized, "N"},
      {DCM_NumberOfFrames, "1"},
      {DCM_FrameTime, "0"},
      // Ophthalmic photography acquisition parameters: unknown (type 2) or
      // what a fundus camera is.
      {DCM_PatientEyeMovementCommanded, ""},
      {DCM_HorizontalFieldOfView, "45"},
      {DCM_EmmetropicMagnification, ""},
      {DCM_IntraOcularPressure, ""},
      {DCM_PupilDilated, ""},
      {DCM_DetectorType, "CCD"},
      {DCM_PhotometricInterpretation, "RGB"},
      {DCM_BurnedInAnnotation, "NO"},
      {DCM_LossyImageCompression, "00"},
  };
  auto named = internal::putStrings(*ds, strings, file.string());
  if (!named.ok()) return named;
  const std::vector<std::pair<DcmTagKey, Uint16>> numbers = {
      {DCM_SamplesPerPixel, 3},
      {DCM_PlanarConfiguration, 0},
      {DCM_Rows, static_cast<Uint16>(rgb.height)},
      {DCM_Columns, static_cast<Uint16>(rgb.width)},
      {DCM_BitsAllocated, 8},
      {DCM_BitsStored, 8},
      {DCM_HighBit, 7},
      {DCM_PixelRepresentation, 0},
  };
  auto counted = internal::putNumbers(*ds, numbers, file.string());
  if (!counted.ok()) return counted;
  // Single-frame OP still carries the multi-frame module; its frame pointer
  // names Frame Time, as PS3.3 suggests for one frame.
  auto framed = internal::toStatus(ds->putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTime),
                                   core::ErrorCode::Internal, file.string());
  if (!framed.ok()) return framed;
  auto coded = putCode(*ds, DCM_AnatomicRegionSequence, {"81745001", "SCT", "Eye"}, file.string());
  if (coded.ok())
    coded = putCode(*ds, DCM_AcquisitionDeviceTypeCodeSequence,
                    {"409898007", "SCT", "Fundus camera"}, file.string());
  if (!coded.ok()) return coded;
  for (const DcmTagKey& empty :
       {DCM_RefractiveStateSequence, DCM_IlluminationTypeCodeSequence,
        DCM_LightPathFilterTypeStackCodeSequence, DCM_ImagePathFilterTypeStackCodeSequence,
        DCM_LensesCodeSequence}) {
    auto inserted = internal::toStatus(ds->insertEmptyElement(empty), core::ErrorCode::Internal,
                                       file.string() + ": " + DcmTag(empty).getTagName());
    if (!inserted.ok()) return inserted;
  }
  auto status =
      internal::toStatus(ds->putAndInsertUint8Array(DCM_PixelData, rgb.pixels.data(),
                                                    static_cast<unsigned long>(rgb.pixels.size())),
                         core::ErrorCode::Internal, file.string() + ": cannot set Pixel Data");
  if (!status.ok()) return status;
  return internal::toStatus(fileFormat.saveFile(file.string().c_str(), EXS_LittleEndianExplicit),
                            core::ErrorCode::IoError, file.string() + ": cannot write");
}

}  // namespace vigie::imaging
