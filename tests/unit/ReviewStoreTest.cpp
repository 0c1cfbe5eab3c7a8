// The review store: decisions kept, append-only, hash-chained audit, and no
// acknowledged decision lost when the writer is killed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <random>
#include <set>

#include "../../core/src/SqliteStatement.h"
#include "TestFolder.h"
#include "vigie/core/ReviewStore.h"

using namespace vigie;
using core::Decision;
using core::DecisionKind;
using core::ReviewStore;

namespace {

Decision decision(const std::string& study, int finding, DecisionKind kind,
                  const std::string& reader) {
  Decision d;
  d.studyUid = study;
  d.findingId = finding;
  d.kind = kind;
  d.reader = reader;
  return d;
}

/// Runs SQL on the store's file directly, as a tamperer would.
int rawExec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

}  // namespace

TEST(ReviewStore, KeepsEveryDecisionWithItsHistory) {
  test::TestFolder dir("review");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store.value()->schemaVersion(), 8);
  ASSERT_TRUE(
      store.value()->recordDecision(decision("1.2.3", 1, DecisionKind::Confirm, "dr.a")).ok());
  ASSERT_TRUE(
      store.value()->recordDecision(decision("1.2.3", 2, DecisionKind::Reject, "dr.a")).ok());
  Decision edit = decision("1.2.3", 1, DecisionKind::Edit, "dr.b");
  edit.centerMm = core::Vec3{10.5, -20.25, 33.0};
  edit.diameterMm = 7.5;
  edit.note = "centre moved onto the nodule";
  ASSERT_TRUE(store.value()->recordDecision(edit).ok());
  ASSERT_TRUE(
      store.value()->recordDecision(decision("9.9.9", 1, DecisionKind::Confirm, "dr.a")).ok());

  auto history = store.value()->decisions("1.2.3");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history.value().size(), 3u);
  EXPECT_EQ(history.value()[0].kind, DecisionKind::Confirm);
  EXPECT_EQ(history.value()[1].kind, DecisionKind::Reject);
  const Decision& back = history.value()[2];
  EXPECT_EQ(back.reader, "dr.b");
  EXPECT_EQ(back.note, "centre moved onto the nodule");
  ASSERT_TRUE(back.centerMm && back.diameterMm);
  EXPECT_EQ(*back.centerMm, (core::Vec3{10.5, -20.25, 33.0}));
  EXPECT_DOUBLE_EQ(*back.diameterMm, 7.5);
  EXPECT_EQ(back.recordedAt.size(), 24u);  // 2026-11-23T16:00:00.000Z
  EXPECT_EQ(store.value()->allDecisions().value().size(), 4u);
  EXPECT_FALSE(store.value()->recordDecision(decision("", 1, DecisionKind::Confirm, "dr.a")).ok());
}

TEST(ReviewStore, ADecisionIsVisibleToAnotherConnectionAtOnce) {
  test::TestFolder dir("review-shared");
  auto gui = ReviewStore::open(dir / "review.sqlite");
  auto cli = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(gui.ok() && cli.ok());
  ASSERT_TRUE(cli.value()->recordDecision(decision("1.2", 4, DecisionKind::Confirm, "dr.c")).ok());
  EXPECT_EQ(gui.value()->decisions("1.2").value().size(), 1u);
}

TEST(ReviewStore, RefusesToChangeOrDeleteDecisionsAndAuditEntries) {
  test::TestFolder dir("review-append-only");
  const auto file = dir / "review.sqlite";
  {
    auto store = ReviewStore::open(file);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        store.value()->recordDecision(decision("1.2", 1, DecisionKind::Confirm, "dr.a")).ok());
  }
  EXPECT_NE(rawExec(file, "UPDATE decisions SET kind = 'reject'"), SQLITE_OK);
  EXPECT_NE(rawExec(file, "DELETE FROM decisions"), SQLITE_OK);
  EXPECT_NE(rawExec(file, "UPDATE audit SET actor = 'someone else'"), SQLITE_OK);
  EXPECT_NE(rawExec(file, "DELETE FROM audit"), SQLITE_OK);
}

TEST(ReviewStore, AuditChainRevealsAnEditedOrDeletedEntry) {
  test::TestFolder dir("review-tamper");
  const auto file = dir / "review.sqlite";
  {
    auto store = ReviewStore::open(file);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store.value()->audit("dr.a", "study opened", "study 1.2").ok());
    ASSERT_TRUE(
        store.value()->recordDecision(decision("1.2", 1, DecisionKind::Confirm, "dr.a")).ok());
    ASSERT_TRUE(store.value()->audit("dr.a", "export", "SR").ok());
    auto check = store.value()->verifyAuditChain();
    ASSERT_TRUE(check.ok());
    EXPECT_TRUE(check.value().intact);
    EXPECT_EQ(check.value().entries, 3u);
    // One action's entries read back, for the reader statistics' time per case.
    auto opened = store.value()->auditEntries("study opened");
    ASSERT_TRUE(opened.ok());
    ASSERT_EQ(opened.value().size(), 1u);
    EXPECT_EQ(opened.value()[0].actor, "dr.a");
    EXPECT_EQ(opened.value()[0].detail, "study 1.2");
    EXPECT_FALSE(opened.value()[0].recordedAt.empty());
  }
  // A determined tamperer drops the guards and rewrites history.
  ASSERT_EQ(
      rawExec(file,
              "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;"),
      SQLITE_OK);
  ASSERT_EQ(rawExec(file, "UPDATE audit SET actor = 'dr.b' WHERE id = 2"), SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok());
  auto edited = store.value()->verifyAuditChain();
  ASSERT_TRUE(edited.ok());
  EXPECT_FALSE(edited.value().intact);
  EXPECT_EQ(edited.value().problem, "audit entry 2 does not follow from the entry before it");

  ASSERT_EQ(
      rawExec(file, "UPDATE audit SET actor = 'dr.a' WHERE id = 2; DELETE FROM audit WHERE id = 2"),
      SQLITE_OK);
  auto deleted = store.value()->verifyAuditChain();
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(deleted.value().intact);
  EXPECT_EQ(deleted.value().problem, "audit entry 3 does not follow from the entry before it");
}

