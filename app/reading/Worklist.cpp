#include "Worklist.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>
#include <set>

namespace vigie::app {
namespace {

using core::ReadingState;

/// The records of each case, gathered by case UID.
struct CaseHistory {
  const core::ModelRun* latestRun = nullptr;
  const core::FundusAiResult* latestFundus = nullptr;
  std::map<int, const core::Decision*> latestDecisionPerFinding;
  const core::FundusGrade* latestGrade = nullptr;
  std::vector<core::FundusGrade> grades;  ///< oldest first
  std::vector<std::string> readers;
  std::optional<ReadingState> stateEvent;
  std::string assignedReader;
  core::ClinicalPriority priority = core::ClinicalPriority::Routine;

  void noteReader(const std::string& reader) {
    if (std::find(readers.begin(), readers.end(), reader) == readers.end())
      readers.push_back(reader);
  }
};

std::map<std::string, CaseHistory> gatherHistories(const ReviewRecords& r) {
  std::map<std::string, CaseHistory> byCase;
  // Records come oldest first: the last one seen is the latest.
  for (const auto& run : r.modelRuns) byCase[run.studyUid].latestRun = &run;
  for (const auto& result : r.fundusResults) byCase[result.imageUid].latestFundus = &result;
  for (const auto& d : r.decisions) {
    auto& h = byCase[d.studyUid];
    h.latestDecisionPerFinding[d.findingId] = &d;
    h.noteReader(d.reader);
  }
  for (const auto& g : r.grades) {
    auto& h = byCase[g.imageUid];
    h.latestGrade = &g;
    h.grades.push_back(g);
    h.noteReader(g.reader);
  }
  for (const auto& e : r.events) {
    auto& h = byCase[e.caseUid];
    switch (e.kind) {
      case core::CaseEventKind::Assign:
        h.assignedReader = e.value;
        break;
      case core::CaseEventKind::State:
        h.stateEvent = core::readingStateFromString(e.value);
        break;
      case core::CaseEventKind::Priority:
        h.priority = core::clinicalPriorityFromString(e.value).value_or(h.priority);
        break;
    }
  }
  return byCase;
}

void describeCtAi(const CaseHistory& h, WorklistEntry& e) {
  if (!h.latestRun) return;
  e.analyzed = true;
  e.aiFindings = static_cast<int>(h.latestRun->findings.size());
  for (const auto& f : h.latestRun->findings) e.suspicion = std::max(e.suspicion, f.score);
  e.aiFlagged = e.aiFindings > 0;
  std::set<int> aiIds;
  for (const auto& f : h.latestRun->findings) aiIds.insert(f.id);
  int rejected = 0, added = 0;
  for (const auto& [id, decision] : h.latestDecisionPerFinding) {
    if (decision->kind == core::DecisionKind::Reject && aiIds.count(id)) ++rejected;
    if (decision->kind == core::DecisionKind::Add) ++added;
  }
  std::vector<std::string> parts;
  if (rejected) parts.push_back("rejected " + std::to_string(rejected) + " AI finding(s)");
  if (added) parts.push_back("added " + std::to_string(added) + " finding(s) the AI missed");
  e.disagreement = !parts.empty();
  for (const auto& p : parts)
    e.disagreementDetail += (e.disagreementDetail.empty() ? "" : "; ") + p;
}

void describeFundusAi(const CaseHistory& h, WorklistEntry& e) {
  if (!h.latestFundus) return;
  const auto& ai = *h.latestFundus;
  e.analyzed = true;
  e.suspicion = ai.referableProbability;
  e.aiFindings = ai.lesions;
  e.aiGrade = ai.grade;
  e.aiFlagged = ai.referable || !ai.gradable;
  if (!h.latestGrade) return;
  const auto& g = *h.latestGrade;
  if (g.gradable != ai.gradable) {
    e.disagreement = true;
    e.disagreementDetail = g.gradable ? "the reader graded a photograph the AI called ungradable"
                                      : "the reader called ungradable a photograph the AI graded";
  } else if (g.gradable && (g.grade >= 2) != ai.referable) {
    e.disagreement = true;
    e.disagreementDetail = "reader grade " + std::to_string(g.grade) + " (" +
                           (g.grade >= 2 ? "referable" : "not referable") + "), AI " +
                           (ai.referable ? "referable" : "not referable");
  }
}

ReadingState stateOf(const core::CaseRecord& record, const CaseHistory& h,
                     const std::optional<GradingStatus>& grading) {
  if (h.stateEvent) return *h.stateEvent;
  if (record.kind == core::CaseKind::Fundus) {
    if (!h.latestGrade) return ReadingState::Unread;
    const bool final = !grading || grading->stage == GradingStage::Final;
    return final ? ReadingState::Read : ReadingState::InProgress;
  }
  return h.latestDecisionPerFinding.empty() ? ReadingState::Unread : ReadingState::InProgress;
}

WorklistLane laneOf(const WorklistEntry& e) {
  if (e.state == ReadingState::Read || e.state == ReadingState::TrainerReviewed)
    return WorklistLane::Done;
  if (!e.analyzed) return WorklistLane::AwaitingAi;
  return e.aiFlagged ? WorklistLane::Flagged : WorklistLane::AiNormal;
}

int stateRank(ReadingState s) { return static_cast<int>(s); }
int priorityRank(core::ClinicalPriority p) { return static_cast<int>(p); }
long long roundedScore(double s) { return std::llround(s * 100.0); }

}  // namespace

const char* toString(WorklistLane lane) {
  switch (lane) {
    case WorklistLane::Flagged:
      return "flagged";
    case WorklistLane::AwaitingAi:
      return "awaiting-ai";
    case WorklistLane::AiNormal:
      return "ai-normal";
    case WorklistLane::Done:
      return "done";
  }
  return "awaiting-ai";
}

std::optional<WorklistLane> worklistLaneFromString(const std::string& text) {
  for (auto lane : {WorklistLane::Flagged, WorklistLane::AwaitingAi, WorklistLane::AiNormal,
                    WorklistLane::Done}) {
    if (text == toString(lane)) return lane;
  }
  return std::nullopt;
}

std::optional<std::chrono::system_clock::time_point> parseStoreTime(const std::string& text) {
  std::tm utc{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  if (!end) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&utc));
}

