#include "Agreement.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "vigie/core/SeededRandom.h"

namespace vigie::app {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ95 = 1.959963984540054;

/// Kappa with a weight per disagreement: w(i, j) = 0 when i == j.
double weightedKappa(const RatingPairs& pairs, int categories, double (*weight)(int, int)) {
  if (pairs.empty() || categories < 2) return kNaN;
  const auto k = static_cast<std::size_t>(categories);
  std::vector<double> observed(k * k, 0.0), rowTotal(k, 0.0), columnTotal(k, 0.0);
  for (const auto& [a, b] : pairs) {
    if (a < 0 || b < 0 || a >= categories || b >= categories) return kNaN;
    observed[static_cast<std::size_t>(a) * k + static_cast<std::size_t>(b)] += 1.0;
    rowTotal[static_cast<std::size_t>(a)] += 1.0;
    columnTotal[static_cast<std::size_t>(b)] += 1.0;
  }
  const double n = static_cast<double>(pairs.size());
  double disagreementObserved = 0.0, disagreementExpected = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const double w = weight(static_cast<int>(i), static_cast<int>(j));
      disagreementObserved += w * observed[i * k + j] / n;
      disagreementExpected += w * rowTotal[i] * columnTotal[j] / (n * n);
    }
  }
  if (disagreementExpected <= 0.0) return kNaN;  // both raters used one category only
  return 1.0 - disagreementObserved / disagreementExpected;
}

double unitWeight(int i, int j) { return i == j ? 0.0 : 1.0; }
double quadraticWeight(int i, int j) { return static_cast<double>((i - j) * (i - j)); }

}  // namespace

bool Estimate::defined() const { return std::isfinite(value); }

Estimate wilsonProportion(std::size_t successes, std::size_t trials) {
  Estimate e;
  e.n = trials;
  if (trials == 0) {
    e.value = e.low = e.high = kNaN;
    return e;
  }
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = kZ95 * kZ95;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = kZ95 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  e.value = p;
  e.low = std::max(0.0, center - half);
  e.high = std::min(1.0, center + half);
  return e;
}

double cohenKappa(const RatingPairs& pairs, int categories) {
  return weightedKappa(pairs, categories, unitWeight);
}

double quadraticWeightedKappa(const RatingPairs& pairs, int categories) {
  return weightedKappa(pairs, categories, quadraticWeight);
}

std::pair<double, double> bootstrapInterval(
    std::size_t n, const std::function<double(const std::vector<std::size_t>& sample)>& statistic,
    int resamples, std::uint64_t seed) {
  if (n == 0 || resamples < 1) return {kNaN, kNaN};
  core::SeededRandom random(seed);
  std::vector<double> values;
  std::vector<std::size_t> sample(n);
  for (int r = 0; r < resamples; ++r) {
    for (auto& index : sample)
      index = static_cast<std::size_t>(random.uniformInt(0, static_cast<int>(n) - 1));
    const double v = statistic(sample);
    if (std::isfinite(v)) values.push_back(v);
  }
  if (values.empty()) return {kNaN, kNaN};
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    const double position = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const auto above = std::min(values.size() - 1, below + 1);
    return values[below] +
           (position - static_cast<double>(below)) * (values[above] - values[below]);
  };
  return {at(0.025), at(0.975)};
}

Estimate kappaEstimate(const RatingPairs& pairs, int categories, bool quadratic, int resamples,
                       std::uint64_t seed) {
  auto kappaOf = [&](const RatingPairs& p) {
    return quadratic ? quadraticWeightedKappa(p, categories) : cohenKappa(p, categories);
  };
  Estimate e;
  e.n = pairs.size();
  e.value = kappaOf(pairs);
  if (!e.defined()) {
    e.low = e.high = kNaN;
    return e;
  }
  const auto [low, high] = bootstrapInterval(
      pairs.size(),
      [&](const std::vector<std::size_t>& sample) {
        RatingPairs resampled;
        resampled.reserve(sample.size());
        for (std::size_t i : sample) resampled.push_back(pairs[i]);
        return kappaOf(resampled);
      },
      resamples, seed);
  e.low = low;
  e.high = high;
  return e;
}

double median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

}  // namespace vigie::app
