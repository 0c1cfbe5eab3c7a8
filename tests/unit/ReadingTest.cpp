// The reading service: agreement statistics, the worklist's triage order,
// reading states and disagreement, and the reference readers are judged by.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "Agreement.h"
#include "CaseReview.h"
#include "DoubleReading.h"
#include "MrmcExport.h"
#include "ReaderStatistics.h"
#include "ReadingReference.h"
#include "TestFolder.h"
#include "Worklist.h"

using namespace vigie;
using namespace vigie::app;

TEST(Agreement, WilsonIntervalMatchesTheFormulaAndStaysInsideZeroToOne) {
  // 8 of 10: Wilson 95 % interval 0.490-0.943 (Newcombe 1998's worked values).
  const auto e = wilsonProportion(8, 10);
  EXPECT_DOUBLE_EQ(e.value, 0.8);
  EXPECT_NEAR(e.low, 0.4902, 1e-4);
  EXPECT_NEAR(e.high, 0.9433, 1e-4);
  const auto none = wilsonProportion(0, 10);
  EXPECT_DOUBLE_EQ(none.low, 0.0);
  EXPECT_GT(none.high, 0.0);  // 0 of 10 does not mean 0 %
  const auto all = wilsonProportion(10, 10);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  EXPECT_LT(all.low, 1.0);
  EXPECT_FALSE(wilsonProportion(0, 0).defined());
}

TEST(Agreement, KappaOfATextbookTable) {
  // Two raters, two categories: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
  // p_o = 0.70, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.50, kappa = 0.40.
  RatingPairs pairs;
  for (int i = 0; i < 20; ++i) pairs.emplace_back(1, 1);
  for (int i = 0; i < 5; ++i) pairs.emplace_back(1, 0);
  for (int i = 0; i < 10; ++i) pairs.emplace_back(0, 1);
  for (int i = 0; i < 15; ++i) pairs.emplace_back(0, 0);
  EXPECT_NEAR(cohenKappa(pairs, 2), 0.40, 1e-12);
  // With two categories the quadratic weights are the unit weights.
  EXPECT_NEAR(quadraticWeightedKappa(pairs, 2), 0.40, 1e-12);
}

TEST(Agreement, QuadraticKappaForgivesNearMissesMoreThanFarOnes) {
  RatingPairs near, far;
  for (int g = 0; g < 5; ++g) {
    for (int i = 0; i < 4; ++i) near.emplace_back(g, g);
    near.emplace_back(g, std::min(4, g + 1));
    for (int i = 0; i < 4; ++i) far.emplace_back(g, g);
    far.emplace_back(g, (g + 3) % 5);
  }
  EXPECT_GT(quadraticWeightedKappa(near, 5), quadraticWeightedKappa(far, 5));
  EXPECT_NEAR(cohenKappa(RatingPairs{{2, 2}, {3, 3}}, 5), 1.0, 1e-12);
  // One category only: no chance agreement to correct for, kappa undefined.
  EXPECT_TRUE(std::isnan(cohenKappa(RatingPairs{{1, 1}, {1, 1}}, 5)));
  EXPECT_TRUE(std::isnan(cohenKappa(RatingPairs{{1, 7}}, 5)));  // out of range: not a kappa
}

TEST(Agreement, BootstrapIntervalIsReproducibleAndContainsTheEstimate) {
  RatingPairs pairs;
  for (int i = 0; i < 60; ++i) pairs.emplace_back(i % 5, (i % 7 == 0) ? (i + 1) % 5 : i % 5);
  const auto a = kappaEstimate(pairs, 5, true, 500, 42);
  const auto b = kappaEstimate(pairs, 5, true, 500, 42);
  EXPECT_DOUBLE_EQ(a.low, b.low);
  EXPECT_DOUBLE_EQ(a.high, b.high);
  EXPECT_LE(a.low, a.value);
  EXPECT_GE(a.high, a.value);
  EXPECT_EQ(a.n, 60u);
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 2, 3}), 2.5);
}

