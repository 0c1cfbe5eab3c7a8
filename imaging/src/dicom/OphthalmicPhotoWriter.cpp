#include "vigie/imaging/dicom/OphthalmicPhotoWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "DcmtkSetup.h"
#include "DcmtkStatus.h"
#include "DeterministicUid.h"

namespace vigie::imaging {

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
      {DCM_ImageLaterality, laterality},
      {DCM_Laterality, laterality},
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
  auto status =
      internal::toStatus(ds->putAndInsertUint8Array(DCM_PixelData, rgb.pixels.data(),
                                                    static_cast<unsigned long>(rgb.pixels.size())),
                         core::ErrorCode::Internal, file.string() + ": cannot set Pixel Data");
  if (!status.ok()) return status;
  return internal::toStatus(fileFormat.saveFile(file.string().c_str(), EXS_LittleEndianExplicit),
                            core::ErrorCode::IoError, file.string() + ": cannot write");
}

}  // namespace vigie::imaging
