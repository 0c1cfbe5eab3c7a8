#include "MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "ActionRegistry.h"
#include "CaseReviewDialog.h"
#include "CtModelRun.h"
#include "CtReadingController.h"
#include "CtReviewController.h"
#include "DisplayNames.h"
#include "FindingsPanel.h"
#include "FundusReviewController.h"
#include "FundusViewer.h"
#include "InterfaceLanguage.h"
#include "PacsQueryDialog.h"
#include "PlanarImageView.h"
#include "PlanarMeasurementRecorder.h"
#include "ProblemReporter.h"
#include "ReaderStatisticsDialog.h"
#include "RecentStudies.h"
#include "ReviewDialogs.h"
#include "ScreenshotDriver.h"
#include "SliceViewport.h"
#include "StatusProgress.h"
#include "StudyBrowser.h"
#include "VolumeRenderView.h"
#include "WorklistPanel.h"
#include "vigie/imaging/dicom/PlanarImage.h"

namespace vigie::app {
namespace {

struct Preset {
  const char* name;
  core::HuWindow window;
  Qt::Key key;
};

const Preset kPresets[] = {
    {QT_TRANSLATE_NOOP("vigie::app::MainWindow", "Lung"), core::HuWindow::lung(), Qt::Key_1},
    {QT_TRANSLATE_NOOP("vigie::app::MainWindow", "Mediastinum"), core::HuWindow::mediastinum(),
     Qt::Key_2},
    {QT_TRANSLATE_NOOP("vigie::app::MainWindow", "Bone"), core::HuWindow::bone(), Qt::Key_3},
    {QT_TRANSLATE_NOOP("vigie::app::MainWindow", "Soft tissue"), core::HuWindow::softTissue(),
     Qt::Key_4},
};

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("Vigie");
  setAcceptDrops(true);  // a folder or file dropped on the window opens it
  buildLayout();
  buildReview();
  buildMenus();
  screenshots_ = new ScreenshotDriver(this);
  connect(&loader_, &StudyLoader::progress, progress_, &StatusProgress::update);
  connect(&loader_, &StudyLoader::loaded, this, &MainWindow::showStudy);
  connect(&loader_, &StudyLoader::preview, this,
          [this](const QImage& slice, double pixelAspect, int slices) {
            reading_->showPreview(slice, pixelAspect, slices);
            Q_EMIT previewShown();
          });
  connect(&loader_, &StudyLoader::failed, this, &MainWindow::showFailure);
  connect(&exporter_, &ReviewExporter::exported, this, [this](const QString& summary) {
    statusBar()->showMessage(summary, 10000);
    Q_EMIT reviewExported(summary);
  });
  connect(&exporter_, &ReviewExporter::failed, this, [this](const QString& message) {
    problems_->report(tr("Export: %1").arg(message), tr("The export failed (see Problems)"));
    Q_EMIT reviewExportFailed(message);
  });
  connect(modelRun_, &CtModelRun::progress, progress_,
          [this](int percent) { progress_->update(percent, 100); });
  connect(modelRun_, &CtModelRun::status, statusBar(), &QStatusBar::showMessage);
  connect(modelRun_, &CtModelRun::busyChanged, this, &MainWindow::setModelBusy);
  connect(modelRun_, &CtModelRun::finished, this, &MainWindow::showModelRun);
  connect(modelRun_, &CtModelRun::failed, this, [this](const QString& message) {
    problems_->report(message, tr("The model could not run (see the Problems list)"));
    Q_EMIT modelFailed(message);
  });
  resize(1280, 900);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout() {
  // The Problems list comes first: every part reports into it.
  problemList_ = new QListWidget(this);
  problemList_->setObjectName("problemList");
  problems_ = new ProblemReporter(problemList_, statusBar(), this);
  reading_ = new CtReadingController(&session_, problems_, this);
  modelRun_ = new CtModelRun(this);
  connect(reading_, &CtReadingController::status, statusBar(), &QStatusBar::showMessage);
  // CT reading, fundus photographs and 2D images side by side, as tabs.
  tabs_ = new QTabWidget(this);
  tabs_->addTab(reading_->views(), tr("CT"));
  fundus_ = new FundusViewer(tabs_);
  tabs_->addTab(fundus_, tr("Fundus"));
  planarView_ = new PlanarImageView(tabs_);
  planarView_->setObjectName("planarView");
  tabs_->addTab(planarView_, tr("Images"));
  planarMeasurements_ = new PlanarMeasurementRecorder(planarView_, &session_, problems_, this);
  connect(planarMeasurements_, &PlanarMeasurementRecorder::status, statusBar(),
          &QStatusBar::showMessage);
  setCentralWidget(tabs_);
  buildStudyDocks();
  fundusReview_ = new FundusReviewController(fundus_, &session_, problems_, statusBar(), this);
  connect(fundusReview_, &FundusReviewController::modelFinished, this,
          &MainWindow::fundusModelFinished);
  connect(fundusReview_, &FundusReviewController::modelFailed, this,
          &MainWindow::fundusModelFailed);
  connect(fundusReview_, &FundusReviewController::gradeSaved, this, &MainWindow::fundusGradeSaved);
  connect(fundusReview_, &FundusReviewController::lesionMarksSaved, this,
          &MainWindow::lesionMarksSaved);
  connect(fundusReview_, &FundusReviewController::blindReadRevealed, this,
          &MainWindow::blindReadRevealed);
  // The worklist follows what the reader and the model record.
  for (auto signal : {&FundusReviewController::modelFinished, &FundusReviewController::gradeSaved,
                      &FundusReviewController::photographRegistered})
    connect(fundusReview_, signal, worklist_, &WorklistPanel::storeChanged);
  buildProgress();
  buildCtDocks();
}

void MainWindow::buildStudyDocks() {
  // The study panel: what is open, every series found, and the problems.
  auto* panel = new QWidget(this);
  panel->setMinimumWidth(250);  // room for a thumbnail and the series' name
  auto* panelLayout = new QVBoxLayout(panel);
  panelLayout->setContentsMargins(4, 4, 4, 4);
  studySummary_ = new QLabel(tr("No study open.\nFile > Open folder (Ctrl+O)."), panel);
  studySummary_->setWordWrap(true);
  studySummary_->setTextFormat(Qt::RichText);
  browser_ = new StudyBrowser(panel);
  connect(browser_, &StudyBrowser::seriesActivated, this,
          [this](const SeriesKey& key) { openPath(session_.studyPath(), key); });
  problemList_->setParent(panel);
  panelLayout->addWidget(studySummary_);
  panelLayout->addWidget(new QLabel(tr("Series (double-click to show):"), panel));
  panelLayout->addWidget(browser_, 2);
  panelLayout->addWidget(new QLabel(tr("Problems:"), panel));
  panelLayout->addWidget(problemList_, 1);
  auto* studyDock = new QDockWidget(tr("Study"), this);
  studyDock->setObjectName("studyDock");
  studyDock->setWidget(panel);
  studyDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, studyDock);
  // The worklist: every case the review store knows, in AI triage order.
  worklist_ = new WorklistPanel(&session_, this);
  auto* worklistDock = new QDockWidget(tr("Worklist"), this);
  worklistDock->setObjectName("worklistDock");
  worklistDock->setWidget(worklist_);
  worklistDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, worklistDock);
  tabifyDockWidget(studyDock, worklistDock);
  studyDock->raise();
  connect(worklist_, &WorklistPanel::openRequested, this,
          [this](const QString& source, const QString&) { openAnything(source); });
  connect(worklist_, &WorklistPanel::problem, this,
          [this](const QString& message) { problems_->report(message); });
}