namespace {

core::CaseRecord caseOf(const std::string& uid, core::CaseKind kind, const std::string& at) {
  core::CaseRecord c;
  c.caseUid = uid;
  c.kind = kind;
  c.modality = kind == core::CaseKind::Ct ? "CT" : "OP";
  c.registeredAt = at;
  c.registeredBy = "test";
  return c;
}

core::ModelRun runOn(const std::string& study, std::vector<double> scores) {
  core::ModelRun run;
  run.studyUid = study;
  int id = 0;
  for (double s : scores) {
    core::Finding f;
    f.id = ++id;
    f.score = s;
    run.findings.push_back(f);
  }
  return run;
}

core::FundusAiResult fundusAnswer(const std::string& image, double p, bool gradable = true) {
  core::FundusAiResult r;
  r.imageUid = image;
  r.referableProbability = p;
  r.referable = p >= 0.5;
  r.gradable = gradable;
  r.grade = p >= 0.5 ? 2 : 0;
  return r;
}

std::vector<std::string> order(const std::vector<WorklistEntry>& entries) {
  std::vector<std::string> uids;
  for (const auto& e : entries) uids.push_back(e.record.caseUid);
  return uids;
}

const auto kNow = *parseStoreTime("2026-12-01T12:00:00.000Z");

/// A reader's decision on a finding of study "ct-1".
core::Decision decisionOn(const std::string& reader, int finding, core::DecisionKind kind) {
  core::Decision d;
  d.studyUid = "ct-1";
  d.findingId = finding;
  d.kind = kind;
  d.reader = reader;
  d.recordedAt = "2026-12-01T09:00:00.000Z";
  return d;
}

}  // namespace

TEST(Worklist, TriageOrderIsLaneThenSuspicionThenPriorityThenWaiting) {
  ReviewRecords r;
  r.cases = {caseOf("ct-low", core::CaseKind::Ct, "2026-12-01T08:00:00.000Z"),
             caseOf("ct-high", core::CaseKind::Ct, "2026-12-01T09:00:00.000Z"),
             caseOf("ct-tie-old", core::CaseKind::Ct, "2026-12-01T07:00:00.000Z"),
             caseOf("ct-tie-stat", core::CaseKind::Ct, "2026-12-01T10:00:00.000Z"),
             caseOf("ct-normal", core::CaseKind::Ct, "2026-12-01T06:00:00.000Z"),
             caseOf("eye-waiting", core::CaseKind::Fundus, "2026-12-01T05:00:00.000Z"),
             caseOf("eye-referable", core::CaseKind::Fundus, "2026-12-01T11:00:00.000Z"),
             caseOf("eye-read", core::CaseKind::Fundus, "2026-12-01T04:00:00.000Z")};
  r.modelRuns = {runOn("ct-low", {0.61}), runOn("ct-high", {0.97, 0.4}),
                 runOn("ct-tie-old", {0.803}), runOn("ct-tie-stat", {0.801}),
                 runOn("ct-normal", {})};
  r.fundusResults = {fundusAnswer("eye-referable", 0.9), fundusAnswer("eye-read", 0.1)};
  core::FundusGrade grade;
  grade.imageUid = "eye-read";
  grade.reader = "dr.a";
  grade.grade = 0;
  r.grades = {grade};
  r.events = {{1, "ct-tie-stat", core::CaseEventKind::Priority, "stat", "dr.t", ""}};
  const auto entries = buildWorklist(r, kNow);
  EXPECT_EQ(order(entries),
            (std::vector<std::string>{"ct-high", "eye-referable", "ct-tie-stat", "ct-tie-old",
                                      "ct-low", "eye-waiting", "ct-normal", "eye-read"}));
  EXPECT_EQ(entries[0].lane, WorklistLane::Flagged);
  EXPECT_DOUBLE_EQ(entries[0].suspicion, 0.97);
  EXPECT_EQ(entries[0].aiFindings, 2);
  EXPECT_EQ(entries[5].lane, WorklistLane::AwaitingAi);
  EXPECT_EQ(entries[6].lane, WorklistLane::AiNormal);
  EXPECT_EQ(entries[7].state, core::ReadingState::Read);  // a graded photograph is read
  EXPECT_EQ(entries[7].lane, WorklistLane::Done);
  EXPECT_NEAR(entries[5].waitingHours, 7.0, 1e-9);

  auto byFifo = entries;
  ASSERT_TRUE(sortWorklist(byFifo, "fifo", false).ok());
  EXPECT_EQ(byFifo.front().record.caseUid, "eye-read");
  auto bad = entries;
  auto refused = sortWorklist(bad, "colour", false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("score"), std::string::npos);  // names the columns
}

