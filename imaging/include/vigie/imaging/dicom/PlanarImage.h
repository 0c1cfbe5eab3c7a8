#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"

namespace vigie::imaging {

/// Where an image's millimetres come from, which decides how a measurement
/// on it is labelled.
enum class SpacingSource {
  None,              ///< no calibration: measurements in pixels only
  Patient,           ///< Pixel Spacing: in the patient
  Detector,          ///< Imager Pixel Spacing: at the detector (magnified)
  UltrasoundRegion,  ///< a Sequence of Ultrasound Regions' physical deltas
};

struct PlanarSpacing {
  double rowMm = 0.0;     ///< mm between rows (vertical)
  double columnMm = 0.0;  ///< mm between columns (horizontal)
  SpacingSource source = SpacingSource::None;
  /// "mm", "mm at the detector", "mm (ultrasound region)" or "px".
  std::string unitLabel() const;
  bool calibrated() const { return source != SpacingSource::None; }
};

/// One image as a reader sees it without patient geometry: a radiograph, an
/// ultrasound loop, a secondary capture, an RT Dose grid, the frames of a
/// SEG or any image whose frames cannot be placed in space. Grey images keep
/// their modality values (Modality LUT rescale, and Dose Grid Scaling for RT
/// Dose: HU, Gy ...) so that a pixel can be read and re-windowed; colour
/// images are RGB, 8 bits a sample, whatever the file stored (YBR, palette,
/// planar, 16 or 32 bits).
struct PlanarImage {
  std::filesystem::path file;
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
  std::string modality;
  std::string description;  ///< Series Description, else the SOP class's name
  int rows = 0;
  int columns = 0;
  int frames = 1;
  bool color = false;
  std::vector<float> values;      ///< grey: frames x rows x columns, row-major
  std::vector<std::uint8_t> rgb;  ///< colour: frames x rows x columns x 3
  std::string units;              ///< of `values`: "HU", "Gy", "" when unknown
  double windowCenter = 0.0;      ///< the file's first VOI window, else the value range
  double windowWidth = 1.0;
  bool inverted = false;  ///< MONOCHROME1 or Presentation LUT Shape INVERSE: high is dark
  PlanarSpacing spacing;
  double frameTimeMs = 0.0;        ///< between frames (Frame Time, Cine Rate ...); 0 unknown
  std::vector<std::string> notes;  ///< what the reader should know, e.g. "no patient geometry"

  std::size_t pixelsPerFrame() const { return static_cast<std::size_t>(rows) * columns; }
  const float* frameValues(int frame) const { return values.data() + frame * pixelsPerFrame(); }
  const std::uint8_t* frameRgb(int frame) const {
    return rgb.data() + frame * pixelsPerFrame() * 3;
  }
  /// The modality value (grey) or luminance (colour) at a pixel.
  double valueAt(int frame, int column, int row) const;
  /// The frame as the screen shows it: 8-bit grey through the window (and
  /// inverted when `inverted`), or the RGB pixels as they are.
  core::Image2D render(int frame, double center, double width) const;
  core::Image2D render(int frame) const { return render(frame, windowCenter, windowWidth); }
};

/// Reads one DICOM image file for the 2D path: every frame, every transfer
/// syntax decodeDicomPixels reads; grey from 1 to 32 bits (signed or not),
/// colour as RGB, YBR_FULL, YBR_FULL_422, YBR_RCT/ICT or PALETTE COLOR.
/// Errors name the file and what is missing or unsupported (no pixel data,
/// a segmented palette, a float image).
core::Result<PlanarImage> loadPlanarImage(const std::filesystem::path& file);

}  // namespace vigie::imaging
