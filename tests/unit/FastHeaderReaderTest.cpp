// The scanner's fast header reader against DCMTK, on every file both read.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "../../imaging/src/dicom/FastHeaderReader.h"
#include "TestFolder.h"
#include "vigie/imaging/dicom/CtSeriesWriter.h"
#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::imaging {
namespace {

/// The header DCMTK reads (the fast path switched off), if the file is an image.
std::optional<DicomImageHeader> readWithDcmtk(const std::filesystem::path& file) {
  internal::setFastHeaderReading(false);
  auto scan = DicomScanner().scan(file);
  internal::setFastHeaderReading(true);
  if (!scan.ok() || scan.value().series.size() != 1 || scan.value().series[0].images.size() != 1)
    return std::nullopt;
  return scan.value().series[0].images[0];
}

void expectSameHeader(const DicomImageHeader& fast, const DicomImageHeader& dcmtk) {
  EXPECT_EQ(fast.sopClassUid, dcmtk.sopClassUid);
  EXPECT_EQ(fast.sopInstanceUid, dcmtk.sopInstanceUid);
  EXPECT_EQ(fast.studyInstanceUid, dcmtk.studyInstanceUid);
  EXPECT_EQ(fast.seriesInstanceUid, dcmtk.seriesInstanceUid);
  EXPECT_EQ(fast.frameOfReferenceUid, dcmtk.frameOfReferenceUid);
  EXPECT_EQ(fast.modality, dcmtk.modality);
  EXPECT_EQ(fast.seriesDescription, dcmtk.seriesDescription);
  EXPECT_EQ(fast.transferSyntaxUid, dcmtk.transferSyntaxUid);
  EXPECT_EQ(fast.patientName, dcmtk.patientName);
  EXPECT_EQ(fast.patientId, dcmtk.patientId);
  EXPECT_EQ(fast.studyDate, dcmtk.studyDate);
  EXPECT_EQ(fast.instanceNumber, dcmtk.instanceNumber);
  EXPECT_EQ(fast.rows, dcmtk.rows);
  EXPECT_EQ(fast.columns, dcmtk.columns);
  EXPECT_EQ(fast.frames, dcmtk.frames);
  EXPECT_EQ(fast.hasPosition, dcmtk.hasPosition);
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_DOUBLE_EQ(fast.imagePosition[axis], dcmtk.imagePosition[axis]);
    EXPECT_DOUBLE_EQ(fast.rowDirection[axis], dcmtk.rowDirection[axis]);
    EXPECT_DOUBLE_EQ(fast.columnDirection[axis], dcmtk.columnDirection[axis]);
  }
  EXPECT_DOUBLE_EQ(fast.rowSpacing, dcmtk.rowSpacing);
  EXPECT_DOUBLE_EQ(fast.columnSpacing, dcmtk.columnSpacing);
  EXPECT_EQ(fast.samplesPerPixel, dcmtk.samplesPerPixel);
  EXPECT_EQ(fast.bitsAllocated, dcmtk.bitsAllocated);
  EXPECT_EQ(fast.bitsStored, dcmtk.bitsStored);
  EXPECT_EQ(fast.pixelRepresentation, dcmtk.pixelRepresentation);
  EXPECT_DOUBLE_EQ(fast.rescaleSlope, dcmtk.rescaleSlope);
  EXPECT_DOUBLE_EQ(fast.rescaleIntercept, dcmtk.rescaleIntercept);
  // The fast reader declines a file with a malformed pixel attribute, for
  // DCMTK to name it: where it answers, DCMTK must find nothing wrong either.
  EXPECT_EQ(fast.pixelProblem, dcmtk.pixelProblem);
}

TEST(FastHeaderReader, ReadsVigiesOwnSlicesExactlyAsDcmtkDoes) {
  test::TestFolder dir("fast-header");
  core::VolumeGeometry g;
  g.size = {16, 12, 3};
  g.spacing = {0.68, 0.71, 1.25};
  g.origin = {-101.5, 12.25, -300.0};
  auto files = CtSeriesWriter().write(core::CtVolume(g, -1000), dir.path());
  ASSERT_TRUE(files.ok());
  for (const auto& file : files.value()) {
    auto fast = internal::readHeaderFast(file);
    auto dcmtk = readWithDcmtk(file);
    ASSERT_TRUE(fast && dcmtk) << file;
    expectSameHeader(*fast, *dcmtk);
  }
}

TEST(FastHeaderReader, AgreesWithDcmtkOnEveryPydicomTestFileItReads) {
  // Debian's python3-pydicom test files: many vendors and transfer syntaxes,
  // some malformed on purpose. The fast reader may decline any of them
  // (DCMTK then reads it); where it answers, it must answer as DCMTK does.
  const std::filesystem::path files = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
  if (!std::filesystem::is_directory(files))
    GTEST_SKIP() << "python3-pydicom's test files are not installed";
  int answered = 0, declined = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(files)) {
    if (!entry.is_regular_file()) continue;
    auto fast = internal::readHeaderFast(entry.path());
    if (!fast) {
      ++declined;
      continue;
    }
    auto dcmtk = readWithDcmtk(entry.path());
    ASSERT_TRUE(dcmtk) << entry.path() << ": read fast, but DCMTK finds no image";
    SCOPED_TRACE(entry.path().string());
    expectSameHeader(*fast, *dcmtk);
    ++answered;
  }
  EXPECT_GT(answered, 30) << declined << " declined";
}

}  // namespace
}  // namespace vigie::imaging