TEST(ReviewStore, RefusesASchemaNewerThanItKnows) {
  test::TestFolder dir("review-future");
  const auto file = dir / "review.sqlite";
  ASSERT_TRUE(ReviewStore::open(file).ok());
  ASSERT_EQ(rawExec(file, "UPDATE schema_version SET version = 99"), SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("schema version 99 is newer"), std::string::npos);
}

TEST(ReviewStore, RefusesAStoreWhoseSchemaVersionIsNotANumber) {
  // Read as 0, such a version would run every migration over the store's own tables.
  test::TestFolder dir("review-bad-version");
  const auto file = dir / "review.sqlite";
  ASSERT_TRUE(ReviewStore::open(file).ok());
  ASSERT_EQ(rawExec(file, "UPDATE schema_version SET version = 'two'"), SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message,
            file.string() +
                ": the review store's schema version is 'two', not a version number: is this a "
                "Vigie review store?");

  // Nor is a table that cannot be read taken for a new store.
  const auto other = dir / "other.sqlite";
  ASSERT_EQ(rawExec(other, "CREATE VIEW schema_version AS SELECT missing FROM nowhere"), SQLITE_OK);
  auto unreadable = ReviewStore::open(other);
  ASSERT_FALSE(unreadable.ok());
  EXPECT_NE(unreadable.error().message.find("schema"), std::string::npos)
      << unreadable.error().message;
}

TEST(SqliteStatement, AFailedBindIsReturnedByStepAndTheStatementDoesNotRun) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (a TEXT, b TEXT)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  {
    core::review::Statement insert(db, "INSERT INTO t VALUES (?, ?)");
    ASSERT_TRUE(insert.ok());
    insert.bind(1, std::string("kept"));
    insert.bind(3, std::string("no such parameter"));  // out of range: the failure to keep
    insert.bind(2, std::string("bound after the failure"));
    EXPECT_EQ(insert.step(), SQLITE_RANGE);
    // What the store's error then says, though the later bind succeeded.
    EXPECT_EQ(insert.errorMessage(), "column index out of range");
  }
  {
    core::review::Statement count(db, "SELECT COUNT(*) FROM t");
    EXPECT_EQ(count.step(), SQLITE_ROW);
    EXPECT_EQ(count.integer(0), 0);  // nothing inserted with a value missing
  }
  sqlite3_close(db);
}

TEST(ReviewStore, AnAuditLogThatCannotBeReadIsAnErrorNotANewChain) {
  // Read as an empty log, a failed read of the last entry would start the
  // hash chain again in the middle of the log, and verification would then
  // blame an honest entry. The audit table is put behind a view whose last
  // hash fails to evaluate (an integer overflow), with a trigger that still
  // lets entries be appended: only the read fails.
  test::TestFolder dir("review-audit-unreadable");
  const auto file = dir / "review.sqlite";
  {
    auto store = ReviewStore::open(file);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE(store.value()->audit("reader", "study opened", "first").ok());
  }
  ASSERT_EQ(rawExec(file,
                    "ALTER TABLE audit RENAME TO audit_rows;"
                    "CREATE VIEW audit AS SELECT id, recorded_at, actor, action, detail, "
                    "previous_hash, CASE WHEN id > 0 THEN abs(-9223372036854775808) ELSE hash "
                    "END AS hash FROM audit_rows;"
                    "CREATE TRIGGER audit_append INSTEAD OF INSERT ON audit BEGIN "
                    "INSERT INTO audit_rows (recorded_at, actor, action, detail, previous_hash, "
                    "hash) VALUES (NEW.recorded_at, NEW.actor, NEW.action, NEW.detail, "
                    "NEW.previous_hash, NEW.hash); END;"),
            SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto audited = store.value()->audit("reader", "study opened", "second");
  ASSERT_FALSE(audited.ok());
  EXPECT_NE(audited.error().message.find("reading the audit log"), std::string::npos)
      << audited.error().message;
  EXPECT_NE(audited.error().message.find(file.string()), std::string::npos);
  // A decision, audited in its own transaction, is refused whole.
  auto decided = store.value()->recordDecision(decision("1.2.3", 1, DecisionKind::Confirm, "dr a"));
  ASSERT_FALSE(decided.ok());
  EXPECT_NE(decided.error().message.find("reading the audit log"), std::string::npos);
  auto decisions = store.value()->decisions("1.2.3");
  ASSERT_TRUE(decisions.ok());
  EXPECT_TRUE(decisions.value().empty());
  // Nothing was appended: the log still holds its one entry.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  {
    core::review::Statement count(db, "SELECT COUNT(*) FROM audit_rows");
    EXPECT_EQ(count.step(), SQLITE_ROW);
    EXPECT_EQ(count.integer(0), 1);
  }
  sqlite3_close(db);
}

