// DICOM output read back with DCMTK: the TID 1500 report, binary and
// fractional SEGs on the source grid, and PS3.15 de-identification.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <ostream>
#include <set>
#include <tuple>

#include "TestFolder.h"
#include "vigie/imaging/dicom/CtSeriesWriter.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/Deidentifier.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/FundusReportWriter.h"
#include "vigie/imaging/dicom/MeasurementReportReader.h"
#include "vigie/imaging/dicom/MeasurementReportWriter.h"
#include "vigie/imaging/dicom/SegmentationWriter.h"
#include "vigie/imaging/dicom/SourceSeries.h"

using namespace vigie;
using test::TestFolder;

namespace {

/// A small CT series on disk with its description for derived objects.
struct SourceFixture {
  TestFolder dir{"dicom-out"};
  core::VolumeGeometry geometry;
  imaging::SourceSeries source;

  SourceFixture() {
    geometry.size = {32, 24, 16};
    geometry.spacing = {1.0, 1.0, 2.0};
    geometry.origin = {-16.0, -12.0, -20.0};
    core::CtVolume volume(geometry);
    for (std::size_t n = 0; n < volume.voxelCount(); ++n)
      volume.data()[n] = static_cast<std::int16_t>(-1000 + (n * 37) % 1400);
    imaging::CtSeriesDescription description;
    description.patientName = "DOE^JANE";
    description.patientId = "MRN-0042";
    auto written = imaging::CtSeriesWriter(description).write(volume, dir / "ct");
    EXPECT_TRUE(written.ok());
    auto scan = imaging::DicomScanner().scan(dir / "ct");
    EXPECT_TRUE(scan.ok() && scan.value().series.size() == 1);
    auto described = imaging::describeSourceSeries(scan.value().series.front());
    EXPECT_TRUE(described.ok()) << described.error().message;
    source = described.value();
  }
};

core::ReviewedFinding finding(int id, core::ReviewState state, core::Vec3 center, double diameter,
                              std::optional<double> score) {
  core::ReviewedFinding f;
  f.id = id;
  f.state = state;
  f.centerMm = center;
  f.diameterMm = diameter;
  f.modelScore = score;
  f.reader = state == core::ReviewState::Pending ? "" : "dr.a";
  return f;
}

imaging::ProducerIdentity producer() { return {"test-model", "Test model", "1.2.0", "0.1.0"}; }

std::string stringOf(DcmItem* item, const DcmTagKey& tag) {
  OFString value;
  item->findAndGetOFStringArray(tag, value);
  return value.c_str();
}

/// Every value of `tag` anywhere in the dataset, sequences included.
std::vector<std::string> allValues(DcmItem* item, const DcmTagKey& tag) {
  std::vector<std::string> out;
  DcmStack stack;
  while (item->search(tag, stack, ESM_afterStackTop, OFTrue).good()) {
    OFString value;
    static_cast<DcmElement*>(stack.top())->getOFStringArray(value);
    out.push_back(value.c_str());
  }
  return out;
}

}  // namespace

TEST(MeasurementReport, IsATid1500ComprehensiveSrWithOneGroupPerFinding) {
  SourceFixture fx;
  ASSERT_EQ(fx.source.slices.size(), 16u);
  imaging::CtMeasurementReport report;
  report.producer = producer();
  report.exportingReader = "dr.a";
  report.findings = {finding(1, core::ReviewState::Confirmed, {1.5, -2.0, -4.0}, 6.0, 0.93),
                     finding(2, core::ReviewState::Rejected, {5.0, 3.0, 2.0}, 4.0, 0.71),
                     finding(1001, core::ReviewState::Added, {-6.0, 4.0, 0.0}, 3.5, {})};
  report.findings[1].note = "vessel";
  const auto file = fx.dir / "sr.dcm";
  auto uid = imaging::writeCtMeasurementReport(fx.source, report, file);
  ASSERT_TRUE(uid.ok()) << uid.error().message;

  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  DcmDataset* ds = format.getDataset();
  EXPECT_EQ(stringOf(ds, DCM_SOPClassUID), UID_Comprehensive3DSRStorage);
  EXPECT_EQ(stringOf(ds, DCM_SOPInstanceUID), uid.value());
  EXPECT_EQ(stringOf(ds, DCM_StudyInstanceUID), fx.source.studyUid);  // files into the CT's study
  EXPECT_EQ(stringOf(ds, DCM_PatientName), "DOE^JANE");
  EXPECT_EQ(allValues(ds, DCM_ReferencedSOPInstanceUID).size(), 16u + 16u);  // evidence + library

  DSRDocument doc;
  ASSERT_TRUE(doc.read(*ds).good());
  EXPECT_EQ(doc.getDocumentType(), DSRTypes::DT_Comprehensive3DSR);
  DSRDocumentTree& tree = doc.getTree();
  ASSERT_GT(tree.gotoRoot(), 0u);
  EXPECT_EQ(tree.getCurrentContentItem().getConceptName().getCodeValue(), "126000");
  OFString templateId, mapping;
  tree.getCurrentContentItem().getTemplateIdentification(templateId, mapping);
  EXPECT_EQ(templateId, "1500");
  std::size_t groups = 0;
  std::vector<std::string> decisions;
  std::vector<DSRSpatialCoordinates3DValue> centers;
  do {
    DSRContentItem& item = tree.getCurrentContentItem();
    const std::string concept = item.getConceptName().getCodeValue().c_str();
    if (concept == "125007") ++groups;
    if (concept == "decision") decisions.push_back(item.getCodeValue().getCodeValue().c_str());
    if (item.getValueType() == DSRTypes::VT_SCoord3D)
      centers.push_back(*item.getSpatialCoordinates3DPtr());
  } while (tree.iterate());
  EXPECT_EQ(groups, 3u);
  EXPECT_EQ(decisions, (std::vector<std::string>{"confirmed", "rejected", "added"}));
  ASSERT_EQ(centers.size(), 3u);
  EXPECT_EQ(centers[0].getFrameOfReferenceUID(), fx.source.frameOfReferenceUid.c_str());
  Float32 x = 0, y = 0, z = 0;
  ASSERT_TRUE(centers[0].getGraphicDataList().getItem(1, x, y, z).good());
  EXPECT_FLOAT_EQ(x, 1.5f);
  EXPECT_FLOAT_EQ(y, -2.0f);
  EXPECT_FLOAT_EQ(z, -4.0f);
}

