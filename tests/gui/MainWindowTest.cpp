// GUI tests: the real main window under Xvfb, driven by Qt Test.
#include <QColor>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSurfaceFormat>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <QAction>
#include <QMenu>

#include "ActionRegistry.h"
#include "CaseReviewDialog.h"
#include "FindingsPanel.h"
#include "FundusAssessmentPanel.h"
#include "FundusViewer.h"
#include "MainWindow.h"
#include "MeasurementsPanel.h"
#include "PacsQueryDialog.h"
#include "PlanarImageView.h"
#include "SliceViewport.h"
#include "StudyBrowser.h"
#include "VolumeRenderView.h"
#include "WorklistPanel.h"
#include "vigie/core/RegionStatistics.h"
#include "vigie/imaging/dicom/PlanarImage.h"
#include "vigie/imaging/synthetic/SyntheticStudyWriter.h"

using vigie::app::MainWindow;
using vigie::app::SliceViewport;
using vigie::app::VolumeRenderView;
using vigie::core::SlicePlane;

namespace {

/// Fraction of pixels that are neither black nor the same grey as the corner:
/// a blank or uniform view scores near 0.
double contentFraction(const QImage& image) {
  if (image.isNull()) return 0.0;
  const QRgb corner = image.pixel(0, 0);
  int differing = 0, total = 0;
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) {
      ++total;
      if (image.pixel(x, y) != corner) ++differing;
    }
  }
  return total ? static_cast<double>(differing) / total : 0.0;
}

/// Shows the window and opens the demo CT; true once the study is on screen.
bool showDemoCt(MainWindow& window) {
  window.show();
  if (!QTest::qWaitForWindowExposed(&window)) return false;
  QSignalSpy shown(&window, &MainWindow::studyShown);
  window.openPath(VIGIE_DEMO_DIR "/ct");
  return shown.wait(60000);
}

QString artefactDir() {
  const QString dir = qEnvironmentVariable("VIGIE_TEST_ARTEFACTS", QDir::tempPath());
  QDir().mkpath(dir);
  return dir;
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void showsTheDemoCtInAllThreeViews();
  void scrollsSlicesWithTheKeyboard();
  void reportsAFolderWithoutDicom();
  void runsAModelAndShowsItsHeatmapAndFindings();
  void runsMonaiBundlesChosenDirectly();
  void keepsConfirmAndRejectAcrossSessions();
  void readsBlindThenRevealsAndScoresTheRead();  // and a trainer's comments
  void comparesTheReadersOnTheCase();
  void gradesAPhotographBlindThenReveals();
  void editsAnnotatesAddsAndExportsAsDicom();
  void cancelsAModelRun();
  void showsFundusPhotographsRedFreeAndEnhanced();
  void gradesAPhotographWithTheModelAndTheReader();
  void opensWhatIsDroppedAndRemembersIt();
  void measuresLengthsAndRegionsAndKeepsThem();
  void linksTheViewsThroughAPickedPoint();
  void rendersTheVolumeAndBrowsesItsSeries();
  void marksLesionsAndShowsAGridOfPhotographs();
  void showsTheFirstSliceWhileTheSeriesLoads();
  void keyboardHelpListsEveryShortcutOfTheMenus();
  void aGradeWithoutAStoreIsReportedNotLost();
  void showsImagesWithoutGeometryInThe2dView();
  void showsAScoutBesideTheCtVolume();
  void retrievesAStudyFromAPacs();
};

void MainWindowTest::showsTheDemoCtInAllThreeViews() {
  MainWindow window;
  QVERIFY(showDemoCt(window));
  QTest::qWait(200);
  for (SlicePlane plane : {SlicePlane::Axial, SlicePlane::Coronal, SlicePlane::Sagittal}) {
    SliceViewport* view = window.viewport(plane);
    QVERIFY(view->hasVolume());
    const QImage frame = view->grabFramebuffer();
    frame.save(artefactDir() + QString("/vigie-view-%1.png").arg(static_cast<int>(plane)));
    QVERIFY2(contentFraction(frame) > 0.2, "the view looks blank");
  }
  const QPixmap shot = window.grab();
  QVERIFY(shot.save(artefactDir() + "/vigie-main-window.png"));
  QVERIFY(window.problems().isEmpty());
}

void MainWindowTest::scrollsSlicesWithTheKeyboard() {
  MainWindow window;
  QVERIFY(showDemoCt(window));
  SliceViewport* axial = window.viewport(SlicePlane::Axial);
  const int start = axial->slice();
  QVERIFY(start > 0);
  axial->setFocus();
  QTest::keyClick(axial, Qt::Key_Up);
  QCOMPARE(axial->slice(), start + 1);
  QTest::keyClick(axial, Qt::Key_PageDown);
  QCOMPARE(axial->slice(), start - 9);
  QTest::keyClick(axial, Qt::Key_End);
  QCOMPARE(axial->slice(), axial->sliceCount() - 1);
  QTest::keyClick(axial, Qt::Key_Up);  // stays on the last slice
  QCOMPARE(axial->slice(), axial->sliceCount() - 1);

  // F: the focused view alone (1x1), and back.
  window.activateWindow();
  QVERIFY(QTest::qWaitForWindowActive(&window));
  SliceViewport* coronal = window.viewport(SlicePlane::Coronal);
  coronal->setFocus();
  QTest::keyClick(coronal, Qt::Key_F);
  QVERIFY(coronal->isVisible());
  QVERIFY(!axial->isVisible());
  QTest::keyClick(coronal, Qt::Key_F);
  QVERIFY(axial->isVisible());
}

void MainWindowTest::reportsAFolderWithoutDicom() {
  QTemporaryDir empty;
  QFile note(empty.filePath("readme.txt"));
  QVERIFY(note.open(QIODevice::WriteOnly));
  note.write("not an image");
  note.close();
  MainWindow window;
  window.show();
  QSignalSpy failed(&window, &MainWindow::studyFailed);
  window.openPath(empty.path());
  QVERIFY(failed.wait(20000));
  QVERIFY(!window.hasStudy());
  QCOMPARE(window.problems().size(), 1);
  QVERIFY(window.problems().front().contains(empty.path()));
  QVERIFY(window.problems().front().contains("1 non-DICOM"));
}

/// Fraction of pixels that are clearly red-orange (the heatmap's colours), not grey or yellow.
double heatmapFraction(const QImage& image) {
  int hot = 0, total = 0;
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) {
      const QColor c = image.pixelColor(x, y);
      ++total;
      if (c.red() > 150 && c.red() - c.green() > 90) ++hot;  // not the yellow corner text
    }
  }
  return total ? static_cast<double>(hot) / total : 0.0;
}

/// Fraction of pixels clearly green (the "Green" heatmap colour map).
double greenFraction(const QImage& image) {
  int green = 0, total = 0;
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) {
      const QColor c = image.pixelColor(x, y);
      ++total;
      if (c.green() > 120 && c.green() - c.red() > 60 && c.green() - c.blue() > 60) ++green;
    }
  }
  return total ? static_cast<double>(green) / total : 0.0;
}

void MainWindowTest::runsAModelAndShowsItsHeatmapAndFindings() {
  MainWindow window;
  QVERIFY(showDemoCt(window));
  SliceViewport* axial = window.viewport(SlicePlane::Axial);
  QVERIFY(heatmapFraction(axial->grabFramebuffer()) < 0.001);  // no overlay before a run

  window.setModelBundle(VIGIE_TEST_MODELS "/blob3d-bundle");
  QSignalSpy finished(&window, &MainWindow::modelFinished);
  QElapsedTimer clock;
  clock.start();
  window.runModel();
  // The GUI thread stays free while the model runs: the event loop keeps turning.
  int turns = 0;
  while (finished.isEmpty() && clock.elapsed() < 120000) {
    QTest::qWait(20);
    ++turns;
  }
  QCOMPARE(finished.size(), 1);
  QVERIFY(turns > 5);
  QVERIFY(window.findingsPanel()->findingCount() > 0);
  auto* cardButton = window.findChild<QPushButton*>("ctModelCardButton");
  QVERIFY(cardButton && cardButton->isEnabled());
  cardButton->click();
  auto* card = window.findChild<QPlainTextEdit*>("modelCardText");
  QVERIFY(card && card->toPlainText().contains("Training data:"));
  card->window()->close();

  window.findingsPanel()->select(window.findingsPanel()->findingCount() - 1);
  QTest::qWait(200);
  const QImage overlay = axial->grabFramebuffer();
  overlay.save(artefactDir() + "/vigie-axial-heatmap.png");
  window.grab().save(artefactDir() + "/vigie-main-window-model.png");
  QVERIFY2(heatmapFraction(overlay) > 0.02, "no heatmap colours in the axial view");
  // Another colour map: the same regions turn green.
  auto* colors = window.findChild<QComboBox*>("heatmapColours");
  QVERIFY(colors);
  colors->setCurrentIndex(colors->findText("Green"));
  const QImage green = axial->grabFramebuffer();
  green.save(artefactDir() + "/vigie-axial-heatmap-green.png");
  QVERIFY2(heatmapFraction(green) < 0.005, "the red map is still drawn");
  QVERIFY2(greenFraction(green) > 0.02, "no green heatmap in the axial view");
  // Every finding is a sphere in the 3D view too.
  QCOMPARE(static_cast<int>(window.volumeView()->markerCount()),
           window.findingsPanel()->findingCount());
}

