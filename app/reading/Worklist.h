#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "DoubleReading.h"
#include "ReviewRecords.h"
#include "vigie/core/CaseRecords.h"
#include "vigie/core/Result.h"

namespace vigie::app {

/// Where a case waits, in the triage order's sequence: what the AI flagged,
/// what it has not seen yet, what it called normal, and what is read.
enum class WorklistLane { Flagged, AwaitingAi, AiNormal, Done };
const char* toString(WorklistLane lane);  ///< "flagged", "awaiting-ai", "ai-normal", "done"
std::optional<WorklistLane> worklistLaneFromString(const std::string& text);

/// One case as the worklist shows it.
struct WorklistEntry {
  core::CaseRecord record;
  bool analyzed = false;  ///< a model has run on it
  /// How suspicious the AI finds it: a CT study's highest finding score, a
  /// photograph's referable probability; 0 when not analysed.
  double suspicion = 0.0;
  int aiFindings = 0;          ///< CT findings, or a photograph's lesion regions
  std::optional<int> aiGrade;  ///< a photograph's ICDR grade by the model
  bool aiFlagged = false;      ///< CT: any finding; photograph: referable or ungradable
  core::ReadingState state = core::ReadingState::Unread;
  std::string assignedReader;  ///< empty: unassigned
  core::ClinicalPriority priority = core::ClinicalPriority::Routine;
  /// A reader's read differs from the AI's: a CT finding rejected or one
  /// added; a photograph's referable call or gradability not the model's.
  bool disagreement = false;
  std::string disagreementDetail;    ///< what differs, in words
  std::vector<std::string> readers;  ///< who recorded a decision or grade, first first
  double waitingHours = 0.0;         ///< since it was registered
  /// A photograph's grading under the site's double-reading policy; unset
  /// for CT studies and when the site has no double reading.
  std::optional<GradingStatus> grading;
  WorklistLane lane = WorklistLane::AwaitingAi;
};

/// Every registered case as an entry, in triage order. The reading state is
/// the latest state event's; without one, a CT study with decisions is in
/// progress and a graded photograph is read (with double reading: read once
/// its grading is final, in progress while a second reading or an
/// arbitration is awaited). The latest model run (or
/// fundus result) is the AI's answer.
std::vector<WorklistEntry> buildWorklist(const ReviewRecords& records,
                                         std::chrono::system_clock::time_point now);

/// The worklist as `reader` may see it: a photograph whose earlier grades
/// are hidden from them (a blind second reading, or an arbitration, they
/// have yet to give: gradesHiddenFrom) loses its reader/AI disagreement,
/// which would tell the first grade ("reader grade 3, AI not referable").
void hideBlindGradesFrom(std::vector<WorklistEntry>& entries, const std::string& reader,
                         const DoubleReadingPolicy& policy);

/// The triage order: lane by lane (flagged, awaiting AI, AI-normal, done);
/// within the flagged lane the most suspicious first (scores compared to two
/// decimals, so that a 0.931 and a 0.934 tie), then the higher clinical
/// priority, then the longest waiting; in the other lanes priority, then
/// waiting time (FIFO).
bool triageBefore(const WorklistEntry& a, const WorklistEntry& b);

/// Selects entries. Unset fields select everything.
struct WorklistFilter {
  std::optional<double> minSuspicion;  ///< suspicion at least this
  bool disagreementOnly = false;
  std::optional<core::ReadingState> state;
  std::optional<std::string> reader;  ///< assigned to, or read by, this reader
  std::optional<std::string> modality;
  std::optional<core::CaseKind> kind;
  std::optional<WorklistLane> lane;
  std::optional<GradingStage> stage;  ///< photographs at this grading stage
  std::string fromDate, toDate;       ///< study date range, YYYYMMDD, inclusive; empty: open
};
bool matches(const WorklistEntry& entry, const WorklistFilter& filter);

/// The columns the list sorts on: "triage" (the default), "fifo" (oldest
/// registration first), "score", "date", "state", "reader", "modality",
/// "patient", "findings", "priority", "waiting", "lane" (the AI status:
/// flagged, awaiting AI, AI-normal, done), "disagreement" (agreeing first),
/// "readers" (who read it, compared as the list "ann, bob" the GUI shows).
const std::vector<std::string>& worklistSortColumns();
/// Sorts by a column (stable: ties keep the triage order); an error names
/// the columns there are when `column` is not one.
core::Status sortWorklist(std::vector<WorklistEntry>& entries, const std::string& column,
                          bool descending);

/// The next case for a reader: the first in triage order of those assigned
/// to them, then of the unassigned ones; never a read case, nor a second
/// reading of their own grade, nor an arbitration between them and another.
const WorklistEntry* nextCaseFor(const std::vector<WorklistEntry>& triaged,
                                 const std::string& reader);

/// Seconds since the epoch of the store's UTC times ("2026-12-01T10:00:00.000Z").
std::optional<std::chrono::system_clock::time_point> parseStoreTime(const std::string& text);

}  // namespace vigie::app
