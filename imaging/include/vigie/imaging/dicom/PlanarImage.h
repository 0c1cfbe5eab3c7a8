#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
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

/// A DICOM lookup table, as a Modality LUT (PS3.3 C.11.1) or a VOI LUT
/// (C.11.2.1.1) carries it: entries for consecutive input values from
/// `firstMapped`, each `bits` wide.
struct LookupTable {
  double firstMapped = 0.0;  ///< the input value the first entry is for
  /// Of an entry: the LUT Descriptor's, or fewer when every entry fits in
  /// fewer (files that declare 16 bits for 12-bit entries are common, and
  /// drawn as declared they would look almost black).
  int bits = 16;
  std::vector<std::uint16_t> entries;
  std::string explanation;  ///< LUT Explanation, e.g. "SOFTER"; may be empty

  /// The entry for `input`: the first one below the table, the last above it.
  double map(double input) const;
  double outputMax() const { return double((std::uint32_t{1} << bits) - 1u); }
};

/// One region of an ultrasound image calibrated in centimetres (Sequence of
/// Ultrasound Regions): a B-mode sector, a second view beside it ... Each
/// has its own scale, and a length means something only inside one.
struct UltrasoundRegion {
  int minColumn = 0;  ///< Region Location Min X0 (inclusive)
  int minRow = 0;     ///< Region Location Min Y0
  int maxColumn = 0;  ///< Region Location Max X1 (inclusive)
  int maxRow = 0;     ///< Region Location Max Y1
  double rowMm = 0.0;
  double columnMm = 0.0;
  /// Whether the point (continuous pixel coordinates: pixel k spans [k, k+1)) lies inside.
  bool contains(double column, double row) const;
};

/// A length measured on an image.
struct PlanarLength {
  double value = 0.0;  ///< millimetres, or pixels when `source` is None
  SpacingSource source = SpacingSource::None;
  bool outsideRegions = false;  ///< ultrasound: the ends are not inside one calibrated region
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
  std::string studyInstanceUid;
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
  /// The file's first VOI LUT (a curve, common in CR, DX and MG) when it has
  /// one and no window; the window above is then its linear equivalent, for
  /// a reader who adjusts it.
  std::optional<LookupTable> voiLut;
  bool inverted = false;  ///< MONOCHROME1 or Presentation LUT Shape INVERSE: high is dark
  PlanarSpacing spacing;  ///< for the pixel aspect; ultrasound: its largest calibrated region
  std::vector<UltrasoundRegion> ultrasoundRegions;  ///< calibrated in cm; empty for others
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
  /// The frame as the file asks it shown: through its VOI LUT when it has
  /// one, else through its window.
  core::Image2D render(int frame) const;
  /// The length between two points (continuous pixel coordinates: columns,
  /// rows). Ultrasound: in the scale of the calibrated region holding both
  /// ends, in pixels when no one region does.
  PlanarLength length(double fromColumn, double fromRow, double toColumn, double toRow) const;
};

/// Reads one DICOM image file for the 2D path: every frame, every transfer
/// syntax decodeDicomPixels reads; grey from 1 to 32 bits (signed or not),
/// colour as RGB, YBR_FULL, YBR_FULL_422, YBR_RCT/ICT or PALETTE COLOR.
/// Errors name the file and what is missing or unsupported (no pixel data,
/// a segmented palette, a float image).
core::Result<PlanarImage> loadPlanarImage(const std::filesystem::path& file);

}  // namespace vigie::imaging