void MainWindowTest::runsMonaiBundlesChosenDirectly() {
  // MONAI bundles as a reader downloads them (a folder, a zip), chosen
  // directly: imported on the fly into the user's cache, run MONAI's way.
  QTemporaryDir cache, folder;
  qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
  vigie::imaging::ChestCtPhantomOptions options;
  options.size = {128, 128, 60};
  options.spacingMm = {2.5, 2.5, 4.0};
  options.seed = 7;
  options.noduleCount = 3;
  QVERIFY(
      vigie::imaging::writeSyntheticCtCase(options, folder.filePath("case").toStdString()).ok());
  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QSignalSpy shown(&window, &MainWindow::studyShown);
  window.openPath(folder.filePath("case"));
  QVERIFY(shown.wait(60000));
  auto* description = window.findChild<QLabel*>("modelDescription");
  QVERIFY(description);

  // A RetinaNet-style detector: its boxes are the findings, drawn as ellipsoids.
  QSignalSpy finished(&window, &MainWindow::modelFinished);
  QSignalSpy failed(&window, &MainWindow::modelFailed);
  window.setModelBundle(VIGIE_TEST_MODELS "/monai/lung-detector");
  window.runModel();
  QVERIFY(finished.wait(180000));
  QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
  QVERIFY(window.findingsPanel()->findingCount() > 0);
  QVERIFY2(description->text().contains("monai-lung-nodule-ct-detection"),
           qPrintable(description->text()));
  window.findingsPanel()->select(0);
  QTest::qWait(200);
  const QImage boxes = window.viewport(SlicePlane::Axial)->grabFramebuffer();
  window.grab().save(artefactDir() + "/vigie-monai-detector.png");
  QVERIFY2(heatmapFraction(boxes) > 0.001, "no box drawn on the axial slice of the finding");
  QVERIFY(!QDir(cache.path()).isEmpty());  // imported once, into the cache

  // A segmentation bundle as a zip: no findings, its structure and volume said.
  window.setModelBundle(VIGIE_TEST_MODELS "/monai/spleen-segmenter.zip");
  window.runModel();
  QVERIFY(finished.wait(180000));
  QVERIFY(failed.isEmpty());
  QCOMPARE(window.findingsPanel()->findingCount(), 0);
  QVERIFY2(
      description->text().contains("spleen: ") && description->text().contains(" ml segmented"),
      qPrintable(description->text()));
  QTest::qWait(500);  // every view redrawn with the new heatmap
  window.grab().save(artefactDir() + "/vigie-monai-segmenter.png");
  qunsetenv("XDG_CACHE_HOME");
}

/// Runs the fixed-weight test model on the open study and waits for it.
bool runTestModel(MainWindow& window) {
  window.setModelBundle(VIGIE_TEST_MODELS "/blob3d-bundle");
  QSignalSpy finished(&window, &MainWindow::modelFinished);
  window.runModel();
  return finished.wait(120000);
}

/// Lets every job on the thread pool end and what it posts back to the GUI
/// thread be delivered, so that a reveal that should have been dropped (or
/// shown a second time) would have arrived by now.
bool settleBackgroundJobs() {
  if (!QThreadPool::globalInstance()->waitForDone(60000)) return false;
  QCoreApplication::processEvents();
  return true;
}

void MainWindowTest::readsBlindThenRevealsAndScoresTheRead() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  int aiFindings = 0;
  {
    // A senior reader ran the model and confirmed a finding.
    MainWindow window;
    window.openReviewStore(store, "dr.senior");
    QVERIFY(showDemoCt(window));
    QVERIFY(runTestModel(window));
    aiFindings = window.findingsPanel()->findingCount();
    QVERIFY(aiFindings >= 1);
    window.findingsPanel()->select(0);
    QVERIFY(window.decideSelected(vigie::core::DecisionKind::Confirm));
    // The senior comments as a trainer: on the finding, on the study; an
    // empty comment is refused.
    QVERIFY(window.commentOnStudy("a classic solid nodule", true));
    QVERIFY(window.commentOnStudy("a good teaching case", false));
    QVERIFY(!window.commentOnStudy("   ", false));
  }
  {
    auto direct = vigie::core::ReviewStore::open(store.toStdString());
    QVERIFY(direct.ok());
    auto comments = direct.value()->allComments();
    QVERIFY(comments.ok());
    QCOMPARE(comments.value().size(), std::size_t{2});
    QVERIFY(comments.value()[0].findingId.has_value());
    QCOMPARE(comments.value()[0].text, std::string("a classic solid nodule"));
    QVERIFY(!comments.value()[1].findingId.has_value());
    QCOMPARE(comments.value()[1].author, std::string("dr.senior"));
  }
  QFile truthFile(VIGIE_DEMO_DIR "/ct/truth.json");
  QVERIFY(truthFile.open(QIODevice::ReadOnly));
  const QJsonArray nodules = QJsonDocument::fromJson(truthFile.readAll())["nodules"].toArray();
  QVERIFY(!nodules.isEmpty());
  const QJsonArray center = nodules[0].toObject()["center_mm"].toArray();

  // The resident reads blind: neither the AI nor the senior's mark shows,
  // and the model cannot run.
  MainWindow window;
  window.openReviewStore(store, "resident");
  window.setEducationalMode(true);
  QVERIFY(showDemoCt(window));
  QCOMPARE(window.findingsPanel()->findingCount(), 0);
  QVERIFY(window.addFinding({center[0].toDouble(), center[1].toDouble(), center[2].toDouble()},
                            nodules[0].toObject()["diameter_mm"].toDouble()));
  QCOMPARE(window.findingsPanel()->findingCount(), 1);

  // A reveal asked for, then the mode left (and taken again) before the
  // reference is read, is dropped: the case is still read blind.
  QSignalSpy revealed(&window, &MainWindow::blindReadRevealed);
  QVERIFY(window.revealBlindRead());
  window.setEducationalMode(false);
  window.setEducationalMode(true);
  QVERIFY(settleBackgroundJobs());
  QCOMPARE(revealed.count(), 0);
  QCOMPARE(window.findingsPanel()->findingCount(), 1);

  // Revealed once the reference is read (off the GUI thread), shown once
  // though asked twice: the AI's findings join the resident's, and the read
  // is scored.
  QVERIFY(window.revealBlindRead());
  QVERIFY(window.revealBlindRead());
  QVERIFY(revealed.wait(30000));
  QVERIFY(settleBackgroundJobs());
  QCOMPARE(revealed.count(), 1);
  const QString text = revealed.at(0).at(0).toString();
  QVERIFY2(text.startsWith(QString("You found 1 of %1 nodule").arg(nodules.size())),
           qPrintable(text));
  QVERIFY2(text.contains("The AI found"), qPrintable(text));
  QCOMPARE(window.findingsPanel()->findingCount(), aiFindings + 1);
  // The nodules the resident missed are ringed in the views.
  for (const auto plane : {SlicePlane::Axial, SlicePlane::Coronal, SlicePlane::Sagittal})
    QCOMPARE(window.viewport(plane)->referenceNoduleCount(),
             static_cast<std::size_t>(nodules.size() - 1));
  QVERIFY(window.grab().save(artefactDir() + "/vigie-educational-reveal.png"));
  window.setEducationalMode(false);
  QVERIFY(!window.educationalMode());
  QVERIFY(!window.revealBlindRead());  // nothing to reveal outside the mode
}

