// FROC analysis as in LUNA16.
#include <gtest/gtest.h>

#include "NoduleEvaluation.h"

using namespace vigie;
using app::ScanResult;
using app::TruthNodule;

namespace {

core::Finding finding(double score, core::Vec3 at) {
  core::Finding f;
  f.score = score;
  f.centerMm = at;
  return f;
}

bool large(const TruthNodule& t) { return t.diameterMm >= 6.0; }

}  // namespace

TEST(Froc, CountsHitsWithinTheRadiusAndEverythingElseAsFalsePositives) {
  // Scan 1: nodule A found at 0.9 (and again at 0.8: not a false positive), one FP at 0.7.
  // Scan 2: nodule B found at 0.4, nodule C missed, FPs at 0.95 and 0.3.
  std::vector<ScanResult> scans(2);
  scans[0].truth = {{{0, 0, 0}, 10.0, "solid"}};
  scans[0].findings = {finding(0.9, {1, 1, 1}), finding(0.8, {-2, 0, 0}), finding(0.7, {50, 0, 0})};
  scans[1].truth = {{{10, 10, 10}, 4.0, "ground-glass"}, {{-40, 0, 0}, 8.0, "solid"}};
  scans[1].findings = {finding(0.95, {100, 0, 0}), finding(0.4, {11, 10, 10}),
                       finding(0.3, {-40, 9, 0})};
  const auto froc = app::computeFroc(scans);
  EXPECT_EQ(froc.nodules, 3u);
  EXPECT_EQ(froc.scans, 2u);
  // Events by score: FP .95, TP .9, FP .7, TP .4, FP .3 -> (FP/scan, sens) points:
  // (0.5, 0), (0.5, 1/3), (1, 1/3), (1, 2/3), (1.5, 2/3)
  ASSERT_EQ(froc.sensitivityAtFp.size(), 7u);
  EXPECT_DOUBLE_EQ(froc.sensitivityAtFp[0], 0.0);        // 1/8
  EXPECT_DOUBLE_EQ(froc.sensitivityAtFp[2], 1.0 / 3.0);  // 1/2
  EXPECT_DOUBLE_EQ(froc.sensitivityAtFp[3], 2.0 / 3.0);  // 1
  EXPECT_DOUBLE_EQ(froc.sensitivityAtFp[6], 2.0 / 3.0);  // 8: C is never found
  EXPECT_NEAR(froc.cpm, (0 + 0 + 1.0 / 3 + 4 * 2.0 / 3) / 7, 1e-12);
  EXPECT_DOUBLE_EQ(app::sensitivityAtThreshold(scans, 0.5), 1.0 / 3.0);
}

TEST(Froc, IgnoresFindingsOnExcludedNodules) {
  std::vector<ScanResult> scans(1);
  scans[0].truth = {{{0, 0, 0}, 10.0, "solid"}, {{30, 0, 0}, 3.0, "solid"}};
  scans[0].findings = {finding(0.9, {30, 0, 0}), finding(0.6, {0, 0, 1})};
  const auto froc = app::computeFroc(scans, large);
  EXPECT_EQ(froc.nodules, 1u);
  // The hit on the small nodule is neither a TP nor an FP for the >= 6 mm analysis.
  EXPECT_DOUBLE_EQ(froc.sensitivityAtFp[0], 1.0);
  EXPECT_DOUBLE_EQ(froc.cpm, 1.0);
}

