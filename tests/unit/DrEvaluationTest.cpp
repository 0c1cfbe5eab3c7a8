// DR screening metrics against values worked out by hand.
#include <gtest/gtest.h>

#include "DrEvaluation.h"

using namespace vigie::app;

namespace {

DrCase drCase(int truth, int predicted, double probability, bool gradable = true) {
  DrCase c;
  c.trueGrade = truth;
  c.predictedGrade = predicted;
  c.referableProbability = probability;
  c.trueGradable = gradable;
  c.predictedGradable = true;
  return c;
}

}  // namespace

TEST(DrEvaluation, PerfectAgreementGivesKappaOneAndAucOne) {
  const std::vector<DrCase> cases = {drCase(0, 0, 0.1), drCase(1, 1, 0.2), drCase(2, 2, 0.7),
                                     drCase(3, 3, 0.8), drCase(4, 4, 0.9)};
  const DrMetrics m = evaluateDr(cases, 0.5);
  EXPECT_DOUBLE_EQ(m.quadraticKappa, 1.0);
  EXPECT_DOUBLE_EQ(m.rocAuc, 1.0);
  EXPECT_DOUBLE_EQ(m.sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(m.specificity, 1.0);
  EXPECT_EQ(m.referableCases, 3u);
  EXPECT_EQ(m.confusion[3][3], 1);
}

TEST(DrEvaluation, AucCountsTiesAsOneHalfAndKappaPenalizesDistantGrades) {
  // Positives score 0.8 and 0.4; negatives 0.4 and 0.2: pairs (P>N) = 3 of 4
  // plus one tie -> AUC = (3 + 0.5) / 4.
  const std::vector<DrCase> cases = {drCase(2, 2, 0.8), drCase(3, 0, 0.4), drCase(0, 0, 0.4),
                                     drCase(1, 1, 0.2, false)};
  const DrMetrics m = evaluateDr(cases, 0.5);
  EXPECT_DOUBLE_EQ(m.rocAuc, 0.875);
  EXPECT_DOUBLE_EQ(m.sensitivity, 0.5);
  EXPECT_DOUBLE_EQ(m.specificity, 1.0);
  EXPECT_DOUBLE_EQ(m.gradabilityAccuracy, 0.75);
  EXPECT_EQ(m.ungradableCases, 1u);
  EXPECT_DOUBLE_EQ(m.ungradableFlagged, 0.0);  // the model called it gradable
  EXPECT_EQ(m.confusion[3][0], 1);
  // A grade 3 called 0 costs more than a grade 1 called 0.
  std::array<std::array<int, 5>, 5> near{}, far{};
  near[0][0] = far[0][0] = 5;
  near[4][4] = far[4][4] = 5;
  near[1][0] = 1;
  far[3][0] = 1;
  EXPECT_GT(quadraticWeightedKappa(near), quadraticWeightedKappa(far));
}

TEST(DrEvaluation, KappaMatchesAHandComputedTable) {
  // Two raters, grades 0 and 4 only: observed disagreement 3/10 at weight 1;
  // expected with marginals (6, 4) x (5, 5): (6*5 + 4*5) / 100 = 0.5 -> 1 - 0.2 / 0.5.
  std::array<std::array<int, 5>, 5> table{};
  table[0][0] = 4;
  table[0][4] = 2;
  table[4][4] = 3;
  table[4][0] = 1;
  EXPECT_NEAR(quadraticWeightedKappa(table), 1.0 - (3.0 / 10.0) / 0.5, 1e-12);
}

TEST(DrEvaluation, CasesWithoutAKnownGradeStayOutOfKappaButCountForReferral) {
  DrCase onlyReferable = drCase(2, 4, 0.9);
  onlyReferable.gradeKnown = false;
  const std::vector<DrCase> cases = {drCase(0, 0, 0.1), drCase(3, 3, 0.8), onlyReferable};
  const DrMetrics m = evaluateDr(cases, 0.5);
  EXPECT_EQ(m.gradedCases, 2u);
  EXPECT_EQ(m.referableCases, 2u);
  EXPECT_EQ(m.confusion[2][4], 0);
  EXPECT_DOUBLE_EQ(m.quadraticKappa, 1.0);
}

TEST(DrEvaluation, CountsDiagnosticQualityPhotographsTurnedAway) {
  DrCase turnedAway = drCase(0, 0, 0.1);
  turnedAway.predictedGradable = false;
  DrCase rightlyFlagged = drCase(0, 0, 0.1, false);
  rightlyFlagged.predictedGradable = false;
  const DrMetrics m = evaluateDr({turnedAway, rightlyFlagged, drCase(2, 2, 0.9)}, 0.5);
  EXPECT_EQ(m.gradableCalledUngradable, 1u);
  EXPECT_EQ(m.ungradableCases, 1u);
  EXPECT_DOUBLE_EQ(m.ungradableFlagged, 1.0);
}

TEST(DrEvaluation, RocAucOfScoredPairs) {
  EXPECT_DOUBLE_EQ(rocAuc({{0.9, true}, {0.1, false}}), 1.0);
  EXPECT_DOUBLE_EQ(rocAuc({{0.1, true}, {0.9, false}}), 0.0);
  EXPECT_DOUBLE_EQ(rocAuc({{0.5, true}, {0.5, false}}), 0.5);
  EXPECT_DOUBLE_EQ(rocAuc({{0.5, true}}), 0.0);  // one class only: no curve
}

TEST(DrEvaluation, BootstrapIntervalsAreReproducibleAndHoldThePointEstimate) {
  std::vector<DrCase> cases;
  // 30 photographs: scores overlap between the classes, so the AUC is not 1.
  for (int i = 0; i < 15; ++i) cases.push_back(drCase(0, 0, 0.02 * i + 0.1));
  for (int i = 0; i < 15; ++i) cases.push_back(drCase(2, 2, 0.03 * i + 0.3));
  const DrMetrics m = evaluateDr(cases, 0.5);
  const DrIntervals a = bootstrapDrIntervals(cases, 0.5, 500, 42);
  const DrIntervals b = bootstrapDrIntervals(cases, 0.5, 500, 42);
  EXPECT_EQ(a.resamples, 500);
  EXPECT_DOUBLE_EQ(a.rocAuc.low, b.rocAuc.low);
  EXPECT_DOUBLE_EQ(a.rocAuc.high, b.rocAuc.high);
  EXPECT_LE(a.rocAuc.low, m.rocAuc);
  EXPECT_GE(a.rocAuc.high, m.rocAuc);
  EXPECT_LT(a.rocAuc.low, a.rocAuc.high);
  EXPECT_LE(a.sensitivity.low, m.sensitivity);
  EXPECT_GE(a.sensitivity.high, m.sensitivity);
  EXPECT_LE(a.specificity.low, m.specificity);
  EXPECT_GE(a.specificity.high, m.specificity);
  EXPECT_LE(a.rocAuc.high, 1.0);
  // A perfect separation stays perfect in every resample.
  const DrIntervals perfect =
      bootstrapDrIntervals({drCase(0, 0, 0.1), drCase(0, 0, 0.2), drCase(2, 2, 0.9)}, 0.5, 200, 1);
  EXPECT_DOUBLE_EQ(perfect.rocAuc.low, 1.0);
  EXPECT_DOUBLE_EQ(perfect.sensitivity.low, 1.0);
  // One class only: no intervals.
  EXPECT_EQ(bootstrapDrIntervals({drCase(0, 0, 0.1)}, 0.5, 100, 1).resamples, 0);
}

TEST(DrEvaluation, ReliabilityBinsAndExpectedCalibrationErrorByHand) {
  // Bin [0.1, 0.2): 0.1 and 0.15, none referable -> predicted 0.125, observed 0.
  // Bin [0.9, 1.0]: 0.9 and 1.0, one referable -> predicted 0.95, observed 0.5.
  const std::vector<DrCase> cases = {drCase(0, 0, 0.1), drCase(1, 1, 0.15), drCase(2, 2, 0.9),
                                     drCase(0, 0, 1.0)};
  const Reliability r = referableReliability(cases, 10);
  ASSERT_EQ(r.bins.size(), 10u);
  EXPECT_EQ(r.bins[1].count, 2u);
  EXPECT_DOUBLE_EQ(r.bins[1].meanPredicted, 0.125);
  EXPECT_DOUBLE_EQ(r.bins[1].observed, 0.0);
  EXPECT_EQ(r.bins[9].count, 2u);
  EXPECT_DOUBLE_EQ(r.bins[9].observed, 0.5);
  EXPECT_NEAR(r.expectedCalibrationError, 0.5 * 0.125 + 0.5 * 0.45, 1e-12);
  EXPECT_EQ(r.bins[5].count, 0u);
}