void MainWindowTest::comparesTheReadersOnTheCase() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  int findingId = 0;
  vigie::core::Vec3 findingCenter;
  // Two readers disagree on the AI's first finding; the second adds a comment.
  for (const auto& [reader, kind] : {std::pair<const char*, vigie::core::DecisionKind>{
                                         "ana", vigie::core::DecisionKind::Confirm},
                                     {"ben", vigie::core::DecisionKind::Reject}}) {
    MainWindow window;
    window.openReviewStore(store, reader);
    QVERIFY(showDemoCt(window));
    if (findingId == 0) QVERIFY(runTestModel(window));
    window.findingsPanel()->select(0);
    const auto selected = window.findingsPanel()->selectedFinding();
    QVERIFY(selected);
    if (findingId != 0) QCOMPARE(selected->id, findingId);  // the stored run, the same finding
    findingId = selected->id;
    findingCenter = selected->centerMm;
    QVERIFY(window.decideSelected(kind));
  }
  QFile truthFile(VIGIE_DEMO_DIR "/ct/truth.json");
  QVERIFY(truthFile.open(QIODevice::ReadOnly));
  const auto nodules = QJsonDocument::fromJson(truthFile.readAll())["nodules"].toArray().size();

  // The trainer opens the case: both calls side by side, the row disputed,
  // the reference nodules (the study's truth.json) with who found them.
  MainWindow window;
  window.openReviewStore(store, "tina");
  QVERIFY(showDemoCt(window));
  vigie::app::CaseReviewDialog* compare = window.compareReaders();
  QVERIFY(compare);
  QSignalSpy shown(compare, &vigie::app::CaseReviewDialog::shown);
  QVERIFY(shown.wait(60000));
  int row = -1;
  for (int r = 0; r < compare->rowCount(); ++r)
    if (compare->cellText(r, "Finding") == QString::number(findingId)) row = r;
  QVERIFY(row >= 0);
  QCOMPARE(compare->cellText(row, "ana"), QString("confirm"));
  QCOMPARE(compare->cellText(row, "ben"), QString("reject"));
  QVERIFY(compare->rowDisputed(row));
  QVERIFY(compare->cellText(row, "From").startsWith("AI, score"));
  QCOMPARE(compare->lesionCount(), static_cast<int>(nodules));
  compare->grab().save(artefactDir() + "/vigie-compare-readers.png");

  // Double-click the finding: the views go to it.
  auto* table = compare->findChild<QTableWidget*>("caseReviewTable");
  QVERIFY(table);
  Q_EMIT table->cellDoubleClicked(row, 0);
  QVERIFY(vigie::core::distance(window.viewsIntersection(), findingCenter) < 2.0);

  // "Next to review" steps through the disputed rows and the AI's false
  // positives (marked apart), and the views follow.
  int toReview = 0;
  for (int r = 0; r < compare->rowCount(); ++r)
    toReview += compare->rowDisputed(r) || compare->rowFalsePositive(r);
  QVERIFY(toReview >= 1);
  table->setCurrentCell(-1, -1);
  QVERIFY(compare->selectNextToReview());
  const int next = table->currentRow();
  QVERIFY(compare->rowDisputed(next) || compare->rowFalsePositive(next));

  // The trainer comments from the dialog, on the finding and on the case.
  table->setCurrentCell(row, 0);
  QVERIFY(compare->comment("Spiculated margin: a true nodule", true));
  QVERIFY(shown.wait(60000));
  QVERIFY(compare->comment("A good case for the residents", false));
  QVERIFY(shown.wait(60000));
  auto* comments = compare->findChild<QListWidget*>("caseReviewComments");
  QVERIFY(comments);
  QStringList lines;
  for (int i = 0; i < comments->count(); ++i) lines << comments->item(i)->text();
  QVERIFY2(
      lines.join("\n").contains("finding " + QString::number(findingId) + ": Spiculated margin"),
      qPrintable(lines.join(" | ")));
  QVERIFY(lines.join("\n").contains("the case: A good case for the residents"));
  QVERIFY(!compare->comment("   ", false));  // an empty comment is refused, and says so

  // A resident reading blind does not see the others' calls.
  window.setEducationalMode(true);
  QVERIFY(window.compareReaders() == nullptr);
}

void MainWindowTest::keepsConfirmAndRejectAcrossSessions() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  int confirmedId = 0, rejectedId = 0;
  {
    MainWindow window;
    window.openReviewStore(store, "dr.test");
    QVERIFY(showDemoCt(window));
    QVERIFY(runTestModel(window));
    vigie::app::FindingsPanel* panel = window.findingsPanel();
    QVERIFY(panel->findingCount() >= 2);
    panel->select(0);
    confirmedId = panel->selectedFinding()->id;
    QVERIFY(window.decideSelected(vigie::core::DecisionKind::Confirm));
    panel->select(1);
    rejectedId = panel->selectedFinding()->id;
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));  // shortcuts need the active window
    QTest::keyClick(window.viewport(SlicePlane::Axial), Qt::Key_X);  // the keyboard path
    QCOMPARE(panel->decision(confirmedId), QString("confirmed"));
    QCOMPARE(panel->decision(rejectedId), QString("rejected"));
  }
  // Saved before it was shown: another connection sees both at once.
  auto direct = vigie::core::ReviewStore::open(store.toStdString());
  QVERIFY(direct.ok());
  auto all = direct.value()->allDecisions();
  QVERIFY(all.ok());
  QCOMPARE(all.value().size(), std::size_t{2});
  QCOMPARE(all.value()[0].reader, std::string("dr.test"));
  const auto chain = direct.value()->verifyAuditChain();
  QVERIFY(chain.ok() && chain.value().intact);
  // Study opened, case registered (the worklist), model run, two decisions.
  QCOMPARE(chain.value().entries, std::size_t{5});

  // Close and reopen: the stored run and the decisions are there at once,
  // and still after running the model again.
  MainWindow again;
  again.openReviewStore(store, "dr.test");
  QVERIFY(showDemoCt(again));
  QCOMPARE(again.findingsPanel()->decision(confirmedId), QString("confirmed"));
  QCOMPARE(again.findingsPanel()->decision(rejectedId), QString("rejected"));
  QVERIFY(runTestModel(again));
  QCOMPARE(again.findingsPanel()->decision(confirmedId), QString("confirmed"));
  QCOMPARE(again.findingsPanel()->decision(rejectedId), QString("rejected"));
}

void MainWindowTest::editsAnnotatesAddsAndExportsAsDicom() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  MainWindow window;
  window.openReviewStore(store, "dr.test");
  QVERIFY(showDemoCt(window));
  QVERIFY(runTestModel(window));
  vigie::app::FindingsPanel* panel = window.findingsPanel();
  const std::size_t modelFindings = panel->findingCount();
  QVERIFY(modelFindings >= 1);
  panel->select(0);
  const auto first = *panel->selectedFinding();
  const vigie::core::Vec3 moved{first.centerMm.x + 2.0, first.centerMm.y, first.centerMm.z};
  QVERIFY(window.editSelected(moved, 7.5, "centre on the solid part"));
  QCOMPARE(panel->decision(first.id), QString("edited"));
  QCOMPARE(panel->selectedFinding()->diameterMm, 7.5);  // still selected, with the edit
  QCOMPARE(panel->selectedFinding()->centerMm, moved);
  QVERIFY(window.annotateSelected("spiculated", "suspicious"));
  QCOMPARE(panel->decision(first.id), QString("edited"));  // a note keeps the verdict
  QCOMPARE(panel->selectedFinding()->category, std::string("suspicious"));

  // The reader's own finding, where the three views meet.
  window.viewport(SlicePlane::Axial)->setSlice(150);
  const vigie::core::Vec3 here = window.viewsIntersection();
  QVERIFY(window.addFinding(here, 4.0, "missed by the model"));
  QCOMPARE(panel->findingCount(), modelFindings + 1);
  QCOMPARE(panel->decision(vigie::core::kFirstReaderFindingId), QString("added"));

  auto direct = vigie::core::ReviewStore::open(store.toStdString());
  QVERIFY(direct.ok());
  const auto history = direct.value()->allDecisions().value();
  QCOMPARE(history.size(), std::size_t{3});
  QCOMPARE(history[2].findingId, vigie::core::kFirstReaderFindingId);
  QCOMPARE(*history[2].centerMm, here);

  // File > Export: SR + SEG written off the GUI thread.
  QSignalSpy exported(&window, &MainWindow::reviewExported);
  window.exportReview(dir.filePath("dicom"));
  QVERIFY(exported.wait(60000));
  QVERIFY(QFile::exists(dir.filePath("dicom/sr.dcm")));
  QVERIFY(QFile::exists(dir.filePath("dicom/seg-nodules.dcm")));
  QVERIFY(exported.front().front().toString().contains("2 accepted"));
}