TEST(Worklist, StatesDisagreementsAssignmentsAndTheNextCase) {
  ReviewRecords r;
  r.cases = {caseOf("ct-1", core::CaseKind::Ct, "2026-12-01T08:00:00.000Z"),
             caseOf("ct-2", core::CaseKind::Ct, "2026-12-01T09:00:00.000Z"),
             caseOf("eye-1", core::CaseKind::Fundus, "2026-12-01T10:00:00.000Z")};
  r.modelRuns = {runOn("ct-1", {0.9, 0.8}), runOn("ct-2", {0.7})};
  r.fundusResults = {fundusAnswer("eye-1", 0.2)};
  core::Decision reject;
  reject.studyUid = "ct-1";
  reject.findingId = 2;
  reject.kind = core::DecisionKind::Reject;
  reject.reader = "dr.a";
  r.decisions = {reject};
  core::FundusGrade grade;
  grade.imageUid = "eye-1";
  grade.reader = "dr.b";
  grade.grade = 3;  // referable; the AI said not
  r.grades = {grade};
  r.events = {{1, "ct-2", core::CaseEventKind::Assign, "dr.c", "dr.t", ""}};
  const auto entries = buildWorklist(r, kNow);
  std::map<std::string, WorklistEntry> by;
  for (const auto& e : entries) by[e.record.caseUid] = e;
  EXPECT_EQ(by["ct-1"].state, core::ReadingState::InProgress);
  EXPECT_TRUE(by["ct-1"].disagreement);
  EXPECT_NE(by["ct-1"].disagreementDetail.find("rejected 1"), std::string::npos);
  EXPECT_TRUE(by["eye-1"].disagreement);
  EXPECT_FALSE(by["ct-2"].disagreement);
  EXPECT_EQ(by["ct-2"].assignedReader, "dr.c");

  EXPECT_EQ(nextCaseFor(entries, "dr.c")->record.caseUid, "ct-2");  // assigned first
  EXPECT_EQ(nextCaseFor(entries, "dr.a")->record.caseUid, "ct-1");  // not ct-2: dr.c's
  WorklistFilter filter;
  filter.disagreementOnly = true;
  filter.kind = core::CaseKind::Ct;
  std::vector<std::string> selected;
  for (const auto& e : entries)
    if (matches(e, filter)) selected.push_back(e.record.caseUid);
  EXPECT_EQ(selected, std::vector<std::string>{"ct-1"});
  filter = {};
  filter.reader = "dr.a";  // read by
  EXPECT_TRUE(matches(by["ct-1"], filter));
  EXPECT_FALSE(matches(by["ct-2"], filter));
}

TEST(ReaderStatistics, CountsAReadersMarksAgainstTheNodules) {
  ReviewRecords r;
  r.cases = {caseOf("ct-1", core::CaseKind::Ct, "2026-12-01T08:00:00.000Z")};
  core::ModelRun run = runOn("ct-1", {0.9, 0.8, 0.7});
  run.findings[0].centerMm = {0, 0, 0};     // on nodule 1
  run.findings[1].centerMm = {50, 50, 50};  // nowhere
  run.findings[2].centerMm = {30, 0, 0};    // nowhere; the reader moves it onto nodule 2
  r.modelRuns = {run};
  auto decide = [](int finding, core::DecisionKind kind) {
    return decisionOn("dr.a", finding, kind);
  };
  auto edit = decide(3, core::DecisionKind::Edit);
  edit.centerMm = core::Vec3{10, 10, 10};
  r.decisions = {decide(1, core::DecisionKind::Confirm), decide(2, core::DecisionKind::Reject),
                 edit};
  ReadingReference reference;
  reference.ctStudies["ct-1"] = {
      {{0, 0, 0}, 6, "solid"}, {{10, 10, 10}, 4, "solid"}, {{-40, 0, 0}, 5, "ground-glass"}};
  reference.ctNames["ct-1"] = "case_000";
  StatisticsOptions options;
  options.resamples = 200;
  const auto stats = computeReadingStatistics(r, reference, options);
  ASSERT_EQ(stats.readers.size(), 1u);
  const auto& a = stats.readers[0];
  ASSERT_EQ(a.ctCases.size(), 1u);
  EXPECT_EQ(a.ctCases[0].hits, 2u);
  EXPECT_EQ(a.ctCases[0].falsePositives, 0u);
  EXPECT_EQ(a.ctCases[0].missedLesions, std::vector<int>{3});
  EXPECT_NEAR(a.sensitivity.value, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(a.ctCases[0].confirmed, 1u);
  EXPECT_EQ(a.ctCases[0].rejected, 1u);
  EXPECT_EQ(a.ctCases[0].edited, 1u);
  // The AI: one hit, two false positives, at its scores.
  EXPECT_EQ(stats.ai.ctCases[0].hits, 1u);
  EXPECT_EQ(stats.ai.ctCases[0].falsePositives, 2u);
  EXPECT_EQ(stats.aiFroc.nodules, 3u);
}

TEST(ReaderStatistics, TimePerCaseStartsWhenTheReaderOpenedTheCase) {
  ReviewRecords r;
  r.cases = {caseOf("ct-1", core::CaseKind::Ct, "2026-11-30T08:00:00.000Z")};
  r.modelRuns = {runOn("ct-1", {0.9})};
  auto confirm = decisionOn("dr.a", 1, core::DecisionKind::Confirm);
  confirm.recordedAt = "2026-12-01T09:00:30.000Z";
  r.decisions = {confirm};
  auto opening = [](const std::string& reader, const std::string& at) {
    core::AuditEntry e;
    e.actor = reader;
    e.action = "study opened";
    e.detail = "study ct-1";
    e.recordedAt = at;
    return e;
  };
  // Opened the day before (a look, no read), then 30 s before the decision;
  // another reader's opening is not dr.a's, nor one after the decision.
  r.openings = {
      opening("dr.a", "2026-11-30T09:00:00.000Z"), opening("dr.a", "2026-12-01T09:00:00.000Z"),
      opening("dr.b", "2026-12-01T08:59:00.000Z"), opening("dr.a", "2026-12-01T09:05:00.000Z")};
  ReadingReference reference;
  reference.ctStudies["ct-1"] = {{{0, 0, 0}, 6, "solid"}};
  reference.ctNames["ct-1"] = "case_000";
  StatisticsOptions options;
  options.resamples = 50;
  auto stats = computeReadingStatistics(r, reference, options);
  ASSERT_EQ(stats.readers.size(), 1u);  // dr.b only opened it: no read, no figures
  EXPECT_EQ(stats.readers[0].secondsPerCase.n, 1u);
  EXPECT_NEAR(stats.readers[0].secondsPerCase.value, 30.0, 1e-9);
  // Never opened in the window, one record: no duration to measure.
  r.openings.clear();
  stats = computeReadingStatistics(r, reference, options);
  EXPECT_EQ(stats.readers[0].secondsPerCase.n, 0u);
}

TEST(ReadingReference, RefusesWhatIsNotAReferenceNamingTheFile) {
  test::TestFolder dir("reading-reference");
  auto missing = loadReadingReference(dir / "nothing");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nothing"), std::string::npos);
  auto empty = loadReadingReference(dir.path());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no reference"), std::string::npos);
  std::ofstream(dir / "truth.json") << "{\"images\": [{\"file\": \"gone.png\", \"grade\": 2}]}";
  auto gone = loadReadingReference(dir.path());
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.error().message.find("gone.png"), std::string::npos);
  std::ofstream(dir / "truth.json") << "{\"images\": [{\"file\": 3}]}";
  EXPECT_FALSE(loadReadingReference(dir.path()).ok());
  std::ofstream(dir / "truth.json") << "not json";
  auto broken = loadReadingReference(dir.path());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("truth.json"), std::string::npos);
}

