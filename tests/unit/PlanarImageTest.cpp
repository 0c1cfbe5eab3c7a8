// The 2D image path: images without patient geometry read for the screen,
// each DICOM attribute that changes what the reader sees checked on a file
// written here with DCMTK.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <tuple>
#include <vector>

#include "TestFolder.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/PlanarImage.h"
#include "vigie/imaging/dicom/SeriesPresentation.h"
#include "vigie/imaging/io/NiftiWriter.h"

using namespace vigie;
using vigie::test::TestFolder;

namespace {

/// A secondary capture of `frames` grey frames (16-bit unsigned, value =
/// column + 10 * row + 100 * frame) with no Image Position (Patient);
/// `customise` adds or changes attributes before it is saved.
std::filesystem::path writeGrayImage(const std::filesystem::path& file, int frames,
                                     const std::function<void(DcmDataset&)>& customize = {}) {
  DcmFileFormat format;
  DcmDataset* ds = format.getDataset();
  char uid[100];
  ds->putAndInsertString(DCM_SOPClassUID, UID_MultiframeGrayscaleWordSecondaryCaptureImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertString(DCM_StudyInstanceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertString(DCM_SeriesInstanceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertString(DCM_Modality, "OT");
  ds->putAndInsertUint16(DCM_Rows, 4);
  ds->putAndInsertUint16(DCM_Columns, 6);
  ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(frames).c_str());
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 12);
  ds->putAndInsertUint16(DCM_HighBit, 11);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  std::vector<Uint16> pixels;
  for (int f = 0; f < frames; ++f)
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 6; ++c) pixels.push_back(static_cast<Uint16>(c + 10 * r + 100 * f));
  ds->putAndInsertUint16Array(DCM_PixelData, pixels.data(), pixels.size());
  if (customize) customize(*ds);
  EXPECT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
  return file;
}

}  // namespace

TEST(PlanarImage, ReadsAMultiFrameWithoutGeometryAsACineLoop) {
  TestFolder dir("planar-cine");
  const auto file = writeGrayImage(dir / "cine.dcm", 3, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_FrameTime, "33.3");
    ds.putAndInsertString(DCM_ImagerPixelSpacing, "0.2\\0.25");
    ds.putAndInsertString(DCM_WindowCenter, "150");
    ds.putAndInsertString(DCM_WindowWidth, "300");
  });
  auto image = imaging::loadPlanarImage(file);
  ASSERT_TRUE(image.ok()) << image.error().message;
  const auto& i = image.value();
  EXPECT_EQ(i.frames, 3);
  EXPECT_FALSE(i.color);
  EXPECT_NEAR(i.frameTimeMs, 33.3, 1e-9);
  EXPECT_EQ(i.spacing.source, imaging::SpacingSource::Detector);
  EXPECT_EQ(i.spacing.unitLabel(), "mm at the detector");
  EXPECT_DOUBLE_EQ(i.spacing.rowMm, 0.2);
  EXPECT_DOUBLE_EQ(i.spacing.columnMm, 0.25);
  EXPECT_DOUBLE_EQ(i.windowCenter, 150);
  EXPECT_DOUBLE_EQ(i.windowWidth, 300);
  EXPECT_DOUBLE_EQ(i.valueAt(2, 5, 3), 5 + 30 + 200);
  ASSERT_FALSE(i.notes.empty());
  EXPECT_EQ(i.notes.front(), "no patient geometry: shown as a 2D image");
  // The scanner does not turn it away: it is a series shown on the 2D path.
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(scan.value().series.size(), 1u);
  EXPECT_FALSE(imaging::presentationOf(scan.value().series.front()).volume);
}

TEST(PlanarImage, AppliesRescaleAndRtDoseGridScaling) {
  TestFolder dir("planar-dose");
  const auto file = writeGrayImage(dir / "dose.dcm", 2, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_Modality, "RTDOSE");
    ds.putAndInsertString(DCM_SOPClassUID, UID_RTDoseStorage);
    ds.putAndInsertString(DCM_DoseUnits, "GY");
    ds.putAndInsertString(DCM_DoseGridScaling, "0.001");
  });
  auto image = imaging::loadPlanarImage(file);
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(image.value().units, "Gy");
  EXPECT_NEAR(image.value().valueAt(1, 2, 1), (2 + 10 + 100) * 0.001, 1e-6);
  // No window in the file: the range of the values.
  EXPECT_NEAR(image.value().windowCenter, (0 + 135) * 0.001 / 2, 1e-6);

  const auto ct = writeGrayImage(dir / "ct.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_Modality, "CT");
    ds.putAndInsertString(DCM_RescaleSlope, "2");
    ds.putAndInsertString(DCM_RescaleIntercept, "-1024");
  });
  auto hu = imaging::loadPlanarImage(ct);
  ASSERT_TRUE(hu.ok());
  EXPECT_EQ(hu.value().units, "HU");
  EXPECT_DOUBLE_EQ(hu.value().valueAt(0, 1, 1), 2 * 11 - 1024);
}