void MainWindowTest::cancelsAModelRun() {
  MainWindow window;
  QVERIFY(showDemoCt(window));
  window.setModelBundle(VIGIE_TEST_MODELS "/blob3d-bundle");
  QSignalSpy finished(&window, &MainWindow::modelFinished);
  window.runModel();
  QTest::qWait(150);
  QPushButton* cancel = nullptr;
  for (auto* button : window.findChildren<QPushButton*>()) {
    if (button->text() == "Cancel") cancel = button;
  }
  QVERIFY(cancel && cancel->isVisible());
  cancel->click();
  QVERIFY(!cancel->isVisible());
  QTest::qWait(3000);  // longer than the run would have taken to finish a batch
  QCOMPARE(finished.size(), 0);
  QCOMPARE(window.findingsPanel()->findingCount(), std::size_t{0});
  QVERIFY(heatmapFraction(window.viewport(SlicePlane::Axial)->grabFramebuffer()) < 0.001);
}

void MainWindowTest::showsFundusPhotographsRedFreeAndEnhanced() {
  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  // 6 photographs as PNG, JPEG and DICOM; lesion masks left out.
  QCOMPARE(window.openPhotographs(VIGIE_DEMO_DIR "/fundus"), 18);
  vigie::app::FundusViewer* viewer = window.fundusViewer();
  viewer->selectPhotograph(5);  // fundus_001.png, well exposed
  const vigie::core::Image2D original = viewer->shownImage();
  QCOMPARE(original.width, 768);
  QTest::qWait(200);
  const QImage shot = window.grab().toImage();
  shot.save(artefactDir() + "/vigie-fundus.png");
  // The photograph fills the view: its reddish retina (dark if under-exposed)
  // covers much of the window.
  int retina = 0;
  for (int y = 0; y < shot.height(); y += 4)
    for (int x = 0; x < shot.width(); x += 4) {
      const QColor c = shot.pixelColor(x, y);
      retina += c.red() > 25 && c.red() > c.blue() + 10;
    }
  QVERIFY2(retina > shot.width() * shot.height() / 16 / 5, "the photograph does not fill the view");

  viewer->setGreenChannel(true);
  const auto& redFree = viewer->shownImage();
  const std::uint8_t* center = redFree.pixel(384, 384);
  QCOMPARE(center[0], center[1]);
  QCOMPARE(center[2], center[1]);
  QCOMPARE(center[1], original.pixel(384, 384)[1]);

  viewer->setGreenChannel(false);
  viewer->setContrastEnhanced(true);
  QVERIFY(viewer->shownImage().pixels != original.pixels);

  QCOMPARE(window.openPhotographs(QDir::tempPath() + "/vigie-no-such-folder"), 0);
  QVERIFY(window.problems().back().contains("no JPEG, PNG, TIFF or DICOM photographs"));
}

void MainWindowTest::opensWhatIsDroppedAndRemembersIt() {
  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  window.openAnything(VIGIE_DEMO_DIR "/fundus/fundus_002.png");  // a photograph
  QCOMPARE(window.fundusViewer()->photographCount(), 1);
  QSignalSpy shown(&window, &MainWindow::studyShown);
  window.openAnything(VIGIE_DEMO_DIR "/fundus");  // DICOM beside the pictures: a study
  QVERIFY(shown.wait(60000) || !window.problems().isEmpty());
  window.openAnything(VIGIE_DEMO_DIR "/ct");
  QVERIFY(shown.wait(60000));
  const QStringList recent = window.recentPaths();
  QVERIFY(recent.size() >= 2);
  QVERIFY(recent.front().endsWith("/ct"));
  QVERIFY(recent.contains(QFileInfo(VIGIE_DEMO_DIR "/fundus/fundus_002.png").absoluteFilePath()));
  window.applyWindow({40, 400});  // typed values reach every view
  QCOMPARE(window.viewport(SlicePlane::Coronal)->window().width, 400.0);
}

void MainWindowTest::gradesAPhotographWithTheModelAndTheReader() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  {
    MainWindow window;
    window.openReviewStore(store, "dr.eye");
    window.setFundusModelBundle(VIGIE_TEST_MODELS "/fundus-bundle");
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openPhotographs(VIGIE_DEMO_DIR "/fundus") > 0);
    vigie::app::FundusViewer* viewer = window.fundusViewer();
    viewer->selectPhotograph(3);  // fundus_001.dcm: a DICOM photograph, keyed by its UID
    QVERIFY(viewer->currentIdentity().startsWith("2.25."));
    // The reader's grade starts empty, and cannot be saved empty.
    auto* gradeBox = window.findChild<QComboBox*>("fundusReaderGrade");
    auto* saveGrade = window.findChild<QPushButton*>("fundusSaveGrade");
    QVERIFY(gradeBox && saveGrade);
    QCOMPARE(gradeBox->currentIndex(), -1);
    QVERIFY(!saveGrade->isEnabled());
    QSignalSpy finished(&window, &MainWindow::fundusModelFinished);
    window.runFundusModel();
    QVERIFY(finished.wait(60000));
    QVERIFY(viewer->heatmapShown());
    auto* result = window.findChild<QLabel*>("fundusModelResult");
    QVERIFY(result && result->text().contains("Referable DR"));
    QVERIFY(result->text().contains("Not for clinical use"));
    QTest::qWait(200);
    const QImage shot = window.grab().toImage();
    QVERIFY(shot.save(artefactDir() + "/vigie-fundus-heatmap.png"));
    // The heatmap's yellow-to-red overlay is on screen.
    int overlay = 0;
    for (int y = 0; y < shot.height(); y += 3)
      for (int x = 0; x < shot.width(); x += 3) {
        const QColor c = shot.pixelColor(x, y);
        overlay += c.red() > 200 && c.green() > 100 && c.blue() < 60;
      }
    QVERIFY2(overlay > 50, "no heatmap colours in the fundus view");

    // The model card opens beside the window and says what the model is not for.
    auto* cardButton = window.findChild<QPushButton*>("fundusModelCardButton");
    QVERIFY(cardButton && cardButton->isEnabled());
    cardButton->click();
    auto* card = window.findChild<QPlainTextEdit*>("modelCardText");
    QVERIFY(card);
    QVERIFY(card->toPlainText().contains("NOT FOR CLINICAL USE"));
    QVERIFY(card->toPlainText().contains("Intended use:"));
    card->window()->close();

    QSignalSpy saved(&window, &MainWindow::fundusGradeSaved);
    viewer->assessment()->setReaderGrade(3, true);
    QVERIFY(QMetaObject::invokeMethod(viewer->assessment(), "gradeSubmitted", Q_ARG(int, 3),
                                      Q_ARG(bool, true), Q_ARG(QString, "venous beading")));
    QCOMPARE(saved.count(), 1);
    QVERIFY(saveGrade->isEnabled());

    // The worklist lists the photograph with the model's answer, read: it
    // catches up when its dock comes to the front.
    auto* worklist = window.findChild<vigie::app::WorklistPanel*>();
    auto* worklistDock = window.findChild<QDockWidget*>("worklistDock");
    QVERIFY(worklist && worklistDock);
    worklistDock->raise();
    QTRY_VERIFY(worklist->isVisible());
    const int row = worklist->shownCases().indexOf(viewer->currentIdentity());
    QVERIFY(row >= 0);
    QVERIFY(worklist->cellText(row, "AI") != "-");
    QCOMPARE(worklist->cellText(row, "State"), QString("read"));
    QCOMPARE(worklist->cellText(row, "Readers"), QString("dr.eye"));
  }
  auto direct = vigie::core::ReviewStore::open(store.toStdString());
  QVERIFY(direct.ok());
  // The model's answer is kept with where its lesion regions are.
  const auto answers = direct.value()->allFundusAiResults();
  QVERIFY(answers.ok() && !answers.value().empty());
  for (const auto& answer : answers.value())
    QCOMPARE(answer.lesionRegions.size(), static_cast<std::size_t>(answer.lesions));
  const auto grades = direct.value()->allFundusGrades().value();
  QCOMPARE(grades.size(), std::size_t{1});
  QCOMPARE(grades[0].grade, 3);
  QCOMPARE(grades[0].note, std::string("venous beading"));

  // Reopened: the photograph shows the reader's recorded grade.
  MainWindow again;
  again.openReviewStore(store, "dr.eye");
  again.show();
  QVERIFY(again.openPhotographs(VIGIE_DEMO_DIR "/fundus") > 0);
  again.fundusViewer()->selectPhotograph(3);
  auto* stored = again.findChild<QLabel*>("fundusStoredGrade");
  QVERIFY(stored && stored->text().contains("Recorded: grade 3"));
  QCOMPARE(again.findChild<QComboBox*>("fundusReaderGrade")->currentIndex(), 3);  // their own
  // The readers compared on the photograph; a trainer's comment on it.
  {
    vigie::app::CaseReviewDialog* compare = again.compareReaders();
    QVERIFY(compare);
    QSignalSpy shown(compare, &vigie::app::CaseReviewDialog::shown);
    QVERIFY(shown.wait(30000));
    QVERIFY(compare->rowCount() >= 2);  // the AI and dr.eye
    QVERIFY(compare->comment("Venous beading: refer", false));
    QVERIFY(shown.wait(30000));
    auto comments = direct.value()->allComments();
    QVERIFY(comments.ok());
    QCOMPARE(comments.value().size(), std::size_t{1});
    QCOMPARE(comments.value()[0].caseUid, again.fundusViewer()->currentIdentity().toStdString());
    QCOMPARE(comments.value()[0].text, std::string("Venous beading: refer"));
    compare->close();
  }
  // ... and marks a lesion on it.
  again.fundusViewer()->setMarking(true);
  again.fundusViewer()->setMarkKind("microaneurysm");
  again.fundusViewer()->clickAt({200, 180});
  QCOMPARE(again.fundusViewer()->lesionMarkCount(), std::size_t{1});

  // With double reading, a second grader does not see the first grade, nor
  // the first grader's marks, nor the readers compared; their form starts
  // empty.
  QVERIFY(direct.value()->setSiteSetting("double_reading", "abnormal", "dr.lead").ok());
  MainWindow second;
  second.openReviewStore(store, "dr.second");
  second.show();
  QVERIFY(second.openPhotographs(VIGIE_DEMO_DIR "/fundus") > 0);
  second.fundusViewer()->selectPhotograph(3);
  auto* blind = second.findChild<QLabel*>("fundusStoredGrade");
  QVERIFY2(blind && blind->text().contains("hidden") && !blind->text().contains("grade 3"),
           qPrintable(blind ? blind->text() : QString()));
  QCOMPARE(second.findChild<QComboBox*>("fundusReaderGrade")->currentIndex(), -1);
  QCOMPARE(second.fundusViewer()->lesionMarkCount(), std::size_t{0});
  QVERIFY(second.compareReaders() == nullptr);
  // The first grader still sees their own marks and may compare.
  QCOMPARE(again.fundusViewer()->lesionMarkCount(), std::size_t{1});
}