TEST(ReviewStore, LosesNoAcknowledgedDecisionWhenTheWriterIsKilled) {
  test::TestFolder dir("review-crash");
  const auto file = dir / "review.sqlite";
  std::mt19937 random(2026);
  std::set<std::int64_t> acknowledged;
  for (int round = 0; round < 5; ++round) {
    int pipeEnds[2];
    ASSERT_EQ(pipe(pipeEnds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // The writer: records decisions as fast as it can, and acknowledges
      // each one (to the parent) only once recordDecision has returned.
      close(pipeEnds[0]);
      auto store = ReviewStore::open(file);
      if (!store.ok()) _exit(2);
      for (int n = 0;; ++n) {
        auto id = store.value()->recordDecision(
            decision("crash.study", n, DecisionKind::Confirm, "writer"));
        if (!id.ok()) _exit(3);
        const std::int64_t value = id.value();
        if (write(pipeEnds[1], &value, sizeof value) != sizeof value) _exit(4);
      }
    }
    close(pipeEnds[1]);
    usleep(std::uniform_int_distribution<int>(30000, 250000)(random));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself with status " << status;
    std::int64_t id = 0;
    while (read(pipeEnds[0], &id, sizeof id) == sizeof id) acknowledged.insert(id);
    close(pipeEnds[0]);
  }
  ASSERT_GT(acknowledged.size(), 5u);
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto all = store.value()->decisions("crash.study");
  ASSERT_TRUE(all.ok());
  std::set<std::int64_t> stored;
  for (const auto& d : all.value()) stored.insert(d.id);
  for (std::int64_t id : acknowledged)
    EXPECT_TRUE(stored.count(id)) << "acknowledged decision " << id << " lost";
  auto check = store.value()->verifyAuditChain();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check.value().intact) << check.value().problem;
  EXPECT_EQ(check.value().entries, all.value().size());  // one audit entry per decision, none torn
}

TEST(ReviewStore, KeepsModelRunsWithTheirFindings) {
  test::TestFolder dir("review-runs");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  core::ModelRun run;
  run.studyUid = "1.2.3";
  run.seriesUid = "1.2.3.4";
  run.bundleId = "vigie-ct-nodule-synth";
  run.bundleVersion = "0.1.0";
  run.weightsSha256 = std::string(64, 'a');
  run.device = "cpu";
  run.durationSeconds = 19.5;
  run.reader = "dr.a";
  run.findings = {{1, 0.97, {10, 20, 30}, 6.5, {}, {}, {}, {}},
                  {2, 0.61, {-5, 0.25, 12}, 4.0, {}, {}, {}, {}}};
  ASSERT_TRUE(store.value()->recordModelRun(run).ok());
  run.bundleVersion = "0.2.0";
  run.findings.resize(1);
  ASSERT_TRUE(store.value()->recordModelRun(run).ok());

  auto latest = store.value()->latestModelRun("1.2.3");
  ASSERT_TRUE(latest.ok() && latest.value());
  EXPECT_EQ(latest.value()->bundleVersion, "0.2.0");
  ASSERT_EQ(latest.value()->findings.size(), 1u);
  EXPECT_EQ(latest.value()->findings[0].centerMm, (core::Vec3{10, 20, 30}));
  EXPECT_DOUBLE_EQ(latest.value()->findings[0].diameterMm, 6.5);
  auto all = store.value()->allModelRuns();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 2u);
  EXPECT_EQ(all.value()[0].findings.size(), 2u);
  EXPECT_DOUBLE_EQ(all.value()[0].findings[1].score, 0.61);
  EXPECT_FALSE(store.value()->latestModelRun("no.such.study").value().has_value());
  EXPECT_EQ(store.value()->verifyAuditChain().value().entries, 2u);  // one entry per run
  EXPECT_NE(rawExec(dir / "review.sqlite", "DELETE FROM model_findings"), SQLITE_OK);
  EXPECT_NE(rawExec(dir / "review.sqlite", "UPDATE model_runs SET device = 'gpu'"), SQLITE_OK);
}

TEST(ReviewStore, NumbersReadersFindingsAndLinksEachDecisionToTheOneBefore) {
  test::TestFolder dir("review-add");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  Decision added = decision("1.2.3", 0, DecisionKind::Add, "dr.a");
  added.centerMm = core::Vec3{1, 2, 3};
  added.diameterMm = 4;
  ASSERT_TRUE(store.value()->recordDecision(added).ok());
  ASSERT_TRUE(store.value()->recordDecision(added).ok());
  ASSERT_TRUE(
      store.value()->recordDecision(decision("1.2.3", 1, DecisionKind::Confirm, "dr.a")).ok());
  Decision note = decision("1.2.3", 1, DecisionKind::Annotate, "dr.b");
  note.note = "spiculated margin";
  note.category = "suspicious";
  ASSERT_TRUE(store.value()->recordDecision(note).ok());

  const auto history = store.value()->decisions("1.2.3").value();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].findingId, core::kFirstReaderFindingId);
  EXPECT_EQ(history[1].findingId, core::kFirstReaderFindingId + 1);
  EXPECT_FALSE(history[2].previousDecisionId.has_value());
  ASSERT_TRUE(history[3].previousDecisionId.has_value());
  EXPECT_EQ(*history[3].previousDecisionId, history[2].id);
  EXPECT_EQ(history[3].category, "suspicious");
}

