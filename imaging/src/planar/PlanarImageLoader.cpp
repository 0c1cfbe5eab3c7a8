// The 2D image path: a DICOM image read as frames to look at, without
// placing them in the patient.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "../dicom/DcmtkSetup.h"
#include "ColorPixels.h"
#include "vigie/imaging/dicom/PixelDecoder.h"
#include "vigie/imaging/dicom/PlanarImage.h"

namespace vigie::imaging {
namespace {

std::string stringOf(DcmItem* item, const DcmTagKey& tag, unsigned long index = 0) {
  OFString value;
  if (item && item->findAndGetOFString(tag, value, index).good()) return value.c_str();
  return {};
}

/// A number of any VR (DS, FD, US, SS, IS ...): DCMTK reads only some VRs
/// as Float64, the others through their text.
bool doubleOf(DcmItem* item, const DcmTagKey& tag, double& out, unsigned long index = 0) {
  if (!item) return false;
  Float64 value = 0;
  if (item->findAndGetFloat64(tag, value, index).good()) {
    out = value;
    return true;
  }
  const std::string text = stringOf(item, tag, index);
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end && *end == '\0';
}

/// The item of a functional group shared by every frame of an enhanced
/// image, where its top-level attribute would otherwise be.
DcmItem* sharedGroup(DcmDataset* ds, const DcmTagKey& sequence) {
  DcmItem* shared = nullptr;
  DcmItem* item = nullptr;
  if (ds->findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good() && shared &&
      shared->findAndGetSequenceItem(sequence, item, 0).good())
    return item;
  return nullptr;
}

/// How stored values become the modality's: Rescale Slope/Intercept (top
/// level, else the enhanced image's shared Pixel Value Transformation) and,
/// for RT Dose, Dose Grid Scaling; with the units they then have.
struct ModalityTransform {
  double slope = 1.0;
  double intercept = 0.0;
  std::string units;
};

ModalityTransform modalityTransformOf(DcmDataset* ds, const std::string& modality,
                                      std::vector<std::string>& notes) {
  ModalityTransform t;
  DcmItem* source = ds->tagExists(DCM_RescaleSlope) || ds->tagExists(DCM_RescaleIntercept)
                        ? ds
                        : sharedGroup(ds, DCM_PixelValueTransformationSequence);
  doubleOf(source, DCM_RescaleSlope, t.slope);
  doubleOf(source, DCM_RescaleIntercept, t.intercept);
  if (t.slope == 0.0) t.slope = 1.0;
  t.units = stringOf(source, DCM_RescaleType);
  if (t.units.empty() && modality == "CT") t.units = "HU";
  if (t.units == "US") t.units.clear();  // "unspecified"
  if (modality == "RTDOSE") {
    double scaling = 1.0;
    if (doubleOf(ds, DCM_DoseGridScaling, scaling) && scaling > 0) t.slope *= scaling;
    const std::string units = stringOf(ds, DCM_DoseUnits);
    t.units = units == "GY" ? "Gy" : units == "RELATIVE" ? "%" : units;
  }
  if (ds->tagExists(DCM_ModalityLUTSequence))
    notes.push_back("the file's Modality LUT Sequence is not applied: stored values shown");
  return t;
}

/// Pixel Spacing (in the patient), else Imager Pixel Spacing (at the
/// detector), else the largest ultrasound region calibrated in cm.
PlanarSpacing spacingOf(DcmDataset* ds, std::vector<std::string>& notes) {
  PlanarSpacing s;
  DcmItem* measures =
      ds->tagExists(DCM_PixelSpacing) ? ds : sharedGroup(ds, DCM_PixelMeasuresSequence);
  if (doubleOf(measures, DCM_PixelSpacing, s.rowMm, 0) &&
      doubleOf(measures, DCM_PixelSpacing, s.columnMm, 1) && s.rowMm > 0 && s.columnMm > 0) {
    s.source = SpacingSource::Patient;
    return s;
  }
  if (doubleOf(ds, DCM_ImagerPixelSpacing, s.rowMm, 0) &&
      doubleOf(ds, DCM_ImagerPixelSpacing, s.columnMm, 1) && s.rowMm > 0 && s.columnMm > 0) {
    s.source = SpacingSource::Detector;
    return s;
  }
  DcmSequenceOfItems* regions = nullptr;
  if (ds->findAndGetSequence(DCM_SequenceOfUltrasoundRegions, regions).good() && regions) {
    constexpr Uint16 kCentimeters = 3;
    double bestArea = 0;
    for (unsigned long r = 0; r < regions->card(); ++r) {
      DcmItem* region = regions->getItem(r);
      Uint16 unitsX = 0, unitsY = 0;
      Uint32 x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      double dx = 0, dy = 0;
      region->findAndGetUint16(DCM_PhysicalUnitsXDirection, unitsX);
      region->findAndGetUint16(DCM_PhysicalUnitsYDirection, unitsY);
      region->findAndGetUint32(DCM_RegionLocationMinX0, x0);
      region->findAndGetUint32(DCM_RegionLocationMinY0, y0);
      region->findAndGetUint32(DCM_RegionLocationMaxX1, x1);
      region->findAndGetUint32(DCM_RegionLocationMaxY1, y1);
      const double area = (double(x1) - x0) * (double(y1) - y0);
      if (unitsX == kCentimeters && unitsY == kCentimeters &&
          doubleOf(region, DCM_PhysicalDeltaX, dx) && doubleOf(region, DCM_PhysicalDeltaY, dy) &&
          dx > 0 && dy > 0 && area > bestArea) {
        bestArea = area;
        s = {std::abs(dy) * 10.0, std::abs(dx) * 10.0, SpacingSource::UltrasoundRegion};
      }
    }
    if (s.calibrated())
      notes.push_back("calibrated from its largest ultrasound region: measure inside that region");
  }
  return s;
}

/// Milliseconds between frames: Frame Time, else the mean of the Frame Time
/// Vector, else the recommended or cine frame rate.
double frameTimeOf(DcmDataset* ds) {
  double ms = 0;
  if (doubleOf(ds, DCM_FrameTime, ms) && ms > 0) return ms;
  DcmElement* vector = nullptr;
  if (ds->findAndGetElement(DCM_FrameTimeVector, vector).good() && vector && vector->getVM() > 1) {
    double sum = 0;
    for (unsigned long i = 1; i < vector->getVM(); ++i) {  // the first entry is 0
      Float64 v = 0;
      if (vector->getFloat64(v, i).good()) sum += v;
    }
    if (sum > 0) return sum / static_cast<double>(vector->getVM() - 1);
  }
  for (const DcmTagKey& rate : {DCM_RecommendedDisplayFrameRate, DCM_CineRate}) {
    Sint32 fps = 0;
    if (ds->findAndGetSint32(rate, fps).good() && fps > 0) return 1000.0 / fps;
  }
  return 0.0;
}

/// Stored sample `index` as an integer, sign-extended from Bits Stored.
struct SampleReader {
  const std::uint8_t* bytes = nullptr;
  int bitsAllocated = 16;
  int bitsStored = 16;
  bool isSigned = false;