/// Submits `grade` for the photograph shown, as the Save button does.
bool submitGrade(MainWindow& window, int grade) {
  QSignalSpy saved(&window, &MainWindow::fundusGradeSaved);
  auto* assessment = window.fundusViewer()->assessment();
  assessment->setReaderGrade(grade, true);
  return QMetaObject::invokeMethod(assessment, "gradeSubmitted", Q_ARG(int, grade),
                                   Q_ARG(bool, true), Q_ARG(QString, QString())) &&
         saved.count() == 1;
}

void MainWindowTest::gradesAPhotographBlindThenReveals() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  {
    // A senior runs the DR model and grades the photograph.
    MainWindow window;
    window.openReviewStore(store, "dr.senior");
    window.setFundusModelBundle(VIGIE_TEST_MODELS "/fundus-bundle");
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openPhotographs(VIGIE_DEMO_DIR "/fundus") > 0);
    window.fundusViewer()->selectPhotograph(3);
    QSignalSpy finished(&window, &MainWindow::fundusModelFinished);
    window.runFundusModel();
    QVERIFY(finished.wait(60000));
    QVERIFY(submitGrade(window, 4));
  }
  // A resident reads blind: neither the senior's grade nor the model shows,
  // and the model does not run.
  MainWindow window;
  window.openReviewStore(store, "resident");
  window.setFundusModelBundle(VIGIE_TEST_MODELS "/fundus-bundle");
  window.setEducationalMode(true);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QVERIFY(window.openPhotographs(VIGIE_DEMO_DIR "/fundus") > 0);
  window.fundusViewer()->selectPhotograph(3);
  auto* stored = window.findChild<QLabel*>("fundusStoredGrade");
  QVERIFY2(stored && !stored->text().contains("dr.senior"), qPrintable(stored->text()));
  QSignalSpy finished(&window, &MainWindow::fundusModelFinished);
  window.runFundusModel();
  QVERIFY(!finished.wait(1500));
  QVERIFY(!window.fundusViewer()->heatmapShown());
  QVERIFY(submitGrade(window, 1));

  // A reveal asked for on another photograph, left before its reference is
  // read, is dropped.
  QSignalSpy revealed(&window, &MainWindow::blindReadRevealed);
  window.fundusViewer()->selectPhotograph(2);
  QVERIFY(window.revealBlindRead());
  window.fundusViewer()->selectPhotograph(3);
  QVERIFY(settleBackgroundJobs());
  QCOMPARE(revealed.count(), 0);
  QVERIFY2(!stored->text().contains("dr.senior"), qPrintable(stored->text()));

  // Revealed once the reference is read (off the GUI thread), shown once
  // though asked twice: the grade against the demo's reference and the AI's
  // answer.
  QVERIFY(window.revealBlindRead());
  QVERIFY(window.revealBlindRead());
  QVERIFY(revealed.wait(30000));
  QVERIFY(settleBackgroundJobs());
  QCOMPARE(revealed.count(), 1);
  const QString text = revealed.at(0).at(0).toString();
  QVERIFY2(text.startsWith("Your grade: grade 1, not referable."), qPrintable(text));
  QVERIFY2(text.contains("The reference: grade "), qPrintable(text));
  QVERIFY2(text.contains("The AI: "), qPrintable(text));
  window.grab().save(artefactDir() + "/vigie-fundus-educational-reveal.png");
  // Now the model runs.
  window.runFundusModel();
  QVERIFY(finished.wait(60000));
  QVERIFY(window.fundusViewer()->heatmapShown());
}

/// Fraction of pixels in the measurement colour (yellow: red and green high,
/// blue low) in the middle of the view, away from the yellow corner text.
double measurementFraction(const QImage& image) {
  int hits = 0, total = 0;
  for (int y = image.height() / 5; y < image.height() * 4 / 5; y += 2)
    for (int x = image.width() / 5; x < image.width() * 4 / 5; x += 2) {
      const QColor c = image.pixelColor(x, y);
      ++total;
      if (c.red() > 200 && c.green() > 170 && c.blue() < 80) ++hits;
    }
  return total ? double(hits) / total : 0.0;
}