TEST(ReviewStore, KeepsFundusGradesAndRefusesGradesOutsideIcdr) {
  test::TestFolder dir("review-grades");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  core::FundusGrade grade;
  grade.imageUid = "1.2.3.9";
  grade.reader = "dr.eye";
  grade.grade = 2;
  ASSERT_TRUE(store.value()->recordFundusGrade(grade).ok());
  grade.grade = 3;
  grade.gradable = false;
  grade.note = "media opacity";
  ASSERT_TRUE(store.value()->recordFundusGrade(grade).ok());
  grade.grade = 5;
  auto refused = store.value()->recordFundusGrade(grade);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("0 to 4"), std::string::npos);

  const auto grades = store.value()->fundusGrades("1.2.3.9").value();
  ASSERT_EQ(grades.size(), 2u);
  EXPECT_EQ(grades[0].grade, 2);
  EXPECT_TRUE(grades[0].gradable);
  EXPECT_EQ(grades[1].grade, 3);
  EXPECT_FALSE(grades[1].gradable);
  EXPECT_EQ(grades[1].note, "media opacity");
  EXPECT_EQ(store.value()->allFundusGrades().value().size(), 2u);
  EXPECT_NE(rawExec(dir / "review.sqlite", "DELETE FROM fundus_grades"), SQLITE_OK);
}

TEST(ReviewStore, KeepsLesionMarksAndTheirWithdrawals) {
  test::TestFolder dir("review-marks");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  core::FundusLesionMark mark;
  mark.imageUid = "sha256:abc";
  mark.reader = "dr.eye";
  mark.lesion = "microaneurysm";
  mark.x = 120.5;
  mark.y = 33.25;
  mark.radius = 6;
  const auto first = store.value()->recordFundusLesionMark(mark);
  ASSERT_TRUE(first.ok()) << first.error().message;
  mark.lesion = "haemorrhage";
  mark.x = 300;
  ASSERT_TRUE(store.value()->recordFundusLesionMark(mark).ok());

  // Withdrawing the first leaves the second standing; the history keeps all three.
  core::FundusLesionMark withdrawal;
  withdrawal.imageUid = mark.imageUid;
  withdrawal.reader = "dr.eye";
  withdrawal.withdraws = first.value();
  ASSERT_TRUE(store.value()->recordFundusLesionMark(withdrawal).ok());
  // Twice, or a mark of another image: refused with the reason.
  auto again = store.value()->recordFundusLesionMark(withdrawal);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("not a standing mark"), std::string::npos);

  const auto history = store.value()->fundusLesionMarks(mark.imageUid).value();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_DOUBLE_EQ(history[0].x, 120.5);
  EXPECT_DOUBLE_EQ(history[0].y, 33.25);
  const auto standing = core::lesionMarksInForce(history);
  ASSERT_EQ(standing.size(), 1u);
  EXPECT_EQ(standing[0].lesion, "haemorrhage");
  EXPECT_TRUE(store.value()->fundusLesionMarks("sha256:other").value().empty());

  mark.radius = 0;
  EXPECT_FALSE(store.value()->recordFundusLesionMark(mark).ok());
  EXPECT_NE(rawExec(dir / "review.sqlite", "DELETE FROM fundus_lesion_marks"), SQLITE_OK);
  EXPECT_NE(rawExec(dir / "review.sqlite", "UPDATE fundus_lesion_marks SET x = 0"), SQLITE_OK);
  EXPECT_TRUE(store.value()->verifyAuditChain().value().intact);
}

TEST(ReviewStore, KeepsMeasurementsWithTheirPointsExactly) {
  test::TestFolder dir("review-measure");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  core::Measurement m;
  m.studyUid = "1.2.3";
  m.seriesUid = "1.2.3.4";
  m.reader = "dr.a";
  m.kind = "length";
  m.pointsMm = {{0.1, -0.2, 1.0 / 3.0}, {12.5, 7.25, -40.125}};
  m.value = 14.2;
  m.unit = "mm";
  m.plane = core::SlicePlane::Sagittal;
  ASSERT_TRUE(store.value()->recordMeasurement(m).ok());
  m.plane.reset();  // one made without a view
  ASSERT_TRUE(store.value()->recordMeasurement(m).ok());
  const auto back = store.value()->measurements("1.2.3").value();
  ASSERT_EQ(back.size(), 2u);
  ASSERT_EQ(back[0].pointsMm.size(), 2u);
  EXPECT_EQ(back[0].pointsMm[0], m.pointsMm[0]);  // bit-exact, not approximately
  EXPECT_EQ(back[0].pointsMm[1], m.pointsMm[1]);
  EXPECT_EQ(back[0].unit, "mm");
  EXPECT_EQ(back[0].plane, core::SlicePlane::Sagittal);
  EXPECT_FALSE(back[1].plane.has_value());
  m.pointsMm.clear();
  EXPECT_FALSE(store.value()->recordMeasurement(m).ok());
}