void MainWindow::buildProgress() {
  progress_ = new StatusProgress(statusBar());
  connect(progress_, &StatusProgress::cancelRequested, modelRun_, &CtModelRun::cancel);
}

void MainWindow::buildCtDocks() {
  findings_ = new FindingsPanel(this);
  QDockWidget* dock = addCtDock(tr("AI findings"), "findingsDock", findings_);
  connect(findings_, &FindingsPanel::findingSelected, this, [this](const core::Finding& f) {
    reading_->showMarker(f.centerMm, f.diameterMm);
    statusBar()->showMessage(tr("Finding %1: score %2, %3 mm")
                                 .arg(f.id)
                                 .arg(DisplayNames::number(f.score, 2))
                                 .arg(DisplayNames::number(f.diameterMm, 1)),
                             5000);
  });
  tabifyDockWidget(
      dock, addCtDock(tr("Measurements"), "measurementsDock", reading_->measurementsPanel()));
  dock->raise();
  connect(findings_, &FindingsPanel::overlayVisibilityChanged, reading_,
          &CtReadingController::setOverlayVisible);
  connect(findings_, &FindingsPanel::overlayColorsChanged, reading_,
          &CtReadingController::setOverlayColors);
  connect(findings_, &FindingsPanel::overlayOpacityChanged, reading_,
          &CtReadingController::setOverlayOpacity);
}

void MainWindow::buildReview() {
  review_ = new CtReviewController(&session_, findings_, problems_, this);
  connect(review_, &CtReviewController::status, statusBar(), &QStatusBar::showMessage);
  connect(review_, &CtReviewController::storeChanged, worklist_, &WorklistPanel::storeChanged);
  connect(review_, &CtReviewController::findingMoved, reading_, &CtReadingController::showMarker);
  connect(review_, &CtReviewController::reviewShown, reading_,
          &CtReadingController::showReviewedFindings);
  connect(review_, &CtReviewController::missedNodulesRevealed, reading_,
          &CtReadingController::showReferenceNodules);
  connect(review_, &CtReviewController::blindReadRevealed, this, &MainWindow::blindReadRevealed);
}

void MainWindow::buildMenus() {
  actions_ = new ActionRegistry(this);
  buildFileMenu();
  buildViewMenu();
  describeViewGestures();
  buildAiMenu();
  buildMeasureMenu();
  buildWorklistMenu();

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* keys =
      actions_->add(help, tr("&Keyboard shortcuts"), QKeySequence::HelpContents, tr("This list"));
  connect(keys, &QAction::triggered, this, [this] { actions_->showHelp(this); });
  QAction* about = actions_->add(help, tr("&About Vigie"));
  connect(about, &QAction::triggered, this, [this] {
    QMessageBox::about(
        this, tr("About Vigie"),
        tr("Vigie: AI-assisted reading of medical images.\n"
           "Demo studies and reference models are synthetic and not for clinical use."));
  });
}