void MainWindowTest::measuresLengthsAndRegionsAndKeepsThem() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  double length = 0;
  {
    MainWindow window;
    window.openReviewStore(store, "dr.test");
    QVERIFY(showDemoCt(window));
    SliceViewport* axial = window.viewport(SlicePlane::Axial);
    const QPoint center(axial->width() / 2, axial->height() / 2);
    const QPoint from = center - QPoint(40, 10), to = center + QPoint(50, 30);
    const auto a = axial->pointAt(from), b = axial->pointAt(to);

    // A length, drawn with the mouse as a reader does.
    window.setMeasureTool(SliceViewport::Tool::Length);
    QTest::mousePress(axial, Qt::LeftButton, {}, from);
    QTest::mouseMove(axial, center);
    QTest::mouseMove(axial, to);
    QTest::mouseRelease(axial, Qt::LeftButton, {}, to);
    QCOMPARE(window.measurementsPanel()->count(), 1);
    const auto& drawn = window.measurementsPanel()->at(0);
    QCOMPARE(drawn.kind, std::string("length"));
    length = vigie::core::distance(a, b);
    QVERIFY(length > 20.0);
    QVERIFY(std::abs(drawn.value - length) < 1e-6);

    // A circular ROI in the middle of the chest: its mean is what the voxels say.
    window.setMeasureTool(SliceViewport::Tool::CircleRoi);
    QTest::mousePress(axial, Qt::LeftButton, {}, center);
    QTest::mouseMove(axial, center + QPoint(25, 0));
    QTest::mouseRelease(axial, Qt::LeftButton, {}, center + QPoint(25, 0));
    QCOMPARE(window.measurementsPanel()->count(), 2);
    const auto& roi = window.measurementsPanel()->at(1);
    QCOMPARE(roi.kind, std::string("roi"));
    const auto stats = vigie::core::circleStatistics(
        *axial->volume(), SlicePlane::Axial, static_cast<std::size_t>(axial->slice()),
        roi.pointsMm[0], vigie::core::distance(roi.pointsMm[0], roi.pointsMm[1]));
    QVERIFY(stats.voxels > 50);
    QVERIFY(std::abs(roi.value - stats.meanHu) < 1e-9);
    QVERIFY(QString::fromStdString(roi.note).contains("SD"));

    window.setMeasureTool(SliceViewport::Tool::WindowLevel);
    QTest::qWait(200);
    const QImage shown = axial->grabFramebuffer();
    shown.save(artefactDir() + "/vigie-axial-measurements.png");
    QVERIFY2(measurementFraction(shown) > 0.0005, "no measurement graphics in the axial view");
  }
  {
    // Saved before listed: reopened, both are back, listed and drawn.
    MainWindow again;
    again.openReviewStore(store, "dr.test");
    QVERIFY(showDemoCt(again));
    auto* panel = again.measurementsPanel();
    QCOMPARE(panel->count(), 2);
    QCOMPARE(again.viewport(SlicePlane::Axial)->measurementCount(), std::size_t{2});
    QVERIFY(std::abs(panel->at(0).value - length) < 1e-6);

    // The reader withdraws the length: selected in the list, then Delete.
    auto* withdraw = panel->findChild<QPushButton*>("withdrawMeasurement");
    QVERIFY(withdraw && !withdraw->isEnabled());  // nothing selected yet
    panel->select(0);
    QVERIFY(withdraw->isEnabled());
    panel->grab().save(artefactDir() + "/vigie-measurements-panel.png");
    QTest::keyClick(panel->findChild<QListWidget*>(), Qt::Key_Delete);
    QCOMPARE(panel->count(), 1);
    QCOMPARE(panel->at(0).kind, std::string("roi"));
    QCOMPARE(again.viewport(SlicePlane::Axial)->measurementCount(), std::size_t{1});
    QVERIFY(again.problems().isEmpty());
  }
  // Withdrawn for good: the next window shows only the ROI.
  MainWindow third;
  third.openReviewStore(store, "dr.test");
  QVERIFY(showDemoCt(third));
  QCOMPARE(third.measurementsPanel()->count(), 1);
  QCOMPARE(third.measurementsPanel()->at(0).kind, std::string("roi"));
  QCOMPARE(third.viewport(SlicePlane::Axial)->measurementCount(), std::size_t{1});
}

void MainWindowTest::linksTheViewsThroughAPickedPoint() {
  MainWindow window;
  QVERIFY(showDemoCt(window));
  SliceViewport* axial = window.viewport(SlicePlane::Axial);
  SliceViewport* coronal = window.viewport(SlicePlane::Coronal);
  SliceViewport* sagittal = window.viewport(SlicePlane::Sagittal);
  QVERIFY(axial->crosshairShown());
  // Ctrl+click off-centre in the axial view: the coronal and sagittal views
  // move to the slices through that point; the axial view stays.
  const QPoint picked(axial->width() / 2 + 60, axial->height() / 2 - 40);
  const auto point = axial->pointAt(picked);
  const int axialSlice = axial->slice();
  QTest::mouseClick(axial, Qt::LeftButton, Qt::ControlModifier, picked);
  const auto index = axial->volume()->geometry().physicalToIndex(point);
  QCOMPARE(sagittal->slice(), static_cast<int>(std::lround(index.x)));
  QCOMPARE(coronal->slice(), static_cast<int>(std::lround(index.y)));
  QCOMPARE(axial->slice(), axialSlice);
  QVERIFY(coronal->slice() != coronal->sliceCount() / 2);
  // Where the three views meet is now the picked point, on the axial slice.
  const auto meet = window.viewsIntersection();
  QVERIFY(std::abs(meet.z - point.z) < 1e-6);
  QTest::qWait(200);
  const QImage shown = coronal->grabFramebuffer();
  shown.save(artefactDir() + "/vigie-coronal-crosshair.png");
  int bluish = 0;
  for (int y = 0; y < shown.height(); ++y)
    for (int x = 0; x < shown.width(); ++x) {
      const QColor c = shown.pixelColor(x, y);
      if (c.blue() - c.red() > 60 && c.green() > 100) ++bluish;
    }
  QVERIFY2(bluish > shown.width() / 2, "no crosshair lines in the coronal view");
  // T hides the crosshair in every view.
  window.activateWindow();
  QVERIFY(QTest::qWaitForWindowActive(&window));
  QTest::keyClick(axial, Qt::Key_T);
  QVERIFY(!axial->crosshairShown());
  QVERIFY(!coronal->crosshairShown());
}