std::vector<WorklistEntry> buildWorklist(const ReviewRecords& records,
                                         std::chrono::system_clock::time_point now) {
  const auto histories = gatherHistories(records);
  const DoubleReadingPolicy policy = policyFromSettings(records.settings);
  static const CaseHistory kNone;
  std::vector<WorklistEntry> entries;
  entries.reserve(records.cases.size());
  for (const auto& record : records.cases) {
    const auto found = histories.find(record.caseUid);
    const CaseHistory& h = found == histories.end() ? kNone : found->second;
    WorklistEntry e;
    e.record = record;
    if (record.kind == core::CaseKind::Fundus)
      describeFundusAi(h, e);
    else
      describeCtAi(h, e);
    if (record.kind == core::CaseKind::Fundus && policy.when != SecondReading::Off)
      e.grading = gradingStatus(h.grades, h.latestFundus, policy);
    e.state = stateOf(record, h, e.grading);
    e.assignedReader = h.assignedReader;
    e.priority = h.priority;
    e.readers = h.readers;
    if (auto registered = parseStoreTime(record.registeredAt)) {
      e.waitingHours =
          std::max(0.0, std::chrono::duration<double, std::ratio<3600>>(now - *registered).count());
    }
    e.lane = laneOf(e);
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(), triageBefore);
  return entries;
}

void hideBlindGradesFrom(std::vector<WorklistEntry>& entries, const std::string& reader,
                         const DoubleReadingPolicy& policy) {
  for (WorklistEntry& e : entries) {
    if (!e.grading || !gradesHiddenFrom(*e.grading, reader, policy)) continue;
    e.disagreement = false;
    e.disagreementDetail.clear();
  }
}

bool triageBefore(const WorklistEntry& a, const WorklistEntry& b) {
  if (a.lane != b.lane) return a.lane < b.lane;
  if (a.lane == WorklistLane::Flagged && roundedScore(a.suspicion) != roundedScore(b.suspicion))
    return roundedScore(a.suspicion) > roundedScore(b.suspicion);
  if (a.priority != b.priority) return priorityRank(a.priority) > priorityRank(b.priority);
  return a.record.registeredAt < b.record.registeredAt;
}

