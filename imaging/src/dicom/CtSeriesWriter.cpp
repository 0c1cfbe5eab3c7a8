#include "vigie/imaging/dicom/CtSeriesWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <sstream>

#include "../ParallelFor.h"
#include "DcmtkSetup.h"
#include "DcmtkStatus.h"
#include "DeterministicUid.h"

namespace vigie::imaging {
namespace {

constexpr int kRescaleIntercept = -1024;
constexpr int kMaxStored = 4095;  // 12 bits stored

std::string decimal(double value) {
  // DICOM DS allows 16 characters; 6 significant decimals are plenty for mm.
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", std::abs(value) < 1e-9 ? 0.0 : value);
  return buffer;
}

std::string backslashJoin(std::initializer_list<double> values) {
  std::string out;
  for (double v : values) {
    if (!out.empty()) out += '\\';
    out += decimal(v);
  }
  return out;
}

struct SeriesUids {
  std::string study, series, frameOfReference;
};

class SliceWriter {
 public:
  SliceWriter(const core::CtVolume& volume, const CtSeriesDescription& d, const SeriesUids& uids)
      : volume_(volume), d_(d), uids_(uids) {}

  core::Status write(std::size_t k, const std::filesystem::path& file) const {
    DcmFileFormat fileFormat;
    DcmDataset* ds = fileFormat.getDataset();
    const auto& g = volume_.geometry();
    const core::Vec3 position = g.indexToPhysical({0, 0, static_cast<double>(k)});
    const core::Vec3& row = g.direction[0];
    const core::Vec3& column = g.direction[1];
    const std::string sopUid = internal::deterministicUid(d_.uidSeed, "ct-instance", k);

    const std::vector<std::pair<DcmTagKey, std::string>> strings = {
        {DCM_SpecificCharacterSet, "ISO_IR 100"},
        {DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL"},
        {DCM_SOPClassUID, UID_CTImageStorage},
        {DCM_SOPInstanceUID, sopUid},
        {DCM_StudyDate, d_.studyDate},
        {DCM_SeriesDate, d_.studyDate},
        {DCM_ContentDate, d_.studyDate},
        {DCM_StudyTime, "090000"},
        {DCM_SeriesTime, "090000"},
        {DCM_ContentTime, "090000"},
        {DCM_AccessionNumber, ""},
        {DCM_Modality, "CT"},
        {DCM_Manufacturer, d_.manufacturer},
        {DCM_ReferringPhysicianName, ""},
        {DCM_StudyDescription, d_.studyDescription},
        {DCM_SeriesDescription, d_.seriesDescription},
        {DCM_ManufacturerModelName, "Vigie ChestCtPhantom"},
        {DCM_PatientName, d_.patientName},
        {DCM_PatientID, d_.patientId},
        {DCM_PatientBirthDate, ""},
        {DCM_PatientSex, "O"},
        {DCM_BodyPartExamined, "CHEST"},
        {DCM_SliceThickness, decimal(g.spacing.z)},
        {DCM_KVP, "120"},
        {DCM_PatientPosition, "FFS"},
        {DCM_StudyInstanceUID, uids_.study},
        {DCM_SeriesInstanceUID, uids_.series},
        {DCM_StudyID, "1"},
        {DCM_SeriesNumber, "1"},
        {DCM_InstanceNumber, std::to_string(k + 1)},
        {DCM_AcquisitionNumber, "1"},
        {DCM_ImagePositionPatient, backslashJoin({position.x, position.y, position.z})},
        {DCM_ImageOrientationPatient,
         backslashJoin({row.x, row.y, row.z, column.x, column.y, column.z})},
        {DCM_FrameOfReferenceUID, uids_.frameOfReference},
        {DCM_PositionReferenceIndicator, ""},
        {DCM_SliceLocation, decimal(position.z)},
        {DCM_PhotometricInterpretation, "MONOCHROME2"},
        {DCM_PixelSpacing,
         backslashJoin({g.spacing.y, g.spacing.x})},  // row spacing, column spacing
        {DCM_WindowCenter, "-600\\40"},
        {DCM_WindowWidth, "1500\\400"},
        {DCM_WindowCenterWidthExplanation, "LUNG\\MEDIASTINUM"},
        {DCM_RescaleIntercept, std::to_string(kRescaleIntercept)},
        {DCM_RescaleSlope, "1"},
        {DCM_RescaleType, "HU"},
        {DCM_BurnedInAnnotation, "NO"},
    };
    auto named = internal::putStrings(*ds, strings, file.string());
    if (!named.ok()) return named;
    const std::vector<std::pair<DcmTagKey, Uint16>> numbers = {
        {DCM_SamplesPerPixel, 1},
        {DCM_Rows, static_cast<Uint16>(g.size.j)},
        {DCM_Columns, static_cast<Uint16>(g.size.i)},
        {DCM_BitsAllocated, 16},
        {DCM_BitsStored, 12},
        {DCM_HighBit, 11},
        {DCM_PixelRepresentation, 0},
    };
    auto counted = internal::putNumbers(*ds, numbers, file.string());
    if (!counted.ok()) return counted;

    const std::size_t pixels = g.size.i * g.size.j;
    std::vector<Uint16> stored(pixels);
    const std::int16_t* hu = volume_.slice(k);
    for (std::size_t p = 0; p < pixels; ++p) {
      stored[p] = static_cast<Uint16>(std::clamp(hu[p] - kRescaleIntercept, 0, kMaxStored));
    }
    auto status =
        internal::toStatus(ds->putAndInsertUint16Array(DCM_PixelData, stored.data(),
                                                       static_cast<unsigned long>(pixels)),
                           core::ErrorCode::Internal, file.string() + ": cannot set Pixel Data");
    if (!status) return status;
    return internal::toStatus(fileFormat.saveFile(file.string().c_str(), EXS_LittleEndianExplicit),
                              core::ErrorCode::IoError, file.string() + ": cannot write");
  }

 private:
  const core::CtVolume& volume_;
  const CtSeriesDescription& d_;
  const SeriesUids& uids_;
};

}  // namespace

CtSeriesWriter::CtSeriesWriter(CtSeriesDescription description)
    : description_(std::move(description)) {}

core::Result<std::vector<std::filesystem::path>> CtSeriesWriter::write(
    const core::CtVolume& volume, const std::filesystem::path& directory) const {
  std::string why;
  if (!volume.geometry().isValid(&why)) {
    return core::makeError(core::ErrorCode::InvalidArgument, "cannot write CT series: " + why);
  }
  if (volume.size().i > 65535 || volume.size().j > 65535) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "cannot write CT series: slice too large");
  }
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return core::makeError(core::ErrorCode::IoError, directory.string() + ": " + ec.message());
  }
  const SeriesUids uids{internal::deterministicUid(description_.uidSeed, "study"),
                        internal::deterministicUid(description_.uidSeed, "ct-series"),
                        internal::deterministicUid(description_.uidSeed, "frame-of-reference")};
  internal::ensureDcmtkReady();
  const SliceWriter writer(volume, description_, uids);

  const std::size_t slices = volume.size().k;
  std::vector<std::filesystem::path> files(slices);
  for (std::size_t k = 0; k < slices; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "CT%06zu.dcm", k + 1);
    files[k] = directory / name;
  }
  std::atomic<bool> failed{false};
  std::mutex errorMutex;
  core::Status firstError;
  internal::parallelFor(
      slices,
      [&](std::size_t k) {
        if (failed) return;  // the first error stops the rest
        core::Status status = writer.write(k, files[k]);
        if (!status) {
          std::lock_guard<std::mutex> lock(errorMutex);
          if (firstError.ok()) firstError = status;
          failed = true;
        }
      },
      8);
  if (!firstError.ok()) return firstError.error();
  return files;
}

}  // namespace vigie::imaging