TEST(MeasurementReport, ReadsBackAsTheNodulesItsReaderStandsBehind) {
  SourceFixture fx;
  imaging::CtMeasurementReport report;
  report.producer = producer();
  report.exportingReader = "dr.a";
  report.findings = {finding(1, core::ReviewState::Confirmed, {1.5, -2.0, -4.0}, 6.0, 0.93),
                     finding(2, core::ReviewState::Rejected, {5.0, 3.0, 2.0}, 4.0, 0.71),
                     finding(3, core::ReviewState::Pending, {7.0, 3.0, 2.0}, 4.0, 0.55),
                     finding(4, core::ReviewState::Edited, {-3.0, 1.0, 2.0}, 8.5, 0.60),
                     finding(1001, core::ReviewState::Added, {-6.0, 4.0, 0.0}, 3.5, {})};
  imaging::ReaderMeasurement length;
  length.id = 7;
  length.reader = "dr.a";
  length.a = {0, 0, 0};
  length.b = {10, 0, 0};
  length.value = 10.0;
  report.measurements = {length};
  const auto file = fx.dir / "expert.dcm";
  auto uid = imaging::writeCtMeasurementReport(fx.source, report, file);
  ASSERT_TRUE(uid.ok()) << uid.error().message;

  auto read = imaging::readNoduleReport(file);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read.value().studyUid, fx.source.studyUid);
  EXPECT_EQ(read.value().sopInstanceUid, uid.value());
  ASSERT_EQ(read.value().nodules.size(), 3u);  // confirmed, edited, added
  EXPECT_EQ(read.value().notAccepted, 2u);     // rejected, pending
  EXPECT_EQ(read.value().otherGroups, 1u);     // the length
  const auto& first = read.value().nodules[0];
  EXPECT_NEAR(first.centerMm.x, 1.5, 1e-4);
  EXPECT_NEAR(first.centerMm.y, -2.0, 1e-4);
  EXPECT_NEAR(first.centerMm.z, -4.0, 1e-4);
  EXPECT_DOUBLE_EQ(first.diameterMm, 6.0);
  EXPECT_EQ(first.trackingId, "Vigie finding 1");
  EXPECT_DOUBLE_EQ(read.value().nodules[1].diameterMm, 8.5);
  EXPECT_EQ(read.value().nodules[2].trackingId, "Vigie finding 1001");

  // Not a report, not DICOM: errors that name the file.
  auto image = imaging::readNoduleReport(fx.source.slices[0].file);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code, core::ErrorCode::Unsupported);
  EXPECT_NE(image.error().message.find(fx.source.slices[0].file.string()), std::string::npos);
  std::ofstream(fx.dir / "junk.dcm") << "not dicom";
  auto junk = imaging::readNoduleReport(fx.dir / "junk.dcm");
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.error().message.find("junk.dcm"), std::string::npos);
  auto missing = imaging::readNoduleReport(fx.dir / "missing.dcm");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::ErrorCode::NotFound);
  EXPECT_NE(missing.error().message.find("missing.dcm: no such file"), std::string::npos);
}