void MainWindow::buildWorklistMenu() {
  QMenu* menu = menuBar()->addMenu(tr("&Worklist"));
  QAction* next = actions_->add(menu, tr("&Next case"), QKeySequence(Qt::SHIFT | Qt::Key_N),
                                tr("Worklist: open the next case in the list's order"));
  connect(next, &QAction::triggered, this, [this] { worklist_->step(+1); });
  QAction* previous = actions_->add(menu, tr("&Previous case"), QKeySequence(Qt::SHIFT | Qt::Key_P),
                                    tr("Worklist: open the previous case"));
  connect(previous, &QAction::triggered, this, [this] { worklist_->step(-1); });
  QAction* mine = actions_->add(menu, tr("&Assign the selected case to me"));
  connect(mine, &QAction::triggered, worklist_, &WorklistPanel::assignSelectedToMe);
  QAction* read = actions_->add(menu, tr("Mark the selected case &read"),
                                QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                                tr("Worklist: the selected case is read"));
  connect(read, &QAction::triggered, this,
          [this] { worklist_->setSelectedState(core::ReadingState::Read); });
  QAction* reviewed = actions_->add(menu, tr("Mark the selected case &trainer-reviewed"));
  connect(reviewed, &QAction::triggered, this,
          [this] { worklist_->setSelectedState(core::ReadingState::TrainerReviewed); });
  QAction* refresh = actions_->add(menu, tr("Re&fresh"));
  connect(refresh, &QAction::triggered, worklist_, &WorklistPanel::refresh);
  menu->addSeparator();
  QAction* statistics =
      actions_->add(menu, tr("Reader &statistics..."), QKeySequence(),
                    tr("Readers and the AI against a reference, with intervals and charts"));
  connect(statistics, &QAction::triggered, this, [this] {
    statisticsDialog()->show();
    statisticsDialog()->raise();
  });
  QAction* compare = actions_->add(
      menu, tr("&Compare the readers on this case..."),
      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
      tr("Trainers: every reader's calls on the case in front, side by side with the AI and the "
         "reference"));
  connect(compare, &QAction::triggered, this, &MainWindow::compareReaders);
}

MainWindow::CaseInFront MainWindow::caseInFront() const {
  CaseInFront shown;
  if (currentTab() == Tab::Fundus) {
    shown.uid = fundus_->currentIdentity();
    shown.references << QFileInfo(fundus_->currentFile()).absolutePath();
  } else if (session_.hasStudy()) {
    shown.uid = session_.studyUid();
    shown.references << session_.studyPath();
  }
  // The reference last chosen for reader statistics (experts' reports), too.
  shown.references << QSettings().value("reading/reference").toString();
  return shown;
}

CaseReviewDialog* MainWindow::compareReaders() {
  const CaseInFront shown = caseInFront();
  if (shown.uid.isEmpty()) {
    statusBar()->showMessage(tr("Open a study or a photograph first"), 5000);
    return nullptr;
  }
  if (review_->educationalMode()) {
    statusBar()->showMessage(
        tr("Reading blind: the other readers' calls stay hidden (AI > Educational mode)"), 5000);
    return nullptr;
  }
  if (currentTab() == Tab::Fundus && fundusReview_->othersHidden(shown.uid)) {
    statusBar()->showMessage(
        tr("Second reading: the other grades stay hidden until you have graded this photograph"),
        5000);
    return nullptr;
  }
  if (!caseReviewDialog_) {
    caseReviewDialog_ = new CaseReviewDialog(&session_, this);
    connect(caseReviewDialog_, &CaseReviewDialog::findingActivated, this,
            [this](const core::Vec3& centerMm, double diameterMm) {
              showCtTab();
              goToPoint(centerMm);
              reading_->showMarker(centerMm, diameterMm);
            });
  }
  caseReviewDialog_->showCase(shown.uid, shown.references);
  caseReviewDialog_->show();
  caseReviewDialog_->raise();
  return caseReviewDialog_;
}

ReaderStatisticsDialog* MainWindow::statisticsDialog() {
  if (!statisticsDialog_) {
    statisticsDialog_ = new ReaderStatisticsDialog(&session_, this);
    connect(statisticsDialog_, &ReaderStatisticsDialog::openRequested, this,
            [this](const QString& source, const QString&) { openAnything(source); });
  }
  return statisticsDialog_;
}