namespace {

/// A length as the Images tab records it: on frame 12 of an ultrasound image.
core::Measurement lengthOnAnImage() {
  core::Measurement m;
  m.studyUid = "1.2.3";
  m.seriesUid = "1.2.3.9";
  m.reader = "dr.a";
  m.kind = "length";
  m.image = core::ImageReference{"1.2.840.10008.5.1.4.1.1.6.1", "1.2.3.9.1", 12};
  m.pixelPoints = {{10.5, 20.25}, {110.125, 60.0}};
  m.value = 42.1;
  m.unit = "mm";
  m.note = "mm (ultrasound region)";
  return m;
}

}  // namespace

TEST(ReviewStore, KeepsALengthOnA2dImageWithItsImageAndFrame) {
  test::TestFolder dir("review-measure-2d");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  core::Measurement m = lengthOnAnImage();
  ASSERT_TRUE(store.value()->recordMeasurement(m).ok());
  const auto back = store.value()->measurements("1.2.3").value();
  ASSERT_EQ(back.size(), 1u);
  ASSERT_TRUE(back[0].image.has_value());
  EXPECT_EQ(back[0].image->sopClassUid, "1.2.840.10008.5.1.4.1.1.6.1");
  EXPECT_EQ(back[0].image->sopInstanceUid, "1.2.3.9.1");
  EXPECT_EQ(back[0].image->frame, 12);
  ASSERT_EQ(back[0].pixelPoints.size(), 2u);
  EXPECT_EQ(back[0].pixelPoints[1].column, 110.125);
  EXPECT_EQ(back[0].pixelPoints[0].row, 20.25);
  EXPECT_TRUE(back[0].pointsMm.empty());
  m.image->frame = 0;  // frames count from 1
  EXPECT_FALSE(store.value()->recordMeasurement(m).ok());
  m.image->frame = 1;
  m.pixelPoints.clear();
  EXPECT_FALSE(store.value()->recordMeasurement(m).ok());
  EXPECT_NE(rawExec(dir / "review.sqlite", "UPDATE measurements SET frame = 2"), SQLITE_OK);
}

TEST(ReviewStore, WithdrawsAMeasurementKeepingItsHistory) {
  test::TestFolder dir("review-measure-withdraw");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  const core::Measurement m = lengthOnAnImage();
  const auto first = store.value()->recordMeasurement(m);
  const auto second = store.value()->recordMeasurement(m);
  ASSERT_TRUE(first.ok() && second.ok());
  core::Measurement withdrawal = m;
  withdrawal.withdraws = first.value();
  ASSERT_TRUE(store.value()->recordMeasurement(withdrawal).ok());
  EXPECT_FALSE(store.value()->recordMeasurement(withdrawal).ok());  // already withdrawn
  withdrawal.withdraws = 999;
  EXPECT_FALSE(store.value()->recordMeasurement(withdrawal).ok());  // no such measurement
  withdrawal.studyUid = "9.9.9";
  withdrawal.withdraws = second.value();
  EXPECT_FALSE(store.value()->recordMeasurement(withdrawal).ok());  // another study's
  const auto history = store.value()->measurements("1.2.3").value();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[2].withdraws, first.value());
  const auto standing = core::measurementsInForce(history);
  ASSERT_EQ(standing.size(), 1u);
  EXPECT_EQ(standing[0].id, second.value());
  const auto withdrawn = store.value()->auditEntries("measurement withdrawn").value();
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_EQ(withdrawn[0].detail, "measurement " + std::to_string(first.value()));
}

TEST(ReviewStore, MigratesTheMeasurementPlaneOutOfTheNotesOfAVersionThreeStore) {
  test::TestFolder dir("review-migrate-plane");
  const auto file = dir / "review.sqlite";
  ASSERT_TRUE(ReviewStore::open(file).ok());
  // Back to version 3: no plane column, the plane only at the start of the
  // note, and no worklist tables (versions 5 and 6).
  ASSERT_EQ(rawExec(file,
                    "DROP TABLE case_comments; DROP TABLE site_settings;"
                    "DROP TABLE fundus_ai_lesion_regions;"
                    "DROP TABLE case_events; DROP TABLE fundus_ai_results; DROP TABLE cases;"
                    "ALTER TABLE measurements DROP COLUMN plane;"
                    "ALTER TABLE measurements DROP COLUMN image_class;"
                    "ALTER TABLE measurements DROP COLUMN image_uid;"
                    "ALTER TABLE measurements DROP COLUMN frame;"
                    "ALTER TABLE measurements DROP COLUMN withdraws;"
                    "UPDATE schema_version SET version = 3;"
                    "INSERT INTO measurements (study_uid, series_uid, reader, kind, points, value, "
                    "unit, note, recorded_at) VALUES "
                    "('1.2.3', '1.2.3.4', 'dr.old', 'roi', '1 2 3;4 5 6;', 40, '[hnsf''U]', "
                    "'coronal: mean 40.0 HU, slice 7', '2026-01-01T00:00:00.000Z'),"
                    "('1.2.3', '1.2.3.4', 'dr.old', 'length', '1 2 3;4 5 6;', 5.2, 'mm', "
                    "'by hand', '2026-01-01T00:00:01.000Z');"),
            SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store.value()->schemaVersion(), 8);
  const auto back = store.value()->measurements("1.2.3").value();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].plane, core::SlicePlane::Coronal);
  EXPECT_EQ(back[0].note, "coronal: mean 40.0 HU, slice 7");  // the note itself is kept
  EXPECT_FALSE(back[1].plane.has_value());
  EXPECT_FALSE(back[1].image.has_value());  // a volume's, as every measurement then was
  EXPECT_EQ(back[1].pointsMm.size(), 2u);
  // Still append-only after the migration lifted its trigger for a moment.
  EXPECT_NE(rawExec(file, "UPDATE measurements SET plane = 'axial'"), SQLITE_OK);
}