TEST(NoduleSegmentation, HasOneSegmentPerAcceptedFindingOnTheSourceSlices) {
  SourceFixture fx;
  // Centre on voxel (16, 12, 8): x = -16 + 16, y = -12 + 12, z = -20 + 2 * 8.
  const std::vector<core::ReviewedFinding> findings = {
      finding(1, core::ReviewState::Confirmed, {0.0, 0.0, -4.0}, 6.0, 0.9),
      finding(2, core::ReviewState::Rejected, {5.0, 5.0, 0.0}, 6.0, 0.8),
      finding(1001, core::ReviewState::Added, {-8.0, -6.0, 4.0}, 2.0, {})};
  const auto file = fx.dir / "seg.dcm";
  auto seg = imaging::writeNoduleSegmentation(fx.source, findings, producer(), file);
  ASSERT_TRUE(seg.ok()) << seg.error().message;
  ASSERT_EQ(seg.value().segmentOfFinding.size(), 2u);  // the rejected one is not segmented
  EXPECT_EQ(seg.value().segmentOfFinding.at(1), 1);
  EXPECT_EQ(seg.value().segmentOfFinding.at(1001), 2);
  // A 6 mm sphere over 2 mm slices touches slices 7, 8, 9 (z -6, -4, -2), a
  // 2 mm one only its own slice.
  EXPECT_EQ(seg.value().frames, 3u + 1u);

  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  DcmDataset* ds = format.getDataset();
  EXPECT_EQ(stringOf(ds, DCM_SOPClassUID), UID_SegmentationStorage);
  EXPECT_EQ(stringOf(ds, DCM_SegmentationType), "BINARY");
  EXPECT_EQ(stringOf(ds, DCM_FrameOfReferenceUID), fx.source.frameOfReferenceUid);
  EXPECT_EQ(stringOf(ds, DCM_StudyInstanceUID), fx.source.studyUid);
  EXPECT_EQ(stringOf(ds, DCM_NumberOfFrames), "4");
  DcmSequenceOfItems* perFrame = nullptr;
  ASSERT_TRUE(ds->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame).good());
  ASSERT_EQ(perFrame->card(), 4u);
  const auto positions = allValues(perFrame->getItem(1), DCM_ImagePositionPatient);
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(positions[0], "-16.000000\\-12.000000\\-4.000000");  // slice 8's origin
  const auto derivedFrom = allValues(perFrame->getItem(1), DCM_ReferencedSOPInstanceUID);
  ASSERT_EQ(derivedFrom.size(), 1u);
  EXPECT_EQ(derivedFrom[0], fx.source.slices[8].sopInstanceUid);

  // The centre voxel of frame 2 (slice 8) is set, a corner is not: bits
  // packed little-endian, frames back to back.
  const Uint8* bits = nullptr;
  unsigned long length = 0;
  ASSERT_TRUE(ds->findAndGetUint8Array(DCM_PixelData, bits, &length).good());
  const std::size_t plane = 32 * 24, frame = 1;
  auto bit = [&](std::size_t i, std::size_t j) {
    const std::size_t n = frame * plane + j * 32 + i;
    return (bits[n / 8] >> (n % 8)) & 1;
  };
  EXPECT_EQ(bit(16, 12), 1);
  EXPECT_EQ(bit(0, 0), 0);
  EXPECT_EQ(bit(16 + 3, 12), 1);  // radius 3 mm reaches 3 voxels out
  EXPECT_EQ(bit(16 + 4, 12), 0);
}

TEST(NoduleSegmentation, RefusesWhenNothingWasAccepted) {
  SourceFixture fx;
  auto seg = imaging::writeNoduleSegmentation(
      fx.source, {finding(1, core::ReviewState::Rejected, {0, 0, 0}, 5, 0.9)}, producer(),
      fx.dir / "seg.dcm");
  ASSERT_FALSE(seg.ok());
  EXPECT_NE(seg.error().message.find("nothing to segment"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(fx.dir / "seg.dcm"));
}

TEST(ProbabilitySegmentation, StoresTheHeatmapAsFractionalRleFramesWhereItIsNonZero) {
  SourceFixture fx;
  core::FloatVolume heatmap(fx.geometry, 0.0f);
  heatmap.at(10, 5, 3) = 1.0f;
  heatmap.at(11, 5, 3) = 0.5f;
  heatmap.at(2, 2, 12) = 0.25f;
  heatmap.at(3, 3, 14) = 0.001f;  // below 1/255: no frame for slice 14
  const auto file = fx.dir / "heatmap.dcm";
  auto seg = imaging::writeProbabilitySegmentation(fx.source, heatmap, producer(), file);
  ASSERT_TRUE(seg.ok()) << seg.error().message;
  EXPECT_EQ(seg.value().frames, 2u);

  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  EXPECT_EQ(format.getDataset()->getOriginalXfer(), EXS_RLELossless);
  DcmDataset* ds = format.getDataset();
  EXPECT_EQ(stringOf(ds, DCM_SegmentationType), "FRACTIONAL");
  EXPECT_EQ(stringOf(ds, DCM_SegmentationFractionalType), "PROBABILITY");
  EXPECT_EQ(stringOf(ds, DCM_MaximumFractionalValue), "255");
  DcmRLEDecoderRegistration::registerCodecs();
  ASSERT_TRUE(ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr).good());
  const Uint8* pixels = nullptr;
  ASSERT_TRUE(ds->findAndGetUint8Array(DCM_PixelData, pixels).good());
  EXPECT_EQ(pixels[5 * 32 + 10], 255);
  EXPECT_EQ(pixels[5 * 32 + 11], 128);
  EXPECT_EQ(pixels[32 * 24 + 2 * 32 + 2], 64);
}