void MainWindow::buildFileMenu() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open =
      actions_->add(file, tr("&Open folder..."), QKeySequence::Open, tr("Open a folder"));
  connect(open, &QAction::triggered, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of DICOM files"));
    if (!dir.isEmpty()) openPath(dir);
  });
  QAction* openPhotos = actions_->add(file, tr("Open fundus &photographs..."));
  connect(openPhotos, &QAction::triggered, this, [this] {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Open a folder of fundus photographs"));
    if (!dir.isEmpty()) openPhotographs(dir);
  });
  QMenu* recent = file->addMenu(tr("Open &recent"));
  connect(recent, &QMenu::aboutToShow, this, [this, recent] {
    recent->clear();
    for (const QString& path : recentPaths()) {
      QAction* a = recent->addAction(path);
      connect(a, &QAction::triggered, this, [this, path] { openAnything(path); });
    }
    if (recent->isEmpty()) recent->addAction(tr("(none yet)"))->setEnabled(false);
  });
  QAction* openFile = actions_->add(file, tr("Open &file (DICOM, DICOMDIR or zip)..."));
  connect(openFile, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a DICOM file, a DICOMDIR or a zip of a study"), {},
        tr("DICOM, DICOMDIR or zip (*.dcm *.DCM DICOMDIR *.zip *.ZIP);;All files (*)"));
    if (!path.isEmpty()) openPath(path);
  });
  QAction* queryPacs = actions_->add(file, tr("&Query/Retrieve from a PACS..."),
                                     QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Q),
                                     tr("Find studies on a PACS and retrieve one (C-FIND, C-GET)"));
  connect(queryPacs, &QAction::triggered, this, [this] {
    pacsDialog()->show();
    pacsDialog()->raise();
  });
  file->addSeparator();
  QAction* exportDicom = actions_->add(file, tr("&Export review as DICOM (SR + SEG)..."),
                                       QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
                                       tr("Export the review as DICOM (TID 1500 SR + SEG)"));
  connect(exportDicom, &QAction::triggered, this, [this] {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Export the review into a folder"));
    if (!dir.isEmpty()) exportReview(dir);
  });
  QAction* sendToPacs =
      actions_->add(file, tr("&Send review to PACS"), QKeySequence(),
                    tr("Export the review (SR + SEG) and send it to the PACS (C-STORE)"));
  connect(sendToPacs, &QAction::triggered, this, &MainWindow::sendReviewToPacs);
  file->addSeparator();
  QAction* quit = actions_->add(file, tr("&Quit"), QKeySequence::Quit, tr("Quit"));
  connect(quit, &QAction::triggered, qApp, &QApplication::quit);
}

void MainWindow::buildViewMenu() {
  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (const Preset& p : kPresets) {
    const QString name = tr(p.name);
    QAction* a = actions_->add(
        view, tr("%1 window (W %2, L %3)").arg(name).arg(p.window.width).arg(p.window.center),
        QKeySequence(p.key), tr("%1 window").arg(name));
    const core::HuWindow w = p.window;
    connect(a, &QAction::triggered, this, [this, w] { applyWindow(w); });
  }
  QAction* typed =
      actions_->add(view, tr("Set window and &level..."), QKeySequence(Qt::CTRL | Qt::Key_L),
                    tr("Type window width and level"));
  connect(typed, &QAction::triggered, reading_, &CtReadingController::askWindow);
  view->addSeparator();
  QAction* single = actions_->add(view, tr("&Single view (1x1)"), QKeySequence(Qt::Key_F),
                                  tr("Single view (1x1) of the focused view, or back to 2x2"));
  single->setCheckable(true);
  connect(single, &QAction::toggled, reading_, &CtReadingController::setSingleView);
  QAction* crosshair =
      actions_->add(view, tr("&Crosshair (where the views meet)"), QKeySequence(Qt::Key_T),
                    tr("Show or hide the crosshair where the views meet"));
  crosshair->setCheckable(true);
  crosshair->setChecked(true);
  connect(crosshair, &QAction::toggled, reading_, &CtReadingController::showCrosshair);
  QAction* reset =
      actions_->add(view, tr("&Reset views"), QKeySequence(Qt::Key_R), tr("Reset views"));
  connect(reset, &QAction::triggered, reading_, &CtReadingController::resetViews);
  QMenu* rendering = view->addMenu(tr("3D &rendering"));
  auto* renderingPresets = new QActionGroup(rendering);
  const std::pair<VolumeRenderView::Preset, Qt::Key> renderings[] = {
      {VolumeRenderView::Preset::SoftTissue, Qt::Key_5},
      {VolumeRenderView::Preset::Bone, Qt::Key_6},
      {VolumeRenderView::Preset::Lungs, Qt::Key_7}};
  for (const auto& [preset, key] : renderings) {
    const QString name = VolumeRenderView::presetName(preset);
    QAction* a =
        actions_->add(rendering, name, QKeySequence(key), tr("3D view: %1 rendering").arg(name));
    a->setCheckable(true);
    a->setChecked(preset == volumeView()->preset());
    renderingPresets->addAction(a);
    connect(a, &QAction::triggered, this, [this, p = preset] { volumeView()->setPreset(p); });
  }
  view->addSeparator();
  buildLanguageMenu(view);
}