namespace {

core::FundusGrade gradeBy(const std::string& reader, int grade, bool gradable = true) {
  core::FundusGrade g;
  g.imageUid = "eye";
  g.reader = reader;
  g.grade = grade;
  g.gradable = gradable;
  return g;
}

}  // namespace

TEST(DoubleReading, AbnormalPhotographsGoToASecondBlindGraderThenToArbitration) {
  DoubleReadingPolicy policy;
  policy.when = SecondReading::Abnormal;
  // No retinopathy for the grader or the AI: the first grade is final.
  auto normal = gradingStatus({gradeBy("a", 0)}, nullptr, policy);
  EXPECT_EQ(normal.stage, GradingStage::Final);
  EXPECT_EQ(*normal.finalGrade, 0);
  EXPECT_EQ(normal.finalReader, "a");
  // The AI saw something: a second reading, blind for anyone but the first.
  auto aiAbnormal = fundusAnswer("eye", 0.9);
  auto second = gradingStatus({gradeBy("a", 0)}, &aiAbnormal, policy);
  EXPECT_EQ(second.stage, GradingStage::Secondary);
  EXPECT_FALSE(second.mayGrade("a"));
  EXPECT_TRUE(second.mayGrade("b"));
  EXPECT_TRUE(gradesHiddenFrom(second, "b", policy));
  EXPECT_FALSE(gradesHiddenFrom(second, "a", policy));
  // They agree on the referral (both refer): final, the more severe grade.
  auto agreed = gradingStatus({gradeBy("a", 2), gradeBy("b", 3)}, nullptr, policy);
  EXPECT_EQ(agreed.stage, GradingStage::Final);
  EXPECT_EQ(*agreed.finalGrade, 3);
  EXPECT_EQ(agreed.finalReader, "b");  // whose grade was taken
  // They disagree: arbitration by a third reader, whose grade is final.
  auto disputed = gradingStatus({gradeBy("a", 1), gradeBy("b", 3)}, nullptr, policy);
  EXPECT_EQ(disputed.stage, GradingStage::Arbitration);
  EXPECT_TRUE(disputed.finalReader.empty());
  EXPECT_FALSE(disputed.mayGrade("a"));
  EXPECT_FALSE(disputed.mayGrade("b"));
  EXPECT_FALSE(gradesHiddenFrom(disputed, "c", policy));  // the arbiter sees both
  auto arbitrated =
      gradingStatus({gradeBy("a", 1), gradeBy("b", 3), gradeBy("c", 2)}, nullptr, policy);
  EXPECT_EQ(arbitrated.stage, GradingStage::Final);
  EXPECT_EQ(arbitrated.arbiter, "c");
  EXPECT_EQ(*arbitrated.finalGrade, 2);
  EXPECT_EQ(arbitrated.finalReader, "c");
  // Two agreeing on the same grade: the primary's is taken.
  EXPECT_EQ(gradingStatus({gradeBy("a", 2), gradeBy("b", 2)}, nullptr, policy).finalReader, "a");
  // On the grade: 2 and 3 are a disagreement.
  policy.onGrade = true;
  EXPECT_EQ(gradingStatus({gradeBy("a", 2), gradeBy("b", 3)}, nullptr, policy).stage,
            GradingStage::Arbitration);
  // An ungradable photograph is abnormal; a revised grade replaces the first.
  policy.onGrade = false;
  EXPECT_EQ(gradingStatus({gradeBy("a", 0, false)}, nullptr, policy).stage,
            GradingStage::Secondary);
  EXPECT_EQ(gradingStatus({gradeBy("a", 1), gradeBy("a", 0)}, nullptr, policy).stage,
            GradingStage::Final);
}

