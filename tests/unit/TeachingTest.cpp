// Teaching files: what their words lose (patient identifiers, staff names),
// what their page shows or withholds, and what Qt paints of them (key images
// with marks where the findings are, a PDF).
#include <gtest/gtest.h>

#include <QColor>
#include <QImage>
#include <QRect>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "TeachingPage.h"
#include "TeachingRendering.h"
#include "TeachingText.h"

namespace vigie::app {
namespace {

TEST(IdentifyingText, ScrubsNamesIdsAndDatesAsWholeWordsInAnyCase) {
  IdentifyingText identifying;
  identifying.addPatient("DUPONT^JEANNE MARIE", "H-4471");
  identifying.addDate("20240317");
  const std::string scrubbed = scrubText(
      "Mrs Dupont (jeanne, MRN h-4471) scanned 2024-03-17, again 17/03/2024; Dupontel is "
      "someone else.",
      identifying);
  EXPECT_EQ(scrubbed,
            "Mrs [removed] ([removed], MRN [removed]) scanned [removed], again [removed]; "
            "Dupontel is someone else.");
}

TEST(IdentifyingText, OnlyTheIdentifiersProperMustAppearNowhere) {
  IdentifyingText identifying;
  identifying.addPatient("PHANTOM^CHEST", "VIGIE-SYNTH");
  identifying.add("1.2.3.4.5");
  identifying.add("7");  // too short to mean anything: ignored
  // A part of the name can be an ordinary word ("Chest CT"): scrubbed from
  // free text, but not a reason to refuse a page that uses the word.
  EXPECT_EQ(firstIdentifier("Teaching file: Chest CT", identifying), "");
  EXPECT_EQ(firstIdentifier("patient vigie-synth", identifying), "VIGIE-SYNTH");
  EXPECT_EQ(firstIdentifier("study 1.2.3.4.5 here", identifying), "1.2.3.4.5");
  EXPECT_EQ(firstIdentifier("study 1.2.3.4.56", identifying), "");
  EXPECT_EQ(scrubText("Chest pain, case 7", identifying), "[removed] pain, case 7");
}

CaseReview sampleCtReview() {
  CaseReview review;
  review.record.caseUid = "1.2.840.99.1";
  review.record.kind = core::CaseKind::Ct;
  review.record.modality = "CT";
  review.record.patientName = "DUPONT^JEANNE";
  review.record.patientId = "H-4471";
  review.record.studyDate = "20240317";
  review.record.source = "/data/dupont";
  review.readers = {"dave", "erin"};
  review.hasReference = true;
  FindingReview finding;
  finding.findingId = 1;
  finding.score = 0.93;
  finding.centerMm = {10.0, 12.0, 4.0};
  finding.diameterMm = 8.0;
  finding.lesion = 1;
  finding.calls = {{"dave", "confirm", std::nullopt, 1, ""},
                   {"erin", "reject", std::nullopt, -1, "erin thinks it is a vessel <b>"}};
  finding.disputed = true;
  finding.comments = {
      {1, "1.2.840.99.1", 1, "dave was right, erin", "prof", "2026-01-02T10:00:00Z"}};
  review.findings = {finding};
  LesionReview lesion;
  lesion.lesion = 1;
  lesion.nodule = {{10.0, 12.0, 4.0}, 8.0, "solid"};
  lesion.foundByAi = true;
  lesion.foundBy = {"dave"};
  lesion.missedBy = {"erin"};
  review.lesions = {lesion};
  review.comments = {{2, "1.2.840.99.1", std::nullopt, "Jeanne's scan of 2024-03-17", "prof", ""}};
  return review;
}

TEST(TeachingView, PutsReadersAndTrainersUnderRolesAndForgetsThePatient) {
  IdentifyingText identifying;
  identifying.addPatient("DUPONT^JEANNE", "H-4471");
  identifying.addDate("20240317");
  const CaseReview view = teachingView(sampleCtReview(), identifying, "2.25.42");
  EXPECT_EQ(view.record.caseUid, "2.25.42");
  EXPECT_TRUE(view.record.patientName.empty());
  EXPECT_TRUE(view.record.patientId.empty());
  EXPECT_TRUE(view.record.studyDate.empty());
  EXPECT_TRUE(view.record.source.empty());
  EXPECT_EQ(view.readers, (std::vector<std::string>{"Reader A", "Reader B"}));
  EXPECT_EQ(view.findings[0].calls[1].reader, "Reader B");
  EXPECT_EQ(view.findings[0].calls[1].note, "Reader B thinks it is a vessel <b>");
  EXPECT_EQ(view.findings[0].comments[0].author, "Trainer A");
  EXPECT_EQ(view.findings[0].comments[0].text, "Reader A was right, Reader B");
  EXPECT_TRUE(view.findings[0].comments[0].recordedAt.empty());
  EXPECT_EQ(view.lesions[0].missedBy, (std::vector<std::string>{"Reader B"}));
  EXPECT_EQ(view.comments[0].text, "[removed]'s scan of [removed]");
}

TEST(TeachingPage, HasMircSectionsAndEscapesWhatReadersWrote) {
  IdentifyingText identifying;
  identifying.addPatient("DUPONT^JEANNE", "H-4471");
  TeachingPage page;
  page.title = "Chest CT";
  page.history = "Smoker.";
  page.diagnosis = "Adenocarcinoma.";
  page.review = teachingView(sampleCtReview(), identifying, "2.25.42");
  page.images = {{"images/finding-1.png", "Finding 1"}};
  const std::string html = teachingHtml(page);
  for (const char* section : {"History", "Images", "Findings", "Diagnosis", "Discussion"})
    EXPECT_NE(html.find(std::string("<h2>") + section + "</h2>"), std::string::npos) << section;
  EXPECT_NE(html.find("vessel &lt;b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("vessel <b>"), std::string::npos);
  EXPECT_NE(html.find("src=\"images/finding-1.png\""), std::string::npos);
  EXPECT_NE(html.find("Adenocarcinoma."), std::string::npos);
  EXPECT_NE(html.find("nodule 1, 8.0 mm, solid"), std::string::npos);
  EXPECT_NE(html.find("class=\"disputed\""), std::string::npos);
  EXPECT_EQ(html.find("dave"), std::string::npos);
  EXPECT_EQ(html.find("DUPONT"), std::string::npos);
}

TEST(TeachingPage, AnUnknownCaseWithholdsFindingsDiagnosisAndDiscussion) {
  TeachingPage page;
  page.title = "Chest CT";
  page.unknown = true;
  page.diagnosis = "Adenocarcinoma.";
  page.review = teachingView(sampleCtReview(), IdentifyingText(), "2.25.42");
  const std::string html = teachingHtml(page);
  EXPECT_NE(html.find("unknown case"), std::string::npos);
  for (const char* hidden :
       {"<h2>Findings</h2>", "<h2>Diagnosis</h2>", "Adenocarcinoma", "Reader A", "confirm", "0.93"})
    EXPECT_EQ(html.find(hidden), std::string::npos) << hidden;
}

/// A 64 x 64 x 20 volume of lung-like air with one bright 8 mm sphere,
/// its slices axial unless `direction` says otherwise.
core::CtVolume sphereVolume(const core::Vec3& centerMm,
                            const std::array<core::Vec3, 3>& direction = {
                                core::Vec3{1, 0, 0}, core::Vec3{0, 1, 0}, core::Vec3{0, 0, 1}}) {
  core::VolumeGeometry g;
  g.size = {64, 64, 20};
  g.spacing = {0.8, 0.8, 1.0};
  g.direction = direction;
  core::CtVolume volume(g, static_cast<std::int16_t>(-850));
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i) {
        const auto p = g.indexToPhysical({double(i), double(j), double(k)});
        const double dx = p.x - centerMm.x, dy = p.y - centerMm.y, dz = p.z - centerMm.z;
        if (dx * dx + dy * dy + dz * dz <= 16.0) volume.at(i, j, k) = 40;
      }
  return volume;
}

bool hasYellow(const QImage& image) {
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QColor c = image.pixelColor(x, y);
      if (c.red() > 200 && c.green() > 170 && c.blue() < 90) return true;
    }
  return false;
}

class KeyImages : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigie-teaching-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  OffscreenPainting painting_;
};

TEST_F(KeyImages, CircleEachFindingOnItsSliceAndTheQuizShowsTheSlicesBare) {
  const core::Vec3 center{10.0, 12.0, 4.0};
  const auto volume = sphereVolume(center);
  CaseReview review = teachingView(sampleCtReview(), IdentifyingText(), "2.25.42");
  auto images = writeCtKeyImages(volume, review, false, dir_);
  ASSERT_TRUE(images.ok()) << images.error().message;
  ASSERT_EQ(images.value().size(), 1u);
  EXPECT_EQ(images.value()[0].file, "images/finding-1.png");
  EXPECT_NE(images.value()[0].caption.find("axial slice 5 of 20"), std::string::npos)
      << images.value()[0].caption;
  const QImage marked(QString::fromStdString((dir_ / images.value()[0].file).string()));
  ASSERT_FALSE(marked.isNull());
  EXPECT_GE(marked.width(), 384) << "small volumes are enlarged";
  EXPECT_TRUE(hasYellow(marked)) << "the model's finding is circled in yellow";
  // The sphere is bright in a lung window at the finding's position.
  const double scale = marked.width() / 64.0;
  const QColor atCenter =
      marked.pixelColor(int((center.x / 0.8 + 0.5) * scale), int((center.y / 0.8 + 0.5) * scale));
  EXPECT_GT(atCenter.lightness(), 200);

  auto bare = writeCtKeyImages(volume, review, true, dir_ / "quiz");
  ASSERT_TRUE(bare.ok());
  ASSERT_EQ(bare.value().size(), 1u);
  EXPECT_EQ(bare.value()[0].caption, "Axial slice 5 of 20 (lung window)");
  EXPECT_FALSE(
      hasYellow(QImage(QString::fromStdString((dir_ / "quiz" / bare.value()[0].file).string()))));
}

TEST(KeyImagePlanes, NameTheAcquisitionPlaneFromTheSliceNormal) {
  core::VolumeGeometry g;
  EXPECT_EQ(acquisitionPlaneOf(g), "axial");
  g.direction = {core::Vec3{1, 0, 0}, core::Vec3{0, 0, -1}, core::Vec3{0, 1, 0}};
  EXPECT_EQ(acquisitionPlaneOf(g), "coronal");
  g.direction = {core::Vec3{0, 1, 0}, core::Vec3{0, 0, -1}, core::Vec3{-1, 0, 0}};
  EXPECT_EQ(acquisitionPlaneOf(g), "sagittal");
  // 37 degrees off the S-I axis: no plane's own.
  g.direction = {core::Vec3{1, 0, 0}, core::Vec3{0, 0.8, -0.6}, core::Vec3{0, 0.6, 0.8}};
  EXPECT_EQ(acquisitionPlaneOf(g), "oblique axial");
  EXPECT_EQ(patientDirectionLetter({1, 0, 0}), "L");
  EXPECT_EQ(patientDirectionLetter({-1, 0, 0}), "R");
  EXPECT_EQ(patientDirectionLetter({0, 0.9, 0.1}), "P");
  EXPECT_EQ(patientDirectionLetter({0, -1, 0}), "A");
  EXPECT_EQ(patientDirectionLetter({0, 0, 1}), "S");
  EXPECT_EQ(patientDirectionLetter({0.2, 0, -0.9}), "I");
}

/// Whether a region of the image holds pure white (the orientation letters).
bool hasWhiteIn(const QImage& image, const QRect& region) {
  for (int y = region.top(); y <= region.bottom(); ++y)
    for (int x = region.left(); x <= region.right(); ++x)
      if (image.pixelColor(x, y) == QColor(Qt::white)) return true;
  return false;
}

TEST_F(KeyImages, ACoronalAcquisitionIsCalledCoronalAndLetteredOnItsEdges) {
  // Coronal slices (DICOM's usual: rows along the patient's left, columns
  // towards the feet, slices stacked towards the back): voxel plane k is a
  // coronal plane, which the key image must not call axial.
  const std::array<core::Vec3, 3> coronal = {core::Vec3{1, 0, 0}, core::Vec3{0, 0, -1},
                                             core::Vec3{0, 1, 0}};
  // Index (12.5, 20, 4): 10 mm left, 16 mm down, in the fifth slice.
  const core::Vec3 center{10.0, 4.0, -16.0};
  const auto volume = sphereVolume(center, coronal);
  CaseReview review = teachingView(sampleCtReview(), IdentifyingText(), "2.25.42");
  review.findings[0].centerMm = center;
  review.lesions[0].nodule.centerMm = center;
  auto images = writeCtKeyImages(volume, review, false, dir_);
  ASSERT_TRUE(images.ok()) << images.error().message;
  ASSERT_EQ(images.value().size(), 1u);
  const std::string& caption = images.value()[0].caption;
  EXPECT_NE(caption.find("coronal slice 5 of 20"), std::string::npos) << caption;
  EXPECT_EQ(caption.find("axial"), std::string::npos) << caption;
  const QImage marked(QString::fromStdString((dir_ / images.value()[0].file).string()));
  ASSERT_FALSE(marked.isNull());
  EXPECT_TRUE(hasYellow(marked)) << "the finding is still circled where it is";
  const double scale = marked.width() / 64.0;
  EXPECT_GT(marked.pixelColor(int((12.5 + 0.5) * scale), int((20 + 0.5) * scale)).lightness(), 200)
      << "the sphere is at the finding's place on the coronal image";
  // R on the left edge, L on the right, S at the top, I at the bottom: white
  // letters in the middle of each edge, none in a corner.
  const int w = marked.width(), h = marked.height();
  EXPECT_TRUE(hasWhiteIn(marked, QRect(0, h / 2 - 12, 26, 24)));
  EXPECT_TRUE(hasWhiteIn(marked, QRect(w - 26, h / 2 - 12, 26, 24)));
  EXPECT_TRUE(hasWhiteIn(marked, QRect(w / 2 - 12, 0, 24, 26)));
  EXPECT_TRUE(hasWhiteIn(marked, QRect(w / 2 - 12, h - 26, 24, 26)));
  EXPECT_FALSE(hasWhiteIn(marked, QRect(0, 0, 26, 26)));

  auto bare = writeCtKeyImages(volume, review, true, dir_ / "quiz");
  ASSERT_TRUE(bare.ok());
  ASSERT_EQ(bare.value().size(), 1u);
  EXPECT_EQ(bare.value()[0].caption, "Coronal slice 5 of 20 (lung window)");
}

TEST_F(KeyImages, AnEmptyVolumeIsAnErrorNotACrash) {
  auto images = writeCtKeyImages(core::CtVolume(), sampleCtReview(), false, dir_);
  EXPECT_FALSE(images.ok());
}

TEST_F(KeyImages, APhotographIsReencodedAndThePagePrintsToPdf) {
  core::Image2D photo(1600, 1200, 3, 90);
  auto image = writePhotographKeyImage(photo, dir_);
  ASSERT_TRUE(image.ok()) << image.error().message;
  const QImage written(QString::fromStdString((dir_ / image.value().file).string()));
  EXPECT_EQ(written.width(), 1024) << "at most 1024 pixels across";
  EXPECT_EQ(written.height(), 768);

  TeachingPage page;
  page.title = "Colour fundus photograph";
  page.images = {image.value()};
  auto pdf = writeTeachingPdf(teachingHtml(page), page.images, dir_, dir_ / "t.pdf");
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  std::ifstream in(dir_ / "t.pdf", std::ios::binary);
  std::string head(5, '\0');
  in.read(head.data(), 5);
  EXPECT_EQ(head, "%PDF-");

  // The readers' lesion marks are circled in their kind's colour and counted.
  core::FundusLesionMark mark;
  mark.lesion = "microaneurysm";
  mark.x = 800;
  mark.y = 600;
  mark.radius = 10;
  auto marked = writePhotographKeyImage(photo, dir_ / "marked", {mark});
  ASSERT_TRUE(marked.ok()) << marked.error().message;
  EXPECT_NE(marked.value().caption.find("1 microaneurysm"), std::string::npos)
      << marked.value().caption;
  EXPECT_TRUE(
      hasYellow(QImage(QString::fromStdString((dir_ / "marked" / marked.value().file).string()))));
  EXPECT_FALSE(hasYellow(written));

  auto missing =
      writeTeachingPdf(teachingHtml(page), {{"images/none.png", ""}}, dir_, dir_ / "u.pdf");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("none.png"), std::string::npos);
}