void MainWindow::buildLanguageMenu(QMenu* view) {
  // Each language named in itself, so a reader lost in the other one finds theirs.
  QMenu* menu = view->addMenu(tr("&Language"));
  auto* choices = new QActionGroup(menu);
  const QString saved = InterfaceLanguage::saved();
  QStringList languages{QString()};  // the system's
  languages << InterfaceLanguage::available();
  for (const QString& language : languages) {
    QAction* a = menu->addAction(language.isEmpty() ? tr("System language")
                                                    : InterfaceLanguage::nativeName(language));
    a->setCheckable(true);
    a->setChecked(language == saved);
    choices->addAction(a);
    connect(a, &QAction::triggered, this, [this, language] {
      InterfaceLanguage::save(language);
      // Every widget would have to re-read its texts to switch now; a
      // restart is what the reader's choice costs instead.
      QMessageBox::information(
          this, tr("Language"),
          tr("Vigie will start in %1 next time.")
              .arg(InterfaceLanguage::nativeName(InterfaceLanguage::choose(language))));
    });
  }
}

void MainWindow::describeViewGestures() {
  actions_->describe(tr("Drag and drop"), tr("A folder or file onto the window opens it"));
  actions_->describe(tr("Up / Down, mouse wheel"),
                     tr("Next / previous slice (in the focused view)"));
  actions_->describe(tr("Page Up / Page Down"), tr("Ten slices forward / back"));
  actions_->describe(tr("Home / End"), tr("First / last slice"));
  actions_->describe(tr("Left drag"), tr("Window (horizontal) and level (vertical)"));
  actions_->describe(tr("Middle drag"), tr("Pan"));
  actions_->describe(tr("Right drag, Ctrl+wheel"), tr("Zoom"));
  actions_->describe(tr("Ctrl+click"), tr("Move the other views through that point (linked "
                                          "crosshair)"));
  actions_->describe(tr("3D view: left drag; right drag or wheel; middle drag"),
                     tr("Rotate; zoom; pan"));
  actions_->describe(tr("Double-click a series"), tr("Study panel: show that series"));
  actions_->describe(tr("Measurements panel: Delete"),
                     tr("Withdraw the selected measurement (the store keeps the history)"));
  actions_->describe(tr("G / E"), tr("Fundus tab: green channel / contrast enhancement (CLAHE)"));
  actions_->describe(tr("L"), tr("Fundus tab: show or hide the DR model's lesion heatmap"));
  actions_->describe(tr("V"), tr("Fundus tab: a grid of every photograph, or one photograph"));
  actions_->describe(tr("M"), tr("Fundus tab: mark lesions (click to mark, right-click a mark to "
                                 "remove it)"));
  // The Images tab (2D: radiographs, ultrasound, photographs) handles its own
  // keys and mouse, differently from the CT views: a left drag measures there.
  actions_->describe(tr("Images tab: left drag; right drag; middle or Ctrl+left drag; wheel"),
                     tr("Measure a length (saved); window and level; pan; zoom"));
  actions_->describe(tr("Images tab: Space; Left / Right; Home / End"),
                     tr("Play or pause a cine; previous / next frame; first / last frame"));
  actions_->describe(tr("Images tab: Up / Down, Page Up / Page Down"),
                     tr("Previous / next image of the series"));
  actions_->describe(tr("Images tab: R; double-click"),
                     tr("The file's own window again; fit the image to the view"));
  actions_->describe(tr("Images tab: Delete or Backspace"),
                     tr("Withdraw the latest length on the frame shown (the store keeps the "
                        "history)"));
}