TEST(PlanarImage, ShowsMonochrome1AndInversePresentationDarkForHighValues) {
  TestFolder dir("planar-invert");
  auto bright = [](const imaging::PlanarImage& i) { return i.render(0).pixels.back(); };
  const auto mono1 = writeGrayImage(dir / "m1.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME1");
  });
  auto inverted = imaging::loadPlanarImage(mono1);
  ASSERT_TRUE(inverted.ok());
  EXPECT_TRUE(inverted.value().inverted);
  EXPECT_EQ(bright(inverted.value()), 0);  // the highest value, drawn black
  const auto twice = writeGrayImage(dir / "m1-inverse.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME1");
    ds.putAndInsertString(DCM_PresentationLUTShape, "INVERSE");
  });
  auto upright = imaging::loadPlanarImage(twice);
  ASSERT_TRUE(upright.ok());
  EXPECT_FALSE(upright.value().inverted);
  EXPECT_EQ(bright(upright.value()), 255);
}

TEST(PlanarImage, DrawsTheFilesVoiLutCurveUntilTheReaderSetsAWindow) {
  TestFolder dir("planar-voi-lut");
  const auto file = writeGrayImage(dir / "cr.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_Modality, "CR");
    DcmItem* lut = nullptr;
    ds.findOrCreateSequenceItem(DCM_VOILUTSequence, lut, -2);
    // 64 entries from input 10, declared 16 bits though each fits in 12 (as
    // many CR files do): entry e is e * e, at most 3969.
    const Uint16 descriptor[3] = {64, 10, 16};
    lut->putAndInsertUint16Array(DCM_LUTDescriptor, descriptor, 3);
    std::vector<Uint16> curve(64);
    for (std::size_t e = 0; e < curve.size(); ++e) curve[e] = static_cast<Uint16>(e * e);
    lut->putAndInsertUint16Array(DCM_LUTData, curve.data(), curve.size());
    lut->putAndInsertString(DCM_LUTExplanation, "SQUARE");
  });
  auto loaded = imaging::loadPlanarImage(file);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const imaging::PlanarImage& image = loaded.value();
  ASSERT_TRUE(image.voiLut.has_value());
  EXPECT_EQ(image.voiLut->bits, 12);
  EXPECT_EQ(image.voiLut->explanation, "SQUARE");
  // The linear equivalent, where a reader's own window starts.
  EXPECT_DOUBLE_EQ(image.windowCenter, 42);
  EXPECT_DOUBLE_EQ(image.windowWidth, 64);
  const core::Image2D shown = image.render(0);
  // Pixel (column 5, row 3) holds 35: entry 25, 625 of 4095.
  EXPECT_EQ(shown.pixels[3 * 6 + 5], std::lround(625.0 / 4095.0 * 255.0));
  EXPECT_EQ(shown.pixels[0], 0);  // below the table: its first entry
  // Through a window, the same pixel is where the line puts it.
  const core::Image2D windowed = image.render(0, image.windowCenter, image.windowWidth);
  EXPECT_EQ(windowed.pixels[3 * 6 + 5], std::lround((35.0 - 10.0) / 64.0 * 255.0));
}