int main(int argc, char** argv) {
  QSurfaceFormat format;
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setSamples(0);
  QSurfaceFormat::setDefaultFormat(format);
  // The recent list (QSettings) goes to a private folder, not the user's.
  QTemporaryDir settings;
  qputenv("XDG_CONFIG_HOME", settings.path().toUtf8());
  QApplication app(argc, argv);
  QApplication::setOrganizationName("VigieTest");
  MainWindowTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "MainWindowTest.moc"

void MainWindowTest::rendersTheVolumeAndBrowsesItsSeries() {
  // Two small CT series in one folder: the browser lists both with
  // thumbnails, the largest-first choice shows one, double-click the other.
  QTemporaryDir folder;
  for (int seed : {3, 4}) {
    vigie::imaging::ChestCtPhantomOptions options;
    options.size = {128, 128, static_cast<std::size_t>(40 + 10 * seed)};
    options.spacingMm = {2.5, 2.5, 4.0};
    options.seed = static_cast<std::uint64_t>(seed);
    options.noduleCount = 2;
    QVERIFY(vigie::imaging::writeSyntheticCtCase(
                options, folder.filePath(QString("case%1").arg(seed)).toStdString())
                .ok());
  }
  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QSignalSpy shown(&window, &MainWindow::studyShown);
  window.openPath(folder.path());
  QVERIFY(shown.wait(60000));

  vigie::app::StudyBrowser* browser = window.studyBrowser();
  QCOMPARE(browser->seriesCount(), 2);
  int other = -1;
  for (int i = 0; i < 2; ++i) {
    const auto& card = browser->card(i);
    QVERIFY(card.loadable);
    QCOMPARE(card.modality, QString("CT"));
    QVERIFY2(!card.thumbnail.isNull(), "a series without its thumbnail");
    QVERIFY2(contentFraction(card.thumbnail) > 0.2, "a blank thumbnail");
    if (!(card.key == browser->shownKey())) other = i;
  }
  QVERIFY(other >= 0);
  // The largest series (80 slices) is the one shown first.
  QCOMPARE(window.viewport(SlicePlane::Axial)->sliceCount(), 80);

  VolumeRenderView* view3d = window.volumeView();
  if (view3d->preparing()) {
    QSignalSpy ready(view3d, &VolumeRenderView::volumeReady);
    QVERIFY(ready.wait(30000));
  }
  QVERIFY(view3d->hasRendering());
  QImage previous;
  for (auto preset : {VolumeRenderView::Preset::SoftTissue, VolumeRenderView::Preset::Bone,
                      VolumeRenderView::Preset::Lungs}) {
    view3d->setPreset(preset);
    QTest::qWait(100);
    const QImage frame = view3d->grabFramebuffer();
    frame.save(artefactDir() + QString("/vigie-3d-%1.png").arg(static_cast<int>(preset)));
    QVERIFY2(contentFraction(frame) > 0.05, "the 3D view looks empty");
    QVERIFY2(frame != previous, "a preset changed nothing");
    previous = frame;
  }

  const auto firstVolume = window.viewport(SlicePlane::Axial)->volume();
  const auto wanted = browser->card(other).key;
  browser->activate(other);
  QVERIFY(shown.wait(60000));
  QVERIFY(window.viewport(SlicePlane::Axial)->volume() != firstVolume);
  QCOMPARE(window.viewport(SlicePlane::Axial)->sliceCount(), 70);
  QVERIFY(browser->shownKey() == wanted);
  window.grab().save(artefactDir() + "/vigie-study-browser.png");
}

void MainWindowTest::marksLesionsAndShowsAGridOfPhotographs() {
  QTemporaryDir dir;
  const QString store = dir.filePath("review.sqlite");
  QString identity;
  {
    MainWindow window;
    window.openReviewStore(store, "dr.eye");
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const int count = window.openPhotographs(VIGIE_DEMO_DIR "/fundus");
    QVERIFY(count > 1);
    vigie::app::FundusViewer* viewer = window.fundusViewer();

    // The grid: every photograph as a thumbnail, made off the GUI thread.
    if (viewer->thumbnailCount() < count) {
      QSignalSpy ready(viewer, &vigie::app::FundusViewer::thumbnailsReady);
      QVERIFY(ready.wait(30000));
    }
    QCOMPARE(viewer->thumbnailCount(), count);
    viewer->setGridView(true);
    QVERIFY(viewer->gridView());
    QTest::qWait(200);
    const QImage grid = window.grab().toImage();
    grid.save(artefactDir() + "/vigie-fundus-grid.png");
    auto* cells = window.findChild<QListWidget*>("fundusGrid");
    QVERIFY(cells && cells->count() == count);
    QVERIFY(!cells->item(count - 1)->icon().isNull());
    // Activating a thumbnail opens that photograph alone.
    Q_EMIT cells->itemActivated(cells->item(1));
    QVERIFY(!viewer->gridView());
    identity = viewer->currentIdentity();
    QVERIFY(!identity.isEmpty());

    // Three marks, one removed: two stand, drawn and saved.
    QSignalSpy saved(&window, &MainWindow::lesionMarksSaved);
    viewer->setMarking(true);
    viewer->setMarkKind("microaneurysm");
    viewer->clickAt({200, 180});
    viewer->setMarkKind("hard_exudate");
    viewer->clickAt({320, 260});
    viewer->clickAt({100, 400});
    QCOMPARE(saved.count(), 3);
    QCOMPARE(viewer->lesionMarkCount(), std::size_t{3});
    viewer->clickAt({101, 399}, /*remove=*/true);
    QCOMPARE(saved.count(), 4);
    QCOMPARE(viewer->lesionMarkCount(), std::size_t{2});
    viewer->clickAt({-50, -50});  // outside the photograph: nothing
    QCOMPARE(saved.count(), 4);
    QTest::qWait(100);
    window.grab().save(artefactDir() + "/vigie-fundus-marks.png");
    auto* summary = window.findChild<QLabel*>("fundusLesionMarks");
    QVERIFY(summary && summary->text().startsWith("2 lesion marks"));
  }
  // In the store: three marks and one withdrawal; two stand.
  auto direct = vigie::core::ReviewStore::open(store.toStdString());
  QVERIFY(direct.ok());
  const auto history = direct.value()->fundusLesionMarks(identity.toStdString()).value();
  QCOMPARE(history.size(), std::size_t{4});
  const auto standing = vigie::core::lesionMarksInForce(history);
  QCOMPARE(standing.size(), std::size_t{2});
  QCOMPARE(standing[0].lesion, std::string("microaneurysm"));
  QCOMPARE(standing[0].reader, std::string("dr.eye"));

  // Reopened: the photograph shows its marks again.
  MainWindow again;
  again.openReviewStore(store, "dr.eye");
  again.show();
  QVERIFY(again.openPhotographs(VIGIE_DEMO_DIR "/fundus") > 0);
  again.fundusViewer()->selectPhotograph(1);
  QCOMPARE(again.fundusViewer()->lesionMarkCount(), std::size_t{2});
}

void MainWindowTest::showsTheFirstSliceWhileTheSeriesLoads() {
  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  SliceViewport* axial = window.viewport(SlicePlane::Axial);
  QStringList order;
  QImage previewFrame;
  connect(&window, &MainWindow::previewShown, this, [&] {
    order << "preview";
    QVERIFY(axial->showsPreview());
    previewFrame = axial->grabFramebuffer();
  });
  connect(&window, &MainWindow::studyShown, this, [&] { order << "study"; });
  QSignalSpy shown(&window, &MainWindow::studyShown);
  window.openPath(VIGIE_DEMO_DIR "/ct");
  QVERIFY(shown.wait(60000));
  QCOMPARE(order, QStringList({"preview", "study"}));
  previewFrame.save(artefactDir() + "/vigie-first-slice-preview.png");
  QVERIFY2(contentFraction(previewFrame) > 0.2, "the preview looks blank");
  QVERIFY(!axial->showsPreview());  // the volume replaced it
}

// The keyboard help is generated from the actions themselves: every menu
// shortcut is in it, described, and no two actions share a key.
void MainWindowTest::keyboardHelpListsEveryShortcutOfTheMenus() {
  MainWindow window;
  QVERIFY(window.actionRegistry());
  const auto rows = window.actionRegistry()->helpRows();
  QStringList helpKeys;
  for (const auto& row : rows) {
    QVERIFY2(!row.help.isEmpty(), qPrintable(row.keys));
    helpKeys << row.keys;
  }
  QStringList menuKeys;
  for (const QAction* action : window.findChildren<QAction*>()) {
    const QString keys = action->shortcut().toString(QKeySequence::NativeText);
    if (keys.isEmpty()) continue;
    QVERIFY2(!menuKeys.contains(keys), qPrintable("two actions on " + keys));
    menuKeys << keys;
    QVERIFY2(helpKeys.contains(keys), qPrintable(keys + " (" + action->text() + ") missing"));
  }
  QVERIFY(menuKeys.size() >= 25);
  QVERIFY(helpKeys.contains("Ctrl+M"));
  QVERIFY(helpKeys.contains("Ctrl+click"));  // a gesture the views handle themselves
  // The Images tab's own keys, where a left drag measures instead of windowing.
  QVERIFY(helpKeys.contains("Images tab: Delete or Backspace"));
  QVERIFY(helpKeys.contains("Images tab: Space; Left / Right; Home / End"));
}

// Without a review store a reader's grade cannot be kept: the reader is told
// in the Problems list (not only in a passing status-bar line).
void MainWindowTest::aGradeWithoutAStoreIsReportedNotLost() {
  MainWindow window;
  QSignalSpy saved(&window, &MainWindow::fundusGradeSaved);
  Q_EMIT window.fundusViewer()->gradeSubmitted("photograph-1", 2, true, {});
  QCOMPARE(saved.count(), 0);
  QVERIFY(!window.problems().isEmpty());
  QVERIFY(window.problems().back().contains("No review store is open"));
  QVERIFY(window.problems().back().contains("grade"));
}

namespace {

/// A folder holding copies of `files` (pydicom's test files), or an empty
/// string when Debian's python3-pydicom is not installed.
QString folderWithPydicomFiles(const QTemporaryDir& dir, const QStringList& files) {
  for (const QString& name : files) {
    if (!QFile::copy(QString(VIGIE_PYDICOM_TEST_FILES) + "/" + name, dir.filePath(name))) return {};
  }
  return dir.path();
}

}  // namespace

// Radiographs, ultrasound, secondary captures, NM, RT Dose and SEG frames:
// no patient geometry (or frames that cannot be placed), so no volume; each
// opens in the Images tab with its frames, its window and its calibration.
void MainWindowTest::showsImagesWithoutGeometryInThe2dView() {
  struct Case {
    const char* file;
    int frames;
  };
  const Case cases[] = {
      {"ExplVR_BigEnd.dcm", 1},      // US, RGB, big endian
      {"SC_rgb_rle_2frame.dcm", 2},  // colour cine, RLE
      {"SC_ybr_full_422_uncompressed.dcm", 1},
      {"rtdose.dcm", 15},       // 32-bit, Dose Grid Scaling, Gy
      {"JPEG2000.dcm", 1},      // NM, JPEG 2000
      {"liver_1frame.dcm", 1},  // SEG, one bit per pixel
  };
  for (const Case& c : cases) {
    QTemporaryDir dir;
    const QString folder = folderWithPydicomFiles(dir, {c.file});
    if (folder.isEmpty()) QSKIP("python3-pydicom's test files are not installed");
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy shown(&window, &MainWindow::studyShown);
    QSignalSpy failed(&window, &MainWindow::studyFailed);
    window.openPath(folder);
    QVERIFY2(shown.wait(30000), c.file);
    QVERIFY2(failed.isEmpty(), c.file);
    auto* view = window.planarView();
    QCOMPARE(window.findChild<QTabWidget*>()->currentWidget(), view);
    QVERIFY2(view->hasImages(), c.file);
    QCOMPARE(view->frameCount(), c.frames);
    QCOMPARE(window.studyBrowser()->seriesCount(), 1);
    QVERIFY(window.studyBrowser()->card(0).planar);
    QVERIFY2(!window.studyBrowser()->card(0).thumbnail.isNull(), c.file);
    if (c.frames > 1) {
      view->play();
      QTRY_VERIFY_WITH_TIMEOUT(view->frame() > 0, 3000);
      view->pause();
    }
    QTest::qWait(50);
    const QImage shot = view->snapshot();
    QVERIFY2(contentFraction(shot) > 0.05, c.file);
    shot.save(artefactDir() + "/vigie-2d-" + QFileInfo(c.file).baseName() + ".png");
  }
}

// A CT study's scout (an image with no volume of its own) lists beside the
// CT; opening it shows it in the Images tab and leaves the CT loaded.
void MainWindowTest::showsAScoutBesideTheCtVolume() {
  QTemporaryDir dir;
  QVERIFY(QDir().mkpath(dir.filePath("scout")));
  QTemporaryDir scoutDir;
  const QString scout = folderWithPydicomFiles(scoutDir, {"SC_rgb_rle.dcm"});
  if (scout.isEmpty()) QSKIP("python3-pydicom's test files are not installed");
  QVERIFY(QFile::copy(scoutDir.filePath("SC_rgb_rle.dcm"), dir.filePath("scout/SC_rgb_rle.dcm")));
  vigie::imaging::ChestCtPhantomOptions options;
  options.size = {64, 64, 24};
  options.spacingMm = {5.0, 5.0, 10.0};
  options.seed = 3;
  QVERIFY(vigie::imaging::writeSyntheticCtCase(options, dir.filePath("ct").toStdString()).ok());

  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QSignalSpy shown(&window, &MainWindow::studyShown);
  window.openPath(dir.path());
  QVERIFY(shown.wait(60000));
  QCOMPARE(window.viewport(SlicePlane::Axial)->sliceCount(), 24);
  auto* browser = window.studyBrowser();
  QCOMPARE(browser->seriesCount(), 2);
  int planar = -1;
  for (int i = 0; i < browser->seriesCount(); ++i)
    if (browser->card(i).planar) planar = i;
  QVERIFY(planar >= 0);
  QVERIFY(browser->card(planar).loadable);
  const auto volume = window.viewport(SlicePlane::Axial)->volume();
  browser->activate(planar);
  QVERIFY(shown.wait(30000));
  QCOMPARE(window.findChild<QTabWidget*>()->currentWidget(), window.planarView());
  QVERIFY(window.planarView()->hasImages());
  QCOMPARE(window.viewport(SlicePlane::Axial)->volume(), volume);

  // A length drawn on the scout is kept in the review store, on its image
  // and frame, and is there again when the scout is opened again.
  QTemporaryDir storeDir;
  const QString store = storeDir.filePath("review.sqlite");
  window.openReviewStore(store, "dr.test");
  const QString label = window.planarView()->measure(QPointF(10, 10), QPointF(40, 50));
  QVERIFY(!label.isEmpty());
  QCOMPARE(window.planarView()->storedLengthsShown(), 1);
  window.grab().save(artefactDir() + "/vigie-2d-beside-ct.png");
  {
    auto direct = vigie::core::ReviewStore::open(store.toStdString());
    QVERIFY(direct.ok());
    auto all = direct.value()->allMeasurements();
    QVERIFY(all.ok());
    QCOMPARE(all.value().size(), std::size_t(1));
    const auto& m = all.value().front();
    QVERIFY(m.image.has_value());
    QCOMPARE(m.image->frame, 1);
    QCOMPARE(QString::fromStdString(m.image->sopInstanceUid),
             QString::fromStdString(window.planarView()->currentImage()->sopInstanceUid));
    QCOMPARE(m.pixelPoints.size(), std::size_t(2));
    QCOMPARE(m.reader, std::string("dr.test"));
    const auto length = window.planarView()->currentImage()->length(10, 10, 40, 50);
    QCOMPARE(m.value, length.value);
    QCOMPARE(m.unit,
             std::string(length.source == vigie::imaging::SpacingSource::None ? "px" : "mm"));
  }
  // Export on the Images tab writes the scout's lengths, not the CT's review.
  QSignalSpy exported(&window, &MainWindow::reviewExported);
  window.exportReview(storeDir.filePath("dicom"));
  QVERIFY(exported.wait(30000));
  // (The plural forms come with the interface language, not installed in these tests.)
  QVERIFY2(exported.front().front().toString().startsWith("Exported 1 length"),
           qPrintable(exported.front().front().toString()));
  QVERIFY(QFile::exists(storeDir.filePath("dicom/sr.dcm")));

  MainWindow again;
  again.show();
  QVERIFY(QTest::qWaitForWindowExposed(&again));
  again.openReviewStore(store, "dr.test");
  QSignalSpy shownAgain(&again, &MainWindow::studyShown);
  again.openPath(dir.path());
  QVERIFY(shownAgain.wait(60000));
  auto* browserAgain = again.studyBrowser();
  for (int i = 0; i < browserAgain->seriesCount(); ++i)
    if (browserAgain->card(i).planar) browserAgain->activate(i);
  QVERIFY(shownAgain.wait(30000));
  QCOMPARE(again.planarView()->storedLengthsShown(), 1);
  again.planarView()->snapshot().save(artefactDir() + "/vigie-2d-stored-length.png");

  // Delete withdraws it: gone from the view and from what stands in the
  // store, kept in the history.
  QTest::keyClick(again.planarView()->findChild<QWidget*>("planarCanvas"), Qt::Key_Delete);
  QCOMPARE(again.planarView()->storedLengthsShown(), 0);
  {
    auto direct = vigie::core::ReviewStore::open(store.toStdString());
    QVERIFY(direct.ok());
    const auto history = direct.value()->allMeasurements().value();
    QCOMPARE(history.size(), std::size_t(2));
    QVERIFY(history.back().withdraws.has_value());
    QVERIFY(vigie::core::measurementsInForce(history).empty());
  }
  QCOMPARE(again.viewport(SlicePlane::Axial)->measurementCount(), std::size_t(0));  // not the CT's
}

// File > Query/Retrieve against a real PACS: run by tests/integration/pacs_test.py
// (--gui), which starts Orthanc, stores a study and names it here; skipped otherwise.
void MainWindowTest::retrievesAStudyFromAPacs() {
  const QString node = qEnvironmentVariable("VIGIE_TEST_PACS_NODE");
  const QString studyUid = qEnvironmentVariable("VIGIE_TEST_PACS_STUDY");
  const int slices = qEnvironmentVariableIntValue("VIGIE_TEST_PACS_SLICES");
  if (node.isEmpty() || studyUid.isEmpty()) QSKIP("no PACS given (pacs_test.py --gui runs this)");
  QTemporaryDir home;  // the cache under it, not the user's
  qputenv("XDG_CACHE_HOME", home.path().toUtf8());
  MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  vigie::app::PacsQueryDialog* dialog = window.pacsDialog();
  dialog->show();
  dialog->setNode(node);
  QSignalSpy searched(dialog, &vigie::app::PacsQueryDialog::searchFinished);
  dialog->search();
  QVERIFY(searched.wait(30000));
  QCOMPARE(searched.front().at(1).toString(), QString());
  int row = -1;
  for (int r = 0; r < dialog->resultCount(); ++r)
    if (dialog->studyUidAt(r) == studyUid) row = r;
  QVERIFY2(row >= 0, "the stored study is not among the results");
  dialog->selectRow(row);
  // The cache limit is a setting the next session keeps (the limit itself is
  // checked against Orthanc by the CLI's `pacs get --quota-mb`: same client).
  dialog->setCacheLimitMb(500);
  QCOMPARE(vigie::app::PacsQueryDialog().cacheLimitMb(), 500);
  dialog->grab().save(artefactDir() + "/vigie-pacs-query.png");
  QSignalSpy shown(&window, &MainWindow::studyShown);
  dialog->retrieve();
  QVERIFY(shown.wait(60000));
  QCOMPARE(window.viewport(SlicePlane::Axial)->sliceCount(), slices);
  QVERIFY(QFileInfo(vigie::app::PacsQueryDialog::cacheFolder() + "/" + studyUid).isDir());
  QTest::qWait(300);  // the views' first paint
  window.grab().save(artefactDir() + "/vigie-pacs-retrieved.png");

  // The review goes back to the PACS it came from: a finding the reader adds
  // becomes the SR and the SEG.
  QTemporaryDir storeDir;
  window.openReviewStore(storeDir.filePath("review.sqlite"), "pacs-test");
  const auto volume = window.viewport(SlicePlane::Axial)->volume();
  QVERIFY(window.addFinding(volume->geometry().indexToPhysical({32, 32, 10}), 6.0, "from PACS"));
  QSignalSpy sent(&window, &MainWindow::reviewExported);
  QSignalSpy failed(&window, &MainWindow::reviewExportFailed);
  window.sendReviewToPacs();
  QVERIFY2(sent.wait(60000),
           failed.isEmpty() ? "nothing sent" : qPrintable(failed.front().at(0).toString()));
  QVERIFY2(sent.front().at(0).toString().contains("sent to " + node),
           qPrintable(sent.front().at(0).toString()));
}