void MainWindow::buildAiMenu() {
  QMenu* ai = menuBar()->addMenu(tr("&AI"));
  runModelAction_ =
      actions_->add(ai, tr("&Run nodule model"), QKeySequence(Qt::CTRL | Qt::Key_M),
                    tr("Run the nodule model on the open CT, or the DR model on the photograph "
                       "shown in the Fundus tab"));
  connect(runModelAction_, &QAction::triggered, this, &MainWindow::runModel);
  QAction* chooseModel = actions_->add(ai, tr("&Choose model bundle..."));
  connect(chooseModel, &QAction::triggered, this, [this] {
    // A bundle is a folder or a zip of one: the file dialog offers both, and
    // MONAI bundles (their configs/metadata.json, a zip, or an exported model.ts).
    QFileDialog dialog(
        this, tr("Choose a model bundle (its manifest.json or zip; or a MONAI bundle)"),
        modelRun_->bundle(), tr("Model bundles (manifest.json metadata.json *.zip *.ts)"));
    dialog.setFileMode(QFileDialog::ExistingFile);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    modelRun_->setBundle(CtModelRun::bundleForChosenFile(dialog.selectedFiles().front()));
  });
  ai->addSeparator();
  QAction* next = actions_->add(ai, tr("&Next finding"), QKeySequence(Qt::Key_N),
                                tr("Next AI finding (centres every view on it)"));
  connect(next, &QAction::triggered, this, [this] { findings_->step(+1); });
  QAction* previous = actions_->add(ai, tr("&Previous finding"), QKeySequence(Qt::Key_P),
                                    tr("Previous AI finding"));
  connect(previous, &QAction::triggered, this, [this] { findings_->step(-1); });
  QAction* confirm = actions_->add(ai, tr("&Confirm finding"), QKeySequence(Qt::Key_C),
                                   tr("Confirm the selected finding (saved at once)"));
  connect(confirm, &QAction::triggered, this,
          [this] { decideSelected(core::DecisionKind::Confirm); });
  QAction* reject = actions_->add(ai, tr("Re&ject finding"), QKeySequence(Qt::Key_X),
                                  tr("Reject the selected finding (saved at once)"));
  connect(reject, &QAction::triggered, this,
          [this] { decideSelected(core::DecisionKind::Reject); });
  QAction* edit = actions_->add(ai, tr("&Edit finding (centre, diameter)..."),
                                QKeySequence(Qt::CTRL | Qt::Key_E),
                                tr("Edit the selected finding's centre and diameter"));
  connect(edit, &QAction::triggered, this, [this] {
    const auto finding = review_->selectedOrHint();
    if (!finding) return;
    FindingDialog dialog(tr("Edit finding %1").arg(finding->id), finding->centerMm,
                         finding->diameterMm, this);
    if (dialog.exec() == QDialog::Accepted)
      editSelected(dialog.center(), dialog.diameter(), dialog.note());
  });
  QAction* annotate = actions_->add(ai, tr("&Annotate finding..."), QKeySequence(Qt::Key_A),
                                    tr("Annotate the selected finding (note, category)"));
  connect(annotate, &QAction::triggered, this, [this] {
    const auto finding = review_->selectedOrHint();
    if (!finding) return;
    AnnotationDialog dialog(QString::fromStdString(finding->note), this);
    if (dialog.exec() == QDialog::Accepted) annotateSelected(dialog.note(), dialog.category());
  });
  QAction* add =
      actions_->add(ai, tr("A&dd a finding where the views meet..."), QKeySequence(Qt::Key_Insert),
                    tr("Add a finding the model missed, where the three views meet"));
  connect(add, &QAction::triggered, this, [this] {
    if (!reading_->hasVolume()) return;
    FindingDialog dialog(tr("Add a finding the model missed"), viewsIntersection(), 5.0, this);
    if (dialog.exec() == QDialog::Accepted)
      addFinding(dialog.center(), dialog.diameter(), dialog.note());
  });
  QAction* commentFinding =
      actions_->add(ai, tr("Co&mment on the selected finding..."), QKeySequence(),
                    tr("A trainer's comment on the selected finding"));
  connect(commentFinding, &QAction::triggered, this, [this] { review_->askForComment(true); });
  QAction* commentStudy = actions_->add(ai, tr("Comment on the &study..."), QKeySequence(),
                                        tr("A trainer's comment on the whole study"));
  connect(commentStudy, &QAction::triggered, this, [this] { review_->askForComment(false); });
  ai->addSeparator();
  educationalAction_ =
      actions_->add(ai, tr("Ed&ucational mode: read blind"), QKeySequence(),
                    tr("Hide the AI and the other readers' marks until you reveal them; then "
                       "your read is scored against the reference"));
  educationalAction_->setCheckable(true);
  connect(educationalAction_, &QAction::toggled, this, &MainWindow::setEducationalMode);
  revealAction_ = actions_->add(ai, tr("Re&veal the AI and the reference"), QKeySequence(),
                                tr("Educational mode: show the AI and score your read"));
  revealAction_->setEnabled(false);
  connect(revealAction_, &QAction::triggered, this, [this] { revealBlindRead(); });
  ai->addSeparator();
  QAction* heatmap = actions_->add(ai, tr("Show &heatmap"), QKeySequence(Qt::Key_H),
                                   tr("Show or hide the AI heatmap"));
  heatmap->setCheckable(true);
  heatmap->setChecked(true);
  connect(heatmap, &QAction::toggled, findings_->overlayToggle(), &QCheckBox::setChecked);
  connect(findings_->overlayToggle(), &QCheckBox::toggled, heatmap, &QAction::setChecked);
}

void MainWindow::buildMeasureMenu() {
  QMenu* measure = menuBar()->addMenu(tr("&Measure"));
  QAction* length = actions_->add(measure, tr("&Length (left drag)"), QKeySequence(Qt::Key_D),
                                  tr("Measure a length: left drag in a CT view (saved at once)"));
  connect(length, &QAction::triggered, this,
          [this] { setMeasureTool(SliceViewport::Tool::Length); });
  QAction* roi = actions_->add(
      measure, tr("Circular &ROI: mean and SD of HU (left drag)"), QKeySequence(Qt::Key_O),
      tr("Circular ROI: left drag from its centre; mean, SD, min, max HU and area"));
  connect(roi, &QAction::triggered, this,
          [this] { setMeasureTool(SliceViewport::Tool::CircleRoi); });
  QAction* windowLevel =
      actions_->add(measure, tr("&Window/level (left drag)"), QKeySequence(Qt::Key_Escape),
                    tr("Back to window/level on left drag"));
  connect(windowLevel, &QAction::triggered, this,
          [this] { setMeasureTool(SliceViewport::Tool::WindowLevel); });
}

QDockWidget* MainWindow::addCtDock(const QString& title, const QString& name, QWidget* panel) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(name);
  dock->setWidget(panel);
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::RightDockWidgetArea, dock);
  // The CT panels belong to the CT tab; the Fundus tab has its own, and the
  // Images tab's 2D images have no model findings.
  connect(tabs_, &QTabWidget::currentChanged, dock,
          [this, dock](int) { dock->setVisible(tabs_->currentIndex() == 0); });
  return dock;
}