TEST(LabelSegmentation, WritesTheLabelAsOneBinarySegmentCodedByItsName) {
  SourceFixture fx;
  core::Volume<std::uint8_t> label(fx.geometry, std::uint8_t{0});
  label.at(10, 5, 3) = 1;
  label.at(11, 5, 3) = 1;
  label.at(2, 2, 12) = 1;
  const auto file = fx.dir / "label.dcm";
  auto seg = imaging::writeLabelSegmentation(fx.source, label, "spleen", producer(), file);
  ASSERT_TRUE(seg.ok()) << seg.error().message;
  EXPECT_EQ(seg.value().frames, 2u);  // slices 3 and 12 only

  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  DcmDataset* ds = format.getDataset();
  EXPECT_EQ(stringOf(ds, DCM_SegmentationType), "BINARY");
  EXPECT_EQ(stringOf(ds, DCM_FrameOfReferenceUID), fx.source.frameOfReferenceUid);
  DcmItem* segment = nullptr;
  ASSERT_TRUE(ds->findAndGetSequenceItem(DCM_SegmentSequence, segment, 0).good());
  EXPECT_EQ(stringOf(segment, DCM_SegmentLabel), "spleen");
  EXPECT_EQ(stringOf(segment, DCM_SegmentAlgorithmType), "AUTOMATIC");
  DcmItem* type = nullptr;
  ASSERT_TRUE(
      segment->findAndGetSequenceItem(DCM_SegmentedPropertyTypeCodeSequence, type, 0).good());
  EXPECT_EQ(stringOf(type, DCM_CodeValue), "78961009");  // SNOMED CT: spleen
  EXPECT_EQ(stringOf(type, DCM_CodingSchemeDesignator), "SCT");
  const Uint8* bits = nullptr;
  ASSERT_TRUE(ds->findAndGetUint8Array(DCM_PixelData, bits).good());
  auto bit = [&](std::size_t frame, std::size_t i, std::size_t j) {
    const std::size_t n = frame * 32 * 24 + j * 32 + i;
    return (bits[n / 8] >> (n % 8)) & 1;
  };
  EXPECT_EQ(bit(0, 10, 5), 1);
  EXPECT_EQ(bit(0, 11, 5), 1);
  EXPECT_EQ(bit(0, 12, 5), 0);
  EXPECT_EQ(bit(1, 2, 2), 1);

  // A word Vigie has no SNOMED code for keeps the model's word, in a private scheme.
  auto other = imaging::writeLabelSegmentation(fx.source, label, "left adrenal gland", producer(),
                                               fx.dir / "other.dcm");
  ASSERT_TRUE(other.ok()) << other.error().message;
  DcmFileFormat otherFormat;
  ASSERT_TRUE(otherFormat.loadFile((fx.dir / "other.dcm").c_str()).good());
  ASSERT_TRUE(
      otherFormat.getDataset()->findAndGetSequenceItem(DCM_SegmentSequence, segment, 0).good());
  ASSERT_TRUE(
      segment->findAndGetSequenceItem(DCM_SegmentedPropertyTypeCodeSequence, type, 0).good());
  EXPECT_EQ(stringOf(type, DCM_CodingSchemeDesignator), "99VIGIE");
  EXPECT_EQ(stringOf(type, DCM_CodeMeaning), "left adrenal gland");

  const core::Volume<std::uint8_t> empty(fx.geometry, std::uint8_t{0});
  auto none =
      imaging::writeLabelSegmentation(fx.source, empty, "spleen", producer(), fx.dir / "none.dcm");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("none.dcm: the label is empty"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(fx.dir / "none.dcm"));
}

TEST(Deidentifier, LeavesNoIdentifyingAttributeAndKeepsPixelsAndGeometry) {
  SourceFixture fx;
  // Give the series what real scanners write about people and places.
  for (const auto& slice : fx.source.slices) {
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(slice.file.c_str()).good());
    DcmDataset* ds = format.getDataset();
    ds->putAndInsertString(DCM_PatientBirthDate, "19600214");
    ds->putAndInsertString(DCM_PatientAge, "066Y");
    ds->putAndInsertString(DCM_AccessionNumber, "ACC123");
    ds->putAndInsertString(DCM_InstitutionName, "General Hospital");
    ds->putAndInsertString(DCM_ReferringPhysicianName, "HOUSE^GREGORY");
    ds->putAndInsertString(DCM_OperatorsName, "TECH^TOM");
    ds->putAndInsertString(DCM_StationName, "CT01");
    ds->putAndInsertString(DCM_DeviceSerialNumber, "SN-99");
    ds->putAndInsertString(DCM_AcquisitionDate, "20260101");
    ds->putAndInsertString(DCM_ImageComments, "Jane came in on Tuesday");
    ds->putAndInsertString(DcmTag(0x0029, 0x0010, EVR_LO), "ACME PRIVATE");
    ds->putAndInsertString(DcmTag(0x0029, 0x1001, EVR_LO), "jane.doe@example.org");
    DcmItem* item = nullptr;
    ds->findOrCreateSequenceItem(DCM_ReferencedImageSequence, item, -2);
    item->putAndInsertString(DCM_ReferencedSOPClassUID, UID_CTImageStorage);
    item->putAndInsertString(DCM_ReferencedSOPInstanceUID,
                             fx.source.slices[0].sopInstanceUid.c_str());
    item->putAndInsertString(DCM_PerformingPhysicianName, "GREY^MEREDITH");
    ASSERT_TRUE(format.saveFile(slice.file.c_str(), EXS_LittleEndianExplicit).good());
  }
  imaging::DeidentificationOptions options;
  options.key = "test key";
  const imaging::Deidentifier deidentifier(options);
  auto report = deidentifier.deidentifyTree(fx.dir / "ct", fx.dir / "anon");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report.value().files, 16u);
  EXPECT_TRUE(report.value().unreadable.empty());

  std::set<std::string> studies, frames, seriesUids;
  for (const auto& file : report.value().written) {
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(file.c_str()).good());
    DcmDataset* ds = format.getDataset();
    for (const DcmTagKey& gone :
         {DCM_PatientAge, DCM_InstitutionName, DCM_OperatorsName, DCM_StationName,
          DCM_AcquisitionDate, DCM_ImageComments, DCM_StudyDescription, DCM_SeriesDescription,
          DCM_PerformingPhysicianName, DcmTagKey(0x0029, 0x1001), DcmTagKey(0x0029, 0x0010)}) {
      EXPECT_TRUE(allValues(ds, gone).empty()) << DcmTag(gone).getTagName();
    }
    for (const DcmTagKey& emptied : {DCM_PatientBirthDate, DCM_AccessionNumber,
                                     DCM_ReferringPhysicianName, DCM_StudyDate, DCM_PatientSex}) {
      EXPECT_TRUE(ds->tagExists(emptied)) << DcmTag(emptied).getTagName();  // type 2 stays
      EXPECT_EQ(stringOf(ds, emptied), "") << DcmTag(emptied).getTagName();
    }
    EXPECT_EQ(stringOf(ds, DCM_PatientName), "ANONYMOUS^");
    EXPECT_EQ(stringOf(ds, DCM_PatientID), deidentifier.pseudonymousPatientId("MRN-0042"));
    EXPECT_EQ(stringOf(ds, DCM_DeviceSerialNumber), "ANONYMIZED");
    EXPECT_EQ(stringOf(ds, DCM_PatientIdentityRemoved), "YES");
    EXPECT_EQ(allValues(ds, DCM_CodeValue).front(), "113100");
    // Every UID but the SOP classes is replaced, consistently.
    EXPECT_EQ(stringOf(ds, DCM_SOPClassUID), UID_CTImageStorage);
    EXPECT_EQ(
        allValues(ds, DCM_ReferencedSOPInstanceUID),
        std::vector<std::string>{deidentifier.replacementUid(fx.source.slices[0].sopInstanceUid)});
    EXPECT_EQ(stringOf(format.getMetaInfo(), DCM_MediaStorageSOPInstanceUID),
              stringOf(ds, DCM_SOPInstanceUID));
    studies.insert(stringOf(ds, DCM_StudyInstanceUID));
    seriesUids.insert(stringOf(ds, DCM_SeriesInstanceUID));
    frames.insert(stringOf(ds, DCM_FrameOfReferenceUID));
  }
  EXPECT_EQ(studies, std::set<std::string>{deidentifier.replacementUid(fx.source.studyUid)});
  EXPECT_EQ(seriesUids, std::set<std::string>{deidentifier.replacementUid(fx.source.seriesUid)});
  EXPECT_EQ(frames,
            std::set<std::string>{deidentifier.replacementUid(fx.source.frameOfReferenceUid)});

  // The de-identified series still loads as the same volume.
  auto original = imaging::CtVolumeLoader().load(
      imaging::DicomScanner().scan(fx.dir / "ct").value().series.front());
  auto scan = imaging::DicomScanner().scan(fx.dir / "anon");
  ASSERT_TRUE(scan.ok() && scan.value().series.size() == 1);
  auto anon = imaging::CtVolumeLoader().load(scan.value().series.front());
  ASSERT_TRUE(original.ok() && anon.ok());
  const auto& a = original.value().volume;
  const auto& b = anon.value().volume;
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.geometry().origin, b.geometry().origin);
  EXPECT_EQ(a.geometry().spacing, b.geometry().spacing);
  EXPECT_TRUE(std::equal(a.data(), a.data() + a.voxelCount(), b.data()));
}