TEST(ReviewStore, MigratesAVersionOneStoreKeepingItsDecisions) {
  test::TestFolder dir("review-migrate");
  const auto file = dir / "review.sqlite";
  // The schema as version 1 shipped it, with one decision in it.
  ASSERT_EQ(rawExec(file,
                    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                    "INSERT INTO schema_version VALUES (1);"
                    "CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, study_uid TEXT "
                    "NOT NULL, finding_id INTEGER NOT NULL, kind TEXT NOT NULL, reader TEXT NOT "
                    "NULL, recorded_at TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', center_x "
                    "REAL, center_y REAL, center_z REAL, diameter_mm REAL);"
                    "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT "
                    "NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL, "
                    "previous_hash TEXT NOT NULL, hash TEXT NOT NULL);"
                    "INSERT INTO decisions (study_uid, finding_id, kind, reader, recorded_at) "
                    "VALUES ('1.2.3', 4, 'reject', 'dr.old', '2026-01-01T00:00:00.000Z');"),
            SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store.value()->schemaVersion(), 8);
  const auto history = store.value()->decisions("1.2.3").value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].reader, "dr.old");
  EXPECT_EQ(history[0].kind, DecisionKind::Reject);
  EXPECT_TRUE(history[0].category.empty());
  ASSERT_TRUE(
      store.value()->recordDecision(decision("1.2.3", 4, DecisionKind::Confirm, "dr.new")).ok());
  EXPECT_EQ(*store.value()->decisions("1.2.3").value()[1].previousDecisionId, history[0].id);
}

namespace {

core::CaseRecord ctCaseRecord(const std::string& uid) {
  core::CaseRecord c;
  c.caseUid = uid;
  c.kind = core::CaseKind::Ct;
  c.modality = "CT";
  c.patientName = "DOE^JANE";
  c.source = "/data/" + uid;
  c.registeredBy = "dr.a";
  return c;
}

}  // namespace

TEST(ReviewStore, RegistersACaseOnceAndKeepsTheFirstRegistration) {
  test::TestFolder dir("review-cases");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE(store.value()->registerCase(ctCaseRecord("1.2.3")).value());
  auto again = ctCaseRecord("1.2.3");
  again.source = "/elsewhere";
  EXPECT_FALSE(store.value()->registerCase(again).value());
  const auto cases = store.value()->cases().value();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].source, "/data/1.2.3");
  EXPECT_EQ(cases[0].patientName, "DOE^JANE");
  EXPECT_FALSE(cases[0].registeredAt.empty());
  EXPECT_FALSE(store.value()->registerCase(core::CaseRecord{}).ok());
}

TEST(ReviewStore, CaseEventsNeedAKnownCaseAndAValueTheWorklistUnderstands) {
  test::TestFolder dir("review-case-events");
  const auto file = dir / "review.sqlite";
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(store.value()->registerCase(ctCaseRecord("1.2.3")).ok());
  using Kind = core::CaseEventKind;
  EXPECT_TRUE(store.value()->recordCaseEvent({0, "1.2.3", Kind::Assign, "dr.b", "dr.a", ""}).ok());
  EXPECT_TRUE(store.value()->recordCaseEvent({0, "1.2.3", Kind::State, "read", "dr.b", ""}).ok());
  EXPECT_TRUE(
      store.value()->recordCaseEvent({0, "1.2.3", Kind::Priority, "stat", "dr.a", ""}).ok());
  auto unknownCase = store.value()->recordCaseEvent({0, "9.9", Kind::State, "read", "dr.b", ""});
  ASSERT_FALSE(unknownCase.ok());
  EXPECT_NE(unknownCase.error().message.find("9.9"), std::string::npos);
  auto badState = store.value()->recordCaseEvent({0, "1.2.3", Kind::State, "done", "dr.b", ""});
  ASSERT_FALSE(badState.ok());
  EXPECT_NE(badState.error().message.find("'done'"), std::string::npos);
  EXPECT_FALSE(store.value()->recordCaseEvent({0, "1.2.3", Kind::Priority, "soon", "x", ""}).ok());
  const auto events = store.value()->allCaseEvents().value();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, Kind::Assign);
  EXPECT_EQ(events[0].value, "dr.b");
  EXPECT_EQ(events[2].value, "stat");
  // Append-only, like every record, and audited.
  EXPECT_NE(rawExec(file, "UPDATE case_events SET value = 'unread'"), SQLITE_OK);
  EXPECT_NE(rawExec(file, "DELETE FROM cases"), SQLITE_OK);
  EXPECT_NE(rawExec(file, "UPDATE cases SET patient_name = 'X'"), SQLITE_OK);
  const auto check = store.value()->verifyAuditChain().value();
  EXPECT_TRUE(check.intact);
  EXPECT_EQ(check.entries, 4u);  // the registration and three events
}