  std::int64_t operator()(std::size_t index) const {
    std::uint32_t raw = 0;
    switch (bitsAllocated) {
      case 1:  // bit-packed, least significant bit first (PS3.5 8.1.1)
        return (bytes[index / 8] >> (index % 8)) & 1u;
      case 8:
        raw = bytes[index];
        break;
      case 16:
        raw = static_cast<std::uint32_t>(bytes[2 * index]) |
              static_cast<std::uint32_t>(bytes[2 * index + 1]) << 8;
        break;
      default:
        std::memcpy(&raw, bytes + 4 * index, 4);  // little endian, as the host
        break;
    }
    const int bits = std::clamp(bitsStored, 1, bitsAllocated);
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    const std::uint64_t value = raw & mask;
    if (!isSigned) return static_cast<std::int64_t>(value);
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    return static_cast<std::int64_t>(value ^ sign) - static_cast<std::int64_t>(sign);
  }
};

SampleReader samplesOf(const DecodedPixels& d) {
  return {d.bytes.data(), d.bitsAllocated, d.bitsStored > 0 ? d.bitsStored : d.bitsAllocated,
          d.pixelRepresentation == 1};
}

void fillGray(const DecodedPixels& d, const ModalityTransform& t, PlanarImage& image) {
  const SampleReader sample = samplesOf(d);
  image.values.resize(image.pixelsPerFrame() * static_cast<std::size_t>(image.frames));
  for (std::size_t p = 0; p < image.values.size(); ++p)
    image.values[p] = static_cast<float>(static_cast<double>(sample(p)) * t.slope + t.intercept);
}

/// The file's first VOI window (top level, or the enhanced image's shared
/// Frame VOI LUT), else the range of the values.
void chooseWindow(DcmDataset* ds, PlanarImage& image) {
  DcmItem* voi = ds->tagExists(DCM_WindowCenter) ? ds : sharedGroup(ds, DCM_FrameVOILUTSequence);
  double center = 0, width = 0;
  if (doubleOf(voi, DCM_WindowCenter, center) && doubleOf(voi, DCM_WindowWidth, width) &&
      width >= 1.0) {
    image.windowCenter = center;
    image.windowWidth = width;
    return;
  }
  // A VOI LUT (a curve, common in CR and DX) is drawn as the linear window
  // over the range it maps: the same part of the values shown, a straight
  // line in place of the curve. Said in the notes.
  DcmItem* lut = nullptr;
  if (ds->findAndGetSequenceItem(DCM_VOILUTSequence, lut, 0).good() && lut) {
    double entries = 0, first = 0;
    if (doubleOf(lut, DCM_LUTDescriptor, entries, 0) &&
        doubleOf(lut, DCM_LUTDescriptor, first, 1)) {
      if (entries <= 0) entries = 65536;
      image.windowCenter = first + entries / 2.0;
      image.windowWidth = entries;
      image.notes.push_back("the file's VOI LUT is shown as a linear window over its range");
      return;
    }
  }
  if (image.values.empty()) return;
  const auto [low, high] = std::minmax_element(image.values.begin(), image.values.end());
  image.windowCenter = (double(*low) + double(*high)) / 2.0;
  image.windowWidth = std::max(1e-3, double(*high) - double(*low));
}

core::Result<PlanarImage> loadUnguarded(const std::filesystem::path& file) {
  const std::string where = file.string();
  DcmFileFormat format;
  const OFCondition status = format.loadFileUntilTag(
      where.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData);
  if (status.bad())
    return core::makeError(core::ErrorCode::ParseError, where + ": " + status.text());
  DcmDataset* ds = format.getDataset();
  if (ds->tagExists(DCM_FloatPixelData) || ds->tagExists(DCM_DoubleFloatPixelData)) {
    return core::makeError(core::ErrorCode::Unsupported,
                           where + ": floating-point pixel data (parametric map) not supported");
  }
  auto decoded = decodeDicomPixels(file);
  if (!decoded.ok()) return decoded.error();
  const DecodedPixels& d = decoded.value();

  PlanarImage image;
  image.file = file;
  image.sopClassUid = stringOf(ds, DCM_SOPClassUID);
  image.sopInstanceUid = stringOf(ds, DCM_SOPInstanceUID);
  image.seriesInstanceUid = stringOf(ds, DCM_SeriesInstanceUID);
  image.modality = stringOf(ds, DCM_Modality);
  image.description = stringOf(ds, DCM_SeriesDescription);
  if (image.description.empty() && !image.sopClassUid.empty()) {
    const char* name = dcmFindNameOfUID(image.sopClassUid.c_str(), nullptr);
    image.description = name ? name : image.sopClassUid;
  }
  image.rows = d.rows;
  image.columns = d.columns;
  image.frames = d.frames;
  image.spacing = spacingOf(ds, image.notes);
  image.frameTimeMs = d.frames > 1 ? frameTimeOf(ds) : 0.0;
  if (!ds->tagExists(DCM_ImagePositionPatient))
    image.notes.insert(image.notes.begin(), "no patient geometry: shown as a 2D image");

  if (d.samplesPerPixel == 1 && d.photometric != "PALETTE COLOR") {
    if (d.bitsAllocated != 1 && d.bitsAllocated != 8 && d.bitsAllocated != 16 &&
        d.bitsAllocated != 32) {
      return core::makeError(core::ErrorCode::Unsupported, where + ": Bits Allocated " +
                                                               std::to_string(d.bitsAllocated) +
                                                               " not supported (1, 8, 16 or 32)");
    }
    const ModalityTransform transform = modalityTransformOf(ds, image.modality, image.notes);
    image.units = transform.units;
    fillGray(d, transform, image);
    chooseWindow(ds, image);
    image.inverted = d.photometric == "MONOCHROME1";
    if (stringOf(ds, DCM_PresentationLUTShape) == "INVERSE") image.inverted = !image.inverted;
    return image;
  }
  image.color = true;
  auto rgb = internal::toRgb8(d, *ds, where);
  if (!rgb.ok()) return rgb.error();
  image.rgb = std::move(rgb.value());
  return image;
}

}  // namespace

core::Result<PlanarImage> loadPlanarImage(const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  return internal::guardAgainstDcmtkExceptions(file.string(), [&] { return loadUnguarded(file); });
}

}  // namespace vigie::imaging