/// Whether the pixel is the model's lesion region colour (not a reader's kind).
bool isAiRegionColor(const QColor& c) {
  return std::abs(c.red() - kAiRegionColor.red) < 40 &&
         std::abs(c.green() - kAiRegionColor.green) < 40 &&
         std::abs(c.blue() - kAiRegionColor.blue) < 40;
}

/// How many pixels of the model's region colour lie in the square of
/// `halfSide` around (x, y), in the key image's pixels.
int aiRegionPixelsNear(const QImage& image, int x, int y, int halfSide) {
  int count = 0;
  for (int j = std::max(0, y - halfSide); j <= std::min(image.height() - 1, y + halfSide); ++j)
    for (int i = std::max(0, x - halfSide); i <= std::min(image.width() - 1, x + halfSide); ++i)
      if (isAiRegionColor(image.pixelColor(i, j))) ++count;
  return count;
}

TEST_F(KeyImages, TheModelsLesionRegionsAreOutlinedInTheirOwnColorWhereTheModelFoundThem) {
  core::Image2D photo(1600, 1200, 3, 90);  // shown at 1024 x 768: a scale of 0.64
  core::FundusLesionMark mark;
  mark.lesion = "haemorrhage";
  mark.x = 400;
  mark.y = 300;
  mark.radius = 10;
  core::FundusAiResult model;
  core::FundusAiLesionRegion region;
  region.centerX = 1200;
  region.centerY = 900;
  region.radius = 20;
  model.lesionRegions = {region};
  model.lesions = 1;
  auto image = writePhotographKeyImage(photo, dir_, {mark}, &model);
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_NE(image.value().caption.find("AI lesion regions: 1 (outlined in dashed violet)"),
            std::string::npos)
      << image.value().caption;
  EXPECT_NE(image.value().caption.find("1 haemorrhage"), std::string::npos);
  EXPECT_EQ(image.value().caption.find("not kept"), std::string::npos);
  const QImage shown(QString::fromStdString((dir_ / image.value().file).string()));
  ASSERT_FALSE(shown.isNull());
  // The region's outline (radius 20 * 0.64 + 6 = 18.8 key-image pixels)
  // around its centre (1200.5 * 0.64 = 768.3, 900.5 * 0.64 = 576.3) ...
  EXPECT_GT(aiRegionPixelsNear(shown, 768, 576, 24), 20);
  EXPECT_EQ(aiRegionPixelsNear(shown, 768, 576, 12), 0) << "an outline, the lesion left visible";
  // ... and none around the reader's mark, which keeps its kind's colour.
  EXPECT_EQ(aiRegionPixelsNear(shown, 256, 192, 30), 0);
  EXPECT_EQ(aiRegionPixelsNear(shown, 100, 700, 60), 0);

  // A result recorded before the store kept places: counted, not drawn.
  core::FundusAiResult older;
  older.lesions = 3;
  auto counted = writePhotographKeyImage(photo, dir_ / "older", {}, &older);
  ASSERT_TRUE(counted.ok()) << counted.error().message;
  EXPECT_NE(counted.value().caption.find("the model found 3 lesion regions (their places are "
                                         "not kept)"),
            std::string::npos)
      << counted.value().caption;
  const QImage bare(QString::fromStdString((dir_ / "older" / counted.value().file).string()));
  EXPECT_EQ(aiRegionPixelsNear(bare, 512, 384, 512), 0);
}

}  // namespace
}  // namespace vigie::app