TEST(Deidentifier, OptionsKeepDatesAndPatientCharacteristics) {
  SourceFixture fx;
  imaging::DeidentificationOptions options;
  options.retainDates = true;
  options.retainPatientCharacteristics = true;
  const imaging::Deidentifier deidentifier(options);
  const auto out = fx.dir / "anon.dcm";
  ASSERT_TRUE(deidentifier.deidentifyFile(fx.source.slices[0].file, out).ok());
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(out.c_str()).good());
  DcmDataset* ds = format.getDataset();
  EXPECT_EQ(stringOf(ds, DCM_StudyDate), "20260101");
  EXPECT_EQ(stringOf(ds, DCM_PatientSex), "O");
  EXPECT_EQ(stringOf(ds, DCM_PatientName), "ANONYMOUS^");
  EXPECT_EQ(stringOf(ds, DCM_LongitudinalTemporalInformationModified), "UNMODIFIED");
  const auto codes = allValues(ds, DCM_CodeValue);
  EXPECT_EQ(codes, (std::vector<std::string>{"113100", "113104", "113106", "113108"}));
}

TEST(Deidentifier, AFreeTextCleanerRewritesTextValuesInSequencesToo) {
  SourceFixture fx;
  {
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(fx.source.slices[0].file.c_str()).good());
    DcmDataset* ds = format.getDataset();
    DcmItem* item = nullptr;
    ds->findOrCreateSequenceItem(DCM_ContentSequence, item, -2);
    item->putAndInsertString(DCM_ValueType, "TEXT");
    item->putAndInsertString(DCM_TextValue, "reader dave saw Jane's nodule");
    ds->putAndInsertString(DCM_PatientComments, "ask dave");  // the profile removes it
    ASSERT_TRUE(format.saveFile(fx.source.slices[0].file.c_str(), EXS_LittleEndianExplicit).good());
  }
  imaging::DeidentificationOptions options;
  options.cleanFreeText = [](const std::string& text) {
    std::string out = text;
    for (const std::string name : {"dave", "Jane"})
      for (auto at = out.find(name); at != std::string::npos; at = out.find(name))
        out.replace(at, name.size(), "[removed]");
    return out;
  };
  const auto out = fx.dir / "cleaned.dcm";
  imaging::DeidentificationReport report;
  ASSERT_TRUE(
      imaging::Deidentifier(options).deidentifyFile(fx.source.slices[0].file, out, &report).ok());
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(out.c_str()).good());
  EXPECT_EQ(allValues(format.getDataset(), DCM_TextValue),
            std::vector<std::string>{"reader [removed] saw [removed]'s nodule"});
  EXPECT_TRUE(allValues(format.getDataset(), DCM_PatientComments).empty());
}

