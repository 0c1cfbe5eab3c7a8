// GUI tests of the 2D image path: PlanarImageView on images built in memory.
#include <QColor>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>
#include <algorithm>
#include <memory>

#include "PlanarImageView.h"
#include "vigie/imaging/dicom/PlanarImage.h"

using vigie::app::PlanarImageView;
using vigie::imaging::PlanarImage;
using vigie::imaging::SpacingSource;

namespace {

using Images = std::vector<std::shared_ptr<const PlanarImage>>;

/// A grey cine: a diagonal gradient whose level moves with the frame, so
/// that every frame renders differently.
std::shared_ptr<PlanarImage> grayCine(int columns, int rows, int frames) {
  auto image = std::make_shared<PlanarImage>();
  image->modality = "XA";
  image->description = "Synthetic cine";
  image->columns = columns;
  image->rows = rows;
  image->frames = frames;
  image->units = "HU";
  image->values.resize(image->pixelsPerFrame() * frames);
  for (int f = 0; f < frames; ++f)
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c)
        image->values[image->pixelsPerFrame() * f + std::size_t(r) * columns + c] =
            float(c * 4 + r * 2 + f * 100);
  image->windowCenter = 200.0;
  image->windowWidth = 400.0;
  image->notes = {"no patient geometry"};
  return image;
}

std::shared_ptr<PlanarImage> colorPicture() {
  auto image = std::make_shared<PlanarImage>();
  image->modality = "OT";
  image->description = "Secondary capture";
  image->columns = 40;
  image->rows = 30;
  image->color = true;
  image->rgb.resize(image->pixelsPerFrame() * 3);
  for (std::size_t p = 0; p < image->pixelsPerFrame(); ++p) {
    image->rgb[3 * p] = 220;
    image->rgb[3 * p + 1] = std::uint8_t(p % 40 * 5);
    image->rgb[3 * p + 2] = 30;
  }
  return image;
}

int nonBlackPixels(const QImage& image) {
  int count = 0;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2)
      if (QColor(image.pixel(x, y)).value() > 20) ++count;
  return count;
}

bool show(PlanarImageView& view) {
  view.resize(640, 520);
  view.show();
  return QTest::qWaitForWindowExposed(&view);
}

}  // namespace

class PlanarImageViewTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void playsPausesAndMeasuresAGrayCineAtTheDetector();
  void stepsFramesWithTheKeyboard();
  void showsAColorImageWithoutFrameControls();
  void measuresInPixelsWhenUncalibrated();
  void choosesAmongTheImagesOfASeries();
  void drawsNoImageWhenEmpty();
  void drawsTheFilesVoiLutUntilAWindowIsSet();
  void measuresUltrasoundWithinOneRegion();
};

void PlanarImageViewTest::playsPausesAndMeasuresAGrayCineAtTheDetector() {
  auto image = grayCine(64, 48, 3);
  image->spacing = {0.2, 0.2, SpacingSource::Detector};
  image->frameTimeMs = 40.0;
  PlanarImageView view;
  QVERIFY(show(view));
  view.setImages({image}, "Cine test");
  QVERIFY(view.hasImages());
  QCOMPARE(view.frameCount(), 3);
  QCOMPARE(view.frame(), 0);
  QVERIFY(qFuzzyCompare(view.framesPerSecond(), 25.0));
  auto* label = view.findChild<QLabel*>("planarFrameLabel");
  QVERIFY(label);
  QVERIFY2(label->text().contains("25 fps"), qPrintable(label->text()));
  auto* slider = view.findChild<QSlider*>("planarFrameSlider");
  QVERIFY(slider && slider->isVisibleTo(&view) && slider->isEnabled());

  QSignalSpy frames(&view, &PlanarImageView::frameChanged);
  view.play();
  QVERIFY(view.playing());
  QCOMPARE(view.findChild<QToolButton*>("planarPlay")->text(), QString("Pause"));
  QTRY_VERIFY_WITH_TIMEOUT(view.frame() != 0, 250);
  QVERIFY(frames.count() >= 1);
  view.pause();
  QVERIFY(!view.playing());
  const int stoppedAt = view.frame();
  QTest::qWait(150);
  QCOMPARE(view.frame(), stoppedAt);
  QCOMPARE(slider->value(), stoppedAt);

  view.setFrame(99);
  QCOMPARE(view.frame(), 2);
  view.setFrame(-5);
  QCOMPARE(view.frame(), 0);

  QSignalSpy windows(&view, &PlanarImageView::windowChanged);
  view.setWindow(100.0, 50.0);
  QCOMPARE(windows.count(), 1);
  QCOMPARE(windows.first().at(0).toDouble(), 100.0);
  QCOMPARE(windows.first().at(1).toDouble(), 50.0);
  QCOMPARE(view.windowCenter(), 100.0);
  QCOMPARE(view.windowWidth(), 50.0);
  view.setWindow(image->windowCenter, image->windowWidth);

  // 50 pixels (a 30-40-50 triangle) of 0.2 mm.
  const QString length = view.measure(QPointF(0, 0), QPointF(30, 40));
  QVERIFY2(length.contains("10.0 mm at the detector"), qPrintable(length));
  QCOMPARE(view.measurementText(), length);

  const QImage shot = view.snapshot();
  QVERIFY(!shot.isNull());
  QVERIFY(nonBlackPixels(shot) > 0);
  const QString artefacts = qEnvironmentVariable("VIGIE_TEST_ARTEFACTS");
  if (!artefacts.isEmpty()) {
    QDir().mkpath(artefacts);
    QVERIFY(shot.save(QDir(artefacts).filePath("planar-view.png")));
  }
}