TEST(DoubleReading, TheWorklistKeepsPhotographsInProgressUntilTheirGradingIsFinal) {
  ReviewRecords r;
  r.cases = {caseOf("eye", core::CaseKind::Fundus, "2026-12-01T08:00:00.000Z")};
  r.fundusResults = {fundusAnswer("eye", 0.9)};
  r.grades = {gradeBy("a", 3)};
  r.settings = settingsOf({SecondReading::Abnormal, false});
  auto entries = buildWorklist(r, kNow);
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_TRUE(entries[0].grading);
  EXPECT_EQ(entries[0].grading->stage, GradingStage::Secondary);
  EXPECT_EQ(entries[0].state, core::ReadingState::InProgress);
  EXPECT_EQ(nextCaseFor(entries, "a"), nullptr);  // not a second reading of their own grade
  EXPECT_NE(nextCaseFor(entries, "b"), nullptr);
  r.grades.push_back(gradeBy("b", 2));
  entries = buildWorklist(r, kNow);
  EXPECT_EQ(entries[0].grading->stage, GradingStage::Final);
  EXPECT_EQ(entries[0].state, core::ReadingState::Read);
  EXPECT_EQ(entries[0].lane, WorklistLane::Done);
  // Off: the first grade reads the photograph, as before.
  r.settings = settingsOf({SecondReading::Off, false});
  r.grades = {gradeBy("a", 3)};
  entries = buildWorklist(r, kNow);
  EXPECT_FALSE(entries[0].grading);
  EXPECT_EQ(entries[0].state, core::ReadingState::Read);
}

TEST(DoubleReading, TheSecondReaderSeesNoDisagreementThatWouldTellTheFirstGrade) {
  ReviewRecords r;
  r.cases = {caseOf("eye", core::CaseKind::Fundus, "2026-12-01T08:00:00.000Z")};
  r.fundusResults = {fundusAnswer("eye", 0.1)};  // the AI: not referable
  r.grades = {gradeBy("a", 3)};                  // the first reader: referable
  const DoubleReadingPolicy policy{SecondReading::Abnormal, false};
  r.settings = settingsOf(policy);
  const auto everyone = buildWorklist(r, kNow);
  ASSERT_TRUE(everyone[0].disagreement);
  ASSERT_NE(everyone[0].disagreementDetail.find("reader grade 3"), std::string::npos);
  auto seenByB = everyone;
  hideBlindGradesFrom(seenByB, "b", policy);  // b owes the blind second reading
  EXPECT_FALSE(seenByB[0].disagreement);
  EXPECT_TRUE(seenByB[0].disagreementDetail.empty());
  auto seenByA = everyone;
  hideBlindGradesFrom(seenByA, "a", policy);  // a's own grade
  EXPECT_TRUE(seenByA[0].disagreement);
  // Once b has graded, the disagreement is theirs to see too.
  r.grades.push_back(gradeBy("b", 3));
  auto afterB = buildWorklist(r, kNow);
  hideBlindGradesFrom(afterB, "b", policy);
  EXPECT_TRUE(afterB[0].disagreement);
}

