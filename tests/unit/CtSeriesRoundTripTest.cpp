// The CT series writer, read back by DCMTK directly and by Vigie's scanner and loader.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrds.h>
#include <dcmtk/dcmdata/dcvrlo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <vector>

#include "TestFolder.h"
#include "vigie/imaging/dicom/CtSeriesWriter.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/PixelDecoder.h"
#include "vigie/imaging/dicom/PlanarImage.h"
#include "vigie/imaging/dicom/Transcoder.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/io/ItkSeriesReader.h"
#include "vigie/imaging/synthetic/SyntheticStudyWriter.h"

using namespace vigie;
using test::TestFolder;

namespace {

core::CtVolume rampVolume() {
  core::VolumeGeometry g;
  g.size = {24, 16, 12};
  g.spacing = {0.7, 0.8, 1.5};
  g.origin = {-100.0, -50.0, -300.0};
  core::CtVolume v(g);
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i)
        v.at(i, j, k) = static_cast<std::int16_t>(-1024 + 7 * i + 53 * j + 97 * k);
  return v;
}

/// Rewrites a DICOM file in place once `change` has edited its dataset.
void rewriteDicom(const std::filesystem::path& file, const std::function<void(DcmDataset&)>& change,
                  E_TransferSyntax syntax = EXS_LittleEndianExplicit) {
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  format.loadAllDataIntoMemory();  // it is written back to the same path
  change(*format.getDataset());
  ASSERT_TRUE(format.saveFile(file.c_str(), syntax).good());
}

/// Puts `element` (whose value may be malformed) in place of the attribute it names.
void putRaw(DcmDataset& ds, DcmElement* element, const char* value) {
  ASSERT_TRUE(element->putString(value).good());
  ASSERT_TRUE(ds.insert(element, OFTrue).good());
}

/// Rescale Slope "abc": a decimal string (DS) that is not a number.
void putUnreadableSlope(DcmDataset& ds) {
  putRaw(ds, new DcmDecimalString(DcmTag(DCM_RescaleSlope)), "abc");
}

/// The loader's error, which must name the file and the attribute.
std::string loadError(const imaging::DicomSeriesEntry& series) {
  auto loaded = imaging::CtVolumeLoader().load(series);
  return loaded.ok() ? std::string("loaded") : loaded.error().message;
}

std::string fileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Writes `v` as one Enhanced CT file, its frames in `order` (frame f holds
/// slice order[f]), each frame with its own rescale intercept: what a modern
/// scanner exports, and what the loader must put back in place.
void writeEnhancedCt(const core::CtVolume& v, const std::vector<std::size_t>& order,
                     const std::filesystem::path& file, bool dropOnePosition = false) {
  const auto& g = v.geometry();
  std::filesystem::create_directories(file.parent_path());
  DcmFileFormat format;
  DcmDataset* ds = format.getDataset();
  char uid[100];
  ds->putAndInsertString(DCM_SOPClassUID, UID_EnhancedCTImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertString(DCM_StudyInstanceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertString(DCM_SeriesInstanceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertString(DCM_FrameOfReferenceUID, dcmGenerateUniqueIdentifier(uid));
  ds->putAndInsertString(DCM_Modality, "CT");
  ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(g.size.j));
  ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(g.size.i));
  ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(order.size()).c_str());
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 16);
  ds->putAndInsertUint16(DCM_HighBit, 15);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 1);
  DcmItem *shared = nullptr, *item = nullptr;
  ds->findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, -2);
  shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, item, -2);
  const std::string spacing = std::to_string(g.spacing.y) + "\\" + std::to_string(g.spacing.x);
  item->putAndInsertString(DCM_PixelSpacing, spacing.c_str());
  shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, item, -2);
  item->putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
  std::vector<Uint16> pixels;
  const std::size_t perSlice = g.size.i * g.size.j;
  for (std::size_t f = 0; f < order.size(); ++f) {
    const std::size_t k = order[f];
    DcmItem* frame = nullptr;
    ds->findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, -2);
    if (!(dropOnePosition && f == 3)) {
      frame->findOrCreateSequenceItem(DCM_PlanePositionSequence, item, -2);
      const core::Vec3 p = g.indexToPhysical({0, 0, static_cast<double>(k)});
      const std::string position =
          std::to_string(p.x) + "\\" + std::to_string(p.y) + "\\" + std::to_string(p.z);
      item->putAndInsertString(DCM_ImagePositionPatient, position.c_str());
    }
    const int intercept = (f % 2) ? -1000 : -1024;
    frame->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, item, -2);
    item->putAndInsertString(DCM_RescaleSlope, "1");
    item->putAndInsertString(DCM_RescaleIntercept, std::to_string(intercept).c_str());
    const std::int16_t* slice = v.slice(k);
    for (std::size_t n = 0; n < perSlice; ++n)
      pixels.push_back(static_cast<Uint16>(static_cast<std::int16_t>(slice[n] - intercept)));
  }
  ds->putAndInsertUint16Array(DCM_PixelData, pixels.data(),
                              static_cast<unsigned long>(pixels.size()));
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
}

}  // namespace