void PlanarImageViewTest::stepsFramesWithTheKeyboard() {
  auto image = grayCine(32, 32, 4);
  PlanarImageView view;
  QVERIFY(show(view));
  view.setImages({image}, "Keys");
  QVERIFY(qFuzzyCompare(view.framesPerSecond(), 10.0));  // no frame time in the image
  QTest::keyClick(&view, Qt::Key_End);
  QCOMPARE(view.frame(), 3);
  QTest::keyClick(&view, Qt::Key_Right);
  QCOMPARE(view.frame(), 3);
  QTest::keyClick(&view, Qt::Key_Home);
  QCOMPARE(view.frame(), 0);
  QTest::keyClick(&view, Qt::Key_Right);
  QCOMPARE(view.frame(), 1);
  QTest::keyClick(&view, Qt::Key_Left);
  QCOMPARE(view.frame(), 0);
  QTest::keyClick(&view, Qt::Key_Space);
  QVERIFY(view.playing());
  QTest::keyClick(&view, Qt::Key_Space);
  QVERIFY(!view.playing());
}

void PlanarImageViewTest::showsAColorImageWithoutFrameControls() {
  PlanarImageView view;
  QVERIFY(show(view));
  view.setImages({colorPicture()}, "Colour");
  QCOMPARE(view.frameCount(), 1);
  auto* slider = view.findChild<QSlider*>("planarFrameSlider");
  QVERIFY(slider);
  QVERIFY(!slider->isVisibleTo(&view) || !slider->isEnabled());
  view.play();
  QVERIFY(!view.playing());

  const QImage shot = view.snapshot();
  QVERIFY(!shot.isNull());
  QVERIFY(nonBlackPixels(shot) > 0);
  // The picture is centred: its red shows in the middle of the view.
  const QColor middle = shot.pixelColor(shot.width() / 2, shot.height() / 2);
  QVERIFY2(middle.red() > 150 && middle.blue() < 100, qPrintable(middle.name()));
}

void PlanarImageViewTest::measuresInPixelsWhenUncalibrated() {
  PlanarImageView view;
  view.setImages({grayCine(100, 100, 1)}, "Uncalibrated");
  const QString length = view.measure(QPointF(0, 0), QPointF(30, 40));
  QVERIFY2(length.endsWith("px"), qPrintable(length));
  QCOMPARE(length, QString("50 px"));
}

