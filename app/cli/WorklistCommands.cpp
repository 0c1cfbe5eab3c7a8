// vigie-cli worklist: the reading list in triage order, and the changes a
// reading service makes to it (add, assign, state, priority).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "../reading/CaseRegistration.h"
#include "../reading/Worklist.h"
#include "CliCommands.h"
#include "CliSupport.h"

namespace vigie::app::cli {
namespace {

constexpr const char* kUsage =
    "usage: vigie-cli worklist [list] [--state S] [--reader NAME] [--modality M]\n"
    "                                 [--kind ct|fundus] [--lane L] [--stage S]\n"
    "                                 [--min-score X] [--disagreement]\n"
    "                                 [--from YYYYMMDD] [--to YYYYMMDD] [--sort COLUMN [--desc]]\n"
    "                                 [--limit N] [--deidentify] [--json]\n"
    "       vigie-cli worklist add PATH [--priority routine|urgent|stat] [--reader NAME]\n"
    "       vigie-cli worklist assign --study UID (--reader NAME | --unassign) [--by NAME]\n"
    "       vigie-cli worklist state --study UID --state S --reader NAME\n"
    "       vigie-cli worklist priority --study UID --priority P --reader NAME\n"
    "       vigie-cli worklist next --reader NAME [--json]\n"
    "       vigie-cli worklist history --study UID [--json]\n"
    "       vigie-cli worklist policy [--double-reading off|abnormal|all]\n"
    "                                 [--agree-on referral|grade] [--reader NAME]\n"
    "  (all take --store PATH; default $XDG_DATA_HOME/vigie/review.sqlite)\n"
    "The worklist is every study and photograph the review store knows (opened in the GUI,\n"
    "analysed with --store, batch-analysed with --store, or added here), in triage order:\n"
    "lanes flagged (the AI found something), awaiting-ai, ai-normal, done (read or\n"
    "trainer-reviewed); the flagged lane by AI suspicion (highest finding score, or referable\n"
    "probability), then clinical priority, then waiting time; the other lanes by priority then\n"
    "waiting time. --sort fifo lists by arrival instead; COLUMN is one of triage, fifo, score,\n"
    "date, state, reader (assigned), modality, patient, findings, priority, waiting, lane,\n"
    "disagreement, readers (who read it).\n"
    "States: unread, in-progress, read, trainer-reviewed. A CT study with decisions is in\n"
    "progress until a reader sets it read; a graded photograph is read. --reader in the list\n"
    "selects the cases assigned to or read by NAME; next prints the reader's next case: the\n"
    "first in triage order assigned to them, else the first unassigned one (never a read\n"
    "case). --deidentify hides patient names and\n"
    "IDs. Every change is appended to the case's history (never edited) and audited.\n"
    "policy sets (or, without options, shows) the site's double reading of photographs:\n"
    "abnormal sends to a second, blind grader every photograph the primary grader or the AI\n"
    "saw any retinopathy on, or could not grade; all sends every one; when the two disagree\n"
    "(on the referral, or with --agree-on grade on the grade) a third reader arbitrates and\n"
    "their grade is final. --stage primary|second-read|arbitration|final lists photographs\n"
    "at that stage (arbitration: the arbitration queue).\n";

nlohmann::json optionalNumber(bool present, double value) {
  return present ? nlohmann::json(value) : nlohmann::json();
}

nlohmann::json toJson(const WorklistEntry& e, bool deidentify) {
  return {
      {"study_uid", e.record.caseUid},
      {"kind", core::toString(e.record.kind)},
      {"modality", e.record.modality},
      {"patient", deidentify ? "" : e.record.patientName},
      {"patient_id", deidentify ? "" : e.record.patientId},
      {"study_date", e.record.studyDate},
      {"source", e.record.source},
      {"registered_at", e.record.registeredAt},
      {"ai_status", e.analyzed ? "done" : "none"},
      {"max_score", optionalNumber(e.analyzed, e.suspicion)},
      {"findings", e.aiFindings},
      {"ai_grade", e.aiGrade ? nlohmann::json(*e.aiGrade) : nlohmann::json()},
      {"ai_flagged", e.aiFlagged},
      {"state", core::toString(e.state)},
      {"assigned_reader", e.assignedReader},
      {"priority", core::toString(e.priority)},
      {"disagreement", e.disagreement},
      {"disagreement_detail", e.disagreementDetail},
      {"readers", e.readers},
      {"waiting_hours", e.waitingHours},
      {"lane", toString(e.lane)},
      {"stage", e.grading ? nlohmann::json(toString(e.grading->stage)) : nlohmann::json()},
      {"final_grade", e.grading && e.grading->finalGrade ? nlohmann::json(*e.grading->finalGrade)
                                                         : nlohmann::json()},
      {"primary_reader", e.grading ? e.grading->primaryReader : ""},
      {"secondary_reader", e.grading ? e.grading->secondaryReader : ""}};
}

void printTable(const std::vector<WorklistEntry>& entries, bool deidentify) {
  std::printf("%-4s %-11s %-5s %-16s %-8s %-4s %-8s %-18s %-10s %-4s %s\n", "#", "lane", "score",
              "state", "priority", "mod", "date", "patient", "reader", "flag", "uid");
  int index = 0;
  for (const auto& e : entries) {
    char score[16] = "-";
    if (e.analyzed) std::snprintf(score, sizeof score, "%.2f", e.suspicion);
    std::string patient = deidentify ? "(hidden)" : e.record.patientName;
    if (patient.size() > 18) patient = patient.substr(0, 17) + "~";
    // A photograph awaiting its second reading or arbitration says so.
    const bool awaiting = e.grading && (e.grading->stage == GradingStage::Secondary ||
                                        e.grading->stage == GradingStage::Arbitration);
    const char* state = awaiting ? toString(e.grading->stage) : core::toString(e.state);
    std::printf("%-4d %-11s %-5s %-16s %-8s %-4s %-8s %-18s %-10s %-4s %s\n", ++index,
                toString(e.lane), score, state, core::toString(e.priority),
                e.record.modality.c_str(),
                e.record.studyDate.empty() ? "-" : e.record.studyDate.c_str(), patient.c_str(),
                e.assignedReader.empty() ? "-" : e.assignedReader.c_str(),
                e.disagreement ? "DIS" : "", e.record.caseUid.c_str());
  }
  if (entries.empty()) std::printf("(no cases)\n");
}

core::Result<std::vector<WorklistEntry>> currentWorklist(const core::ReviewStore& store) {
  auto records = readReviewRecords(store);
  if (!records.ok()) return records.error();
  return buildWorklist(records.value(), std::chrono::system_clock::now());
}

/// The filter the list's options describe; the usage problem otherwise.
std::optional<std::string> readFilter(CommandLine& cl, WorklistFilter& filter) {
  if (auto state = cl.value("--state")) {
    filter.state = core::readingStateFromString(*state);
    if (!filter.state) return "--state takes unread, in-progress, read or trainer-reviewed";
  }
  if (auto lane = cl.value("--lane")) {
    filter.lane = worklistLaneFromString(*lane);
    if (!filter.lane) return "--lane takes flagged, awaiting-ai, ai-normal or done";
  }
  if (auto stage = cl.value("--stage")) {
    for (auto s : {GradingStage::Primary, GradingStage::Secondary, GradingStage::Arbitration,
                   GradingStage::Final})
      if (*stage == toString(s)) filter.stage = s;
    if (!filter.stage) return "--stage takes primary, second-read, arbitration or final";
  }
  if (auto kind = cl.value("--kind")) {
    filter.kind = core::caseKindFromString(*kind);
    if (!filter.kind) return "--kind takes ct or fundus";
  }
  filter.reader = cl.value("--reader");
  filter.modality = cl.value("--modality");
  filter.disagreementOnly = cl.has("--disagreement");
  if (cl.has("--min-score")) {
    const auto score = cl.number("--min-score", 0.0);
    if (!score) return cl.error();
    filter.minSuspicion = *score;
  }
  for (auto [option, into] : {std::pair{"--from", &filter.fromDate}, {"--to", &filter.toDate}}) {
    if (auto text = cl.value(option)) {
      auto date = dicomDate(*text);
      if (!date) return std::string(option) + " takes a date, YYYYMMDD or YYYY-MM-DD";
      *into = *date;
    }
  }
  return std::nullopt;
}

int listWorklist(CommandLine& cl, const core::ReviewStore& store) {
  WorklistFilter filter;
  if (auto problem = readFilter(cl, filter)) return usage(*problem, kUsage);
  const auto limit = cl.integer("--limit", 0);
  if (!limit || *limit < 0) return usage("--limit takes a count (0: all)", kUsage);
  auto all = currentWorklist(store);
  if (!all.ok()) return fail(all.error().message);
  std::vector<WorklistEntry> entries;
  for (auto& e : all.value())
    if (matches(e, filter)) entries.push_back(std::move(e));
  if (auto sorted = sortWorklist(entries, cl.value("--sort").value_or("triage"), cl.has("--desc"));
      !sorted.ok())
    return usage(sorted.error().message, kUsage);
  if (*limit > 0 && entries.size() > static_cast<std::size_t>(*limit))
    entries.resize(static_cast<std::size_t>(*limit));
  const bool deidentify = cl.has("--deidentify");
  if (cl.has("--json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) out.push_back(toJson(e, deidentify));
    std::cout << out.dump(2) << '\n';
  } else {
    printTable(entries, deidentify);
  }
  return 0;
}

#if VIGIE_CLI_TIER >= 1
/// worklist add scans a folder for studies and photographs (DICOM and image
/// files): in the imaging program; the store's program hands it on.
int addToWorklist(CommandLine& cl, core::ReviewStore& store) {
  if (cl.positional().size() != 2) return usage("worklist add needs one PATH", kUsage);
  std::optional<core::ClinicalPriority> priority;
  if (auto text = cl.value("--priority")) {
    priority = core::clinicalPriorityFromString(*text);
    if (!priority) return usage("--priority takes routine, urgent or stat", kUsage);
  }
  const std::string by = cl.value("--reader").value_or("vigie-cli");
  auto found = findCases(cl.positional()[1], by);
  if (!found.ok()) return fail(found.error().message);
  for (const auto& why : found.value().skipped) warn("left out " + why);
  if (found.value().cases.empty())
    return fail(cl.positional()[1] + ": no CT study or photograph to add");
  std::size_t added = 0;
  for (const auto& record : found.value().cases) {
    auto registered = store.registerCase(record);
    if (!registered.ok()) return fail(registered.error().message);
    added += registered.value() ? 1 : 0;
    if (priority && *priority != core::ClinicalPriority::Routine) {
      auto set = store.recordCaseEvent(
          {0, record.caseUid, core::CaseEventKind::Priority, core::toString(*priority), by, ""});
      if (!set.ok()) return fail(set.error().message);
    }
  }
  std::printf("%zu cases found, %zu new on the worklist\n", found.value().cases.size(), added);
  return 0;
}
#endif

/// assign, state and priority: one event on one case.
int recordEvent(CommandLine& cl, core::ReviewStore& store, const std::string& verb) {
  const auto study = cl.value("--study");
  if (!study) return usage(verb + " needs --study UID", kUsage);
  core::CaseEvent event;
  event.caseUid = *study;
  if (verb == "assign") {
    if (cl.has("--unassign") == cl.has("--reader"))
      return usage("assign needs --reader NAME or --unassign", kUsage);
    event.kind = core::CaseEventKind::Assign;
    event.value = cl.value("--reader").value_or("");
    event.actor = cl.value("--by").value_or(event.value.empty() ? "vigie-cli" : event.value);
  } else {
    const char* option = verb == "state" ? "--state" : "--priority";
    const auto value = cl.value(option), reader = cl.value("--reader");
    if (!value || !reader) return usage(verb + " needs " + option + " and --reader", kUsage);
    event.kind = verb == "state" ? core::CaseEventKind::State : core::CaseEventKind::Priority;
    event.value = *value;
    event.actor = *reader;
  }
  auto recorded = store.recordCaseEvent(event);
  return recorded.ok() ? 0 : fail(recorded.error().message);
}

int nextCase(CommandLine& cl, const core::ReviewStore& store) {
  const auto reader = cl.value("--reader");
  if (!reader) return usage("next needs --reader NAME", kUsage);
  auto entries = currentWorklist(store);
  if (!entries.ok()) return fail(entries.error().message);
  const WorklistEntry* next = nextCaseFor(entries.value(), *reader);
  if (cl.has("--json")) {
    std::cout << (next ? toJson(*next, true) : nlohmann::json()).dump(2) << '\n';
    return 0;
  }
  if (!next) {
    std::printf("nothing left to read for %s\n", reader->c_str());
    return 0;
  }
  std::printf("%s %s (%s, %s)\n", next->record.caseUid.c_str(), next->record.source.c_str(),
              toString(next->lane), core::toString(next->state));
  return 0;
}

int sitePolicy(CommandLine& cl, core::ReviewStore& store) {
  auto settings = store.siteSettings();
  if (!settings.ok()) return fail(settings.error().message);
  DoubleReadingPolicy policy = policyFromSettings(settings.value());
  if (cl.has("--double-reading") || cl.has("--agree-on")) {
    const auto reader = cl.value("--reader");
    if (!reader) return usage("policy needs --reader NAME to change it (it is audited)", kUsage);
    if (auto when = cl.value("--double-reading")) {
      auto parsed = secondReadingFromString(*when);
      if (!parsed) return usage("--double-reading takes off, abnormal or all", kUsage);
      policy.when = *parsed;
    }
    if (auto agreement = cl.value("--agree-on")) {
      if (*agreement != "referral" && *agreement != "grade")
        return usage("--agree-on takes referral or grade", kUsage);
      policy.onGrade = *agreement == "grade";
    }
    for (const auto& [key, value] : settingsOf(policy)) {
      if (auto set = store.setSiteSetting(key, value, *reader); !set.ok())
        return fail(set.error().message);
    }
  }
  std::printf("double reading: %s; graders agree on the %s\n", toString(policy.when),
              policy.onGrade ? "grade" : "referral");
  return 0;
}

int caseHistory(CommandLine& cl, const core::ReviewStore& store) {
  const auto study = cl.value("--study");
  if (!study) return usage("history needs --study UID", kUsage);
  auto events = store.allCaseEvents();
  if (!events.ok()) return fail(events.error().message);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : events.value()) {
    if (e.caseUid != *study) continue;
    if (cl.has("--json")) {
      out.push_back({{"id", e.id},
                     {"kind", core::toString(e.kind)},
                     {"value", e.value},
                     {"actor", e.actor},
                     {"recorded_at", e.recordedAt}});
    } else {
      std::printf("%s  %s %s by %s\n", e.recordedAt.c_str(), core::toString(e.kind),
                  e.value.empty() ? "(none)" : e.value.c_str(), e.actor.c_str());
    }
  }
  if (cl.has("--json")) std::cout << out.dump(2) << '\n';
  return 0;
}

}  // namespace

int runWorklist(const std::vector<std::string>& args) {
  CommandLine cl(args,
                 {"--store", "--state", "--reader", "--modality", "--kind", "--lane", "--min-score",
                  "--from", "--to", "--sort", "--limit", "--priority", "--study", "--by", "--stage",
                  "--double-reading", "--agree-on"},
                 {"--disagreement", "--desc", "--deidentify", "--json", "--unassign", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const std::string verb = cl.positional().empty() ? "list" : cl.positional()[0];
  if (verb != "add" && cl.positional().size() > 1)
    return usage("worklist " + verb + " takes no PATH", kUsage);
#if VIGIE_CLI_TIER < 1
  if (verb == "add") return kHandToImagingProgram;
#endif
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);
  if (verb == "list") return listWorklist(cl, *store.value());
#if VIGIE_CLI_TIER >= 1
  if (verb == "add") return addToWorklist(cl, *store.value());
#endif
  if (verb == "assign" || verb == "state" || verb == "priority")
    return recordEvent(cl, *store.value(), verb);
  if (verb == "next") return nextCase(cl, *store.value());
  if (verb == "history") return caseHistory(cl, *store.value());
  if (verb == "policy") return sitePolicy(cl, *store.value());
  return usage("unknown worklist verb '" + verb + "'", kUsage);
}

}  // namespace vigie::app::cli