TEST(CtVolumeLoader, AssemblesAnEnhancedCtFromItsFunctionalGroups) {
  TestFolder dir("ct-enhanced");
  const core::CtVolume volume = rampVolume();
  // Frames out of order on purpose: the loader sorts by position.
  const std::vector<std::size_t> order = {5, 0, 11, 3, 1, 8, 2, 10, 4, 9, 7, 6};
  writeEnhancedCt(volume, order, dir / "good" / "enhanced.dcm");
  auto scan = imaging::DicomScanner().scan(dir / "good");
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(scan.value().series.size(), 1u);
  const auto& header = scan.value().series[0].images.at(0);
  EXPECT_EQ(header.frames, 12);
  ASSERT_EQ(header.framePlanes.size(), 12u);
  auto layout = imaging::CtVolumeLoader::layout(scan.value().series[0]);
  ASSERT_TRUE(layout.ok()) << layout.error().message;
  EXPECT_TRUE(layout.value().multiFrame);
  EXPECT_EQ(layout.value().slices[0].frame, 1);  // slice 0 is the second frame
  auto loaded = imaging::CtVolumeLoader().load(scan.value().series[0]);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& g = loaded.value().volume.geometry();
  EXPECT_EQ(g.size, volume.size());
  EXPECT_NEAR(g.spacing.x, 0.7, 1e-5);
  EXPECT_NEAR(g.spacing.y, 0.8, 1e-5);
  EXPECT_NEAR(g.spacing.z, 1.5, 1e-5);
  EXPECT_NEAR(g.origin.z, -300.0, 1e-5);
  EXPECT_EQ(0, std::memcmp(loaded.value().volume.data(), volume.data(), volume.voxelCount() * 2));

  // A frame without a position cannot be placed: said, with the frame.
  writeEnhancedCt(volume, order, dir / "broken" / "enhanced.dcm", /*dropOnePosition=*/true);
  auto broken = imaging::DicomScanner().scan(dir / "broken");
  ASSERT_TRUE(broken.ok());
  auto refused = imaging::CtVolumeLoader().load(broken.value().series.at(0));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("frame 4 has no Plane Position"), std::string::npos)
      << refused.error().message;
}

TEST(CtSeriesWriter, WritesCtImageStorageWithTheVolumeGeometry) {
  TestFolder dir("ct-write");
  const core::CtVolume volume = rampVolume();
  auto files = imaging::CtSeriesWriter().write(volume, dir.path());
  ASSERT_TRUE(files.ok()) << files.error().message;
  ASSERT_EQ(files.value().size(), 12u);

  for (std::size_t k : {std::size_t{0}, std::size_t{7}}) {
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(files.value()[k].c_str()).good());
    DcmDataset* ds = format.getDataset();
    OFString sopClass, modality;
    ds->findAndGetOFString(DCM_SOPClassUID, sopClass);
    ds->findAndGetOFString(DCM_Modality, modality);
    EXPECT_EQ(std::string(sopClass.c_str()), UID_CTImageStorage);
    EXPECT_EQ(std::string(modality.c_str()), "CT");
    const core::Vec3 expected = volume.geometry().indexToPhysical({0, 0, double(k)});
    for (int a = 0; a < 3; ++a) {
      Float64 position = 0;
      ASSERT_TRUE(ds->findAndGetFloat64(DCM_ImagePositionPatient, position, a).good());
      EXPECT_NEAR(position, expected[a], 1e-4);
    }
    Float64 rowSpacing = 0, columnSpacing = 0, intercept = 0, orientation = 0;
    ds->findAndGetFloat64(DCM_PixelSpacing, rowSpacing, 0);
    ds->findAndGetFloat64(DCM_PixelSpacing, columnSpacing, 1);
    ds->findAndGetFloat64(DCM_RescaleIntercept, intercept);
    ds->findAndGetFloat64(DCM_ImageOrientationPatient, orientation, 0);
    EXPECT_DOUBLE_EQ(rowSpacing, 0.8);
    EXPECT_DOUBLE_EQ(columnSpacing, 0.7);
    EXPECT_DOUBLE_EQ(intercept, -1024.0);
    EXPECT_DOUBLE_EQ(orientation, 1.0);
    Uint16 rows = 0, columns = 0;
    ds->findAndGetUint16(DCM_Rows, rows);
    ds->findAndGetUint16(DCM_Columns, columns);
    EXPECT_EQ(rows, 16);
    EXPECT_EQ(columns, 24);
    const Uint16* pixels = nullptr;
    ASSERT_TRUE(ds->findAndGetUint16Array(DCM_PixelData, pixels).good());
    EXPECT_EQ(pixels[3] + intercept, volume.at(3, 0, k));
  }
}

