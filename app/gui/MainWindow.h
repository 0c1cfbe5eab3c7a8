#pragma once

#include <QMainWindow>
#include <QString>
#include <optional>
#include <utility>

#include "MeasurementsPanel.h"
#include "ModelRunner.h"
#include "ReviewExporter.h"
#include "ReviewSession.h"
#include "StudyLoader.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/core/SliceImage.h"

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QTabWidget;

namespace vigie::app {

class ActionRegistry;
class CaseReviewDialog;
class CtModelRun;
class CtReadingController;
class CtReviewController;
class FindingsPanel;
class WorklistPanel;
class FundusReviewController;
class FundusViewer;
class PacsQueryDialog;
class ReaderStatisticsDialog;
class PlanarImageView;
class PlanarMeasurementRecorder;
class ProblemReporter;
class ScreenshotDriver;
class StatusProgress;
class SliceViewport;
class StudyBrowser;
class VolumeRenderView;

/// The reading window: the CT tab (axial, coronal and sagittal views and 3D
/// in a 2x2 grid), the Fundus tab, the Images tab (2D images), a study
/// browser (every series found, with thumbnails), the worklist, and loading
/// in the background with progress in the status bar. Problems (unreadable
/// files, uneven spacing) go to the study panel's list (ProblemReporter),
/// never to a pile of dialogs.
///
/// It lays the window out, builds the menus and wires the parts; the jobs
/// live elsewhere: the store, reader and open study in ReviewSession, the CT
/// views, crosshair and measurements in CtReadingController, the CT
/// findings' review in CtReviewController, the Fundus tab's reading in
/// FundusReviewController, every command and its keyboard help in
/// ActionRegistry, progress in StatusProgress, `--screenshot` in
/// ScreenshotDriver.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Starts loading a file or folder (its largest series, or `series`); returns at once.
  void openPath(const QString& path, const SeriesKey& series = {});
  /// Opens what a reader drops or picks from the recent list: photographs
  /// (JPEG, PNG, TIFF, or a folder of them without DICOM) in the Fundus
  /// tab, anything else as a DICOM study.
  void openAnything(const QString& path);
  /// The studies and photograph folders opened lately, newest first.
  QStringList recentPaths() const;
  /// Sets window and level in every view (typed values, presets).
  void applyWindow(core::HuWindow window);

  /// After the next successful load (or at once if one is shown), renders the
  /// window into `file` and quits the application: exit code 0 on success, 1
  /// if loading or writing failed. With `runModel` set, the model runs first
  /// and the screenshot shows its heatmap and first finding.
  void screenshotAndQuit(const QString& file, const QString& runModel = {});
  /// The window as it is (no study to wait for) to `file`, then quit.
  void screenshotNowAndQuit(const QString& file);

  /// The model bundle folder that "Run nodule model" uses.
  void setModelBundle(const QString& folder);
  const QString& modelBundle() const;
  /// The fundus DR bundle the Fundus tab runs.
  void setFundusModelBundle(const QString& folder);
  /// Runs the model for the tab in front: the CT model over the open CT, or
  /// the DR model over the photograph shown. On a worker thread; returns at once.
  void runModel();
  /// Runs the DR model over the photograph the Fundus tab shows.
  void runFundusModel();
  FindingsPanel* findingsPanel() const { return findings_; }
  /// Lists the fundus photographs of a folder in the Fundus tab; returns how many.
  int openPhotographs(const QString& folder);
  FundusViewer* fundusViewer() const { return fundus_; }
  /// The 2D view (radiographs, ultrasound, captures, RT Dose ...): the "Images" tab.
  PlanarImageView* planarView() const { return planarView_; }
  /// File > Query/Retrieve (made on first use); a retrieved study opens in the views.
  PacsQueryDialog* pacsDialog();
  /// Worklist > Reader statistics (made on first use); a case double-clicked
  /// in its drill-down opens in the views.
  ReaderStatisticsDialog* statisticsDialog();
  /// Worklist > Compare the readers: the case in front (the CT study, or the
  /// photograph in the Fundus tab) with every reader's calls side by side;
  /// null, with the reason in the status bar, when there is none or the
  /// reader reads blind (educational mode).
  CaseReviewDialog* compareReaders();
  void showCtTab();
  void showFundusTab();
  enum class Tab { Ct, Fundus, Images };
  /// The tab in front.
  Tab currentTab() const;
  /// The path opened and the series UID of the 2D series on screen, when the
  /// Images tab is the one shown: what Export and Send act on there.
  std::optional<std::pair<QString, QString>> shownPlanarSeries() const;
  /// Like screenshotAndQuit for the Fundus tab: with `fundusBundle` set, the
  /// DR model runs on the photograph shown first.
  void screenshotFundusAndQuit(const QString& file, const QString& fundusBundle = {});

