// The worklist dock: every case of the review store in AI triage order,
// filters, sorting on a column, names hidden, Shift+N-style stepping that
// opens cases, assignment, and the column layout remembered per reader.
#include <QCoreApplication>
#include <QHeaderView>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "ReviewSession.h"
#include "WorklistPanel.h"
#include "vigie/core/ReviewStore.h"

using vigie::app::ReviewSession;
using vigie::app::WorklistPanel;
namespace core = vigie::core;

namespace {

/// A store with three CT studies (two analysed) and two photographs.
void fillStore(const QString& file) {
  auto store = core::ReviewStore::open(file.toStdString()).value();
  auto registerCase = [&](const std::string& uid, core::CaseKind kind, const std::string& name) {
    core::CaseRecord c;
    c.caseUid = uid;
    c.kind = kind;
    c.modality = kind == core::CaseKind::Ct ? "CT" : "OP";
    c.patientName = name;
    c.studyDate = "20261130";
    c.source = "/studies/" + uid;
    c.registeredBy = "intake";
    QVERIFY(store->registerCase(c).ok());
  };
  registerCase("ct-waiting", core::CaseKind::Ct, "DOE^ANNA");
  registerCase("ct-high", core::CaseKind::Ct, "DOE^BEN");
  registerCase("ct-low", core::CaseKind::Ct, "DOE^CARL");
  registerCase("eye-referable", core::CaseKind::Fundus, "DOE^DORA");
  registerCase("eye-normal", core::CaseKind::Fundus, "DOE^EVA");
  auto run = [&](const std::string& study, double score) {
    core::ModelRun r;
    r.studyUid = study;
    r.bundleId = "test";
    r.reader = "vigie-cli";
    core::Finding f;
    f.id = 1;
    f.score = score;
    r.findings = {f};
    QVERIFY(store->recordModelRun(r).ok());
  };
  run("ct-high", 0.95);
  run("ct-low", 0.55);
  auto eye = [&](const std::string& image, double p) {
    core::FundusAiResult r;
    r.imageUid = image;
    r.bundleId = "test";
    r.reader = "vigie-cli";
    r.referableProbability = p;
    r.referable = p >= 0.5;
    r.grade = p >= 0.5 ? 3 : 0;
    QVERIFY(store->recordFundusAiResult(r).ok());
  };
  eye("eye-referable", 0.8);
  eye("eye-normal", 0.1);
}

}  // namespace

class WorklistPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("vigie-tests");
    QCoreApplication::setApplicationName("worklist-panel-test");
    QSettings().clear();
  }

  void listsTheStoreInTriageOrderAndOpensCases() {
    QTemporaryDir dir;
    const QString file = dir.filePath("review.sqlite");
    fillStore(file);
    ReviewSession session;
    QVERIFY(session.open(file, "dr.a").ok());
    WorklistPanel panel(&session);
    panel.resize(1100, 320);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.refresh();
    QCOMPARE(panel.shownCases(),
             (QStringList{"ct-high", "eye-referable", "ct-low", "ct-waiting", "eye-normal"}));
    QCOMPARE(panel.cellText(0, "Lane"), QString("flagged"));
    QCOMPARE(panel.cellText(0, "AI"), QString("0.95"));
    QCOMPARE(panel.cellText(1, "Findings"), QString("grade 3"));
    QCOMPARE(panel.cellText(0, "Patient"), QString("DOE^BEN"));
    QVERIFY(QDir().mkpath(artefactDir()));
    QVERIFY(panel.grab().save(artefactDir() + "/vigie-worklist.png"));

    panel.setNamesHidden(true);
    QCOMPARE(panel.cellText(0, "Patient"), QString("(hidden)"));

    // Sorted on a column by its header, numbers as numbers.
    auto* table = panel.findChild<QTableWidget*>("worklistTable");
    QVERIFY(table);
    table->sortByColumn(2, Qt::AscendingOrder);  // AI score, lowest first ("-" first)
    QCOMPARE(panel.shownCases().front(), QString("ct-waiting"));
    QCOMPARE(panel.shownCases().back(), QString("ct-high"));
    table->sortByColumn(0, Qt::AscendingOrder);  // back to triage

    // Stepping opens cases in the list's order.
    QSignalSpy open(&panel, &WorklistPanel::openRequested);
    panel.step(+1);
    panel.step(+1);
    QCOMPARE(open.count(), 2);
    QCOMPARE(open.at(1).at(0).toString(), QString("/studies/eye-referable"));
    QCOMPARE(panel.selectedCase(), QString("eye-referable"));
    panel.step(-1);
    QCOMPARE(panel.selectedCase(), QString("ct-high"));

    // Assigned to the reader, then read: the filters follow.
    panel.assignSelectedToMe();
    QCOMPARE(panel.cellText(0, "Assigned"), QString("dr.a"));
    panel.setFilterIndex(7);  // assigned to me
    QCOMPARE(panel.shownCases(), QStringList{"ct-high"});
    panel.setSelectedState(core::ReadingState::Read);
    panel.setFilterIndex(4);  // done
    QCOMPARE(panel.shownCases(), QStringList{"ct-high"});
    panel.setFilterIndex(1);  // flagged: no longer there
    QCOMPARE(panel.shownCases(), (QStringList{"eye-referable", "ct-low"}));
  }

  void refinesTheListByScoreReaderModalityAndDate() {
    QTemporaryDir dir;
    const QString file = dir.filePath("review.sqlite");
    fillStore(file);
    {
      auto store = core::ReviewStore::open(file.toStdString());
      QVERIFY(store.ok());
      core::CaseRecord older;
      older.caseUid = "ct-older";
      older.kind = core::CaseKind::Ct;
      older.modality = "CT";
      older.studyDate = "20261015";
      older.source = "/studies/ct-older";
      older.registeredBy = "intake";
      QVERIFY(store.value()->registerCase(older).ok());
    }
    ReviewSession session;
    QVERIFY(session.open(file, "dr.a").ok());
    WorklistPanel panel(&session);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.refresh();
    QCOMPARE(panel.shownCases().size(), 6);
    panel.setMinimumScore(0.6);  // the AI's score at least 0.6
    QCOMPARE(panel.shownCases(), (QStringList{"ct-high", "eye-referable"}));
    panel.setModalityShown("OP");
    QCOMPARE(panel.shownCases(), QStringList{"eye-referable"});
    panel.setMinimumScore(0);
    QCOMPARE(panel.shownCases(), (QStringList{"eye-referable", "eye-normal"}));
    panel.setModalityShown({});
    // A reader: the cases assigned to them (the box offers them once the store has them).
    panel.setFilterIndex(0);
    panel.setReaderShown("dr.b");
    QCOMPARE(panel.shownCases().size(), 6);  // nobody is dr.b yet: the box stays on "any"
    ReviewSession other;
    QVERIFY(other.open(file, "dr.b").ok());
    core::CaseEvent assign;
    assign.caseUid = "ct-low";
    assign.kind = core::CaseEventKind::Assign;
    assign.value = "dr.b";
    QVERIFY(other.recordCaseEvent(assign).ok());
    panel.refresh();
    panel.setReaderShown("dr.b");
    QCOMPARE(panel.shownCases(), QStringList{"ct-low"});
    panel.setReaderShown({});
    // Study dates, inclusive.
    panel.setStudyDates(QDate(2026, 10, 1), QDate(2026, 10, 31));
    QCOMPARE(panel.shownCases(), QStringList{"ct-older"});
    panel.setStudyDates(QDate(2026, 11, 30), QDate(2026, 11, 30));
    QCOMPARE(panel.shownCases().size(), 5);
    panel.setStudyDates({}, {});
    QCOMPARE(panel.shownCases().size(), 6);
    QVERIFY(panel.grab().save(artefactDir() + "/vigie-worklist-filters.png"));
  }

  void remembersTheColumnLayoutPerReader() {
    QTemporaryDir dir;
    const QString file = dir.filePath("review.sqlite");
    fillStore(file);
    ReviewSession session;
    QVERIFY(session.open(file, "dr.layout").ok());
    int patientAt = -1;
    {
      WorklistPanel panel(&session);
      panel.refresh();
      auto* header = panel.findChild<QTableWidget*>("worklistTable")->horizontalHeader();
      header->moveSection(8, 1);  // the patient column second
      patientAt = header->visualIndex(8);
    }
    WorklistPanel again(&session);
    again.refresh();
    auto* header = again.findChild<QTableWidget*>("worklistTable")->horizontalHeader();
    QCOMPARE(header->visualIndex(8), patientAt);
    ReviewSession other;
    QVERIFY(other.open(file, "dr.other").ok());
    WorklistPanel theirs(&other);
    theirs.refresh();
    QCOMPARE(theirs.findChild<QTableWidget*>("worklistTable")->horizontalHeader()->visualIndex(8),
             8);
  }

 private:
  static QString artefactDir() {
    const QByteArray dir = qgetenv("VIGIE_TEST_ARTEFACTS");
    return dir.isEmpty() ? QDir::tempPath() : QString::fromLocal8Bit(dir);
  }
};

QTEST_MAIN(WorklistPanelTest)
#include "WorklistPanelTest.moc"