TEST(CtVolumeLoader, ReadsBackTheSameVoxelsAndGeometry) {
  TestFolder dir("ct-roundtrip");
  const core::CtVolume volume = rampVolume();
  ASSERT_TRUE(imaging::CtSeriesWriter().write(volume, dir.path()).ok());
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(scan.value().series.size(), 1u);
  auto loaded = imaging::CtVolumeLoader().load(scan.value().series[0]);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& g = loaded.value().volume.geometry();
  EXPECT_EQ(g.size, volume.size());
  EXPECT_NEAR(g.spacing.x, 0.7, 1e-9);
  EXPECT_NEAR(g.spacing.y, 0.8, 1e-9);
  EXPECT_NEAR(g.spacing.z, 1.5, 1e-6);
  EXPECT_NEAR(g.origin.z, -300.0, 1e-6);
  EXPECT_TRUE(loaded.value().warnings.empty());
  EXPECT_EQ(0, std::memcmp(loaded.value().volume.data(), volume.data(), volume.voxelCount() * 2));
}

TEST(CtVolumeLoader, SortsSlicesByPositionNotByFileName) {
  TestFolder dir("ct-shuffled");
  const core::CtVolume volume = rampVolume();
  auto files = imaging::CtSeriesWriter().write(volume, dir.path());
  ASSERT_TRUE(files.ok());
  // Reverse the names: CT000001 now holds the last slice.
  const auto& f = files.value();
  for (std::size_t n = 0; n < f.size(); ++n)
    std::filesystem::rename(f[n], dir / ("tmp" + std::to_string(n)));
  for (std::size_t n = 0; n < f.size(); ++n)
    std::filesystem::rename(dir / ("tmp" + std::to_string(n)), f[f.size() - 1 - n]);
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  auto loaded = imaging::CtVolumeLoader().load(scan.value().series[0]);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(0, std::memcmp(loaded.value().volume.data(), volume.data(), volume.voxelCount() * 2));
}

TEST(CtVolumeLoader, RefusesDuplicatedPositionsNamingBothFiles) {
  TestFolder dir("ct-duplicate");
  auto files = imaging::CtSeriesWriter().write(rampVolume(), dir.path());
  ASSERT_TRUE(files.ok());
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  auto series = scan.value().series[0];
  series.images[5].imagePosition = series.images[4].imagePosition;
  auto loaded = imaging::CtVolumeLoader().load(series);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("same slice position"), std::string::npos);
  EXPECT_NE(loaded.error().message.find(".dcm"), std::string::npos);
}

TEST(CtVolumeLoader, WarnsAboutUnevenSpacing) {
  TestFolder dir("ct-gap");
  auto files = imaging::CtSeriesWriter().write(rampVolume(), dir.path());
  ASSERT_TRUE(files.ok());
  std::filesystem::remove(files.value()[6]);  // a missing slice leaves a 3 mm gap
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  auto loaded = imaging::CtVolumeLoader().load(scan.value().series[0]);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.value().warnings.size(), 1u);
  EXPECT_NE(loaded.value().warnings[0].find("uneven slice spacing"), std::string::npos);
}

TEST(CtVolumeLoader, StopsWhenCancelled) {
  TestFolder dir("ct-cancel");
  ASSERT_TRUE(imaging::CtSeriesWriter().write(rampVolume(), dir.path()).ok());
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  std::atomic<bool> cancel{true};
  auto loaded = imaging::CtVolumeLoader().load(scan.value().series[0], {}, &cancel);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, core::ErrorCode::Cancelled);
}

