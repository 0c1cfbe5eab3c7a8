// The reader statistics dialog: a store with two fundus graders and a CT
// reader, judged against synthetic truth; the table's figures, the charts'
// series, the drill-down to the cases behind a figure, opening a case from
// it, and a reference that is not there.
#include <QCoreApplication>
#include <QDir>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <thread>

#include "ReaderStatisticsDialog.h"
#include "ReviewSession.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/synthetic/SyntheticStudyWriter.h"

using vigie::app::ReaderStatisticsDialog;
using vigie::app::ReviewSession;
namespace core = vigie::core;
namespace imaging = vigie::imaging;

namespace {

QString artefactDir() {
  const QString dir = qEnvironmentVariable("VIGIE_TEST_ARTEFACTS", QDir::tempPath());
  QDir().mkpath(dir);
  return dir;
}

/// The reference (root/fundus: 8 photographs; root/case_000: a CT case with
/// two or three nodules) and a store where dr.a grades every photograph as the truth
/// does, dr.b calls every one grade 0, and dr.a reads the CT case: opens it,
/// then the AI's finding on nodule 1 confirmed, its false positive rejected.
struct Fixture {
  QString root, store, ctStudy, ctFolder;
  int nodules = 0;
};

Fixture makeFixture(const QTemporaryDir& dir) {
  Fixture fx;
  fx.root = dir.path();
  fx.store = dir.filePath("review.sqlite");
  const std::filesystem::path root = dir.path().toStdString();
  imaging::FundusSetOptions photos;
  photos.count = 8;
  photos.sizePx = 128;
  photos.seed = 4;
  photos.ungradableFraction = 0.0;
  auto written = imaging::writeSyntheticFundusSet(photos, root / "fundus");
  if (!written.ok()) qFatal("%s", written.error().message.c_str());
  imaging::ChestCtPhantomOptions ct;
  ct.size = {96, 96, 48};
  ct.noduleCount = 3;  // two find room at this size, with this seed
  ct.seed = 5;
  auto nodules = imaging::writeSyntheticCtCase(ct, root / "case_000");
  if (!nodules.ok()) qFatal("%s", nodules.error().message.c_str());
  if (nodules.value().size() < 2) qFatal("the phantom placed fewer than two nodules");
  fx.nodules = static_cast<int>(nodules.value().size());
  fx.ctFolder = QString::fromStdString((root / "case_000").string());
  fx.ctStudy = QString::fromStdString(
      imaging::DicomScanner().scan(root / "case_000").value().series.front().studyInstanceUid);

  auto store = core::ReviewStore::open(fx.store.toStdString()).value();
  for (const auto& entry : written.value()) {
    const auto file = root / "fundus" / (entry.stem + ".png");
    const std::string uid = imaging::photographIdentity(file).value();
    for (const auto& [reader, grade] :
         {std::pair{std::string("dr.a"), entry.grade}, std::pair{std::string("dr.b"), 0}}) {
      core::FundusGrade g;
      g.imageUid = uid;
      g.reader = reader;
      g.grade = grade;
      if (!store->recordFundusGrade(g).ok()) qFatal("grade not recorded");
    }
  }
  core::CaseRecord c;
  c.caseUid = fx.ctStudy.toStdString();
  c.kind = core::CaseKind::Ct;
  c.modality = "CT";
  c.source = fx.ctFolder.toStdString();
  c.registeredBy = "intake";
  if (auto registered = store->registerCase(c); !registered.ok())
    qFatal("%s", registered.error().message.c_str());
  core::ModelRun run;
  run.studyUid = c.caseUid;
  run.bundleId = "test";
  run.reader = "vigie-cli";
  core::Finding onNodule{1, 0.9, nodules.value()[0].centerMm, 6.0, std::nullopt, {}, {}, {}};
  core::Finding elsewhere{2, 0.6, {500.0, 500.0, 500.0}, 5.0, std::nullopt, {}, {}, {}};
  run.findings = {onNodule, elsewhere};
  if (!store->recordModelRun(run).ok()) qFatal("run not recorded");
  // dr.a opens the study in the window, reads it for over a second, then
  // decides: the time on the case runs from the audited opening.
  if (!store->audit("dr.a", "study opened", "study " + c.caseUid).ok()) qFatal("not audited");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  for (const auto& [finding, kind] :
       {std::pair{1, core::DecisionKind::Confirm}, std::pair{2, core::DecisionKind::Reject}}) {
    core::Decision d;
    d.studyUid = c.caseUid;
    d.findingId = finding;
    d.kind = kind;
    d.reader = "dr.a";
    if (!store->recordDecision(d).ok()) qFatal("decision not recorded");
  }
  return fx;
}

}  // namespace

class ReaderStatisticsDialogTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("vigie-tests");
    QCoreApplication::setApplicationName("reader-statistics-test");
    QSettings().clear();
  }

  void showsEachReaderAgainstTheReferenceAndDrillsDownToTheCases() {
    QTemporaryDir dir;
    const Fixture fx = makeFixture(dir);
    ReviewSession session;
    QVERIFY(session.open(fx.store, "trainer").ok());
    ReaderStatisticsDialog dialog(&session);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy computed(&dialog, &ReaderStatisticsDialog::computed);
    dialog.setReference(fx.root);
    dialog.compute();
    QVERIFY(computed.wait(60000));

    QCOMPARE(dialog.rowNames(), (QStringList{"dr.a", "dr.b", "AI"}));
    QVERIFY2(dialog.cellText(0, "Weighted kappa").startsWith("1.00"),
             qPrintable(dialog.cellText(0, "Weighted kappa")));
    const QString oneFound = QString::number(1.0 / fx.nodules, 'f', 2) + " (";
    QVERIFY2(dialog.cellText(0, "CT sensitivity").startsWith(oneFound),
             qPrintable(dialog.cellText(0, "CT sensitivity")));
    QVERIFY(dialog.cellText(0, "CT sensitivity").endsWith("n " + QString::number(fx.nodules)));
    QVERIFY2(dialog.cellText(0, "FP / case").startsWith("0.00"),
             qPrintable(dialog.cellText(0, "FP / case")));
    QVERIFY2(dialog.cellText(1, "Referable sensitivity").startsWith("0.00"),
             qPrintable(dialog.cellText(1, "Referable sensitivity")));
    QCOMPARE(dialog.cellText(1, "CT sensitivity"), QString("-"));  // dr.b read no CT
    // Of the AI's two findings dr.a confirmed one, rejected one, edited none.
    QVERIFY2(dialog.cellText(0, "Edit rate").startsWith("0.00 (") &&
                 dialog.cellText(0, "Edit rate").endsWith("n 2"),
             qPrintable(dialog.cellText(0, "Edit rate")));
    QVERIFY2(dialog.cellText(0, "Confirm rate").startsWith("0.50 ("),
             qPrintable(dialog.cellText(0, "Confirm rate")));
    // A CT reader's time per case: the CT case alone was measured (each
    // photograph has a single grade and was never opened in the window).
    const QString time = dialog.cellText(0, "Time / case");
    QVERIFY2(time != "-" && time.endsWith("n 1") && time.section(' ', 0, 0).toInt() >= 1,
             qPrintable(time));
    QCOMPARE(dialog.cellText(1, "Time / case"), QString("-"));

    QVERIFY(dialog.chartSeries("FROC").contains("AI"));
    QVERIFY(dialog.chartSeries("FROC").contains("dr.a"));
    QCOMPARE(dialog.chartSeries("Agreement"),
             (QStringList{"referable sensitivity", "referable specificity", "weighted kappa"}));

    // Every figure drills down to the cases behind it.
    dialog.drillDown(0, "CT sensitivity");
    QCOMPARE(dialog.drillDownCases(), QStringList{fx.ctStudy});
    dialog.drillDown(0, "Edit rate");
    QCOMPARE(dialog.drillDownCases(), QStringList{fx.ctStudy});
    dialog.drillDown(0, "Time / case");
    QCOMPARE(dialog.drillDownCases(), QStringList{fx.ctStudy});
    {
      auto* cases = dialog.findChild<QListWidget*>("statisticsCases");
      QVERIFY2(
          cases->item(0)->text().startsWith("case_000: ") && cases->item(0)->text().endsWith(" s"),
          qPrintable(cases->item(0)->text()));
    }
    dialog.drillDown(1, "Referable sensitivity");
    const QStringList referable = dialog.drillDownCases();
    dialog.drillDown(1, "Referable specificity");
    QCOMPARE(referable.size() + dialog.drillDownCases().size(), 8);

    // Screenshots of the three tabs, to look at.
    auto* tabs = dialog.findChild<QTabWidget*>();
    QVERIFY(tabs);
    const char* names[] = {"figures", "froc", "agreement"};
    for (int tab = 0; tab < 3; ++tab) {
      tabs->setCurrentIndex(tab);
      QTest::qWait(100);
      QVERIFY(dialog.grab().save(artefactDir() + "/reader-statistics-" + names[tab] + ".png"));
    }
    tabs->setCurrentIndex(0);

    // Double-clicking a case opens it.
    QSignalSpy open(&dialog, &ReaderStatisticsDialog::openRequested);
    dialog.drillDown(0, "FP / case");
    auto* list = dialog.findChild<QListWidget*>("statisticsCases");
    QVERIFY(list && list->count() == 1);
    QVERIFY2(list->item(0)->text().contains(
                 QString("1 of %1 nodules found, 0 false positives").arg(fx.nodules)),
             qPrintable(list->item(0)->text()));
    Q_EMIT list->itemDoubleClicked(list->item(0));
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.at(0).at(0).toString(), fx.ctFolder);
  }

  void refusesAReferenceThatIsNotThere() {
    QTemporaryDir dir;
    ReviewSession session;
    QVERIFY(session.open(dir.filePath("review.sqlite"), "trainer").ok());
    ReaderStatisticsDialog dialog(&session);
    QSignalSpy failed(&dialog, &ReaderStatisticsDialog::failed);
    dialog.setReference("");
    dialog.compute();  // no reference chosen
    QCOMPARE(failed.count(), 1);
    dialog.setReference(dir.filePath("missing"));
    dialog.setPeriod("2026-13-45", "");
    dialog.compute();
    QCOMPARE(failed.count(), 2);
    QVERIFY(failed.at(1).at(0).toString().contains("2026-13-45"));
    dialog.setPeriod("", "");
    dialog.compute();
    QVERIFY(failed.wait(10000) || failed.count() == 3);
    QVERIFY(failed.at(2).at(0).toString().contains("missing"));
  }
};

QTEST_MAIN(ReaderStatisticsDialogTest)
#include "ReaderStatisticsDialogTest.moc"
