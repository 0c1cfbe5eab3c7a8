// The real-set reference: labels CSVs and the lesion heatmap checked against
// expert masks, on small images whose answers are worked out by hand.
#include <gtest/gtest.h>

#include <fstream>

#include "DrLabels.h"
#include "LesionMapEvaluation.h"
#include "TestFolder.h"

using namespace vigie;
using namespace vigie::app;

namespace {

void touch(const std::filesystem::path& file) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "x";
}

void writeText(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

/// A 20x20 RGB photograph: field of view everywhere except the first column.
core::Image2D photograph() {
  core::Image2D photo(20, 20, 3, 120);
  for (int y = 0; y < 20; ++y)
    photo.pixel(0, y)[0] = photo.pixel(0, y)[1] = photo.pixel(0, y)[2] = 0;
  return photo;
}

/// A grey mask with the given filled squares (x, y, side).
core::Image2D maskWith(const std::vector<std::array<int, 3>>& squares) {
  core::Image2D mask(20, 20, 1, 3);  // "black" of a lossy JPEG
  for (const auto& [x0, y0, side] : squares)
    for (int y = y0; y < y0 + side; ++y)
      for (int x = x0; x < x0 + side; ++x) *mask.pixel(x, y) = 250;
  return mask;
}

}  // namespace

TEST(DrLabels, ReadsReferableOrGradeColumnsAndMasks) {
  test::TestFolder dir("dr-labels");
  touch(dir / "images/a.jpg");
  touch(dir / "images/b.jpg");
  touch(dir / "masks/a_ma.jpg");
  writeText(dir / "labels.csv",
            "file,referable,gradable,mask_ma,mask_he,extra\n"
            "images/a.jpg,1,1,masks/a_ma.jpg,,ignored\n"
            "\"images/b.jpg\",0,0,,,\n");
  auto labels = readDrLabels(dir / "labels.csv", dir.path());
  ASSERT_TRUE(labels.ok()) << labels.error().message;
  ASSERT_EQ(labels.value().size(), 2u);
  EXPECT_EQ(labels.value()[0].grade, 2);
  EXPECT_FALSE(labels.value()[0].gradeKnown);
  EXPECT_EQ(labels.value()[0].masks[0], dir / "masks/a_ma.jpg");
  EXPECT_TRUE(labels.value()[0].masks[1].empty());
  EXPECT_EQ(labels.value()[1].grade, 0);
  EXPECT_FALSE(labels.value()[1].gradable);

  writeText(dir / "graded.csv", "grade,file\n3,images/a.jpg\n");
  auto graded = readDrLabels(dir / "graded.csv", dir.path());
  ASSERT_TRUE(graded.ok()) << graded.error().message;
  EXPECT_EQ(graded.value()[0].grade, 3);
  EXPECT_TRUE(graded.value()[0].gradeKnown);
}

TEST(DrLabels, NamesTheFileLineAndProblem) {
  test::TestFolder dir("dr-labels-bad");
  touch(dir / "a.jpg");
  auto errorOf = [&](const std::string& text) {
    writeText(dir / "l.csv", text);
    auto labels = readDrLabels(dir / "l.csv", dir.path());
    EXPECT_FALSE(labels.ok());
    return labels.ok() ? std::string() : labels.error().message;
  };
  const std::string csv = (dir / "l.csv").string();
  EXPECT_EQ(errorOf("name,referable\na.jpg,1\n"), csv + ":1: no 'file' column");
  EXPECT_NE(errorOf("file,gradable\na.jpg,1\n").find(":1: needs a 'grade'"), std::string::npos);
  EXPECT_EQ(errorOf("file,grade\na.jpg,7\n"), csv + ":2: grade '7' is not an ICDR grade 0-4");
  EXPECT_EQ(errorOf("file,referable\na.jpg,yes\n"), csv + ":2: referable 'yes' is not 0 or 1");
  EXPECT_NE(errorOf("file,referable\na.jpg,1\nmissing.jpg,0\n").find(":3: "), std::string::npos);
  EXPECT_NE(errorOf("file,referable,mask_ex\na.jpg,1,nope.jpg\n").find("nope.jpg does not exist"),
            std::string::npos);
  EXPECT_NE(errorOf("file,referable\n").find("no photographs listed"), std::string::npos);
  auto missing = readDrLabels(dir / "absent.csv", dir.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("absent.csv: cannot read"), std::string::npos);
}

TEST(LesionMapEvaluation, PixelAucAndLesionSensitivityByHand) {
  // Two haemorrhages (3x3 at (2,2) and at (12,12)); the heatmap covers the
  // first exactly and misses the second.
  const core::Image2D photo = photograph();
  std::array<core::Image2D, kLesionKinds> masks;
  masks[static_cast<int>(LesionKind::Haemorrhage)] = maskWith({{2, 2, 3}, {12, 12, 3}});
  core::Image2D heatmap(20, 20, 1, 0);
  for (int y = 2; y < 5; ++y)
    for (int x = 2; x < 5; ++x) *heatmap.pixel(x, y) = 200;
  LesionMapEvaluation e(0.5);
  ASSERT_TRUE(e.add(heatmap, photo, masks, "p.jpg").ok());
  EXPECT_EQ(e.lesions(LesionKind::Haemorrhage), 2u);
  EXPECT_EQ(e.lesionsFound(LesionKind::Haemorrhage), 1u);
  EXPECT_DOUBLE_EQ(e.lesionSensitivity(LesionKind::Haemorrhage), 0.5);
  EXPECT_EQ(e.lesionPixels(LesionKind::Haemorrhage), 18u);
  // Half the lesion pixels beat every background pixel, half tie with them.
  EXPECT_DOUBLE_EQ(e.pixelAuc(LesionKind::Haemorrhage), 0.5 * 1.0 + 0.5 * 0.5);
  EXPECT_EQ(e.lesions(LesionKind::Microaneurysm), 0u);
  EXPECT_DOUBLE_EQ(e.pixelAuc(LesionKind::Microaneurysm), 0.0);

  // A healthy photograph whose heatmap lights up everywhere adds background
  // that outscores the missed lesion: the AUC drops.
  core::Image2D bright(20, 20, 1, 255);
  ASSERT_TRUE(e.add(bright, photo, {}, "healthy.jpg").ok());
  EXPECT_LT(e.pixelAuc(LesionKind::Haemorrhage), 0.75);
  EXPECT_EQ(e.photographs(), 2u);
}

TEST(LesionMapEvaluation, RefusesAMaskOfAnotherSizeNamingThePhotograph) {
  std::array<core::Image2D, kLesionKinds> masks;
  masks[0] = core::Image2D(10, 10, 1, 0);
  LesionMapEvaluation e;
  auto status = e.add(core::Image2D(20, 20, 1, 0), photograph(), masks, "IDRiD_01.jpg");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "IDRiD_01.jpg: the microaneurysm mask is 10x10, the photograph 20x20");
}