TEST(PlanarImage, AppliesTheModalityLutSequence) {
  TestFolder dir("planar-modality-lut");
  const auto file = writeGrayImage(dir / "xa.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_Modality, "XA");
    DcmItem* lut = nullptr;
    ds.findOrCreateSequenceItem(DCM_ModalityLUTSequence, lut, -2);
    const Uint16 descriptor[3] = {30, 0, 16};  // inputs 0 to 29; 30 and above: the last entry
    lut->putAndInsertUint16Array(DCM_LUTDescriptor, descriptor, 3);
    std::vector<Uint16> table(30);
    for (std::size_t e = 0; e < table.size(); ++e) table[e] = static_cast<Uint16>(1000 + 3 * e);
    lut->putAndInsertUint16Array(DCM_LUTData, table.data(), table.size());
    lut->putAndInsertString(DCM_ModalityLUTType, "OD");
  });
  auto loaded = imaging::loadPlanarImage(file);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const imaging::PlanarImage& image = loaded.value();
  EXPECT_EQ(image.units, "OD");
  EXPECT_DOUBLE_EQ(image.valueAt(0, 4, 1), 1000 + 3 * 14);  // stored 14
  EXPECT_DOUBLE_EQ(image.valueAt(0, 5, 3), 1000 + 3 * 29);  // stored 35: past the table
  for (const std::string& note : image.notes)
    EXPECT_EQ(note.find("Modality LUT"), std::string::npos);
}

namespace {

void addUltrasoundRegion(DcmDataset& ds, Uint32 x0, Uint32 x1, Uint32 y1, double deltaCm) {
  DcmItem* region = nullptr;
  ds.findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, region, -2);
  region->putAndInsertUint32(DCM_RegionLocationMinX0, x0);
  region->putAndInsertUint32(DCM_RegionLocationMinY0, 0);
  region->putAndInsertUint32(DCM_RegionLocationMaxX1, x1);
  region->putAndInsertUint32(DCM_RegionLocationMaxY1, y1);
  region->putAndInsertUint16(DCM_PhysicalUnitsXDirection, 3);  // cm
  region->putAndInsertUint16(DCM_PhysicalUnitsYDirection, 3);
  region->putAndInsertFloat64(DCM_PhysicalDeltaX, deltaCm);
  region->putAndInsertFloat64(DCM_PhysicalDeltaY, deltaCm);
}

}  // namespace

TEST(PlanarImage, CalibratesUltrasoundFromItsLargestRegion) {
  TestFolder dir("planar-us");
  const auto file = writeGrayImage(dir / "us.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_Modality, "US");
    addUltrasoundRegion(ds, 0, 2, 2, 0.5);   // a small inset
    addUltrasoundRegion(ds, 0, 5, 3, 0.03);  // the B-mode image
  });
  auto image = imaging::loadPlanarImage(file);
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(image.value().spacing.source, imaging::SpacingSource::UltrasoundRegion);
  EXPECT_NEAR(image.value().spacing.columnMm, 0.3, 1e-9);
  EXPECT_EQ(image.value().ultrasoundRegions.size(), 2u);
}

TEST(PlanarImage, MeasuresUltrasoundInTheScaleOfTheRegionHoldingBothEnds) {
  TestFolder dir("planar-us-regions");
  const auto file = writeGrayImage(dir / "us.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_Modality, "US");
    addUltrasoundRegion(ds, 0, 2, 3, 0.1);   // left view: 1 mm a pixel
    addUltrasoundRegion(ds, 3, 5, 3, 0.05);  // right view: 0.5 mm a pixel
    DcmItem* doppler = nullptr;              // a spectral strip: seconds and cm/s, not lengths
    ds.findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, doppler, -2);
    doppler->putAndInsertUint16(DCM_PhysicalUnitsXDirection, 4);
    doppler->putAndInsertUint16(DCM_PhysicalUnitsYDirection, 7);
  });
  auto loaded = imaging::loadPlanarImage(file);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const imaging::PlanarImage& image = loaded.value();
  ASSERT_EQ(image.ultrasoundRegions.size(), 2u);
  const imaging::PlanarLength left = image.length(0.5, 0.5, 2.5, 0.5);
  EXPECT_EQ(left.source, imaging::SpacingSource::UltrasoundRegion);
  EXPECT_NEAR(left.value, 2.0, 1e-9);
  const imaging::PlanarLength right = image.length(3.5, 0.5, 5.5, 2.5);
  EXPECT_NEAR(right.value, std::hypot(1.0, 1.0), 1e-9);
  const imaging::PlanarLength across = image.length(1.5, 0.5, 4.5, 0.5);
  EXPECT_EQ(across.source, imaging::SpacingSource::None);
  EXPECT_TRUE(across.outsideRegions);
  EXPECT_NEAR(across.value, 3.0, 1e-9);  // pixels
}