TEST(Deidentifier, TheSameKeyGivesTheSameUidsAndAnotherKeyOthers) {
  imaging::DeidentificationOptions a, b;
  a.key = "k1";
  b.key = "k2";
  const std::string uid = "1.2.826.0.1.3680043.2.1125.1";
  EXPECT_EQ(imaging::Deidentifier(a).replacementUid(uid),
            imaging::Deidentifier(a).replacementUid(uid));
  EXPECT_NE(imaging::Deidentifier(a).replacementUid(uid),
            imaging::Deidentifier(b).replacementUid(uid));
  EXPECT_NE(imaging::Deidentifier({}).replacementUid(uid),
            imaging::Deidentifier({}).replacementUid(uid));  // fresh random keys
  const std::string replaced = imaging::Deidentifier(a).replacementUid(uid);
  EXPECT_EQ(replaced.rfind("2.25.", 0), 0u);
  EXPECT_LE(replaced.size(), 64u);
}

TEST(FundusReport, HasAModelAndAReaderGroupPerPhotograph) {
  SourceFixture fx;  // any images will do as the photographs referred to
  imaging::SourceSeries photographs = fx.source;
  photographs.slices.resize(2);
  imaging::FundusReport report;
  report.producer = producer();
  report.exportingReader = "dr.eye";
  imaging::FundusImageAssessment first;
  first.image = photographs.slices[0];
  first.model = imaging::FundusModelAssessment{3, 0.91, true, 0.8};
  core::FundusGrade grade;
  grade.reader = "dr.eye";
  grade.grade = 1;
  grade.gradable = true;
  grade.note = "a few microaneurysms only";
  first.reader = grade;
  imaging::FundusImageAssessment second;
  second.image = photographs.slices[1];
  second.model = imaging::FundusModelAssessment{0, 0.02, false, 0.1};
  report.images = {first, second};
  const auto file = fx.dir / "fundus-sr.dcm";
  auto uid = imaging::writeFundusReport(photographs, report, file);
  ASSERT_TRUE(uid.ok()) << uid.error().message;

  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  DSRDocument doc;
  ASSERT_TRUE(doc.read(*format.getDataset()).good());
  DSRDocumentTree& tree = doc.getTree();
  ASSERT_GT(tree.gotoRoot(), 0u);
  std::size_t groups = 0;
  std::vector<std::string> grades, referable, gradable, sources;
  do {
    DSRContentItem& item = tree.getCurrentContentItem();
    const std::string concept = item.getConceptName().getCodeValue().c_str();
    const std::string value = item.getCodeValue().getCodeValue().c_str();
    if (concept == "125007") ++groups;
    if (concept == "icdr-grade") grades.push_back(value);
    if (concept == "referable-dr") referable.push_back(value);
    if (concept == "gradable") gradable.push_back(value);
    if (concept == "121112")
      sources.push_back(item.getImageReference().getSOPInstanceUID().c_str());
  } while (tree.iterate());
  EXPECT_EQ(groups, 3u);  // model + reader for the first, model only for the second
  EXPECT_EQ(grades, (std::vector<std::string>{"icdr-3", "icdr-1", "icdr-0"}));
  const std::string yes = "373066001", no = "373067005";
  EXPECT_EQ(referable, (std::vector<std::string>{yes, no, no}));
  EXPECT_EQ(gradable, (std::vector<std::string>{yes, yes, no}));
  EXPECT_EQ(sources, (std::vector<std::string>{photographs.slices[0].sopInstanceUid,
                                               photographs.slices[0].sopInstanceUid,
                                               photographs.slices[1].sopInstanceUid}));

  // Read back as a reference: the reader's grade, not the model's answers.
  auto read = imaging::readFundusGradeReport(file);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read.value().grades.size(), 1u);
  EXPECT_EQ(read.value().grades[0].imageUid, photographs.slices[0].sopInstanceUid);
  EXPECT_EQ(read.value().grades[0].grade, 1);
  EXPECT_TRUE(read.value().grades[0].gradable);
  EXPECT_EQ(read.value().grades[0].observer, "dr.eye");
  EXPECT_EQ(read.value().otherGroups, 2u);  // the model's two
  // A nodule report holds no grade; the DR report no nodule.
  auto nodules = imaging::readNoduleReport(file);
  ASSERT_TRUE(nodules.ok());
  EXPECT_TRUE(nodules.value().nodules.empty());
}

TEST(FundusReport, RefersToEachPhotographInItsOwnSeries) {
  SourceFixture fx;  // two of its images stand for a study's photographs in two series
  imaging::SourceSeries study = fx.source;
  study.slices.resize(2);
  study.slices[1].seriesUid = "1.2.826.0.1.3680043.10.9999.2";
  imaging::FundusReport report;
  report.producer = producer();
  for (const auto& image : study.slices) {
    imaging::FundusImageAssessment assessment;
    assessment.image = image;
    assessment.model = imaging::FundusModelAssessment{1, 0.2, true, 0.9};
    report.images.push_back(assessment);
  }
  const auto file = fx.dir / "study-fundus-sr.dcm";
  auto uid = imaging::writeFundusReport(study, report, file);
  ASSERT_TRUE(uid.ok()) << uid.error().message;

  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  DSRDocument doc;
  ASSERT_TRUE(doc.read(*format.getDataset()).good());
  auto& evidence = doc.getCurrentRequestedProcedureEvidence();
  OFString series;
  ASSERT_TRUE(
      evidence.gotoItem(study.slices[0].sopClassUid.c_str(), study.slices[0].sopInstanceUid.c_str())
          .good());
  EXPECT_EQ(evidence.getSeriesInstanceUID(series), OFString(study.seriesUid.c_str()));
  ASSERT_TRUE(
      evidence.gotoItem(study.slices[1].sopClassUid.c_str(), study.slices[1].sopInstanceUid.c_str())
          .good());
  EXPECT_EQ(evidence.getSeriesInstanceUID(series), OFString("1.2.826.0.1.3680043.10.9999.2"));
}

