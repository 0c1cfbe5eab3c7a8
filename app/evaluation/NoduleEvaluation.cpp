#include "NoduleEvaluation.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vigie/core/SeededRandom.h"

namespace vigie::app {
namespace {

struct Scored {
  double score;
  bool truePositive;  // false: a false positive
};

/// Matches one scan's findings to its nodules; returns the scored events:
/// one per detected included nodule (its best score) and one per false positive.
std::vector<Scored> matchScan(const ScanResult& scan, bool (*include)(const TruthNodule&)) {
  std::vector<Scored> events;
  std::vector<double> best(scan.truth.size(), -1.0);
  for (const core::Finding& f : scan.findings) {
    bool hitAny = false;
    for (std::size_t n = 0; n < scan.truth.size(); ++n) {
      if (hits(f, scan.truth[n])) {
        hitAny = true;
        best[n] = std::max(best[n], f.score);
      }
    }
    if (!hitAny) events.push_back({f.score, false});
  }
  for (std::size_t n = 0; n < scan.truth.size(); ++n) {
    const bool counted = !include || include(scan.truth[n]);
    if (counted && best[n] >= 0) events.push_back({best[n], true});
  }
  return events;
}

std::size_t countIncluded(const ScanResult& scan, bool (*include)(const TruthNodule&)) {
  return static_cast<std::size_t>(
      std::count_if(scan.truth.begin(), scan.truth.end(),
                    [&](const TruthNodule& t) { return !include || include(t); }));
}

std::size_t countIncluded(const std::vector<ScanResult>& scans,
                          bool (*include)(const TruthNodule&)) {
  std::size_t n = 0;
  for (const auto& s : scans) n += countIncluded(s, include);
  return n;
}

/// The FROC of scored events pooled over `scans` scans holding `nodules`
/// included nodules (events are sorted here).
FrocResult frocOfEvents(std::vector<Scored> events, std::size_t scans, std::size_t nodules) {
  FrocResult result;
  result.scans = scans;
  result.nodules = nodules;
  result.fpRates = {0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0};
  std::sort(events.begin(), events.end(),
            [](const Scored& a, const Scored& b) { return a.score > b.score; });
  std::size_t tp = 0, fp = 0;
  result.curve.push_back({1.0 + 1e-9, 0.0, 0.0});
  for (std::size_t i = 0; i < events.size(); ++i) {
    (events[i].truePositive ? tp : fp)++;
    // One point per distinct threshold: after the last event with this score.
    if (i + 1 == events.size() || events[i + 1].score != events[i].score) {
      result.curve.push_back({events[i].score, scans ? double(fp) / scans : 0.0,
                              nodules ? double(tp) / nodules : 0.0});
    }
  }
  for (double rate : result.fpRates) {
    double best = 0;
    for (const auto& p : result.curve) {
      if (p.falsePositivesPerScan <= rate + 1e-12) best = std::max(best, p.sensitivity);
    }
    result.sensitivityAtFp.push_back(best);
  }
  double sum = 0;
  for (double s : result.sensitivityAtFp) sum += s;
  result.cpm = result.sensitivityAtFp.empty() ? 0 : sum / result.sensitivityAtFp.size();
  return result;
}

}  // namespace

bool hits(const core::Finding& finding, const TruthNodule& nodule) {
  return core::distance(finding.centerMm, nodule.centerMm) <= 0.5 * nodule.diameterMm;
}

std::vector<std::pair<double, bool>> findingOutcomes(const std::vector<ScanResult>& scans) {
  std::vector<std::pair<double, bool>> outcomes;
  for (const auto& scan : scans) {
    for (const core::Finding& f : scan.findings) {
      const bool onANodule = std::any_of(scan.truth.begin(), scan.truth.end(),
                                         [&](const TruthNodule& t) { return hits(f, t); });
      outcomes.emplace_back(f.score, onANodule);
    }
  }
  return outcomes;
}

FrocResult computeFroc(const std::vector<ScanResult>& scans, bool (*include)(const TruthNodule&)) {
  std::vector<Scored> events;
  for (const auto& s : scans) {
    auto e = matchScan(s, include);
    events.insert(events.end(), e.begin(), e.end());
  }
  return frocOfEvents(std::move(events), scans.size(), countIncluded(scans, include));
}

FrocIntervals bootstrapFrocIntervals(const std::vector<ScanResult>& scans, int resamples,
                                     std::uint64_t seed, bool (*include)(const TruthNodule&)) {
  FrocIntervals out;
  if (resamples <= 0 || countIncluded(scans, include) == 0) return out;
  // Each scan is matched once; a resample pools the events of the scans drawn.
  std::vector<std::vector<Scored>> eventsOf;
  std::vector<std::size_t> nodulesOf;
  for (const auto& s : scans) {
    eventsOf.push_back(matchScan(s, include));
    nodulesOf.push_back(countIncluded(s, include));
  }
  core::SeededRandom random(seed);
  const int last = static_cast<int>(scans.size()) - 1;
  std::vector<double> cpms;
  std::vector<std::vector<double>> sensitivities;
  std::vector<Scored> pooled;
  while (static_cast<int>(cpms.size()) < resamples) {
    pooled.clear();
    std::size_t nodules = 0;
    for (std::size_t k = 0; k < scans.size(); ++k) {
      const auto drawn = static_cast<std::size_t>(random.uniformInt(0, last));
      pooled.insert(pooled.end(), eventsOf[drawn].begin(), eventsOf[drawn].end());
      nodules += nodulesOf[drawn];
    }
    if (nodules == 0) continue;
    const FrocResult froc = frocOfEvents(pooled, scans.size(), nodules);
    cpms.push_back(froc.cpm);
    sensitivities.resize(froc.sensitivityAtFp.size());
    for (std::size_t r = 0; r < froc.sensitivityAtFp.size(); ++r)
      sensitivities[r].push_back(froc.sensitivityAtFp[r]);
  }
  out.cpm = percentileInterval(std::move(cpms));
  for (auto& values : sensitivities)
    out.sensitivityAtFp.push_back(percentileInterval(std::move(values)));
  out.resamples = resamples;
  return out;
}

double sensitivityAtThreshold(const std::vector<ScanResult>& scans, double threshold,
                              bool (*include)(const TruthNodule&)) {
  std::size_t hit = 0;
  const std::size_t total = countIncluded(scans, include);
  for (const auto& s : scans) {
    for (const auto& e : matchScan(s, include)) hit += e.truePositive && e.score >= threshold;
  }
  return total ? double(hit) / total : 0.0;
}

double falsePositivesPerScan(const std::vector<ScanResult>& scans, double threshold) {
  std::size_t falsePositives = 0;
  for (const auto& s : scans) {
    for (const auto& e : matchScan(s, nullptr))
      falsePositives += !e.truePositive && e.score >= threshold;
  }
  return scans.empty() ? 0.0 : double(falsePositives) / double(scans.size());
}

core::Result<std::vector<TruthNodule>> readTruthNodules(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return core::makeError(core::ErrorCode::NotFound, file.string() + ": cannot open");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("nodules") || !j["nodules"].is_array()) {
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": expected {\"nodules\": [...]}");
  }
  std::vector<TruthNodule> truth;
  for (const auto& n : j["nodules"]) {
    const bool wellFormed = n.is_object() && n.contains("center_mm") && n["center_mm"].is_array() &&
                            n["center_mm"].size() == 3 &&
                            std::all_of(n["center_mm"].begin(), n["center_mm"].end(),
                                        [](const auto& v) { return v.is_number(); }) &&
                            n.contains("diameter_mm") && n["diameter_mm"].is_number();
    if (!wellFormed) {
      return core::makeError(
          core::ErrorCode::ParseError,
          file.string() + ": a nodule needs center_mm [x, y, z] and diameter_mm");
    }
    const auto type = n.find("type");
    truth.push_back({{n["center_mm"][0].get<double>(), n["center_mm"][1].get<double>(),
                      n["center_mm"][2].get<double>()},
                     n["diameter_mm"].get<double>(),
                     type != n.end() && type->is_string() ? type->get<std::string>() : "unknown"});
  }
  return truth;
}

}  // namespace vigie::app