TEST(DicomScanner, CountsNonDicomFilesAndListsBrokenOnesWithTheReason) {
  TestFolder dir("scan-mixed");
  auto files = imaging::CtSeriesWriter().write(rampVolume(), dir.path());
  ASSERT_TRUE(files.ok());
  std::ofstream(dir / "notes.txt") << "reader notes, not DICOM";
  // A DICOM file cut off in the middle of its header.
  const std::string bytes = fileBytes(files.value()[0]);
  std::ofstream(dir / "truncated.dcm", std::ios::binary) << bytes.substr(0, 200);
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan.value().series.size(), 1u);
  EXPECT_EQ(scan.value().series[0].images.size(), 12u);
  EXPECT_EQ(scan.value().skippedNonDicom, 1u);
  ASSERT_EQ(scan.value().unreadable.size(), 1u);
  EXPECT_EQ(scan.value().unreadable[0].file.filename(), "truncated.dcm");
  EXPECT_FALSE(scan.value().unreadable[0].reason.empty());
}

TEST(DicomScanner, SurvivesTheInputsTheFuzzerFoundCrashing) {
  // fuzz/: a 67-byte dataset, a Directory Record Sequence whose record type
  // makes DCMTK throw std::out_of_range from inside its parser. Every reader
  // must turn that into an error naming the file, not let it end the program.
  const unsigned char directoryRecordThrows[] = {
      0x04, 0x00, 0x20, 0x12, 0x53, 0x51, 0x00, 0x00, 0x64, 0x31, 0x00, 0x00, 0xfe, 0xff,
      0x00, 0xe0, 0x56, 0x00, 0x00, 0x00, 0x04, 0x00, 0x30, 0x14, 0x43, 0x53, 0x27, 0x00,
      0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x34, 0x39, 0x30, 0x31, 0x2e, 0x32,
      0x64, 0x13, 0x00, 0x49, 0x53, 0x02, 0x00, 0x34, 0x39, 0x20, 0x00, 0x13, 0x00, 0x49,
      0x53, 0x02, 0x00, 0x34, 0x39, 0x34, 0x39, 0x34, 0x39, 0x34, 0x39};
  TestFolder dir("fuzz-regressions");
  const auto file = dir / "record.dcm";
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(directoryRecordThrows), sizeof directoryRecordThrows);
  auto scan = imaging::DicomScanner().scan(file);
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  EXPECT_TRUE(scan.value().series.empty());
  auto decoded = imaging::decodeDicomPixels(file);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("record.dcm"), std::string::npos);
  auto photo = imaging::readPhotograph(file);
  EXPECT_FALSE(photo.ok());
}

/// Puts `stream` in place of a dataset's pixels as the one fragment of a JPEG
/// Pixel Data, in the JPEG `syntax` given.
void putJpegFragment(DcmDataset& ds, const std::vector<Uint8>& stream, E_TransferSyntax syntax) {
  auto* sequence = new DcmPixelSequence(DcmTag(DCM_PixelData, EVR_OB));
  sequence->insert(new DcmPixelItem(DcmTag(DCM_Item, EVR_OB)));  // empty offset table
  auto* fragment = new DcmPixelItem(DcmTag(DCM_Item, EVR_OB));
  fragment->putUint8Array(stream.data(), static_cast<Uint32>(stream.size()));
  sequence->insert(fragment);
  auto* pixels = new DcmPixelData(DCM_PixelData);
  pixels->putOriginalRepresentation(syntax, nullptr, sequence);
  ds.insert(pixels, OFTrue);
}

/// A JPEG baseline colour photograph of `columns` x `rows` whose one
/// fragment holds `stream`.
void writeJpegPhotograph(const std::filesystem::path& file, Uint16 columns, Uint16 rows,
                         const std::vector<Uint8>& stream) {
  DcmFileFormat format;
  DcmDataset* ds = format.getDataset();
  ds->putAndInsertString(DCM_SOPClassUID, UID_VLPhotographicImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.10.1391.99.1");
  ds->putAndInsertString(DCM_StudyInstanceUID, "1.2.826.0.1.3680043.10.1391.99.2");
  ds->putAndInsertString(DCM_SeriesInstanceUID, "1.2.826.0.1.3680043.10.1391.99.3");
  ds->putAndInsertString(DCM_Modality, "XC");
  ds->putAndInsertUint16(DCM_Rows, rows);
  ds->putAndInsertUint16(DCM_Columns, columns);
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 3);
  ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
  ds->putAndInsertUint16(DCM_BitsAllocated, 8);
  ds->putAndInsertUint16(DCM_BitsStored, 8);
  ds->putAndInsertUint16(DCM_HighBit, 7);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "YBR_FULL_422");
  putJpegFragment(*ds, stream, EXS_JPEGProcess1);
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_JPEGProcess1).good());
}

