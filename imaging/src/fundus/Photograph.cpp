#include "vigie/imaging/fundus/Photograph.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmimage/diregist.h>  // colour (RGB, YBR, palette) support for DicomImage
#include <dcmtk/dcmimgle/dcmimage.h>

#include <algorithm>
#include <cstring>

#include "../dicom/DcmtkSetup.h"
#include "../dicom/DecodeLimits.h"
#include "../dicom/DicomFileSniffer.h"
#include "vigie/core/Sha256.h"
#include "vigie/imaging/fundus/ImageFile.h"

namespace vigie::imaging {
namespace {

std::string lowerExtension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

core::Result<core::Image2D> readDicomPhotograph(const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  DcmFileFormat format;
  if (const OFCondition status = format.loadFile(file.string().c_str()); status.bad())
    return core::makeError(core::ErrorCode::ParseError, file.string() + ": " + status.text());
  DcmDataset* dataset = format.getDataset();
  if (auto refused = internal::refuseBeforeDecoding(*dataset, file.string())) return *refused;
  // DicomImage applies the photometric interpretation (YBR to RGB, palette
  // lookup) and decompresses with the registered codecs; a photograph is its
  // first frame.
  DicomImage image(dataset, dataset->getOriginalXfer(), CIF_AcrNemaCompatibility, 0, 1);
  if (image.getStatus() != EIS_Normal) {
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": " + DicomImage::getString(image.getStatus()));
  }
  const int width = static_cast<int>(image.getWidth());
  const int height = static_cast<int>(image.getHeight());
  core::Image2D rgb(width, height, 3);
  if (image.isMonochrome()) {
    image.setMinMaxWindow();
    const auto* gray = static_cast<const Uint8*>(image.getOutputData(8));
    if (!gray) return core::makeError(core::ErrorCode::ParseError, file.string() + ": no pixels");
    for (std::size_t n = 0; n < static_cast<std::size_t>(width) * height; ++n)
      std::fill_n(rgb.pixels.data() + 3 * n, 3, gray[n]);
    return rgb;
  }
  const auto* data = static_cast<const Uint8*>(image.getOutputData(8, 0, 0));  // interleaved
  if (!data) return core::makeError(core::ErrorCode::ParseError, file.string() + ": no pixels");
  std::memcpy(rgb.pixels.data(), data, rgb.pixels.size());
  return rgb;
}

}  // namespace

core::Result<core::Image2D> readPhotograph(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return core::makeError(core::ErrorCode::NotFound, file.string() + ": no such file");
  const std::string ext = lowerExtension(file);
  if (ext == ".dcm" || (ext != ".png" && ext != ".jpg" && ext != ".jpeg" && ext != ".tif" &&
                        ext != ".tiff" && internal::mayBeDicom(file))) {
    return internal::guardAgainstDcmtkExceptions(file.string(),
                                                 [&] { return readDicomPhotograph(file); });
  }
  return readImageFile(file);
}

core::Result<std::string> photographIdentity(const std::filesystem::path& file) {
  const std::string ext = lowerExtension(file);
  const bool picture =
      ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff";
  if (!picture && internal::mayBeDicom(file)) {
    if (auto uid = internal::sopInstanceUidOf(file)) return *uid;
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": no SOP Instance UID in the DICOM header");
  }
  auto hash = core::Sha256::hexOfFile(file);
  if (!hash.ok()) return hash.error();
  return "sha256:" + hash.value();
}

std::vector<std::filesystem::path> listPhotographs(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  auto consider = [&files](const std::filesystem::path& file) {
    const std::string ext = lowerExtension(file);
    const std::string stem = file.stem().string();
    const bool mask = stem.size() > 8 && stem.compare(stem.size() - 8, 8, "_lesions") == 0;
    if (!mask && (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" ||
                  ext == ".tiff" || ext == ".dcm"))
      files.push_back(file);
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) consider(it->path());
    }
  } else if (std::filesystem::is_regular_file(path, ec)) {
    files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace vigie::imaging