TEST(CaseReview, PutsTheModelEachReaderAndTheReferenceSideBySide) {
  ReviewRecords r;
  r.cases = {caseOf("ct-1", core::CaseKind::Ct, "2026-12-01T08:00:00.000Z")};
  core::ModelRun run = runOn("ct-1", {0.9, 0.8});
  run.findings[0].centerMm = {0, 0, 0};     // on nodule 1
  run.findings[1].centerMm = {50, 50, 50};  // on none
  r.modelRuns = {run};
  const auto& decide = decisionOn;
  auto added = decide("dr.b", 1001, core::DecisionKind::Add);
  added.centerMm = core::Vec3{20, 0, 0};  // on nodule 2
  added.diameterMm = 4;
  r.decisions = {decide("dr.a", 1, core::DecisionKind::Confirm),
                 decide("dr.b", 1, core::DecisionKind::Reject),
                 decide("dr.a", 2, core::DecisionKind::Reject), added};
  core::CaseComment comment;
  comment.caseUid = "ct-1";
  comment.findingId = 1;
  comment.text = "look again";
  comment.author = "trainer";
  r.comments = {comment};
  ReadingReference reference;
  reference.ctStudies["ct-1"] = {{{0, 0, 0}, 6, "solid"}, {{20, 0, 0}, 5, "solid"}};
  reference.ctNames["ct-1"] = "case_000";

  auto review = reviewCase(r, &reference, "ct-1");
  ASSERT_TRUE(review.ok());
  const CaseReview& c = review.value();
  EXPECT_EQ(c.readers, (std::vector<std::string>{"dr.a", "dr.b"}));
  ASSERT_EQ(c.findings.size(), 3u);
  EXPECT_EQ(c.findings[0].lesion, 1);
  EXPECT_EQ(c.findings[0].calls[0].call, "confirm");
  EXPECT_EQ(c.findings[0].calls[1].call, "reject");
  EXPECT_TRUE(c.findings[0].disputed);  // split, and a nodule rejected
  EXPECT_EQ(c.findings[0].comments.size(), 1u);
  EXPECT_EQ(c.findings[1].lesion, 0);
  EXPECT_FALSE(c.findings[1].disputed);  // rejected, and on no nodule: right
  EXPECT_FALSE(c.findings[2].fromAi);
  EXPECT_EQ(c.findings[2].addedBy, "dr.b");
  EXPECT_EQ(c.findings[2].lesion, 2);
  ASSERT_EQ(c.lesions.size(), 2u);
  EXPECT_TRUE(c.lesions[0].foundByAi);
  EXPECT_EQ(c.lesions[0].foundBy, std::vector<std::string>{"dr.a"});
  EXPECT_EQ(c.lesions[0].missedBy, std::vector<std::string>{"dr.b"});
  EXPECT_FALSE(c.lesions[1].foundByAi);
  EXPECT_EQ(c.lesions[1].foundBy, std::vector<std::string>{"dr.b"});
  EXPECT_FALSE(reviewCase(r, &reference, "unknown").ok());
}

TEST(Worklist, SortsOnTheLaneTheDisagreementAndTheReadersAsTheGuiShowsThem) {
  auto entry = [](const std::string& uid, WorklistLane lane, bool disagreement,
                  std::vector<std::string> readers) {
    WorklistEntry e;
    e.record.caseUid = uid;
    e.lane = lane;
    e.disagreement = disagreement;
    e.readers = std::move(readers);
    return e;
  };
  const std::vector<WorklistEntry> entries = {
      entry("done", WorklistLane::Done, true, {"zoe"}),
      entry("normal", WorklistLane::AiNormal, false, {"ann", "bob"}),
      entry("flagged", WorklistLane::Flagged, true, {}),
      entry("awaiting", WorklistLane::AwaitingAi, false, {"ann"})};
  for (const char* column : {"lane", "disagreement", "readers"})
    EXPECT_NE(std::find(worklistSortColumns().begin(), worklistSortColumns().end(), column),
              worklistSortColumns().end())
        << column;

  auto byLane = entries;
  ASSERT_TRUE(sortWorklist(byLane, "lane", false).ok());
  EXPECT_EQ(order(byLane), (std::vector<std::string>{"flagged", "awaiting", "normal", "done"}));
  auto byDisagreement = entries;
  ASSERT_TRUE(sortWorklist(byDisagreement, "disagreement", true).ok());
  // Disagreements first, each group in triage order (the sort is stable).
  EXPECT_EQ(order(byDisagreement),
            (std::vector<std::string>{"flagged", "done", "awaiting", "normal"}));
  auto byReaders = entries;
  ASSERT_TRUE(sortWorklist(byReaders, "readers", false).ok());
  // "" < "ann" < "ann, bob" < "zoe": the text the GUI's Readers column shows.
  EXPECT_EQ(order(byReaders), (std::vector<std::string>{"flagged", "awaiting", "normal", "done"}));
  ASSERT_TRUE(sortWorklist(byReaders, "readers", true).ok());
  EXPECT_EQ(order(byReaders), (std::vector<std::string>{"done", "normal", "awaiting", "flagged"}));
}

