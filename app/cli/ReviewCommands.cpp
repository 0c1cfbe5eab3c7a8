// vigie-cli review decide|list|export, and vigie-cli audit verify.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "CliCommands.h"
#include "CliSupport.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::app::cli {
namespace {

nlohmann::json toJson(const core::Decision& d) {
  nlohmann::json j = {{"id", d.id},
                      {"study_uid", d.studyUid},
                      {"finding_id", d.findingId},
                      {"decision", core::toString(d.kind)},
                      {"reader", d.reader},
                      {"recorded_at", d.recordedAt},
                      {"note", d.note}};
  if (d.centerMm) j["center_mm"] = cli::toJson(*d.centerMm);
  if (d.diameterMm) j["diameter_mm"] = *d.diameterMm;
  return j;
}

core::Result<std::unique_ptr<core::ReviewStore>> openStore(const CommandLine& cl) {
  return core::ReviewStore::open(
      cl.value("--store").value_or(core::ReviewStore::defaultLocation().string()));
}

}  // namespace

int runReview(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli review decide --study UID --finding ID --decision "
      "confirm|reject|edit|annotate|add\n"
      "                               --reader NAME [--note TEXT] [--center X,Y,Z] [--diameter "
      "MM]\n"
      "       vigie-cli review list --study UID [--json]\n"
      "       vigie-cli review export --json\n"
      "  (all take --store PATH; default $XDG_DATA_HOME/vigie/review.sqlite)\n"
      "decide records one reader decision (centre in LPS mm for edit/add) and prints nothing: "
      "exit\n"
      "code 0 means it is on disk. list shows a study's decision history; export writes every\n"
      "decision as JSON (a backup).\n";
  CommandLine cl(args,
                 {"--store", "--study", "--finding", "--decision", "--reader", "--note", "--center",
                  "--diameter"},
                 {"--json", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1) return usage("review needs decide, list or export", kUsage);
  const std::string verb = cl.positional()[0];
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);

  if (verb == "decide") {
    core::Decision d;
    const auto study = cl.value("--study"), reader = cl.value("--reader"),
               kind = cl.value("--decision");
    if (!study || !reader || !kind)
      return usage("decide needs --study, --finding, --decision and --reader", kUsage);
    const auto finding = cl.integer("--finding", -1);
    if (!finding || *finding < 0) return usage("--finding needs a finding id (0 or more)", kUsage);
    const auto parsedKind = core::decisionKindFromString(*kind);
    if (!parsedKind) return usage("unknown decision '" + *kind + "'", kUsage);
    d.studyUid = *study;
    d.reader = *reader;
    d.findingId = static_cast<int>(*finding);
    d.kind = *parsedKind;
    d.note = cl.value("--note").value_or("");
    if (auto centre = cl.value("--center")) {
      core::Vec3 c;
      char tail = 0;
      if (std::sscanf(centre->c_str(), "%lf,%lf,%lf%c", &c.x, &c.y, &c.z, &tail) != 3) {
        return usage("--center expects X,Y,Z in mm (LPS)", kUsage);
      }
      d.centerMm = c;
    }
    if (cl.has("--diameter")) {
      const auto diameter = cl.number("--diameter", 0.0);
      if (!diameter || *diameter <= 0)
        return usage("--diameter expects a positive number of mm", kUsage);
      d.diameterMm = *diameter;
    }
    if ((d.kind == core::DecisionKind::Add || d.kind == core::DecisionKind::Edit) && !d.centerMm &&
        !d.diameterMm) {
      return usage("an edit or an added finding needs --center and/or --diameter", kUsage);
    }
    auto id = store.value()->recordDecision(d);
    return id.ok() ? 0 : fail(id.error().message);
  }
  if (verb == "list") {
    const auto study = cl.value("--study");
    if (!study) return usage("list needs --study UID", kUsage);
    auto decisions = store.value()->decisions(*study);
    if (!decisions.ok()) return fail(decisions.error().message);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : decisions.value()) out.push_back(toJson(d));
    if (cl.has("--json")) {
      std::cout << out.dump(2) << '\n';
    } else {
      for (const auto& d : decisions.value()) {
        std::printf("%s  finding %d  %s by %s%s%s\n", d.recordedAt.c_str(), d.findingId,
                    core::toString(d.kind), d.reader.c_str(), d.note.empty() ? "" : ": ",
                    d.note.c_str());
      }
    }
    return 0;
  }
  if (verb == "export") {
    auto decisions = store.value()->allDecisions();
    if (!decisions.ok()) return fail(decisions.error().message);
    nlohmann::json out = {{"schema_version", store.value()->schemaVersion()},
                          {"decisions", nlohmann::json::array()}};
    for (const auto& d : decisions.value()) out["decisions"].push_back(toJson(d));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  return usage("unknown review verb '" + verb + "'", kUsage);
}

int runAudit(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli audit verify [--store PATH]\n"
      "Checks the review store's hash-chained audit log: exit code 0 when every entry follows "
      "from\n"
      "the one before it, 1 (naming the first entry that does not) otherwise.\n";
  CommandLine cl(args, {"--store"}, {"--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1 || cl.positional()[0] != "verify")
    return usage("audit needs 'verify'", kUsage);
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);
  auto check = store.value()->verifyAuditChain();
  if (!check.ok()) return fail(check.error().message);
  if (!check.value().intact) return fail("audit log broken: " + check.value().problem);
  std::printf("audit log intact: %zu entries\n", check.value().entries);
  return 0;
}

}  // namespace vigie::app::cli
