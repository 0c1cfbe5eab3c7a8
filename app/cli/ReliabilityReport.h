#pragma once

// How vigie-cli eval reports calibration and uncertainty: the same JSON and
// the same reliability diagram for DR referable probabilities and CT
// candidates, and bootstrap intervals written alike.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "../evaluation/PercentileInterval.h"
#include "../evaluation/Reliability.h"
#include "vigie/core/Result.h"

namespace vigie::app::cli {

/// 0.90658 -> "0.907": rounded as the printed figures are, not cut.
std::string threeDecimals(double value);

/// An interval as JSON: [low, high].
nlohmann::json intervalJson(const Interval& i);

/// The bins as JSON; `countName` names what was counted ("photographs").
nlohmann::json reliabilityJson(const Reliability& r, const std::string& countName);

/// The reliability diagram as PNG: observed share of positives against mean
/// prediction per bin, with the diagonal of perfect calibration.
/// `what` and `observed` name the score and its positives in the title and axis.
core::Status writeReliabilityPlot(const Reliability& r, const std::string& what,
                                  const std::string& observed, const std::filesystem::path& file);

}  // namespace vigie::app::cli