TEST(PlanarImage, MapsPaletteColorThroughItsTables) {
  TestFolder dir("planar-palette");
  const auto file = writeGrayImage(dir / "palette.dcm", 1, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_PhotometricInterpretation, "PALETTE COLOR");
    ds.putAndInsertUint16(DCM_BitsStored, 16);
    ds.putAndInsertUint16(DCM_HighBit, 15);
    // 256 entries from stored value 0, 16 bits each: red rises, blue falls.
    std::vector<Uint16> red(256), green(256, 0x8000), blue(256);
    for (int e = 0; e < 256; ++e) {
      red[e] = static_cast<Uint16>(e << 8);
      blue[e] = static_cast<Uint16>((255 - e) << 8);
    }
    for (const auto& [descriptor, data, table] :
         {std::tuple{DCM_RedPaletteColorLookupTableDescriptor, DCM_RedPaletteColorLookupTableData,
                     &red},
          std::tuple{DCM_GreenPaletteColorLookupTableDescriptor,
                     DCM_GreenPaletteColorLookupTableData, &green},
          std::tuple{DCM_BluePaletteColorLookupTableDescriptor, DCM_BluePaletteColorLookupTableData,
                     &blue}}) {
      const Uint16 entries[3] = {256, 0, 16};  // count, first stored value, bits
      ds.putAndInsertUint16Array(descriptor, entries, 3);
      ds.putAndInsertUint16Array(data, table->data(), table->size());
    }
  });
  auto image = imaging::loadPlanarImage(file);
  ASSERT_TRUE(image.ok()) << image.error().message;
  ASSERT_TRUE(image.value().color);
  const std::uint8_t* pixel = image.value().frameRgb(0) + 3 * (2 * 6 + 3);  // stored 23
  EXPECT_EQ(pixel[0], 23);
  EXPECT_EQ(pixel[1], 0x80);
  EXPECT_EQ(pixel[2], 255 - 23);
}

TEST(PlanarImage, RefusesFloatPixelDataNamingTheFile) {
  TestFolder dir("planar-float");
  DcmFileFormat format;
  DcmDataset* ds = format.getDataset();
  char uid[100];
  ds->putAndInsertString(DCM_SOPClassUID, UID_ParametricMapStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertUint16(DCM_Rows, 2);
  ds->putAndInsertUint16(DCM_Columns, 2);
  const Float32 values[4] = {0.5f, 1.5f, 2.5f, 3.5f};
  ds->putAndInsertFloat32Array(DCM_FloatPixelData, values, 4);
  const auto file = dir / "map.dcm";
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
  auto image = imaging::loadPlanarImage(file);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find(file.string()), std::string::npos);
  EXPECT_NE(image.error().message.find("floating-point"), std::string::npos);
}

TEST(PlanarImage, WritesNiftiAsTwoDimensionsAndTimeWithoutOrientation) {
  TestFolder dir("planar-nifti");
  const auto file = writeGrayImage(dir / "cine.dcm", 3, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_FrameTime, "40");
    ds.putAndInsertString(DCM_PixelSpacing, "0.5\\0.5");
  });
  auto image = imaging::loadPlanarImage(file);
  ASSERT_TRUE(image.ok());
  const auto out = dir / "cine.nii";
  ASSERT_TRUE(imaging::writeNiftiPlanar(image.value(), out).ok());
  std::ifstream in(out, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(bytes.size(), 352u + 3 * 4 * 6 * sizeof(float));
  auto int16At = [&](std::size_t at) {
    std::int16_t v;
    std::memcpy(&v, bytes.data() + at, 2);
    return v;
  };
  auto floatAt = [&](std::size_t at) {
    float v;
    std::memcpy(&v, bytes.data() + at, 4);
    return v;
  };
  EXPECT_EQ(int16At(40), 4);                 // dim[0]: x, y, z, t
  EXPECT_EQ(int16At(42), 6);                 // columns
  EXPECT_EQ(int16At(44), 4);                 // rows
  EXPECT_EQ(int16At(48), 3);                 // frames, as time
  EXPECT_EQ(int16At(70), 16);                // float32
  EXPECT_FLOAT_EQ(floatAt(76 + 16), 0.04f);  // pixdim[4]: 40 ms
  EXPECT_EQ(int16At(252), 0);                // qform_code
  EXPECT_EQ(int16At(254), 0);                // sform_code: no place in the patient
  EXPECT_FLOAT_EQ(floatAt(352 + 4 * (2 * 24 + 6 + 1)), 1 + 10 + 200);
}
