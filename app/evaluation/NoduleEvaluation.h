#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "PercentileInterval.h"
#include "vigie/core/Finding.h"
#include "vigie/core/Result.h"
#include "vigie/core/Vec3.h"

namespace vigie::app {

/// A reference nodule, as in a truth.json.
struct TruthNodule {
  core::Vec3 centerMm;  ///< LPS mm
  double diameterMm = 0;
  std::string type;  ///< "solid", "part-solid", "ground-glass"
};

/// One scan's model output and ground truth.
struct ScanResult {
  std::vector<core::Finding> findings;
  std::vector<TruthNodule> truth;
  /// The scan's slice spacing (CtAnalysis::sliceSpacingMm); 0: not known.
  double sliceSpacingMm = 0;
};

struct FrocPoint {
  double threshold = 0;
  double falsePositivesPerScan = 0;
  double sensitivity = 0;
};

struct FrocResult {
  std::vector<FrocPoint> curve;         ///< by decreasing threshold
  std::vector<double> fpRates;          ///< 1/8 ... 8
  std::vector<double> sensitivityAtFp;  ///< one per fpRates entry
  double cpm = 0;                       ///< mean of sensitivityAtFp (LUNA16's CPM)
  std::size_t nodules = 0, scans = 0;
};

/// A finding hits a nodule when its centre lies within the nodule's radius.
bool hits(const core::Finding& finding, const TruthNodule& nodule);

/// Every finding of every scan as (score, whether it hits a nodule): what the
/// calibration of candidate scores is fitted to and judged on. A second
/// finding on the same nodule counts as a hit here (it is not a false alarm).
std::vector<std::pair<double, bool>> findingOutcomes(const std::vector<ScanResult>& scans);

/// FROC analysis as in LUNA16: a finding is a hit when its centre lies within
/// the radius of a reference nodule; each nodule counts once (its best
/// hit), further hits on it are neither true nor false positives; every other
/// finding is a false positive. Sensitivity at a false-positive rate is the
/// best sensitivity reached with at most that many false positives per scan.
/// `include` selects the nodules that count (e.g. by size); findings that hit
/// an excluded nodule are ignored, as LUNA16 does with irrelevant findings.
FrocResult computeFroc(const std::vector<ScanResult>& scans,
                       bool (*include)(const TruthNodule&) = nullptr);

/// Percentile bootstrap intervals (Efron) for computeFroc's CPM and its
/// sensitivity at each false-positive rate: `resamples` resamplings of the
/// scans with replacement, a scan's findings and nodules drawn together (the
/// unit that varies from one set of scans to another), from a generator
/// seeded with `seed`, so the same results give the same intervals.
/// Resamples without an included nodule are drawn again; with no included
/// nodule at all there are no intervals (resamples 0).
struct FrocIntervals {
  Interval cpm;
  std::vector<Interval> sensitivityAtFp;  ///< one per FrocResult::fpRates entry
  int resamples = 0;
};
FrocIntervals bootstrapFrocIntervals(const std::vector<ScanResult>& scans, int resamples,
                                     std::uint64_t seed,
                                     bool (*include)(const TruthNodule&) = nullptr);

/// Sensitivity over the included nodules at a fixed score threshold.
double sensitivityAtThreshold(const std::vector<ScanResult>& scans, double threshold,
                              bool (*include)(const TruthNodule&) = nullptr);

/// False positives per scan at a fixed score threshold (findings that hit no
/// nodule; further hits on a nodule are not false positives).
double falsePositivesPerScan(const std::vector<ScanResult>& scans, double threshold);

/// The reference nodules of a truth.json ({"nodules": [{"center_mm": [x, y,
/// z], "diameter_mm": d, "type": ...}]}, Vigie's synthetic format); the error
/// names the file and the problem.
core::Result<std::vector<TruthNodule>> readTruthNodules(const std::filesystem::path& file);

}  // namespace vigie::app