TEST(ReviewStore, KeepsTheFundusModelsAnswers) {
  test::TestFolder dir("review-fundus-ai");
  const auto file = dir / "review.sqlite";
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok());
  core::FundusAiResult r;
  r.imageUid = "sha256:ab";
  r.bundleId = "fundus-dr";
  r.bundleVersion = "0.2.0";
  r.device = "cpu";
  r.grade = 3;
  r.referableProbability = 0.91;
  r.referable = true;
  r.gradable = true;
  r.qualityScore = 0.8;
  r.lesions = 4;
  r.reader = "vigie-cli";
  ASSERT_TRUE(store.value()->recordFundusAiResult(r).ok());
  const auto back = store.value()->allFundusAiResults().value();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].grade, 3);
  EXPECT_DOUBLE_EQ(back[0].referableProbability, 0.91);
  EXPECT_TRUE(back[0].referable);
  EXPECT_EQ(back[0].lesions, 4);
  r.grade = 7;
  EXPECT_FALSE(store.value()->recordFundusAiResult(r).ok());
  EXPECT_NE(rawExec(file, "DELETE FROM fundus_ai_results"), SQLITE_OK);
}

namespace {

core::FundusAiResult fundusAnswer(const std::string& image) {
  core::FundusAiResult r;
  r.imageUid = image;
  r.bundleId = "fundus-dr";
  r.bundleVersion = "0.2.0";
  r.device = "cpu";
  r.grade = 2;
  r.referableProbability = 0.7;
  r.referable = true;
  r.reader = "vigie-cli";
  return r;
}

core::FundusAiLesionRegion lesionRegion(const std::string& kind, double x, double y, double radius,
                                        double score) {
  core::FundusAiLesionRegion region;
  region.kind = kind;
  region.centerX = x;
  region.centerY = y;
  region.radius = radius;
  region.score = score;
  return region;
}

}  // namespace

TEST(ReviewStore, KeepsWhereTheFundusModelFoundItsLesionRegions) {
  test::TestFolder dir("review-fundus-regions");
  const auto file = dir / "review.sqlite";
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok());
  auto r = fundusAnswer("sha256:ab");
  r.lesionRegions = {lesionRegion("lesion", 120.25, 80.5, 6.5, 0.93),
                     lesionRegion("microaneurysm", 10, 700.75, 1.5, 0.51)};
  r.lesions = 2;
  ASSERT_TRUE(store.value()->recordFundusAiResult(r).ok());
  auto none = fundusAnswer("sha256:cd");  // a healthy photograph: no regions at all
  ASSERT_TRUE(store.value()->recordFundusAiResult(none).ok());

  const auto back = store.value()->fundusAiResults("sha256:ab").value();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].lesions, 2);
  ASSERT_EQ(back[0].lesionRegions.size(), 2u);  // strongest first, as recorded
  EXPECT_EQ(back[0].lesionRegions[0].kind, "lesion");
  EXPECT_DOUBLE_EQ(back[0].lesionRegions[0].centerX, 120.25);
  EXPECT_DOUBLE_EQ(back[0].lesionRegions[0].centerY, 80.5);
  EXPECT_DOUBLE_EQ(back[0].lesionRegions[0].radius, 6.5);
  EXPECT_DOUBLE_EQ(back[0].lesionRegions[0].score, 0.93);
  EXPECT_EQ(back[0].lesionRegions[1].kind, "microaneurysm");
  EXPECT_DOUBLE_EQ(back[0].lesionRegions[1].centerY, 700.75);
  const auto all = store.value()->allFundusAiResults().value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].lesionRegions.size(), 2u);
  EXPECT_TRUE(all[1].lesionRegions.empty());
  // Written once with the result: never changed, never removed.
  EXPECT_NE(rawExec(file, "UPDATE fundus_ai_lesion_regions SET radius = 1"), SQLITE_OK);
  EXPECT_NE(rawExec(file, "DELETE FROM fundus_ai_lesion_regions"), SQLITE_OK);
}

TEST(ReviewStore, RefusesLesionRegionsItCannotPlace) {
  test::TestFolder dir("review-fundus-bad-regions");
  auto store = ReviewStore::open(dir / "review.sqlite");
  ASSERT_TRUE(store.ok());
  auto r = fundusAnswer("sha256:ab");
  r.lesionRegions = {lesionRegion("lesion", std::nan(""), 4, 2, 0.6)};
  r.lesions = 1;
  auto refused = store.value()->recordFundusAiResult(r);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("lesion region 1"), std::string::npos);
  r.lesionRegions = {lesionRegion("lesion", 3, 4, 2, 0.6)};
  r.lesions = 3;  // the count and the places disagree
  EXPECT_FALSE(store.value()->recordFundusAiResult(r).ok());
  r.lesions = 1;
  r.lesionRegions[0].kind.clear();
  EXPECT_FALSE(store.value()->recordFundusAiResult(r).ok());
  EXPECT_TRUE(store.value()->allFundusAiResults().value().empty());  // nothing half-written
}