namespace {

/// One reader's grade container of a DR screening report, as read back.
struct ReadGrade {
  std::string observer, role, grade, referable, isFinal, note, observedAt, source;
  bool operator==(const ReadGrade& o) const {
    return std::tie(observer, role, grade, referable, isFinal, note, observedAt, source) ==
           std::tie(o.observer, o.role, o.grade, o.referable, o.isFinal, o.note, o.observedAt,
                    o.source);
  }
};

std::ostream& operator<<(std::ostream& out, const ReadGrade& g) {
  return out << g.observer << " " << g.role << " " << g.grade << " referable " << g.referable
             << " final " << g.isFinal << " '" << g.note << "' at " << g.observedAt << " of "
             << g.source;
}

/// The containers of `concept` (code value) in a report, each read as a
/// grade: its person observer and role, ICDR grade (and when it was given),
/// referable status, final flag, comment and photograph.
std::vector<ReadGrade> gradesIn(const std::filesystem::path& file, const std::string& concept) {
  DcmFileFormat format;
  EXPECT_TRUE(format.loadFile(file.c_str()).good());
  DSRDocument doc;
  EXPECT_TRUE(doc.read(*format.getDataset()).good());
  DSRDocumentTree& tree = doc.getTree();
  std::vector<ReadGrade> grades;
  if (tree.gotoRoot() == 0) return grades;
  std::size_t level = 0;  // of the container being read; 0 when none
  do {
    DSRContentItem& item = tree.getCurrentContentItem();
    if (level && tree.getLevel() <= level) level = 0;
    const DSRCodedEntryValue& name = item.getConceptName();
    const std::string code = name.getCodeValue().c_str();
    if (item.getValueType() == DSRTypes::VT_Container && code == concept) {
      grades.emplace_back();
      level = tree.getLevel();
      continue;
    }
    if (!level) continue;
    ReadGrade& g = grades.back();
    const std::string value = item.getCodeValue().getCodeValue().c_str();
    if (code == "121008") g.observer = item.getStringValue().c_str();
    if (code == "121011") {
      EXPECT_EQ(name.getCodingSchemeDesignator(), "DCM");
      EXPECT_EQ(item.getCodeValue().getCodingSchemeDesignator(), "99VIGIE");
      g.role = value;
    }
    if (code == "icdr-grade") {
      g.grade = value;
      g.observedAt = item.getObservationDateTime().c_str();
    }
    if (code == "referable-dr") g.referable = value;
    if (code == "final-grade") g.isFinal = value;
    if (code == "121106") g.note = item.getStringValue().c_str();
    if (code == "121112") g.source = item.getImageReference().getSOPInstanceUID().c_str();
  } while (tree.iterate());
  return grades;
}

core::FundusGrade gradeBy(const std::string& reader, int icdr, const std::string& recordedAt,
                          const std::string& note = "") {
  core::FundusGrade g;
  g.reader = reader;
  g.grade = icdr;
  g.recordedAt = recordedAt;
  g.note = note;
  return g;
}

/// A photograph double read: a primary and a second grader who disagree on
/// referral, and the arbiter whose grade is final.
imaging::FundusImageAssessment arbitratedPhotograph(const imaging::SourceSlice& image) {
  imaging::FundusImageAssessment a;
  a.image = image;
  a.model = imaging::FundusModelAssessment{2, 0.64, true, 0.9};
  const auto primary = gradeBy("dr.first", 1, "2026-03-01T09:30:00.250Z");
  const auto second = gradeBy("dr.second", 3, "2026-03-02T10:00:00Z", "IRMA in two quadrants");
  const auto arbiter = gradeBy("dr.arbiter", 2, "2026-03-03T11:15:00.000Z");
  a.readerGrades = {{primary, imaging::FundusReaderRole::PrimaryGrader, false},
                    {second, imaging::FundusReaderRole::SecondGrader, false},
                    {arbiter, imaging::FundusReaderRole::Arbiter, true}};
  a.reader = arbiter;
  return a;
}

}  // namespace