  /// Opens (or creates) the review store where the reader's decisions go, as
  /// `reader`. Without one, Confirm and Reject are disabled and say why.
  void openReviewStore(const QString& file, const QString& reader);
  /// Exports the review (SR + SEG, as exportReview) into Vigie's outbox and
  /// sends it by C-STORE to the PACS chosen in File > Query/Retrieve.
  void sendReviewToPacs();
  /// Records the reader's decision on the selected finding at once (durable
  /// before the table shows it); false, with the reason in the Problems list,
  /// when it could not be saved.
  bool decideSelected(core::DecisionKind kind);
  /// Moves the selected finding's centre and/or changes its diameter (Edit).
  bool editSelected(const core::Vec3& centerMm, double diameterMm, const QString& note = {});
  /// Attaches a note and a category to the selected finding (Annotate).
  bool annotateSelected(const QString& note, const QString& category);
  /// Educational mode (AI > Educational mode): the AI's findings, its
  /// heatmap and the other readers' marks stay hidden, and the model cannot
  /// run, while the reader reads the case blind and marks what they see
  /// (Add); on photographs, the DR model's answer and the other readers'
  /// grades and marks. revealBlindRead then shows the AI and scores the read.
  void setEducationalMode(bool on);
  bool educationalMode() const;
  /// For the tab in front: shows the AI's stored findings and scores the
  /// reader's marks, and the AI's, against the case's reference (the study
  /// folder's truth.json, or the reference folder last used for reader
  /// statistics); or, in the Fundus tab, compares the reader's grade with
  /// the photograph's reference grade and the AI's. The reference is read
  /// on a worker thread; then the text is shown, audited (counts or
  /// agreement only) and sent by blindReadRevealed, unless the case in front
  /// or the mode changed meanwhile. False when there is nothing to reveal
  /// (not in educational mode, nothing open).
  bool revealBlindRead();
  /// Records a trainer's comment on the open study, or on the selected
  /// finding (`onSelectedFinding`); false, with the reason in the Problems
  /// list, when it could not be saved. `review case` and teaching files show it.
  bool commentOnStudy(const QString& text, bool onSelectedFinding);
  /// Records a finding the model missed (Add); it joins the table.
  bool addFinding(const core::Vec3& centerMm, double diameterMm, const QString& note = {});
  /// The point the three views meet at (their slices' intersection), LPS mm.
  core::Vec3 viewsIntersection() const;
  /// Moves every view to the slice through `pointMm` (Ctrl+click in a view).
  void goToPoint(const core::Vec3& pointMm);
  /// Writes the open study's review as DICOM SR + SEG into `folder` on a
  /// worker thread; reviewExported / reviewExportFailed tell the outcome.
  void exportReview(const QString& folder);