TEST(ReviewStore, OpensAVersionSevenStoreItsFundusResultsWithoutRegions) {
  test::TestFolder dir("review-migrate-regions");
  const auto file = dir / "review.sqlite";
  {
    auto store = ReviewStore::open(file);
    ASSERT_TRUE(store.ok());
    auto old = fundusAnswer("sha256:ab");
    old.lesions = 3;  // counted, but a version 7 store kept no places
    ASSERT_TRUE(store.value()->recordFundusAiResult(old).ok());
  }
  // Back to version 7: no lesion region table.
  ASSERT_EQ(rawExec(file,
                    "DROP TABLE fundus_ai_lesion_regions;"
                    "UPDATE schema_version SET version = 7;"),
            SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store.value()->schemaVersion(), 8);
  auto back = store.value()->fundusAiResults("sha256:ab").value();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].lesions, 3);
  EXPECT_TRUE(back[0].lesionRegions.empty());
  // New results on the same photograph keep their places.
  auto fresh = fundusAnswer("sha256:ab");
  fresh.lesionRegions = {lesionRegion("lesion", 50, 60, 4, 0.8)};
  fresh.lesions = 1;
  ASSERT_TRUE(store.value()->recordFundusAiResult(fresh).ok());
  back = store.value()->fundusAiResults("sha256:ab").value();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_TRUE(back[0].lesionRegions.empty());
  ASSERT_EQ(back[1].lesionRegions.size(), 1u);
  EXPECT_DOUBLE_EQ(back[1].lesionRegions[0].centerX, 50);
}

TEST(ReviewStore, MigrationToVersionFivePutsReviewedStudiesAndGradedPhotographsOnTheWorklist) {
  test::TestFolder dir("review-migrate-cases");
  const auto file = dir / "review.sqlite";
  {
    auto store = ReviewStore::open(file);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        store.value()->recordDecision(decision("1.2.3", 1, DecisionKind::Confirm, "dr.a")).ok());
    core::FundusGrade g;
    g.imageUid = "sha256:cd";
    g.reader = "dr.a";
    g.grade = 2;
    ASSERT_TRUE(store.value()->recordFundusGrade(g).ok());
  }
  // Back to version 4: no worklist tables, no site settings, no 2D measurements.
  ASSERT_EQ(rawExec(file,
                    "DROP TABLE case_comments; DROP TABLE site_settings;"
                    "DROP TABLE fundus_ai_lesion_regions;"
                    "DROP TABLE case_events; DROP TABLE fundus_ai_results; DROP TABLE cases;"
                    "ALTER TABLE measurements DROP COLUMN image_class;"
                    "ALTER TABLE measurements DROP COLUMN image_uid;"
                    "ALTER TABLE measurements DROP COLUMN frame;"
                    "ALTER TABLE measurements DROP COLUMN withdraws;"
                    "UPDATE schema_version SET version = 4;"),
            SQLITE_OK);
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store.value()->schemaVersion(), 8);
  const auto cases = store.value()->cases().value();
  ASSERT_EQ(cases.size(), 2u);
  std::set<std::string> kinds;
  for (const auto& c : cases) kinds.insert(c.caseUid + " " + core::toString(c.kind));
  EXPECT_EQ(kinds, (std::set<std::string>{"1.2.3 ct", "sha256:cd fundus"}));
}

TEST(ReviewStore, SiteSettingsKeepTheirHistoryAndTheLatestValueIsInForce) {
  test::TestFolder dir("review-settings");
  const auto file = dir / "review.sqlite";
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store.value()->siteSettings().value().empty());
  ASSERT_TRUE(store.value()->setSiteSetting("double_reading", "all", "dr.lead").ok());
  ASSERT_TRUE(store.value()->setSiteSetting("double_reading", "abnormal", "dr.lead").ok());
  EXPECT_EQ(store.value()->siteSettings().value().at("double_reading"), "abnormal");
  EXPECT_FALSE(store.value()->setSiteSetting("", "x", "dr.lead").ok());
  EXPECT_NE(rawExec(file, "UPDATE site_settings SET value = 'off'"), SQLITE_OK);
  EXPECT_EQ(store.value()->verifyAuditChain().value().entries, 2u);
}

TEST(ReviewStore, KeepsTrainersCommentsOnCasesAndFindings) {
  test::TestFolder dir("review-comments");
  const auto file = dir / "review.sqlite";
  auto store = ReviewStore::open(file);
  ASSERT_TRUE(store.ok());
  core::CaseComment c;
  c.caseUid = "1.2.3";
  c.text = "a classic juxta-pleural nodule";
  c.author = "dr.trainer";
  EXPECT_FALSE(store.value()->recordComment(c).ok());  // not a registered case
  ASSERT_TRUE(store.value()->registerCase(ctCaseRecord("1.2.3")).ok());
  ASSERT_TRUE(store.value()->recordComment(c).ok());
  c.findingId = 2;
  ASSERT_TRUE(store.value()->recordComment(c).ok());
  const auto all = store.value()->allComments().value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[0].findingId.has_value());
  EXPECT_EQ(*all[1].findingId, 2);
  EXPECT_NE(rawExec(file, "DELETE FROM case_comments"), SQLITE_OK);
  // The audit says a comment was made, not what it says.
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%juxta%'", -1, &st,
                     nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}