TEST(FundusReport, CarriesEveryReadersGradeWithTheirRoleAndTheFinalOne) {
  SourceFixture fx;
  imaging::SourceSeries photographs = fx.source;
  photographs.slices.resize(1);
  imaging::FundusReport report;
  report.producer = producer();
  report.exportingReader = "dr.arbiter";
  report.images = {arbitratedPhotograph(photographs.slices[0])};
  const auto file = fx.dir / "double-read-sr.dcm";
  auto uid = imaging::writeFundusReport(photographs, report, file);
  ASSERT_TRUE(uid.ok()) << uid.error().message;

  const std::string yes = "373066001", no = "373067005",
                    photo = photographs.slices[0].sopInstanceUid;
  // Each reader's grade in its own container, observer and role first.
  EXPECT_EQ(
      gradesIn(file, "reader-grade"),
      (std::vector<ReadGrade>{
          {"dr.first^", "primary-grader", "icdr-1", no, no, "", "20260301093000.250+0000", photo},
          {"dr.second^", "second-grader", "icdr-3", yes, no, "IRMA in two quadrants",
           "20260302100000+0000", photo},
          {"dr.arbiter^", "arbiter", "icdr-2", yes, yes, "", "20260303111500.000+0000", photo}}));
  // The final grade where it has always been: the person's measurement group,
  // now with the arbiter's role (the model's group has no person observer).
  std::vector<ReadGrade> groups = gradesIn(file, "125007");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1], (ReadGrade{"dr.arbiter^", "arbiter", "icdr-2", yes, "", "", "", photo}));
  // Vigie's own reader (review import-sr, reference grades) still finds one
  // grade per photograph, the final one.
  auto read = imaging::readFundusGradeReport(file);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read.value().grades.size(), 1u);
  EXPECT_EQ(read.value().grades[0].grade, 2);
  EXPECT_EQ(read.value().grades[0].observer, "dr.arbiter");
  EXPECT_EQ(read.value().otherGroups, 1u);  // the model's

  // De-identified (as export --deidentify and teach export do): the readers'
  // names and the times go, their roles, grades and the final flag stay.
  const auto deidentified = fx.dir / "double-read-sr-deid.dcm";
  ASSERT_TRUE(imaging::Deidentifier({}).deidentifyFile(file, deidentified).ok());
  const auto anonymous = gradesIn(deidentified, "reader-grade");
  ASSERT_EQ(anonymous.size(), 3u);
  for (const auto& g : anonymous) {
    EXPECT_EQ(g.observer, "ANONYMOUS^");
    EXPECT_EQ(g.observedAt, "19000101000000");
  }
  EXPECT_EQ(anonymous[1].role, "second-grader");
  EXPECT_EQ(anonymous[2].grade, "icdr-2");
  EXPECT_EQ(anonymous[2].isFinal, yes);
  std::ifstream bytes(deidentified, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(bytes)), {});
  for (const char* name : {"dr.first", "dr.second", "dr.arbiter"})
    EXPECT_EQ(content.find(name), std::string::npos) << name;
}

TEST(FundusReport, WithoutRolesOrOtherGradesHasNoReaderContainers) {
  SourceFixture fx;
  imaging::SourceSeries photographs = fx.source;
  photographs.slices.resize(1);
  imaging::FundusReport report;
  report.producer = producer();
  imaging::FundusImageAssessment a;
  a.image = photographs.slices[0];
  a.reader = gradeBy("dr.eye", 0, "2026-03-01T09:30:00Z");
  report.images = {a};
  const auto file = fx.dir / "single-sr.dcm";
  ASSERT_TRUE(imaging::writeFundusReport(photographs, report, file).ok());
  EXPECT_TRUE(gradesIn(file, "reader-grade").empty());
  const auto groups = gradesIn(file, "125007");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].observer, "dr.eye^");
  EXPECT_EQ(groups[0].role, "");  // no double reading, no role

  // One reader without a role: their container says who, and that the
  // grade is final only when the caller knows it.
  report.images[0].readerGrades = {{*a.reader, std::nullopt, true}};
  ASSERT_TRUE(imaging::writeFundusReport(photographs, report, file).ok());
  auto single = gradesIn(file, "reader-grade");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].observer, "dr.eye^");
  EXPECT_EQ(single[0].role, "");
  EXPECT_EQ(single[0].isFinal, "373066001");
  report.images[0].readerGrades[0].isFinal.reset();
  ASSERT_TRUE(imaging::writeFundusReport(photographs, report, file).ok());
  single = gradesIn(file, "reader-grade");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].grade, "icdr-0");
  EXPECT_EQ(single[0].isFinal, "");
}

TEST(FundusReport, RefusesTwoFinalGradesOrAFinalGradeNotInForce) {
  SourceFixture fx;
  imaging::SourceSeries photographs = fx.source;
  photographs.slices.resize(1);
  imaging::FundusReport report;
  report.producer = producer();
  report.images = {arbitratedPhotograph(photographs.slices[0])};
  const auto file = fx.dir / "refused-sr.dcm";

  report.images[0].readerGrades[0].isFinal = true;
  auto twice = imaging::writeFundusReport(photographs, report, file);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, core::ErrorCode::InvalidArgument);
  EXPECT_NE(twice.error().message.find(file.string()), std::string::npos);
  EXPECT_NE(twice.error().message.find("two final grades, dr.first's and dr.arbiter's"),
            std::string::npos)
      << twice.error().message;

  report.images[0].readerGrades[0].isFinal = false;
  report.images[0].reader->grade = 3;  // not the arbiter's 2
  auto mismatch = imaging::writeFundusReport(photographs, report, file);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("marked final but is not the grade in force"),
            std::string::npos)
      << mismatch.error().message;

  report.images[0].reader->grade = 2;
  report.images[0].readerGrades[1].grade.recordedAt = "yesterday";
  auto when = imaging::writeFundusReport(photographs, report, file);
  ASSERT_FALSE(when.ok());
  EXPECT_NE(when.error().message.find("dr.second's grade was recorded at 'yesterday'"),
            std::string::npos)
      << when.error().message;
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(ProbabilitySegmentation, RefusesAHeatmapWithNothingInIt) {
  SourceFixture fx;
  core::FloatVolume empty(fx.geometry, 0.0f);
  auto seg =
      imaging::writeProbabilitySegmentation(fx.source, empty, producer(), fx.dir / "empty.dcm");
  ASSERT_FALSE(seg.ok());
  EXPECT_NE(seg.error().message.find("below 1/255 everywhere"), std::string::npos);
}
