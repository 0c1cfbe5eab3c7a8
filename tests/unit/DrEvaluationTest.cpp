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

TEST(DrEvaluation, AucCountsTiesAsOneHalfAndKappaPenalisesDistantGrades) {
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
