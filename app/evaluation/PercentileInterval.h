#pragma once

#include <vector>

namespace vigie::app {

/// A 95 % interval.
struct Interval {
  double low = 0.0;
  double high = 0.0;
};

/// The central 95 % of `values` (the 2.5th and 97.5th percentiles, linear
/// between neighbours): Efron's percentile interval, once `values` holds a
/// figure measured on each bootstrap resample. Empty values give {0, 0}.
Interval percentileInterval(std::vector<double> values);

}  // namespace vigie::app
