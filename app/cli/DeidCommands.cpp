// vigie-cli deid, and the de-identification options export shares.
#include <cstdio>
#include <cstdlib>

#include "CliCommands.h"
#include "CliSupport.h"
#include "DeidSupport.h"

namespace vigie::app::cli {

const char* const kDeidOptions =
    "  --retain-dates                      keep dates and times (Retain Longitudinal Temporal\n"
    "                                      Information, Full Dates option)\n"
    "  --retain-patient-characteristics    keep sex, age, size, weight, ethnic group, smoking\n"
    "                                      and pregnancy status\n"
    "  --key TEXT                          derive replacement UIDs and the pseudonymous Patient\n"
    "                                      ID from TEXT (the same in every run); default: a\n"
    "                                      fresh random key, so nothing links back\n";

imaging::DeidentificationOptions deidOptions(const CommandLine& cl) {
  imaging::DeidentificationOptions options;
  options.retainDates = cl.has("--retain-dates");
  options.retainPatientCharacteristics = cl.has("--retain-patient-characteristics");
  options.key = cl.value("--key").value_or("");
  return options;
}

std::string readerOf(const CommandLine& cl) {
  if (auto reader = cl.value("--reader")) return *reader;
  const char* user = std::getenv("USER");
  return user && *user ? user : "unknown";
}

/// Prints what a de-identification run did; fails when any file failed.
int reportDeidentification(const imaging::DeidentificationReport& r,
                           const std::filesystem::path& out) {
  std::printf(
      "de-identified %zu files into %s: %zu attributes removed, %zu emptied or dummied, %zu "
      "UIDs replaced; %zu files were not DICOM and were not copied\n",
      r.files, out.string().c_str(), r.removed, r.emptiedOrReplaced, r.uidsReplaced, r.skipped);
  for (const auto& u : r.unreadable)
    std::fprintf(stderr, "vigie-cli: %s: %s\n", u.file.string().c_str(), u.reason.c_str());
  return r.unreadable.empty() ? 0 : 1;
}

int deidentifyWithSeries(
    const imaging::Deidentifier& deidentifier,
    const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& objects,
    const imaging::SourceSeries& series, const std::filesystem::path& seriesDir,
    imaging::DeidentificationReport& report) {
  int exit = 0;
  for (const auto& [from, to] : objects) {
    if (from.empty()) continue;
    auto status = deidentifier.deidentifyFile(from, to, &report);
    if (!status.ok()) {
      exit = fail(status.error().message);
      continue;
    }
    std::printf("wrote %s\n", to.string().c_str());
  }
  for (const auto& slice : series.slices) {
    const auto to = seriesDir / (deidentifier.replacementUid(slice.sopInstanceUid) + ".dcm");
    auto status = deidentifier.deidentifyFile(slice.file, to, &report);
    if (!status.ok()) {
      report.unreadable.push_back({slice.file, status.error().message});
      continue;
    }
    ++report.files;
  }
  return exit;
}

int runDeid(const std::vector<std::string>& args) {
  const std::string usageText =
      std::string(
          "usage: vigie-cli deid IN OUT [--retain-dates] [--retain-patient-characteristics] [--key "
          "TEXT]\n"
          "                     [--store PATH] [--reader NAME]\n"
          "De-identifies every DICOM file under IN (a file or a folder) into the folder OUT by "
          "the\n"
          "Basic Application Level Confidentiality Profile (DICOM PS3.15 Annex E): attributes\n"
          "removed, emptied or given dummies by its table, private attributes removed, UIDs\n"
          "replaced consistently across all the files. Each file is named after its new SOP\n"
          "Instance UID. The run is recorded in the review store's audit log.\n") +
      kDeidOptions;
  CommandLine cl(args, {"--key", "--store", "--reader"},
                 {"--retain-dates", "--retain-patient-characteristics", "--help"});
  if (auto exit = helpOrUsageError(cl, usageText.c_str())) return *exit;
  if (cl.positional().size() != 2) return usage("deid needs IN and OUT", usageText.c_str());
  const imaging::Deidentifier deidentifier(deidOptions(cl));
  auto report = deidentifier.deidentifyTree(cl.positional()[0], cl.positional()[1]);
  if (!report.ok()) return fail(report.error().message);
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);
  auto logged = store.value()->audit(readerOf(cl), "de-identification",
                                     std::to_string(report.value().files) + " files");
  if (!logged.ok()) return fail(logged.error().message);
  return reportDeidentification(report.value(), cl.positional()[1]);
}

}  // namespace vigie::app::cli