void PlanarImageViewTest::choosesAmongTheImagesOfASeries() {
  auto first = grayCine(32, 32, 1);
  auto second = grayCine(48, 32, 2);
  second->windowCenter = 50.0;
  PlanarImageView view;
  QVERIFY(show(view));
  view.setImages({first, second}, "Series");
  QCOMPARE(view.imageCount(), 2);
  QCOMPARE(view.image(), 0);
  auto* chooser = view.findChild<QSpinBox*>("planarImageChooser");
  QVERIFY(chooser && chooser->isVisibleTo(&view));

  QSignalSpy images(&view, &PlanarImageView::imageChanged);
  view.setImage(7);
  QCOMPARE(view.image(), 1);
  QCOMPARE(images.count(), 1);
  QCOMPARE(chooser->value(), 2);
  QCOMPARE(view.frameCount(), 2);
  QCOMPARE(view.windowCenter(), 50.0);  // each image its own window
  QTest::keyClick(&view, Qt::Key_PageUp);
  QCOMPARE(view.image(), 0);
  chooser->setValue(2);
  QCOMPARE(view.image(), 1);
}

void PlanarImageViewTest::drawsNoImageWhenEmpty() {
  PlanarImageView view;
  QVERIFY(show(view));
  view.setImages({nullptr}, "Nothing");
  QVERIFY(!view.hasImages());
  QCOMPARE(view.frameCount(), 0);
  QVERIFY(view.measure(QPointF(0, 0), QPointF(1, 1)).isEmpty());
  view.setFrame(3);
  view.setImage(2);
  view.play();
  QVERIFY(!view.playing());
  QVERIFY(!view.snapshot().isNull());
  view.setImages({grayCine(16, 16, 2)}, "Then one");
  view.clear();
  QVERIFY(!view.hasImages());
}

void PlanarImageViewTest::drawsTheFilesVoiLutUntilAWindowIsSet() {
  // A flat image at 100 whose VOI LUT maps 100 to white; the linear
  // equivalent window (centre 200, width 400) draws it dark grey.
  auto image = grayCine(64, 48, 1);
  std::fill(image->values.begin(), image->values.end(), 100.0f);
  vigie::imaging::LookupTable lut;
  lut.firstMapped = 0.0;
  lut.bits = 8;
  lut.entries.assign(400, 0);
  std::fill(lut.entries.begin() + 50, lut.entries.end(), std::uint16_t{255});
  lut.explanation = "HARD";
  image->voiLut = lut;
  PlanarImageView view;
  QVERIFY(show(view));
  view.setImages({image}, "VOI LUT");
  QVERIFY(view.showingFileVoiLut());
  QImage shot = view.snapshot();
  const QColor throughLut = shot.pixelColor(shot.width() / 2, shot.height() / 2);
  QVERIFY2(throughLut.value() > 240, qPrintable(throughLut.name()));
  const QString artefacts = qEnvironmentVariable("VIGIE_TEST_ARTEFACTS");
  if (!artefacts.isEmpty()) QVERIFY(shot.save(QDir(artefacts).filePath("planar-voi-lut.png")));

  view.setWindow(view.windowCenter(), view.windowWidth());  // the reader takes the window
  QVERIFY(!view.showingFileVoiLut());
  shot = view.snapshot();
  const QColor throughWindow = shot.pixelColor(shot.width() / 2, shot.height() / 2);
  QVERIFY2(throughWindow.value() > 50 && throughWindow.value() < 90,
           qPrintable(throughWindow.name()));
  QTest::keyClick(&view, Qt::Key_R);  // back to the file's own presentation
  QVERIFY(view.showingFileVoiLut());
}

void PlanarImageViewTest::measuresUltrasoundWithinOneRegion() {
  auto image = grayCine(100, 60, 1);
  image->modality = "US";
  image->ultrasoundRegions = {{0, 0, 49, 59, 0.2, 0.2}, {50, 0, 99, 59, 0.1, 0.1}};
  image->spacing = {0.2, 0.2, SpacingSource::UltrasoundRegion};
  PlanarImageView view;
  view.setImages({image}, "Two views");
  QCOMPARE(view.measure(QPointF(10, 10), QPointF(40, 50)), QString("10.0 mm (ultrasound region)"));
  QCOMPARE(view.measure(QPointF(60, 10), QPointF(90, 50)), QString("5.0 mm (ultrasound region)"));
  QCOMPARE(view.measure(QPointF(10, 10), QPointF(90, 10)),
           QString("80 px (not within one ultrasound region)"));
}

QTEST_MAIN(PlanarImageViewTest)
#include "PlanarImageViewTest.moc"
