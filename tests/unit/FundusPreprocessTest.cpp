// Fundus preprocessing: field of view, preparation for the network, and the
// heatmap back on the photograph.
#include <gtest/gtest.h>

#include <cmath>

#include "TestFolder.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/preprocess/FundusPreprocess.h"
#include "vigie/imaging/synthetic/SyntheticStudyWriter.h"

using namespace vigie;

namespace {

/// A black 300x200 image with a bright disc of radius 80 centred at (170, 100).
core::Image2D discPhoto() {
  core::Image2D rgb(300, 200, 3, 0);
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 300; ++x)
      if (std::hypot(x - 170, y - 100) <= 80) {
        auto* p = rgb.pixel(x, y);
        p[0] = 200;
        p[1] = 100;
        p[2] = 50;
      }
  rgb.pixel(5, 5)[0] = 255;  // a speck in the dark border must not count
  return rgb;
}

}  // namespace

TEST(FundusPreprocess, FindsTheCircularFieldOfView) {
  const auto fov = imaging::findFieldOfView(discPhoto());
  EXPECT_NEAR(fov.side, 161, 2);
  EXPECT_NEAR(fov.x + fov.side / 2.0, 170, 2);
  EXPECT_NEAR(fov.y + fov.side / 2.0, 100, 2);
}

TEST(FundusPreprocess, PreparesNormalizedChannelsOfTheCroppedDisc) {
  imaging::FundusInputSpec spec;
  spec.width = spec.height = 32;
  spec.mean = {0.5, 0.25, 0.1};
  spec.sd = {0.25, 0.5, 1.0};
  auto prepared = imaging::preparePhotograph(discPhoto(), spec);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  ASSERT_EQ(prepared.value().pixels.size(), 3u * 32 * 32);
  const auto at = [&](int c, int x, int y) {
    return prepared.value().pixels[c * 1024 + y * 32 + x];
  };
  // The centre is the disc's colour, normalised; a corner is black outside it.
  EXPECT_NEAR(at(0, 16, 16), (200 / 255.0 - 0.5) / 0.25, 1e-4);
  EXPECT_NEAR(at(1, 16, 16), (100 / 255.0 - 0.25) / 0.5, 1e-4);
  EXPECT_NEAR(at(2, 16, 16), (50 / 255.0 - 0.1) / 1.0, 1e-4);
  EXPECT_NEAR(at(0, 0, 0), (0.0 - 0.5) / 0.25, 1e-4);
  auto gray = imaging::preparePhotograph(core::Image2D(10, 10, 1), spec);
  EXPECT_FALSE(gray.ok());
}

TEST(FundusPreprocess, LaysTheHeatmapBackOverTheFieldOfViewAndFindsLesions) {
  const auto photo = discPhoto();
  const auto fov = imaging::findFieldOfView(photo);
  std::vector<float> heatmap(16 * 16, 0.0f);
  for (int y = 6; y < 10; ++y)
    for (int x = 6; x < 10; ++x) heatmap[y * 16 + x] = 0.9f;  // a blob at the centre
  const auto onPhoto = imaging::heatmapOnPhotograph(heatmap, 16, 16, fov, 300, 200);
  ASSERT_EQ(onPhoto.width, 300);
  ASSERT_EQ(onPhoto.channels, 1);
  EXPECT_GT(onPhoto.pixel(170, 100)[0], 200);
  EXPECT_EQ(onPhoto.pixel(20, 100)[0], 0);  // outside the field of view
  const auto lesions = imaging::findLesionRegions(onPhoto, 0.5);
  ASSERT_EQ(lesions.size(), 1u);
  EXPECT_NEAR(lesions[0].centerX, 170, 3);
  EXPECT_NEAR(lesions[0].centerY, 100, 3);
  EXPECT_NEAR(lesions[0].maxProbability, 0.9, 0.01);
}

TEST(Photograph, ReadsTheSameSyntheticPhotographFromPngAndDicom) {
  test::TestFolder dir("photographs");
  imaging::FundusSetOptions options;
  options.count = 1;
  options.sizePx = 128;
  options.seed = 7;
  auto written = imaging::writeSyntheticFundusSet(options, dir.path());
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto png = imaging::readPhotograph(dir / "fundus_000.png");
  auto dicom = imaging::readPhotograph(dir / "fundus_000.dcm");
  ASSERT_TRUE(png.ok()) << png.error().message;
  ASSERT_TRUE(dicom.ok()) << dicom.error().message;
  EXPECT_EQ(png.value().width, dicom.value().width);
  EXPECT_EQ(png.value().pixels, dicom.value().pixels);  // both lossless: the same RGB
  const auto listed = imaging::listPhotographs(dir.path());
  for (const auto& f : listed) EXPECT_EQ(f.string().find("_lesions"), std::string::npos);
  EXPECT_EQ(listed.size(), 3u);  // .dcm, .jpg, .png
  auto missing = imaging::readPhotograph(dir / "nothing.png");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nothing.png"), std::string::npos);
}
