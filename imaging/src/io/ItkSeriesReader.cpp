#include "vigie/imaging/io/ItkSeriesReader.h"

#include <itkGDCMImageIO.h>
#include <itkImage.h>
#include <itkImageSeriesReader.h>

#include <cstring>

namespace vigie::imaging {

core::Result<core::CtVolume> readSeriesWithItkGdcm(
    const std::vector<std::filesystem::path>& files) {
  if (files.empty()) return core::makeError(core::ErrorCode::InvalidArgument, "no files");
  using Image = itk::Image<std::int16_t, 3>;
  auto reader = itk::ImageSeriesReader<Image>::New();
  reader->SetImageIO(itk::GDCMImageIO::New());
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.string());
  reader->SetFileNames(names);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    return core::makeError(core::ErrorCode::ParseError,
                           files.front().string() + ": ITK/GDCM: " + e.GetDescription());
  }
  Image::Pointer image = reader->GetOutput();
  const auto region = image->GetLargestPossibleRegion().GetSize();
  core::VolumeGeometry g;
  g.size = {region[0], region[1], region[2]};
  const auto origin = image->GetOrigin();
  const auto spacing = image->GetSpacing();
  const auto direction = image->GetDirection();
  g.origin = {origin[0], origin[1], origin[2]};
  g.spacing = {spacing[0], spacing[1], spacing[2]};
  for (int axis = 0; axis < 3; ++axis)
    g.direction[axis] = {direction[0][axis], direction[1][axis], direction[2][axis]};
  core::CtVolume volume(g);
  std::memcpy(volume.data(), image->GetBufferPointer(), volume.voxelCount() * sizeof(std::int16_t));
  return volume;
}

}  // namespace vigie::imaging