TEST(PixelDecoder, RefusesAHeaderThatDeclaresMorePixelsThanItCouldHold) {
  // The fuzzer's find: a 4 KB JPEG photograph whose header says 8064 x 65535
  // colour pixels. DCMTK's decoder reserves the decoded frame (1.5 GB) from
  // the header before reading the stream; every reader must refuse first.
  TestFolder dir("oversized");
  const auto file = dir / "huge.dcm";
  // Start and end of image, nothing between.
  writeJpegPhotograph(file, 8064, 65535, {0xFF, 0xD8, 0xFF, 0xD9});
  auto expectRefusal = [](const auto& result) {
    ASSERT_FALSE(result.ok());
    const std::string& message = result.error().message;
    EXPECT_NE(message.find("huge.dcm"), std::string::npos) << message;
    EXPECT_NE(message.find("8064 x 65535 x 3 samples of 8 bits"), std::string::npos) << message;
  };
  expectRefusal(imaging::readPhotograph(file));
  expectRefusal(imaging::decodeDicomPixels(file));
}

TEST(PixelDecoder, RefusesAJpegStreamThatWouldStallDcmtkInEveryReader) {
  // The fuzzer's find in CI: DCMTK 3.6.7 walks a JPEG stream's markers to its
  // frame header for the bit depth and never steps past a TEM marker
  // (0xFF01), so a stream with one there hung every reader for ever. Each
  // must refuse it, naming the file and the marker: the 2D and photograph
  // readers, the CT volume loader (a lossless JPEG CT slice) and the
  // transcoder.
  const std::vector<Uint8> stallingStream = {0xFF, 0xD8, 0xFF, 0x01, 0xFF, 0xC0, 0x00,
                                             0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01,
                                             0x01, 0x11, 0x00, 0xFF, 0xD9};
  TestFolder dir("jpeg-tem");
  auto expectRefusal = [](const auto& result, const std::string& name) {
    ASSERT_FALSE(result.ok()) << name;
    const std::string& message = result.error().message;
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find("TEM marker"), std::string::npos) << message;
  };
  const auto photo = dir / "photo.dcm";
  writeJpegPhotograph(photo, 1, 1, stallingStream);
  expectRefusal(imaging::readPhotograph(photo), "photo.dcm");
  expectRefusal(imaging::decodeDicomPixels(photo), "photo.dcm");
  expectRefusal(imaging::loadPlanarImage(photo), "photo.dcm");
  expectRefusal(
      imaging::transcodeLossless({photo}, dir / "transcoded", imaging::LosslessSyntax::Rle),
      "photo.dcm");

  const auto series = dir / "ct";
  imaging::ChestCtPhantomOptions o;
  o.size = {64, 56, 24};
  auto written = imaging::writeSyntheticCtCase(o, series);
  ASSERT_TRUE(written.ok()) << written.error().message;
  rewriteDicom(
      series / "CT000002.dcm",
      [&](DcmDataset& ds) { putJpegFragment(ds, stallingStream, EXS_JPEGProcess14SV1); },
      EXS_JPEGProcess14SV1);
  auto scan = imaging::DicomScanner().scan(series);
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  ASSERT_EQ(scan.value().series.size(), 1u);
  expectRefusal(imaging::CtVolumeLoader().load(scan.value().series[0]), "CT000002.dcm");
}

TEST(PixelDecoder, DescribesTheUncompressedPixelsItReturns) {
  // The thumbnails of the study browser read rows, columns and bit depth
  // from here: they must be filled for every transfer syntax, not only JPEG 2000.
  TestFolder dir("decode-fields");
  imaging::ChestCtPhantomOptions o;
  o.size = {64, 56, 24};
  auto written = imaging::writeSyntheticCtCase(o, dir.path());
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto decoded = imaging::decodeDicomPixels(dir / "CT000001.dcm");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const auto& d = decoded.value();
  EXPECT_EQ(d.rows, 56);
  EXPECT_EQ(d.columns, 64);
  EXPECT_EQ(d.frames, 1);
  EXPECT_EQ(d.samplesPerPixel, 1);
  EXPECT_EQ(d.bitsAllocated, 16);
  EXPECT_GT(d.bitsStored, 0);
  EXPECT_EQ(d.bytes.size(), 64u * 56u * 2u);
}

