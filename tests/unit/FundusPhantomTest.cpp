// The synthetic fundus photographs: grades follow the lesions drawn, defects make images
// ungradable.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "TestFolder.h"
#include "vigie/imaging/fundus/ImageFile.h"
#include "vigie/imaging/synthetic/FundusPhantom.h"
#include "vigie/imaging/synthetic/SyntheticStudyWriter.h"

using namespace vigie;
using imaging::FundusLesion;
using imaging::FundusPhantom;

namespace {

FundusPhantom paint(int grade, std::uint64_t seed,
                    imaging::FundusQuality quality = imaging::FundusQuality::Good) {
  imaging::FundusPhantomOptions o;
  o.sizePx = 384;
  o.grade = grade;
  o.seed = seed;
  o.quality = quality;
  auto result = imaging::FundusPhantomGenerator(o).generate();
  EXPECT_TRUE(result.ok());
  return result.value();
}

int count(const FundusPhantom& p, FundusLesion lesion) {
  return p.lesionCounts[static_cast<int>(lesion)];
}

std::size_t maskPixels(const FundusPhantom& p, FundusLesion lesion) {
  return std::count(p.lesionMask.pixels.begin(), p.lesionMask.pixels.end(),
                    static_cast<std::uint8_t>(lesion));
}

/// Mean absolute difference between horizontal neighbours of the green channel: a sharpness
/// measure.
double sharpness(const core::Image2D& rgb) {
  double sum = 0;
  for (int y = 0; y < rgb.height; ++y)
    for (int x = 1; x < rgb.width; ++x)
      sum += std::abs(rgb.pixel(x, y)[1] - rgb.pixel(x - 1, y)[1]);
  return sum / (rgb.width * rgb.height);
}

double meanBrightness(const core::Image2D& rgb) {
  double sum = 0;
  for (auto v : rgb.pixels) sum += v;
  return sum / rgb.pixels.size();
}

std::string fileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(FundusPhantom, GradesFollowTheIcdrLesionDefinitions) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const FundusPhantom g0 = paint(0, seed), g1 = paint(1, seed), g2 = paint(2, seed),
                        g3 = paint(3, seed), g4 = paint(4, seed);
    // No apparent retinopathy: nothing at all.
    for (int c = 1; c < imaging::kFundusLesionClasses; ++c) EXPECT_EQ(g0.lesionCounts[c], 0);
    // Mild: microaneurysms only.
    EXPECT_GE(count(g1, FundusLesion::Microaneurysm), 1);
    EXPECT_EQ(count(g1, FundusLesion::Haemorrhage) + count(g1, FundusLesion::HardExudate) +
                  count(g1, FundusLesion::CottonWoolSpot) +
                  count(g1, FundusLesion::Neovascularization),
              0);
    // Moderate: more than microaneurysms, fewer than 20 haemorrhages, no new vessels.
    EXPECT_GE(count(g2, FundusLesion::Haemorrhage) + count(g2, FundusLesion::HardExudate), 1);
    EXPECT_LT(count(g2, FundusLesion::Haemorrhage), 20);
    EXPECT_EQ(count(g2, FundusLesion::Neovascularization), 0);
    // Severe: over 20 haemorrhages (spread over the four quadrants), no new vessels.
    EXPECT_GT(count(g3, FundusLesion::Haemorrhage), 20);
    EXPECT_EQ(count(g3, FundusLesion::Neovascularization), 0);
    // Proliferative: new vessels.
    EXPECT_GE(count(g4, FundusLesion::Neovascularization), 1);
    EXPECT_FALSE(g1.referable());
    EXPECT_TRUE(g2.referable());
    EXPECT_TRUE(g4.referable());
  }
}

TEST(FundusPhantom, LesionMaskMarksEveryKindOfLesionDrawn) {
  const FundusPhantom p = paint(4, 9);
  ASSERT_EQ(p.lesionMask.width, 384);
  for (int c = 1; c < imaging::kFundusLesionClasses; ++c) {
    const auto lesion = static_cast<FundusLesion>(c);
    if (p.lesionCounts[c] > 0) {
      EXPECT_GT(maskPixels(p, lesion), 0u) << imaging::toString(lesion);
    }
  }
  EXPECT_EQ(maskPixels(paint(0, 9), FundusLesion::Haemorrhage), 0u);
}

TEST(FundusPhantom, HasACircularFieldOfViewWithBlackCorners) {
  const FundusPhantom p = paint(0, 2);
  EXPECT_LT(p.image.pixel(2, 2)[0], 5);
  EXPECT_LT(p.image.pixel(381, 381)[0], 5);
  EXPECT_GT(p.image.pixel(192, 192)[0], 60);  // the red retina at the centre
}

TEST(FundusPhantom, UngradableImagesAreBlurredOrDark) {
  const FundusPhantom good = paint(2, 5);
  const FundusPhantom blurred = paint(2, 5, imaging::FundusQuality::Blurred);
  const FundusPhantom dark = paint(2, 5, imaging::FundusQuality::Underexposed);
  EXPECT_TRUE(good.gradable());
  EXPECT_FALSE(blurred.gradable());
  EXPECT_FALSE(dark.gradable());
  EXPECT_LT(sharpness(blurred.image), 0.6 * sharpness(good.image));
  EXPECT_LT(meanBrightness(dark.image), 0.3 * meanBrightness(good.image));
}

TEST(FundusSet, WritesPngJpegDicomMasksAndTruthReproducibly) {
  test::TestFolder a("fundus-a"), b("fundus-b");
  imaging::FundusSetOptions o;
  o.count = 6;
  o.sizePx = 256;
  o.seed = 31;
  auto written = imaging::writeSyntheticFundusSet(o, a.path());
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_TRUE(imaging::writeSyntheticFundusSet(o, b.path()).ok());

  std::ifstream in(a / "truth.json");
  const auto truth = nlohmann::json::parse(in);
  ASSERT_EQ(truth["images"].size(), 6u);
  for (int grade = 0; grade <= 4; ++grade) EXPECT_EQ(truth["images"][grade]["grade"], grade);
  for (const auto& image : truth["images"]) {
    EXPECT_EQ(image["referable"], image["grade"].get<int>() >= 2);
    for (const char* key : {"file", "jpeg", "dicom", "lesion_mask"}) {
      const auto path = a / image[key].get<std::string>();
      ASSERT_TRUE(std::filesystem::exists(path)) << path;
      EXPECT_EQ(fileBytes(path), fileBytes(b / image[key].get<std::string>())) << path;
    }
    auto png = imaging::readImageFile(a / image["file"].get<std::string>());
    ASSERT_TRUE(png.ok());
    EXPECT_EQ(png.value().width, 256);
  }
}

TEST(ImageFile, ReportsAFileThatIsNotAnImage) {
  test::TestFolder dir("not-image");
  std::ofstream(dir / "broken.png") << "this is not a PNG";
  auto image = imaging::readImageFile(dir / "broken.png");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("broken.png"), std::string::npos);
  EXPECT_EQ(imaging::readImageFile(dir / "missing.png").error().code, core::ErrorCode::NotFound);
}
