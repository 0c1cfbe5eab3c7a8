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
#include <optional>

#include "../dicom/DcmtkSetup.h"
#include "ColorPixels.h"
#include "LookupTableReader.h"
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

/// The item's LUT Descriptor and LUT Data as a table to draw or apply, its
/// entries' width taken from the entries themselves when the descriptor
/// overstates it (files that declare 16 bits for 12-bit entries). Nothing,
/// and a note, when the table is unusable.
std::optional<LookupTable> lookupTableOf(DcmItem* item, bool signedInput, const std::string& kind,
                                         const std::string& where,
                                         std::vector<std::string>& notes) {
  if (!item) return std::nullopt;
  auto read =
      internal::readLookupTable(*item, DCM_LUTDescriptor, DCM_LUTData, signedInput, kind, where);
  if (!read.ok()) {
    if (read.error().code != core::ErrorCode::NotFound)
      notes.push_back("the file's " + kind + " cannot be read: not applied");
    return std::nullopt;
  }
  LookupTable table = std::move(read.value());
  if (table.entries.empty()) return std::nullopt;
  int usedBits = 1;
  const std::uint16_t largest = *std::max_element(table.entries.begin(), table.entries.end());
  while (usedBits < 16 && (largest >> usedBits) != 0) ++usedBits;
  if (usedBits < table.bits) table.bits = std::max(usedBits, std::min(table.bits, 8));
  table.explanation = stringOf(item, DCM_LUTExplanation);
  return table;
}

/// How stored values become the modality's: Rescale Slope/Intercept (top
/// level, else the enhanced image's shared Pixel Value Transformation) and,
/// for RT Dose, Dose Grid Scaling; with the units they then have.
struct ModalityTransform {
  double slope = 1.0;
  double intercept = 0.0;
  std::optional<LookupTable> lut;  ///< the Modality LUT Sequence's, in place of the rescale
  std::string units;
};

ModalityTransform modalityTransformOf(DcmDataset* ds, const std::string& modality,
                                      bool signedPixels, const std::string& where,
                                      std::vector<std::string>& notes) {
  ModalityTransform t;
  DcmItem* lutItem = nullptr;
  if (ds->findAndGetSequenceItem(DCM_ModalityLUTSequence, lutItem, 0).good() && lutItem) {
    t.lut = lookupTableOf(lutItem, signedPixels, "Modality LUT", where, notes);
    if (t.lut) {
      t.units = stringOf(lutItem, DCM_ModalityLUTType);
      if (t.units == "US") t.units.clear();  // "unspecified"
      return t;
    }
  }
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
  return t;
}

/// Pixel Spacing (in the patient), else Imager Pixel Spacing (at the
/// detector); uncalibrated when neither.
PlanarSpacing spacingOf(DcmDataset* ds) {
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
  return s;
}

/// The regions of an ultrasound image calibrated in centimetres both ways
/// (Doppler strips are in seconds and cm/s: not lengths).
std::vector<UltrasoundRegion> ultrasoundRegionsOf(DcmDataset* ds) {
  std::vector<UltrasoundRegion> found;
  DcmSequenceOfItems* regions = nullptr;
  if (ds->findAndGetSequence(DCM_SequenceOfUltrasoundRegions, regions).bad() || !regions)
    return found;
  constexpr Uint16 kCentimeters = 3;
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
    constexpr Uint32 kLargest = 65535;  // Rows and Columns are 16-bit
    if (unitsX != kCentimeters || unitsY != kCentimeters || x1 < x0 || y1 < y0 || x1 > kLargest ||
        y1 > kLargest || !doubleOf(region, DCM_PhysicalDeltaX, dx) ||
        !doubleOf(region, DCM_PhysicalDeltaY, dy) || !(std::abs(dx) > 0) || !(std::abs(dy) > 0))
      continue;
    found.push_back({int(x0), int(y0), int(x1), int(y1), std::abs(dy) * 10.0, std::abs(dx) * 10.0});
  }
  return found;
}

/// The spacing that sets an ultrasound image's pixel aspect: its largest
/// calibrated region's.
PlanarSpacing largestRegionSpacing(const std::vector<UltrasoundRegion>& regions) {
  PlanarSpacing s;
  double bestArea = -1.0;
  for (const UltrasoundRegion& region : regions) {
    const double area =
        (region.maxColumn - region.minColumn + 1.0) * (region.maxRow - region.minRow + 1.0);
    if (area > bestArea) {
      bestArea = area;
      s = {region.rowMm, region.columnMm, SpacingSource::UltrasoundRegion};
    }
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
  if (t.lut) {
    for (std::size_t p = 0; p < image.values.size(); ++p)
      image.values[p] = static_cast<float>(t.lut->map(static_cast<double>(sample(p))));
    return;
  }
  for (std::size_t p = 0; p < image.values.size(); ++p)
    image.values[p] = static_cast<float>(static_cast<double>(sample(p)) * t.slope + t.intercept);
}

/// The file's first VOI window (top level, or the enhanced image's shared
/// Frame VOI LUT), else the range of the values.
void chooseWindow(DcmDataset* ds, bool signedPixels, PlanarImage& image) {
  DcmItem* voi = ds->tagExists(DCM_WindowCenter) ? ds : sharedGroup(ds, DCM_FrameVOILUTSequence);
  double center = 0, width = 0;
  if (doubleOf(voi, DCM_WindowCenter, center) && doubleOf(voi, DCM_WindowWidth, width) &&
      width >= 1.0) {
    image.windowCenter = center;
    image.windowWidth = width;
    return;
  }
  // A VOI LUT (a curve, common in CR, DX and MG) is drawn as it is; its
  // linear equivalent, the window over the range it maps, is where a reader
  // who adjusts the window starts from.
  DcmItem* lutItem = nullptr;
  if (ds->findAndGetSequenceItem(DCM_VOILUTSequence, lutItem, 0).good() && lutItem) {
    image.voiLut =
        lookupTableOf(lutItem, signedPixels, "VOI LUT", image.file.string(), image.notes);
    if (image.voiLut) {
      const double entries = double(image.voiLut->entries.size());
      image.windowCenter = image.voiLut->firstMapped + entries / 2.0;
      image.windowWidth = entries;
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
  image.studyInstanceUid = stringOf(ds, DCM_StudyInstanceUID);
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
  image.spacing = spacingOf(ds);
  if (!image.spacing.calibrated()) {
    image.ultrasoundRegions = ultrasoundRegionsOf(ds);
    image.spacing = largestRegionSpacing(image.ultrasoundRegions);
    if (!image.ultrasoundRegions.empty())
      image.notes.push_back("calibrated per ultrasound region: a length is measured inside one");
  }
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
    const bool signedPixels = d.pixelRepresentation == 1;
    const ModalityTransform transform =
        modalityTransformOf(ds, image.modality, signedPixels, where, image.notes);
    image.units = transform.units;
    fillGray(d, transform, image);
    // The VOI LUT's input is the modality value: signed when the Modality
    // LUT or the rescale can make it so.
    chooseWindow(ds, signedPixels || transform.intercept < 0.0, image);
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