namespace {

/// The lines of a file written by the MRMC export.
std::vector<std::string> linesOf(const std::filesystem::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// An iMRMC file's data rows: the lines after "BEGIN DATA:".
std::vector<std::string> imrmcData(const std::filesystem::path& file) {
  const auto lines = linesOf(file);
  const auto begin = std::find(lines.begin(), lines.end(), "BEGIN DATA:");
  if (begin == lines.end()) return {};
  return {begin + 1, lines.end()};
}

bool hasLine(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

/// Two readers and the AI on three CT cases and two photographs, small
/// enough to work the MRMC rows out by hand:
/// - ct-1 (nodules 1 at the origin, 6 mm, and 2 at (10,10,10), 4 mm): the AI
///   finds 1 (0.9), nothing (0.4) and 1 again (0.7); dr.a confirms the first,
///   rejects the others and adds a mark on nodule 2; dr.b confirms the
///   second (a false positive) and leaves the others undecided.
/// - ct-2 (no nodule): the AI's one finding (0.3) dr.a rejects; dr.b never
///   reads it.
/// - ct-3: nobody reads it (the AI does, 0.8): in no reader-study file.
/// - photographs p-1 (reference grade 3) and p-2 (grade 0): dr.a grades 2
///   and 0, the AI says 0.8 and 0.1 referable.
struct SmallReaderStudy {
  ReviewRecords records;
  ReadingReference reference;

  SmallReaderStudy() {
    core::ModelRun one = runOn("ct-1", {0.9, 0.4, 0.7});
    one.findings[0].centerMm = {0, 0, 0};
    one.findings[1].centerMm = {50, 50, 50};
    one.findings[2].centerMm = {0.5, 0, 0};
    core::ModelRun two = runOn("ct-2", {0.3});
    core::ModelRun three = runOn("ct-3", {0.8});
    records.modelRuns = {one, two, three};
    auto decide = [](const std::string& reader, const std::string& study, int finding,
                     core::DecisionKind kind) {
      core::Decision d = decisionOn(reader, finding, kind);
      d.studyUid = study;
      return d;
    };
    auto added = decide("dr.a", "ct-1", 10, core::DecisionKind::Add);
    added.centerMm = core::Vec3{10, 10, 10};
    added.diameterMm = 4.0;
    records.decisions = {decide("dr.a", "ct-1", 1, core::DecisionKind::Confirm),
                         decide("dr.a", "ct-1", 2, core::DecisionKind::Reject),
                         decide("dr.a", "ct-1", 3, core::DecisionKind::Reject),
                         added,
                         decide("dr.a", "ct-2", 1, core::DecisionKind::Reject),
                         decide("dr.b", "ct-1", 2, core::DecisionKind::Confirm)};
    for (const auto& [image, grade] : {std::pair{"p-1", 2}, std::pair{"p-2", 0}}) {
      core::FundusGrade g;
      g.imageUid = image;
      g.reader = "dr.a";
      g.grade = grade;
      g.recordedAt = "2026-12-01T10:00:00.000Z";
      records.grades.push_back(g);
    }
    records.fundusResults = {fundusAnswer("p-1", 0.8), fundusAnswer("p-2", 0.1)};
    reference.ctStudies["ct-1"] = {{{0, 0, 0}, 6, "solid"}, {{10, 10, 10}, 4, "solid"}};
    reference.ctStudies["ct-2"] = {};
    reference.ctStudies["ct-3"] = {{{0, 0, 0}, 6, "solid"}};
    for (const char* uid : {"ct-1", "ct-2", "ct-3"}) reference.ctNames[uid] = uid;
    reference.photographs["p-1"] = ReferenceGrade{3, true, true, "p-1.png"};
    reference.photographs["p-2"] = ReferenceGrade{0, true, true, "p-2.png"};
  }
};

}  // namespace

TEST(MrmcExport, CtImrmcRowsScoreEachCaseByTheReadersHighestMarkAndTheAiBesideThem) {
  const SmallReaderStudy study;
  StatisticsOptions options;
  options.resamples = 100;
  const auto stats = computeReadingStatistics(study.records, study.reference, options);
  ASSERT_EQ(stats.readers.size(), 2u);
  test::TestFolder folder("mrmc-ct");
  ASSERT_TRUE(writeMrmcExport(stats, study.reference, folder.path()).ok());

  // Reader 1 is dr.a, 2 dr.b; cases numbered in the reference's order, ct-3
  // (read by nobody) left out. dr.a left marks on ct-1 (score 1) and none on
  // ct-2 (0); dr.b a mark on ct-1. The AI's highest score: 0.9 on ct-1, 0.3 on
  // ct-2, under each reader's number.
  const auto lines = linesOf(folder / "ct-nodules.imrmc");
  for (const char* header : {"NR: 2", "N0: 1", "N1: 1", "NM: 2"})
    EXPECT_TRUE(hasLine(lines, header)) << header;
  EXPECT_EQ(imrmcData(folder / "ct-nodules.imrmc"),
            (std::vector<std::string>{"-1,1,0,1", "-1,2,0,0", "1,1,READER,1", "1,2,READER,0",
                                      "1,1,AI,0.9", "1,2,AI,0.3", "2,1,READER,1", "2,1,AI,0.9",
                                      "2,2,AI,0.3"}));
  EXPECT_EQ(linesOf(folder / "readers.csv"),
            (std::vector<std::string>{"reader_id,reader", "1,dr.a", "2,dr.b"}));

  // Fundus: dr.a alone graded; the AI's referable probabilities beside.
  const auto fundus = linesOf(folder / "fundus-referable.imrmc");
  for (const char* header : {"NR: 1", "N0: 1", "N1: 1", "NM: 2"})
    EXPECT_TRUE(hasLine(fundus, header)) << header;
  EXPECT_EQ(imrmcData(folder / "fundus-referable.imrmc"),
            (std::vector<std::string>{"-1,1,0,1", "-1,2,0,0", "1,1,READER,2", "1,2,READER,0",
                                      "1,1,AI,0.8", "1,2,AI,0.1"}));
}

TEST(MrmcExport, RjafrocTablesHoldTheTruthTheNonLesionAndTheLesionLocalizations) {
  const SmallReaderStudy study;
  StatisticsOptions options;
  options.resamples = 100;
  const auto stats = computeReadingStatistics(study.records, study.reference, options);
  test::TestFolder folder("mrmc-froc");
  ASSERT_TRUE(writeMrmcExport(stats, study.reference, folder.path()).ok());

  // ct-1's two nodules weigh half each; ct-2 is normal (lesion 0, weight 0).
  EXPECT_EQ(linesOf(folder / "ct-rjafroc-truth.csv"),
            (std::vector<std::string>{"CaseID,LesionID,Weight", "1,1,0.500000", "1,2,0.500000",
                                      "2,0,0"}));
  // Off every nodule: the AI's 0.4 on ct-1 and 0.3 on ct-2 (under each
  // reader), dr.b's confirmation of the 0.4 finding (a reader's mark rates 1).
  EXPECT_EQ(linesOf(folder / "ct-rjafroc-nl.csv"),
            (std::vector<std::string>{"ReaderID,ModalityID,CaseID,NL_Rating", "1,AI,1,0.4",
                                      "1,AI,2,0.3", "2,READER,1,1", "2,AI,1,0.4", "2,AI,2,0.3"}));
  // On nodules: dr.a's confirmed finding (nodule 1) and added mark (nodule
  // 2); the AI's 0.9 on nodule 1, its second mark there (0.7) not counted.
  EXPECT_EQ(
      linesOf(folder / "ct-rjafroc-ll.csv"),
      (std::vector<std::string>{"ReaderID,ModalityID,CaseID,LesionID,LL_Rating", "1,READER,1,1,1",
                                "1,READER,1,2,1", "1,AI,1,1,0.9", "2,AI,1,1,0.9"}));
}

TEST(MrmcExport, LesionWeightsOfThreeNodulesSumToOne) {
  SmallReaderStudy study;
  study.reference.ctStudies["ct-1"].push_back({{-40, 0, 0}, 5, "ground-glass"});
  StatisticsOptions options;
  options.resamples = 100;
  const auto stats = computeReadingStatistics(study.records, study.reference, options);
  test::TestFolder folder("mrmc-weights");
  ASSERT_TRUE(writeMrmcExport(stats, study.reference, folder.path()).ok());
  EXPECT_EQ(linesOf(folder / "ct-rjafroc-truth.csv"),
            (std::vector<std::string>{"CaseID,LesionID,Weight", "1,1,0.333333", "1,2,0.333333",
                                      "1,3,0.333334", "2,0,0"}));
}

TEST(ReaderStatistics, EachCaseKeepsTheTimeTheReaderSpentOnIt) {
  SmallReaderStudy study;
  // dr.a opens ct-1 at 09:00:00 and decides at 09:00:00 (decisionOn's time)
  // and 09:00:45; ct-2 gets one record, never opened: no time.
  study.records.decisions[3].recordedAt = "2026-12-01T09:00:45.500Z";
  core::AuditEntry opened;
  opened.actor = "dr.a";
  opened.action = "study opened";
  opened.detail = "study ct-1";
  opened.recordedAt = "2026-12-01T08:59:50.000Z";
  study.records.openings = {opened};
  StatisticsOptions options;
  options.resamples = 100;
  const auto stats = computeReadingStatistics(study.records, study.reference, options);
  const auto& a = stats.readers.at(0);
  ASSERT_EQ(a.ctCases.size(), 2u);
  EXPECT_NEAR(a.ctCases[0].seconds, 55.5, 1e-9);
  EXPECT_TRUE(std::isnan(a.ctCases[1].seconds));
  for (const auto& p : a.photographs) EXPECT_TRUE(std::isnan(p.seconds));  // one grade each
  EXPECT_EQ(a.secondsPerCase.n, 1u);
  EXPECT_NEAR(a.secondsPerCase.value, 55.5, 1e-9);
}