TEST(DicomScanner, ReportsAMissingPath) {
  auto scan = imaging::DicomScanner().scan("/nonexistent/vigie/folder");
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.error().code, core::ErrorCode::NotFound);
  EXPECT_NE(scan.error().message.find("/nonexistent/vigie/folder"), std::string::npos);
}

TEST(SyntheticCtCase, SameSeedGivesIdenticalFiles) {
  TestFolder a("synth-a"), b("synth-b");
  imaging::ChestCtPhantomOptions o;
  o.size = {64, 64, 24};
  o.spacingMm = {5.6, 5.6, 10.0};
  o.seed = 77;
  o.noduleCount = 2;
  o.minNoduleDiameterMm = 10;
  ASSERT_TRUE(imaging::writeSyntheticCtCase(o, a.path()).ok());
  ASSERT_TRUE(imaging::writeSyntheticCtCase(o, b.path()).ok());
  std::size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(a.path())) {
    const auto name = entry.path().filename().string();
    EXPECT_EQ(fileBytes(entry.path()), fileBytes(b / name)) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 25u);  // 24 slices and truth.json
}

TEST(CtVolumeLoader, MatchesItkAndGdcmVoxelForVoxel) {
  // An independent decoder (GDCM, through ITK's series reader) must see the
  // same volume: voxels after the rescale, origin, spacing and directions.
  TestFolder dir("ct-itk");
  const core::CtVolume volume = rampVolume();
  auto files = imaging::CtSeriesWriter().write(volume, dir.path());
  ASSERT_TRUE(files.ok()) << files.error().message;
  auto itk = imaging::readSeriesWithItkGdcm(files.value());
  ASSERT_TRUE(itk.ok()) << itk.error().message;
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok() && scan.value().series.size() == 1);
  auto ours = imaging::CtVolumeLoader().load(scan.value().series.front());
  ASSERT_TRUE(ours.ok()) << ours.error().message;
  const auto& a = ours.value().volume;
  const auto& b = itk.value();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.data(), a.data() + a.voxelCount(), b.data()));
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_NEAR(a.geometry().origin[axis], b.geometry().origin[axis], 1e-4);
    EXPECT_NEAR(a.geometry().spacing[axis], b.geometry().spacing[axis], 1e-4);
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(a.geometry().direction[axis][c], b.geometry().direction[axis][c], 1e-6);
  }
}

TEST(CtVolumeLoader, LoadsJpegLsAndRleSeriesExactly) {
  TestFolder dir("ct-lossless");
  const core::CtVolume volume = rampVolume();
  auto files = imaging::CtSeriesWriter().write(volume, dir / "plain");
  ASSERT_TRUE(files.ok());
  for (const auto syntax : {imaging::LosslessSyntax::JpegLs, imaging::LosslessSyntax::Rle}) {
    const auto out = dir / (syntax == imaging::LosslessSyntax::JpegLs ? "jpeg-ls" : "rle");
    auto transcoded = imaging::transcodeLossless(files.value(), out, syntax);
    ASSERT_TRUE(transcoded.ok()) << transcoded.error().message;
    auto scan = imaging::DicomScanner().scan(out);
    ASSERT_TRUE(scan.ok());
    ASSERT_EQ(scan.value().series.size(), 1u);
    EXPECT_EQ(scan.value().series[0].images[0].transferSyntaxUid,
              syntax == imaging::LosslessSyntax::JpegLs ? "1.2.840.10008.1.2.4.80"
                                                        : "1.2.840.10008.1.2.5");
    auto loaded = imaging::CtVolumeLoader().load(scan.value().series[0]);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(0, std::memcmp(loaded.value().volume.data(), volume.data(), volume.voxelCount() * 2));
  }
}

