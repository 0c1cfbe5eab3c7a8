#include "vigie/imaging/io/ItkSeriesReader.h"

#include "../itk/ItkVolume.h"

#include <itkGDCMImageIO.h>
#include <itkImage.h>
#include <itkImageSeriesReader.h>

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
  return internal::volumeFromItk(*reader->GetOutput());
}

}  // namespace vigie::imaging
