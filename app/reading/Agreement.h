#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace vigie::app {

/// A figure with its 95 % confidence interval and the count it rests on.
/// NaN value (and interval) when it is undefined: no cases, or a kappa
/// whose expected agreement is total.
struct Estimate {
  double value = 0.0;
  double low = 0.0, high = 0.0;  ///< 95 % confidence interval
  std::size_t n = 0;             ///< cases (or pairs) behind it
  bool defined() const;
};

/// A proportion with the Wilson score interval (z = 1.96): honest at small
/// counts and at 0 % or 100 %, where the normal approximation is not.
Estimate wilsonProportion(std::size_t successes, std::size_t trials);

/// Pairs of ordinal ratings (a reader's and the reference's), each in
/// 0 .. categories-1.
using RatingPairs = std::vector<std::pair<int, int>>;

/// Cohen's kappa (unweighted) over the categories 0 .. categories-1.
double cohenKappa(const RatingPairs& pairs, int categories);
/// Weighted kappa with quadratic weights (i - j)^2 over the same fixed
/// categories (ICDR 0-4: unused grades still count in the weights, as
/// sklearn's cohen_kappa_score(..., labels=range(5), weights="quadratic")).
double quadraticWeightedKappa(const RatingPairs& pairs, int categories);

/// A percentile bootstrap 95 % interval of `statistic` over `n` cases: the
/// cases are resampled with replacement `resamples` times (seeded, so a
/// report is reproducible); resamples where the statistic is undefined
/// (NaN) are left out.
std::pair<double, double> bootstrapInterval(
    std::size_t n, const std::function<double(const std::vector<std::size_t>& sample)>& statistic,
    int resamples, std::uint64_t seed);

/// A kappa (either kind) with its bootstrap interval.
Estimate kappaEstimate(const RatingPairs& pairs, int categories, bool quadratic, int resamples,
                       std::uint64_t seed);

/// The median of the values; NaN when there are none.
double median(std::vector<double> values);

}  // namespace vigie::app