TEST(DicomScanner, SplitsASeriesThatHoldsSeveralStacks) {
  // Two volumes of different sizes written with the same UIDs: one series
  // UID, two stacks (a localizer and its axials look like this).
  TestFolder dir("stacks");
  core::VolumeGeometry small;
  small.size = {10, 10, 4};
  small.spacing = {2.0, 2.0, 5.0};
  ASSERT_TRUE(imaging::CtSeriesWriter().write(rampVolume(), dir / "a").ok());
  ASSERT_TRUE(imaging::CtSeriesWriter().write(core::CtVolume(small, 0), dir / "b").ok());
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(scan.value().series.size(), 2u);
  const auto& first = scan.value().series[0];
  const auto& second = scan.value().series[1];
  EXPECT_EQ(first.seriesInstanceUid, second.seriesInstanceUid);
  EXPECT_EQ(first.images.size(), 12u);  // the larger stack first
  EXPECT_EQ(second.images.size(), 4u);
  EXPECT_EQ(first.stacks, 2);
  EXPECT_EQ(second.stack, 2);
  EXPECT_NE(second.description.find("(stack 2 of 2)"), std::string::npos);
  EXPECT_TRUE(imaging::CtVolumeLoader().load(first).ok());
  EXPECT_TRUE(imaging::CtVolumeLoader().load(second).ok());
}

TEST(CtVolumeLoader, CorrectsGantryTilt) {
  // A sphere scanned with the gantry tilted 20 degrees: slice k lies at
  // y + k * 2.5 mm * tan(20) as well as z + k * 2.5 mm, and holds what the
  // scanner saw there. Loaded, the sphere must sit where it really is.
  const double tilt = std::tan(20.0 * 3.14159265358979 / 180.0);
  core::VolumeGeometry g;
  g.size = {64, 64, 24};
  g.spacing = {1.0, 1.0, 2.5};
  g.origin = {-32.0, -32.0, 0.0};
  const core::Vec3 center{3.0, 4.0, 30.0};
  core::CtVolume acquired(g);
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i) {
        const core::Vec3 p{g.origin.x + double(i), g.origin.y + double(j) + k * 2.5 * tilt,
                           g.origin.z + k * 2.5};
        acquired.at(i, j, k) = core::distance(p, center) < 9.0 ? 100 : -1000;
      }
  TestFolder dir("tilt");
  auto files = imaging::CtSeriesWriter().write(acquired, dir.path());
  ASSERT_TRUE(files.ok());
  for (std::size_t k = 0; k < files.value().size(); ++k) {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(files.value()[k].c_str()).good());
    file.loadAllDataIntoMemory();  // it is written back to the same path
    const std::string position = std::to_string(g.origin.x) + "\\" +
                                 std::to_string(g.origin.y + k * 2.5 * tilt) + "\\" +
                                 std::to_string(g.origin.z + k * 2.5);
    file.getDataset()->putAndInsertString(DCM_ImagePositionPatient, position.c_str());
    ASSERT_TRUE(file.saveFile(files.value()[k].c_str()).good());
  }
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  auto loaded = imaging::CtVolumeLoader().load(scan.value().series.at(0));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded.value().warnings.size(), 1u);
  EXPECT_NE(loaded.value().warnings[0].find("gantry tilt of 20 degrees corrected"),
            std::string::npos)
      << loaded.value().warnings[0];
  // The sphere's centre of mass, in patient coordinates.
  const auto& volume = loaded.value().volume;
  core::Vec3 sum;
  double count = 0;
  for (std::size_t k = 0; k < volume.size().k; ++k)
    for (std::size_t j = 0; j < volume.size().j; ++j)
      for (std::size_t i = 0; i < volume.size().i; ++i)
        if (volume.at(i, j, k) > -450) {
          sum = sum + volume.geometry().indexToPhysical({double(i), double(j), double(k)});
          count += 1;
        }
  ASSERT_GT(count, 100);
  const core::Vec3 found = sum * (1.0 / count);
  EXPECT_NEAR(found.x, center.x, 0.5);
  EXPECT_NEAR(found.y, center.y, 0.5);  // uncorrected, it would be off by ~11 mm
  EXPECT_NEAR(found.z, center.z, 0.8);
}

