// vigie-cli review stats: readers and the AI against a reference, with 95 %
// intervals, and the MRMC exports.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "../reading/MrmcExport.h"
#include "../reading/ReaderStatistics.h"
#include "CliCommands.h"
#include "CliSupport.h"

namespace vigie::app::cli {
namespace {

constexpr const char* kUsage =
    "usage: vigie-cli review stats --reference PATH [--store PATH] [--reader NAME]\n"
    "                              [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n"
    "                              [--mrmc-out DIR] [--resamples N]\n"
    "Each reader's reads in the review store against the reference at PATH: a labels CSV\n"
    "(file, grade or referable, gradable), a folder with a synthetic fundus truth.json,\n"
    "synthetic CT case folders (truth.json and the DICOM series each), or experts' structured\n"
    "reports filed there by `review import-sr` (their nodules, or their grades of DICOM\n"
    "photographs, are the reference of their studies).\n"
    "CT: sensitivity (nodules hit by the reader's marks: the AI findings confirmed, annotated\n"
    "or edited, and the findings added) and false positives per case, the reader's FROC point\n"
    "beside the AI's curve, and confirm/reject/edit rates of the AI's findings. Fundus:\n"
    "referable (ICDR >= 2) sensitivity and specificity (an ungradable read is a referral),\n"
    "Cohen's kappa and quadratic-weighted kappa of the grades, gradability agreement. Also\n"
    "the median time per case: from the reader's audited opening of the case in the window\n"
    "(\"study opened\", \"photograph opened\": the last one before their first record on it)\n"
    "to their last record on it; from the first record when they never opened it there.\n"
    "95 % intervals: Wilson for proportions, percentile bootstrap over cases (--resamples,\n"
    "default 2000, seeded) for kappas, false positives per case and time. With --reader,\n"
    "the other readers appear as anonymised peers. --mrmc-out writes iMRMC inputs (fundus\n"
    "and CT, the readers and the AI as two modalities) and FROC tables for RJafroc (see\n"
    "docs/reading-service.md).\n";

nlohmann::json toJson(const Estimate& e) {
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  return {{"value", number(e.value)}, {"ci95", {number(e.low), number(e.high)}}, {"n", e.n}};
}

nlohmann::json toJson(const ReaderFigures& f) {
  // A case's time, null where none was measured.
  auto seconds = [](double s) { return std::isfinite(s) ? nlohmann::json(s) : nlohmann::json(); };
  nlohmann::json ctCases = nlohmann::json::array();
  for (const auto& c : f.ctCases) {
    ctCases.push_back({{"case_uid", c.caseUid},
                       {"name", c.name},
                       {"nodules", c.nodules},
                       {"hits", c.hits},
                       {"missed_lesions", c.missedLesions},
                       {"false_positives", c.falsePositives},
                       {"ai_findings", c.aiFindings},
                       {"confirmed", c.confirmed},
                       {"rejected", c.rejected},
                       {"edited", c.edited},
                       {"undecided", c.undecided},
                       {"added", c.added},
                       {"seconds", seconds(c.seconds)}});
  }
  nlohmann::json photographs = nlohmann::json::array();
  for (const auto& p : f.photographs) {
    photographs.push_back({{"case_uid", p.caseUid},
                           {"name", p.name},
                           {"grade", p.grade},
                           {"gradable", p.gradable},
                           {"reference_grade", p.reference.grade},
                           {"reference_gradable", p.reference.gradable},
                           {"outcome", p.outcome},
                           {"seconds", seconds(p.seconds)}});
  }
  return {{"reader", f.reader},
          {"sensitivity", toJson(f.sensitivity)},
          {"fp_per_case", toJson(f.fpPerCase)},
          {"froc_point",
           {{"fp_per_case", toJson(f.fpPerCase)["value"]},
            {"sensitivity", toJson(f.sensitivity)["value"]}}},
          {"confirm_rate", toJson(f.confirmRate)},
          {"reject_rate", toJson(f.rejectRate)},
          {"edit_rate", toJson(f.editRate)},
          {"added", f.added},
          {"referable_sensitivity", toJson(f.referableSensitivity)},
          {"referable_specificity", toJson(f.referableSpecificity)},
          {"kappa", toJson(f.kappa)},
          {"quadratic_weighted_kappa", toJson(f.quadraticKappa)},
          {"gradability_agreement", toJson(f.gradabilityAgreement)},
          {"seconds_per_case", toJson(f.secondsPerCase)},
          {"ct_cases", ctCases},
          {"photographs", photographs}};
}

std::string describe(const Estimate& e, bool percent) {
  if (!e.defined()) return "-";
  const double scale = percent ? 100.0 : 1.0;
  char text[96];
  std::snprintf(text, sizeof text, percent ? "%.1f%% (%.1f-%.1f)" : "%.2f (%.2f-%.2f)",
                e.value * scale, e.low * scale, e.high * scale);
  return text;
}

void printFigures(const ReaderFigures& f) {
  std::printf("%s\n", f.reader.c_str());
  if (!f.ctCases.empty()) {
    std::printf("  CT, %zu cases: sensitivity %s of %zu nodules, false positives per case %s\n",
                f.ctCases.size(), describe(f.sensitivity, true).c_str(), f.sensitivity.n,
                describe(f.fpPerCase, false).c_str());
    if (f.confirmRate.n > 0)
      std::printf("    of %zu AI findings: confirmed %s, rejected %s, edited %s; %zu added\n",
                  f.confirmRate.n, describe(f.confirmRate, true).c_str(),
                  describe(f.rejectRate, true).c_str(), describe(f.editRate, true).c_str(),
                  f.added);
  }
  if (!f.photographs.empty()) {
    std::printf(
        "  Fundus, %zu photographs: referable sensitivity %s, specificity %s\n"
        "    kappa %s, quadratic-weighted kappa %s, gradability agreement %s\n",
        f.photographs.size(), describe(f.referableSensitivity, true).c_str(),
        describe(f.referableSpecificity, true).c_str(), describe(f.kappa, false).c_str(),
        describe(f.quadraticKappa, false).c_str(), describe(f.gradabilityAgreement, true).c_str());
  }
  if (f.secondsPerCase.defined())
    std::printf("  median time per case %s s over %zu cases\n",
                describe(f.secondsPerCase, false).c_str(), f.secondsPerCase.n);
}

}  // namespace

int runReviewStats(const std::vector<std::string>& args) {
  CommandLine cl(
      args, {"--store", "--reference", "--reader", "--from", "--to", "--mrmc-out", "--resamples"},
      {"--json", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const auto referencePath = cl.value("--reference");
  if (!referencePath) return usage("stats needs --reference PATH", kUsage);
  StatisticsOptions options;
  options.reader = cl.value("--reader");
  for (auto [option, into] : {std::pair{"--from", &options.fromDate}, {"--to", &options.toDate}}) {
    if (auto text = cl.value(option)) {
      auto day = dicomDate(*text);
      // As the store's times begin: YYYY-MM-DD.
      if (day) day = day->substr(0, 4) + "-" + day->substr(4, 2) + "-" + day->substr(6, 2);
      if (!day) return usage(std::string(option) + " takes a date, YYYY-MM-DD or YYYYMMDD", kUsage);
      *into = *day;
    }
  }
  const auto resamples = cl.integer("--resamples", options.resamples);
  if (!resamples || *resamples < 100 || *resamples > 100000)
    return usage("--resamples takes 100 to 100000", kUsage);
  options.resamples = static_cast<int>(*resamples);
  auto reference = loadReadingReference(*referencePath);
  if (!reference.ok()) return fail(reference.error().message);
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);
  auto records = readReviewRecords(*store.value());
  if (!records.ok()) return fail(records.error().message);
  const auto stats = computeReadingStatistics(records.value(), reference.value(), options);
  if (options.reader && (stats.readers.empty() || stats.readers.front().reader != *options.reader))
    return fail("reader '" + *options.reader + "' read nothing in the reference " + *referencePath +
                (options.fromDate.empty() && options.toDate.empty() ? "" : " in that period"));
  if (auto folder = cl.value("--mrmc-out")) {
    if (auto written = writeMrmcExport(stats, reference.value(), *folder); !written.ok())
      return fail(written.error().message);
  }
  if (cl.has("--json")) {
    nlohmann::json out;
    out["reference"] = {{"path", *referencePath},
                        {"ct_cases", stats.ctReferenceCases},
                        {"photographs", stats.referencePhotographs}};
    out["readers"] = nlohmann::json::array();
    for (const auto& r : stats.readers) out["readers"].push_back(toJson(r));
    out["ai"] = toJson(stats.ai);
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& p : stats.aiFroc.curve)
      curve.push_back({{"threshold", p.threshold},
                       {"fp_per_case", p.falsePositivesPerScan},
                       {"sensitivity", p.sensitivity}});
    out["ai"]["froc"] = curve;
    out["intervals"] = {{"proportions", "Wilson score, 95 %"},
                        {"kappa_fp_time", "percentile bootstrap over cases, 95 %"},
                        {"resamples", options.resamples},
                        {"seed", options.seed}};
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  std::printf("reference: %zu CT cases, %zu photographs (%s)\n", stats.ctReferenceCases,
              stats.referencePhotographs, referencePath->c_str());
  if (stats.readers.empty()) std::printf("no reader has read a case of the reference\n");
  for (const auto& r : stats.readers) printFigures(r);
  printFigures(stats.ai);
  return 0;
}

}  // namespace vigie::app::cli