  SliceViewport* viewport(core::SlicePlane plane) const;
  VolumeRenderView* volumeView() const;
  StudyBrowser* studyBrowser() const { return browser_; }
  /// What a left drag does in the CT views: window/level, or a measurement.
  void setMeasureTool(SliceViewport::Tool tool);
  /// Records a measurement drawn on the open CT (durable before it is listed)
  /// and keeps it on screen; false, with the reason in Problems, when it
  /// could not be saved.
  bool recordMeasurement(const DrawnMeasurement& drawn, int slice);
  MeasurementsPanel* measurementsPanel() const;
  bool hasStudy() const;
  const QStringList& problems() const;
  /// Every command of the window, with the keyboard help generated from them.
  const ActionRegistry* actionRegistry() const { return actions_; }

 Q_SIGNALS:
  void studyShown();
  /// The first slice of the series being loaded is on screen.
  void previewShown();
  void studyFailed(const QString& message);
  void modelFinished();
  void modelFailed(const QString& message);
  void reviewExported(const QString& summary);
  void fundusModelFinished();
  void fundusModelFailed(const QString& message);
  void fundusGradeSaved();
  void lesionMarksSaved();
  void reviewExportFailed(const QString& message);
  /// A blind read was revealed (revealBlindRead): the text shown to the reader.
  void blindReadRevealed(const QString& text);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildMenus();
  void buildFileMenu();
  void buildViewMenu();
  void buildLanguageMenu(QMenu* view);
  void buildAiMenu();
  void buildMeasureMenu();
  void buildWorklistMenu();
  /// The keys and gestures the views handle themselves, for the keyboard help.
  void describeViewGestures();
  void buildLayout();
  /// The study panel (summary, series, problems) and the worklist, on the left.
  void buildStudyDocks();
  /// The CT views' panels (findings, measurements), on the right.
  void buildCtDocks();
  void buildProgress();
  /// A dock on the right that shows with the CT tab only.
  QDockWidget* addCtDock(const QString& title, const QString& name, QWidget* panel);
  void showStudy(const LoadedStudy& study);
  void showPlanarImages(const LoadedStudy& study);
  void showFailure(const QString& message);
  void showModelRun(const ModelRun& run);
  /// The case in front (the CT study, or the photograph in the Fundus tab):
  /// its store key and where its reference may be (its folder's truth.json
  /// or labels, then the reference last chosen for reader statistics).
  struct CaseInFront {
    QString uid;
    QStringList references;
  };
  CaseInFront caseInFront() const;
  /// The series Export and Send act on: the 2D series on screen in the
  /// Images tab, else the CT study; empty when neither is open.
  ReviewedSeries reviewedSeries() const;
  /// The CT findings' review (CtReviewController), wired to the views.
  void buildReview();
  void setModelBusy(bool busy);

  StudyLoader loader_;
  ReviewSession session_;
  ReviewExporter exporter_;
  CtModelRun* modelRun_ = nullptr;
  ActionRegistry* actions_ = nullptr;
  ProblemReporter* problems_ = nullptr;
  FundusReviewController* fundusReview_ = nullptr;
  CtReadingController* reading_ = nullptr;
  CtReviewController* review_ = nullptr;
  StatusProgress* progress_ = nullptr;
  ScreenshotDriver* screenshots_ = nullptr;
  WorklistPanel* worklist_ = nullptr;
  FindingsPanel* findings_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  FundusViewer* fundus_ = nullptr;
  PlanarImageView* planarView_ = nullptr;
  PlanarMeasurementRecorder* planarMeasurements_ = nullptr;
  QString planarStudyPath_;  ///< what was opened to show the Images tab's series
  PacsQueryDialog* pacsDialog_ = nullptr;
  ReaderStatisticsDialog* statisticsDialog_ = nullptr;
  CaseReviewDialog* caseReviewDialog_ = nullptr;
  QAction* educationalAction_ = nullptr;
  QAction* revealAction_ = nullptr;
  QAction* runModelAction_ = nullptr;
  StudyBrowser* browser_ = nullptr;
  QLabel* studySummary_ = nullptr;
  QListWidget* problemList_ = nullptr;
};

}  // namespace vigie::app