TEST(CtVolumeLoader, RefusesARescaleSlopeThatIsNotANumberNamingTheFileAndTheAttribute) {
  // Read with a bare findAndGetFloat64, "abc" left the slope at 1: the slice
  // loaded with made-up HU and nothing said.
  TestFolder dir("ct-bad-slope");
  const core::CtVolume volume = rampVolume();
  auto files = imaging::CtSeriesWriter().write(volume, dir / "bad");
  ASSERT_TRUE(files.ok());
  const auto bad = files.value()[5];
  rewriteDicom(bad, putUnreadableSlope);
  auto scan = imaging::DicomScanner().scan(dir / "bad");
  ASSERT_TRUE(scan.ok());
  // The file stays in its series, so that the series is not loaded without it.
  ASSERT_EQ(scan.value().series.size(), 1u);
  EXPECT_EQ(scan.value().series[0].images.size(), 12u);
  EXPECT_TRUE(scan.value().unreadable.empty());
  const std::string message = loadError(scan.value().series[0]);
  EXPECT_NE(message.find(bad.string()), std::string::npos) << message;
  EXPECT_NE(message.find("RescaleSlope (0028,1053) is DS 'abc'"), std::string::npos) << message;

  // The same series, valid, still loads exactly.
  ASSERT_TRUE(imaging::CtSeriesWriter().write(volume, dir / "good").ok());
  auto good = imaging::DicomScanner().scan(dir / "good");
  ASSERT_TRUE(good.ok());
  auto loaded = imaging::CtVolumeLoader().load(good.value().series.at(0));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(0, std::memcmp(loaded.value().volume.data(), volume.data(), volume.voxelCount() * 2));
}

TEST(CtVolumeLoader, RefusesASliceChangedSinceTheScanWhoseRescaleCannotBeRead) {
  // The decoder checks what it reads itself: here the file was rewritten
  // (implicit VR, a bad slope) after a scan that found it valid.
  TestFolder dir("ct-changed-slope");
  auto files = imaging::CtSeriesWriter().write(rampVolume(), dir.path());
  ASSERT_TRUE(files.ok());
  auto scan = imaging::DicomScanner().scan(dir.path());
  ASSERT_TRUE(scan.ok());
  const auto changed = files.value()[2];
  rewriteDicom(changed, putUnreadableSlope, EXS_LittleEndianImplicit);
  const std::string message = loadError(scan.value().series.at(0));
  EXPECT_NE(message.find(changed.string()), std::string::npos) << message;
  EXPECT_NE(message.find("RescaleSlope (0028,1053)"), std::string::npos) << message;
}

TEST(CtVolumeLoader, RefusesAPixelRepresentationThatCannotBeReadAndAMissingBitsAllocated) {
  TestFolder dir("ct-bad-pixel-attributes");
  auto files = imaging::CtSeriesWriter().write(rampVolume(), dir / "representation");
  ASSERT_TRUE(files.ok());
  // Pixel Representation stored as a long string (LO), not US.
  const auto bad = files.value()[3];
  rewriteDicom(bad, [](DcmDataset& ds) {
    putRaw(ds, new DcmLongString(DcmTag(DCM_PixelRepresentation, EVR_LO)), "signed");
  });
  auto scan = imaging::DicomScanner().scan(dir / "representation");
  ASSERT_TRUE(scan.ok());
  std::string message = loadError(scan.value().series.at(0));
  EXPECT_NE(message.find(bad.string()), std::string::npos) << message;
  EXPECT_NE(message.find("PixelRepresentation (0028,0103) is LO 'signed'"), std::string::npos)
      << message;
  auto decoded = imaging::decodeDicomPixels(bad);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find(bad.string() + ": PixelRepresentation (0028,0103)"),
            std::string::npos)
      << decoded.error().message;

  // Bits Allocated is required: missing, it is named, not taken for 0 bits.
  files = imaging::CtSeriesWriter().write(rampVolume(), dir / "allocation");
  ASSERT_TRUE(files.ok());
  const auto missing = files.value()[0];
  rewriteDicom(missing, [](DcmDataset& ds) { ds.findAndDeleteElement(DCM_BitsAllocated); });
  scan = imaging::DicomScanner().scan(dir / "allocation");
  ASSERT_TRUE(scan.ok());
  message = loadError(scan.value().series.at(0));
  EXPECT_NE(message.find(missing.string() + ": missing BitsAllocated (0028,0100)"),
            std::string::npos)
      << message;
  decoded = imaging::decodeDicomPixels(missing);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message, missing.string() + ": missing BitsAllocated (0028,0100)");

  // Pixel Representation absent has its documented default (unsigned).
  files = imaging::CtSeriesWriter().write(rampVolume(), dir / "default");
  ASSERT_TRUE(files.ok());
  rewriteDicom(files.value()[0],
               [](DcmDataset& ds) { ds.findAndDeleteElement(DCM_PixelRepresentation); });
  scan = imaging::DicomScanner().scan(dir / "default");
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(loadError(scan.value().series.at(0)), "loaded");
}