TEST(Froc, CountsFalsePositivesAtAThresholdAndLabelsEveryFindingForCalibration) {
  std::vector<ScanResult> scans(2);
  scans[0].truth = {{{0, 0, 0}, 10.0, "solid"}};
  scans[0].findings = {finding(0.9, {1, 1, 1}), finding(0.8, {-2, 0, 0}), finding(0.7, {50, 0, 0})};
  scans[1].findings = {finding(0.95, {100, 0, 0}), finding(0.3, {-40, 9, 0})};
  // At 0.5: FPs 0.7 and 0.95 (the second hit on the nodule is not one) over 2 scans.
  EXPECT_DOUBLE_EQ(app::falsePositivesPerScan(scans, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(app::falsePositivesPerScan(scans, 0.96), 0.0);
  EXPECT_DOUBLE_EQ(app::falsePositivesPerScan({}, 0.5), 0.0);
  // For calibration both hits on the nodule are positives.
  const auto outcomes = app::findingOutcomes(scans);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_EQ(outcomes[0], std::make_pair(0.9, true));
  EXPECT_EQ(outcomes[1], std::make_pair(0.8, true));
  EXPECT_EQ(outcomes[2], std::make_pair(0.7, false));
  EXPECT_EQ(outcomes[3], std::make_pair(0.95, false));
  EXPECT_TRUE(app::hits(finding(0.1, {0, 0, 5}), scans[0].truth[0]));
  EXPECT_FALSE(app::hits(finding(0.1, {0, 0, 5.01}), scans[0].truth[0]));
}

TEST(Froc, BootstrapsTheCpmOverScansReproducibly) {
  // Eight scans of two kinds: a nodule found first (CPM 1 on its own), and a
  // nodule missed behind a false positive. Together the CPM lies between.
  std::vector<ScanResult> scans(8);
  for (std::size_t s = 0; s < scans.size(); ++s) {
    scans[s].truth = {{{0, 0, 0}, 10.0, "solid"}};
    if (s % 2 == 0)
      scans[s].findings = {finding(0.9 - 0.01 * s, {1, 0, 0})};
    else
      scans[s].findings = {finding(0.8, {60, 0, 0})};
  }
  const auto froc = app::computeFroc(scans);
  const auto a = app::bootstrapFrocIntervals(scans, 500, 42);
  const auto b = app::bootstrapFrocIntervals(scans, 500, 42);
  EXPECT_EQ(a.resamples, 500);
  ASSERT_EQ(a.sensitivityAtFp.size(), froc.sensitivityAtFp.size());
  EXPECT_DOUBLE_EQ(a.cpm.low, b.cpm.low);
  EXPECT_DOUBLE_EQ(a.cpm.high, b.cpm.high);
  EXPECT_LT(a.cpm.low, froc.cpm);
  EXPECT_GT(a.cpm.high, froc.cpm);
  for (std::size_t r = 0; r < froc.sensitivityAtFp.size(); ++r) {
    EXPECT_LE(a.sensitivityAtFp[r].low, froc.sensitivityAtFp[r]) << r;
    EXPECT_GE(a.sensitivityAtFp[r].high, froc.sensitivityAtFp[r]) << r;
  }
  EXPECT_GE(a.cpm.low, 0.0);
  EXPECT_LE(a.cpm.high, 1.0);
}

TEST(Froc, BootstrapOfAlikeScansHasNoSpreadAndOfNoNodulesNoInterval) {
  // Every resample of identical scans is the set itself.
  std::vector<ScanResult> alike(5);
  for (auto& scan : alike) {
    scan.truth = {{{0, 0, 0}, 10.0, "solid"}, {{40, 0, 0}, 6.0, "solid"}};
    scan.findings = {finding(0.9, {0, 0, 1}), finding(0.7, {-60, 0, 0}), finding(0.5, {40, 1, 0})};
  }
  const auto froc = app::computeFroc(alike);
  const auto same = app::bootstrapFrocIntervals(alike, 200, 7);
  EXPECT_DOUBLE_EQ(same.cpm.low, froc.cpm);
  EXPECT_DOUBLE_EQ(same.cpm.high, froc.cpm);
  // Scans without nodules: nothing to be sensitive to, so no interval.
  std::vector<ScanResult> empty(3);
  empty[0].findings = {finding(0.9, {0, 0, 0})};
  EXPECT_EQ(app::bootstrapFrocIntervals(empty, 200, 7).resamples, 0);
  EXPECT_EQ(app::bootstrapFrocIntervals(alike, 0, 7).resamples, 0);
  // The nodules an analysis leaves out do not count either.
  EXPECT_EQ(app::bootstrapFrocIntervals(alike, 200, 7, large).resamples, 200);
  EXPECT_EQ(app::bootstrapFrocIntervals(alike, 200, 7,
                                        [](const TruthNodule& t) { return t.diameterMm > 20.0; })
                .resamples,
            0);
}