bool matches(const WorklistEntry& e, const WorklistFilter& f) {
  if (f.minSuspicion && !(e.analyzed && e.suspicion >= *f.minSuspicion)) return false;
  if (f.disagreementOnly && !e.disagreement) return false;
  if (f.state && e.state != *f.state) return false;
  if (f.reader && e.assignedReader != *f.reader &&
      std::find(e.readers.begin(), e.readers.end(), *f.reader) == e.readers.end())
    return false;
  if (f.modality && e.record.modality != *f.modality) return false;
  if (f.kind && e.record.kind != *f.kind) return false;
  if (f.lane && e.lane != *f.lane) return false;
  if (f.stage && (!e.grading || e.grading->stage != *f.stage)) return false;
  if (!f.fromDate.empty() && (e.record.studyDate.empty() || e.record.studyDate < f.fromDate))
    return false;
  if (!f.toDate.empty() && (e.record.studyDate.empty() || e.record.studyDate > f.toDate))
    return false;
  return true;
}

namespace {

using Less = std::function<bool(const WorklistEntry&, const WorklistEntry&)>;

std::string readerList(const WorklistEntry& e) {
  std::string text;
  for (const auto& reader : e.readers) text += (text.empty() ? "" : ", ") + reader;
  return text;
}

/// A column's natural order (ascending); "triage" has none of its own.
const std::vector<std::pair<std::string, Less>>& columnOrders() {
  static const std::vector<std::pair<std::string, Less>> kOrders = {
      {"triage", nullptr},
      {"fifo",
       [](const auto& a, const auto& b) { return a.record.registeredAt < b.record.registeredAt; }},
      {"score", [](const auto& a, const auto& b) { return a.suspicion < b.suspicion; }},
      {"date",
       [](const auto& a, const auto& b) { return a.record.studyDate < b.record.studyDate; }},
      {"state",
       [](const auto& a, const auto& b) { return stateRank(a.state) < stateRank(b.state); }},
      {"reader", [](const auto& a, const auto& b) { return a.assignedReader < b.assignedReader; }},
      {"modality",
       [](const auto& a, const auto& b) { return a.record.modality < b.record.modality; }},
      {"patient",
       [](const auto& a, const auto& b) { return a.record.patientName < b.record.patientName; }},
      {"findings", [](const auto& a, const auto& b) { return a.aiFindings < b.aiFindings; }},
      {"priority",
       [](const auto& a, const auto& b) {
         return priorityRank(a.priority) < priorityRank(b.priority);
       }},
      {"waiting", [](const auto& a, const auto& b) { return a.waitingHours < b.waitingHours; }},
      // The GUI's AI-status column: lane by lane, in the triage order's sequence.
      {"lane", [](const auto& a, const auto& b) { return a.lane < b.lane; }},
      // Agreement first; descending puts the disagreements on top.
      {"disagreement",
       [](const auto& a, const auto& b) { return !a.disagreement && b.disagreement; }},
      // The GUI shows the readers as one text, "ann, bob": sorted as that text.
      {"readers", [](const auto& a, const auto& b) { return readerList(a) < readerList(b); }},
  };
  return kOrders;
}

}  // namespace

const std::vector<std::string>& worklistSortColumns() {
  static const std::vector<std::string> kColumns = [] {
    std::vector<std::string> names;
    for (const auto& [name, less] : columnOrders()) names.push_back(name);
    return names;
  }();
  return kColumns;
}

core::Status sortWorklist(std::vector<WorklistEntry>& entries, const std::string& column,
                          bool descending) {
  for (const auto& [name, less] : columnOrders()) {
    if (name != column) continue;
    std::stable_sort(entries.begin(), entries.end(), triageBefore);
    if (less) {
      std::stable_sort(entries.begin(), entries.end(),
                       [&, less = less](const WorklistEntry& a, const WorklistEntry& b) {
                         return descending ? less(b, a) : less(a, b);
                       });
    } else if (descending) {
      std::reverse(entries.begin(), entries.end());
    }
    return {};
  }
  std::string known;
  for (const auto& name : worklistSortColumns()) known += (known.empty() ? "" : ", ") + name;
  return core::makeError(core::ErrorCode::InvalidArgument,
                         "no worklist column '" + column + "' to sort on (columns: " + known + ")");
}

const WorklistEntry* nextCaseFor(const std::vector<WorklistEntry>& triaged,
                                 const std::string& reader) {
  // The reader's own cases first, then the unassigned ones, each in triage order.
  for (const bool assignedOnly : {true, false}) {
    for (const auto& e : triaged) {
      if (e.lane == WorklistLane::Done) continue;
      if (e.grading && !e.grading->mayGrade(reader)) continue;
      if (assignedOnly ? e.assignedReader != reader : !e.assignedReader.empty()) continue;
      return &e;
    }
  }
  return nullptr;
}

}  // namespace vigie::app
