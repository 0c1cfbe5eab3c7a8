#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigie::core {

/// What a case is: a CT study, or a fundus photograph.
enum class CaseKind { Ct, Fundus };
const char* toString(CaseKind kind);  ///< "ct", "fundus"
std::optional<CaseKind> caseKindFromString(const std::string& text);

/// A study or photograph the review store knows of: registered when it is
/// opened, analysed, retrieved or added to the worklist. The first
/// registration is kept; registering it again changes nothing.
struct CaseRecord {
  /// The Study Instance UID of a CT study; a photograph's identity in the
  /// store (FundusGrade::imageUid: its SOP Instance UID or "sha256:...").
  std::string caseUid;
  CaseKind kind = CaseKind::Ct;
  std::string modality;  ///< DICOM modality: "CT", "OP", "XC" ...
  /// As the images say, for the worklist's display (which can hide them);
  /// never written to the audit log.
  std::string patientName, patientId;
  std::string studyDate;     ///< DICOM DA (YYYYMMDD); may be empty
  std::string source;        ///< the file or folder it was found in, to open it again
  std::string registeredBy;  ///< the reader or program that registered it
  std::string registeredAt;  ///< UTC, ISO 8601; set by the store
};

/// Where a fundus model found a lesion on a photograph: a region of its
/// heatmap, in the photograph's own pixels (0,0 the centre of the top left
/// pixel), as the DR pipeline finds it (imaging::findLesionRegions).
struct FundusAiLesionRegion {
  std::string kind = "lesion";  ///< the model's lesion kind, when it names one
  double centerX = 0.0, centerY = 0.0;
  double radius = 0.0;  ///< pixels: the circle of the region's area
  double score = 0.0;   ///< the heatmap's highest value in it, 0-1
};

/// A fundus model's answer on one photograph (a CT model's is a ModelRun).
struct FundusAiResult {
  std::int64_t id = 0;   ///< set by the store
  std::string imageUid;  ///< as FundusGrade::imageUid
  std::string bundleId, bundleVersion, weightsSha256;
  std::string device;
  double durationSeconds = 0.0;
  int grade = 0;                      ///< ICDR 0-4
  double referableProbability = 0.0;  ///< calibrated
  bool referable = false;             ///< at the bundle's operating threshold
  bool gradable = true;
  double qualityScore = 0.0;
  int lesions = 0;  ///< lesion regions on the heatmap
  /// Where they are, strongest first. Empty for results recorded before the
  /// store kept places (schema version 8), although `lesions` counts them.
  std::vector<FundusAiLesionRegion> lesionRegions;
  std::string reader;      ///< who started the run
  std::string recordedAt;  ///< set by the store
};

/// Where a case is in its reading, as the worklist shows it.
enum class ReadingState { Unread, InProgress, Read, TrainerReviewed };
const char* toString(ReadingState state);  ///< "unread", "in-progress", "read", "trainer-reviewed"
std::optional<ReadingState> readingStateFromString(const std::string& text);

/// A case's clinical priority: a tie-breaker of the worklist's triage order.
enum class ClinicalPriority { Routine, Urgent, Stat };
const char* toString(ClinicalPriority priority);  ///< "routine", "urgent", "stat"
std::optional<ClinicalPriority> clinicalPriorityFromString(const std::string& text);

/// What a case event sets.
enum class CaseEventKind { Assign, State, Priority };
const char* toString(CaseEventKind kind);  ///< "assign", "state", "priority"
std::optional<CaseEventKind> caseEventKindFromString(const std::string& text);

/// One change in a case's worklist history, append-only: an assignment to a
/// reader (value: the reader; empty: unassigned), a reading state (value:
/// toString(ReadingState)) or a clinical priority (value:
/// toString(ClinicalPriority)). The latest event of each kind is in force.
struct CaseEvent {
  std::int64_t id = 0;  ///< set by the store
  std::string caseUid;
  CaseEventKind kind = CaseEventKind::State;
  std::string value;
  std::string actor;       ///< who made the change
  std::string recordedAt;  ///< set by the store
};

/// A trainer's comment on a case, or on one of its findings, append-only.
struct CaseComment {
  std::int64_t id = 0;  ///< set by the store
  std::string caseUid;
  std::optional<int> findingId;  ///< unset: on the whole case
  std::string text;
  std::string author;
  std::string recordedAt;  ///< set by the store
};

}  // namespace vigie::core
