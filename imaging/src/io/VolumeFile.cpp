#include "vigie/imaging/io/VolumeFile.h"

#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include "../itk/ItkVolume.h"
#include "vigie/imaging/io/NiftiWriter.h"

namespace vigie::imaging {
namespace {

bool endsWith(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

/// ITK's reader/writer for a format; the IO object is named explicitly rather
/// than found through ITK's factory registry, which needs global set-up.
itk::ImageIOBase::Pointer ioFor(VolumeFormat format) {
  switch (format) {
    case VolumeFormat::Nrrd:
      return itk::NrrdImageIO::New().GetPointer();
    case VolumeFormat::MetaImage:
      return itk::MetaImageIO::New().GetPointer();
    case VolumeFormat::Nifti:
      break;
  }
  return itk::NiftiImageIO::New().GetPointer();
}

template <typename Voxel>
core::Status writeWithItk(const core::Volume<Voxel>& volume, const std::filesystem::path& file,
                          VolumeFormat format) {
  std::string why;
  if (!volume.geometry().isValid(&why))
    return core::makeError(core::ErrorCode::InvalidArgument, file.string() + ": " + why);
  using Image = itk::Image<Voxel, 3>;
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(ioFor(format));
  writer->SetFileName(file.string());
  writer->SetInput(internal::wrapInItk(volume));
  writer->SetUseCompression(true);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    return core::makeError(core::ErrorCode::IoError, file.string() + ": " + e.GetDescription());
  }
  return {};
}

template <typename Voxel>
core::Status write(const core::Volume<Voxel>& volume, const std::filesystem::path& file) {
  const auto format = volumeFormatOf(file);
  if (!format)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": a volume file ends in .nii, .nii.gz, .nrrd or .mha");
  if (*format == VolumeFormat::Nifti) return writeNifti(volume, file);
  return writeWithItk(volume, file, *format);
}

}  // namespace

std::optional<VolumeFormat> volumeFormatOf(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  if (endsWith(name, ".nii") || endsWith(name, ".nii.gz")) return VolumeFormat::Nifti;
  if (endsWith(name, ".nrrd")) return VolumeFormat::Nrrd;
  if (endsWith(name, ".mha")) return VolumeFormat::MetaImage;
  return std::nullopt;
}

core::Status writeVolume(const core::CtVolume& volume, const std::filesystem::path& file) {
  return write(volume, file);
}

core::Status writeVolume(const core::FloatVolume& volume, const std::filesystem::path& file) {
  return write(volume, file);
}

core::Result<core::CtVolume> readVolumeWithItk(const std::filesystem::path& file) {
  const auto format = volumeFormatOf(file);
  if (!format)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": not a .nii, .nii.gz, .nrrd or .mha file");
  using Image = itk::Image<std::int16_t, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(ioFor(*format));
  reader->SetFileName(file.string());
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    return core::makeError(core::ErrorCode::ParseError, file.string() + ": " + e.GetDescription());
  }
  return internal::volumeFromItk(*reader->GetOutput());
}

}  // namespace vigie::imaging