void MainWindow::setMeasureTool(SliceViewport::Tool tool) { reading_->setMeasureTool(tool); }

bool MainWindow::recordMeasurement(const DrawnMeasurement& drawn, int slice) {
  return reading_->recordMeasurement(drawn, slice);
}

MeasurementsPanel* MainWindow::measurementsPanel() const { return reading_->measurementsPanel(); }

VolumeRenderView* MainWindow::volumeView() const { return reading_->volumeView(); }

void MainWindow::openPath(const QString& path, const SeriesKey& series) {
  progress_->start(false);
  statusBar()->showMessage(tr("Loading %1 ...").arg(path));
  loader_.load(path, series);
}

void MainWindow::applyWindow(core::HuWindow window) { reading_->applyWindow(window); }

void MainWindow::openAnything(const QString& path) {
  if (holdsPhotographs(path)) {
    if (openPhotographs(path) > 0) RecentStudies::remember(QFileInfo(path).absoluteFilePath());
    return;
  }
  showCtTab();
  openPath(path);
}

QStringList MainWindow::recentPaths() const { return RecentStudies::paths(); }

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() && event->mimeData()->urls().front().isLocalFile())
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (urls.isEmpty() || !urls.front().isLocalFile()) return;
  event->acceptProposedAction();
  openAnything(urls.front().toLocalFile());
}

void MainWindow::showStudy(const LoadedStudy& study) {
  if (!study.volume) {
    showPlanarImages(study);
    return;
  }
  progress_->stop();
  modelRun_->cancel();  // its findings would belong to the study before
  problems_->replace(study.problems);
  core::CaseRecord record = study.caseRecord;
  record.source = QFileInfo(study.path).absoluteFilePath().toStdString();
  for (const core::Error& unrecorded :
       session_.openStudy(study.path, study.studyUid, study.seriesUid, std::move(record)))
    problems_->report(unrecorded);
  reading_->showVolume(study.volume, study.seriesDescription, study.patientText);
  browser_->setCatalog(study.catalog, study.shown);
  RecentStudies::remember(QFileInfo(study.path).absoluteFilePath());
  review_->openCase(study.volume->geometry());
  studySummary_->setText(study.summary);
  statusBar()->showMessage(tr("Loaded %1").arg(study.path), 5000);
  setWindowTitle(tr("Vigie - %1").arg(study.seriesDescription));
  Q_EMIT studyShown();
}

/// A series without a volume (a scout, a dose report, a radiograph, an
/// ultrasound loop) opens in the Images tab; the CT shown, its findings and
/// the reader's session stay as they were, so a scout can be looked at
/// beside the volume.
void MainWindow::showPlanarImages(const LoadedStudy& study) {
  progress_->stop();
  reading_->clearPreview();
  problems_->replace(study.problems);
  planarView_->setImages(study.planarImages, study.seriesDescription);
  planarStudyPath_ = study.path;
  planarMeasurements_->showStored();
  browser_->setCatalog(study.catalog, study.shown);
  RecentStudies::remember(QFileInfo(study.path).absoluteFilePath());
  studySummary_->setText(study.summary);
  tabs_->setCurrentWidget(planarView_);
  statusBar()->showMessage(tr("Loaded %1 (2D images)").arg(study.path), 5000);
  Q_EMIT studyShown();
}

void MainWindow::showFailure(const QString& message) {
  progress_->stop();
  reading_->clearPreview();
  problems_->replace({message});
  statusBar()->showMessage(tr("Could not open the study (see the Problems list)"));
  Q_EMIT studyFailed(message);
}

PacsQueryDialog* MainWindow::pacsDialog() {
  if (!pacsDialog_) {
    pacsDialog_ = new PacsQueryDialog(this);
    connect(pacsDialog_, &PacsQueryDialog::studyRetrieved, this,
            [this](const QString& folder, const QString& problems) {
              if (!problems.isEmpty()) problems_->report(problems);
              showCtTab();
              openPath(folder);
            });
    connect(pacsDialog_, &PacsQueryDialog::retrieveFailed, this,
            [this](const QString& error) { problems_->report(error); });
  }
  return pacsDialog_;
}

int MainWindow::openPhotographs(const QString& folder) {
  const int count = fundus_->openFolder(folder);
  if (count == 0) {
    problems_->report(tr("%1: no JPEG, PNG, TIFF or DICOM photographs").arg(folder));
  } else {
    tabs_->setCurrentWidget(fundus_);
  }
  return count;
}

void MainWindow::showCtTab() { tabs_->setCurrentIndex(0); }
void MainWindow::showFundusTab() { tabs_->setCurrentWidget(fundus_); }

MainWindow::Tab MainWindow::currentTab() const {
  if (tabs_->currentWidget() == fundus_) return Tab::Fundus;
  if (tabs_->currentWidget() == planarView_) return Tab::Images;
  return Tab::Ct;
}

void MainWindow::screenshotFundusAndQuit(const QString& file, const QString& fundusBundle) {
  if (fundusBundle.isEmpty()) {
    screenshots_->now(file);
    return;
  }
  fundusReview_->setBundle(fundusBundle);
  screenshots_->afterFundusModel(file);
}

