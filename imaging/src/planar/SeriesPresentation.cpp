#include "vigie/imaging/dicom/SeriesPresentation.h"

#include <algorithm>
#include <array>

#include "vigie/imaging/dicom/CtVolumeLoader.h"

namespace vigie::imaging {
namespace {

/// Modalities whose images are never slices of a volume, whatever their
/// headers say: projections, ultrasound, photographs, and objects (RT Dose,
/// SEG) that the 2D path reads with their own value scaling.
bool neverAVolume(const std::string& modality) {
  static const std::array<const char*, 14> kPlanar = {
      "CR", "DX", "MG", "XA", "RF", "US", "IO", "PX", "OP", "XC", "ES", "SM", "RTDOSE", "SEG"};
  return std::any_of(kPlanar.begin(), kPlanar.end(), [&](const char* m) { return modality == m; });
}

}  // namespace

SeriesPresentation presentationOf(const DicomSeriesEntry& series) {
  if (series.images.empty()) return {false, "no images"};
  if (neverAVolume(series.modality))
    return {false, series.modality + " images are shown as 2D images"};
  for (const DicomImageHeader& h : series.images) {
    if (h.samplesPerPixel != 1) return {false, "colour images are shown as 2D images"};
    if (h.bitsAllocated != 8 && h.bitsAllocated != 16)
      return {false, "Bits Allocated " + std::to_string(h.bitsAllocated) + ": shown as 2D images"};
  }
  auto layout = CtVolumeLoader::layout(series);
  if (!layout.ok()) return {false, layout.error().message};
  return {true, {}};
}

}  // namespace vigie::imaging