bool MainWindow::hasStudy() const { return reading_->hasVolume(); }

SliceViewport* MainWindow::viewport(core::SlicePlane plane) const {
  return reading_->viewport(plane);
}

void MainWindow::screenshotAndQuit(const QString& file, const QString& runModelBundle) {
  if (!runModelBundle.isEmpty()) modelRun_->setBundle(runModelBundle);
  screenshots_->afterStudy(file, !runModelBundle.isEmpty());
}

void MainWindow::screenshotNowAndQuit(const QString& file) { screenshots_->now(file); }

void MainWindow::setModelBundle(const QString& folder) { modelRun_->setBundle(folder); }

const QString& MainWindow::modelBundle() const { return modelRun_->bundle(); }

void MainWindow::runFundusModel() { fundusReview_->runModel(); }

void MainWindow::setFundusModelBundle(const QString& folder) { fundusReview_->setBundle(folder); }

const QStringList& MainWindow::problems() const { return problems_->problems(); }

void MainWindow::runModel() {
  if (currentTab() == Tab::Fundus) {
    runFundusModel();
    return;
  }
  if (currentTab() == Tab::Images) {
    statusBar()->showMessage(
        tr("No model reads 2D images yet: the CT tab's volume is what the nodule model reads"),
        5000);
    return;
  }
  modelRun_->start(reading_->volume());
}

void MainWindow::openReviewStore(const QString& file, const QString& reader) {
  auto opened = session_.open(file, reader);
  if (!opened.ok()) {
    problems_->report(
        tr("%1 (decisions cannot be saved)").arg(QString::fromStdString(opened.error().message)));
  }
  worklist_->storeChanged();
}

bool MainWindow::decideSelected(core::DecisionKind kind) { return review_->decideSelected(kind); }

bool MainWindow::editSelected(const core::Vec3& centerMm, double diameterMm, const QString& note) {
  return review_->editSelected(centerMm, diameterMm, note);
}

bool MainWindow::annotateSelected(const QString& note, const QString& category) {
  return review_->annotateSelected(note, category);
}

bool MainWindow::addFinding(const core::Vec3& centerMm, double diameterMm, const QString& note) {
  return reading_->hasVolume() && review_->addFinding(centerMm, diameterMm, note);
}

void MainWindow::goToPoint(const core::Vec3& pointMm) { reading_->goToPoint(pointMm); }

core::Vec3 MainWindow::viewsIntersection() const { return reading_->viewsIntersection(); }

void MainWindow::exportReview(const QString& folder) {
  statusBar()->showMessage(tr("Exporting the review as DICOM ..."));
  exporter_.exportReview(session_, reviewedSeries(), folder);
}

ReviewedSeries MainWindow::reviewedSeries() const {
  if (const auto planar = shownPlanarSeries())
    return {planar->first, planar->second,
            QString::fromStdString(planarView_->currentImage()->studyInstanceUid)};
  if (!session_.hasStudy()) return {};
  return {session_.studyPath(), session_.seriesUid(), session_.studyUid()};
}

std::optional<std::pair<QString, QString>> MainWindow::shownPlanarSeries() const {
  const imaging::PlanarImage* image = planarView_->currentImage();
  if (currentTab() != Tab::Images || !image || planarStudyPath_.isEmpty()) return std::nullopt;
  return std::make_pair(planarStudyPath_, QString::fromStdString(image->seriesInstanceUid));
}

void MainWindow::sendReviewToPacs() {
  statusBar()->showMessage(tr("Exporting the review and sending it to the PACS ..."));
  exporter_.sendToPacs(session_, reviewedSeries());
}

bool MainWindow::commentOnStudy(const QString& text, bool onSelectedFinding) {
  return review_->commentOnStudy(text, onSelectedFinding);
}

void MainWindow::setEducationalMode(bool on) {
  {
    const QSignalBlocker quiet(educationalAction_);
    educationalAction_->setChecked(on);
  }
  if (review_->educationalMode() == on) return;
  revealAction_->setEnabled(on);
  runModelAction_->setEnabled(!on);
  if (on) reading_->setHeatmap(nullptr);
  review_->setEducationalMode(on);
  fundusReview_->setBlindReading(on);
}

bool MainWindow::educationalMode() const { return review_->educationalMode(); }

bool MainWindow::revealBlindRead() {
  if (currentTab() == Tab::Fundus) {
    // The photographs' folder (a truth.json, labels), else the statistics' reference.
    return fundusReview_->revealBlindRead(caseInFront().references);
  }
  return reading_->hasVolume() && review_->revealBlindRead();
}

void MainWindow::setModelBusy(bool busy) {
  if (busy) {
    progress_->start(true);
  } else {
    progress_->stop();
  }
  runModelAction_->setEnabled(!busy && !review_->educationalMode());
}

void MainWindow::showModelRun(const ModelRun& run) {
  setModelBusy(false);
  reading_->setHeatmap(run.heatmap);
  reading_->clearMarker();  // the last run's selected finding
  review_->showModelRun(run);
  Q_EMIT modelFinished();
}

}  // namespace vigie::app
