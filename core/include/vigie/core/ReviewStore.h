#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/CaseRecords.h"
#include "vigie/core/Finding.h"
#include "vigie/core/Result.h"
#include "vigie/core/SlicePlane.h"
#include "vigie/core/Vec3.h"

namespace vigie::core {

/// What a reader did with a finding.
enum class DecisionKind { Confirm, Reject, Edit, Annotate, Add };
const char* toString(DecisionKind kind);  ///< "confirm", "reject", "edit", "annotate", "add"
std::optional<DecisionKind> decisionKindFromString(const std::string& text);

/// One reader decision. Decisions are never changed or deleted: a new one
/// supersedes an older one for the same finding, and the history stays.
struct Decision {
  std::int64_t id = 0;   ///< set by the store
  std::string studyUid;  ///< Study Instance UID
  int findingId = 0;     ///< the model's finding id, or the reader's own for Add
  DecisionKind kind = DecisionKind::Confirm;
  std::string reader;                ///< who decided
  std::string recordedAt;            ///< UTC, ISO 8601; set by the store
  std::string note;                  ///< free text (annotation, reason)
  std::optional<Vec3> centerMm;      ///< LPS mm, for Edit and Add
  std::optional<double> diameterMm;  ///< mm, for Edit and Add
  std::string category;              ///< for Annotate: e.g. "calcified", "follow-up"
  /// The decision on the same finding that this one follows (set by the store),
  /// so the history says what changed and from what.
  std::optional<std::int64_t> previousDecisionId;
};

/// Finding ids the store gives to findings a reader adds (kind Add with
/// findingId 0) start here, clear of any model's ids.
constexpr int kFirstReaderFindingId = 1001;

/// One run of a model over a series, with what it found.
struct ModelRun {
  std::int64_t id = 0;  ///< set by the store
  std::string studyUid;
  std::string seriesUid;
  std::string bundleId;
  std::string bundleVersion;
  std::string weightsSha256;
  std::string device;  ///< e.g. "cpu (2 threads)", "cuda:0"
  double durationSeconds = 0.0;
  std::string reader;      ///< who started it
  std::string recordedAt;  ///< set by the store
  std::vector<Finding> findings;
};

/// A reader's own grade of a fundus photograph (ICDR 0-4), append-only.
struct FundusGrade {
  std::int64_t id = 0;   ///< set by the store
  std::string imageUid;  ///< SOP Instance UID, or the file's content hash for a plain photograph
  std::string studyUid;  ///< may be empty for a plain photograph
  std::string reader;
  int grade = 0;  ///< ICDR: 0 none, 1 mild, 2 moderate, 3 severe NPDR, 4 proliferative
  bool gradable = true;
  std::string note;
  std::string recordedAt;  ///< set by the store
};

/// A lesion a reader marked on a fundus photograph (a circle in the
/// photograph's pixels), append-only: removing a mark records a new entry
/// whose `withdraws` names it. See lesionMarksInForce.
struct FundusLesionMark {
  std::int64_t id = 0;   ///< set by the store
  std::string imageUid;  ///< as FundusGrade::imageUid
  std::string reader;
  std::string lesion;   ///< e.g. "microaneurysm", "haemorrhage", "hard exudate"
  double x = 0, y = 0;  ///< centre, photograph pixels (0,0 the top-left pixel's centre)
  double radius = 0;    ///< pixels
  std::optional<std::int64_t> withdraws;  ///< set on an entry that removes that mark
  std::string note;
  std::string recordedAt;  ///< set by the store
};

/// The marks a history leaves standing: every mark not withdrawn, in the
/// order they were made (withdrawal entries themselves left out).
std::vector<FundusLesionMark> lesionMarksInForce(const std::vector<FundusLesionMark>& history);

/// The 2D image a measurement was drawn on: one frame of one DICOM image.
struct ImageReference {
  std::string sopClassUid;
  std::string sopInstanceUid;
  int frame = 1;  ///< from 1, as DICOM's Referenced Frame Number
};

/// A point on a 2D image: pixel coordinates, (0, 0) the top left corner of
/// the top left pixel (as an SR's SCOORD).
struct PixelPoint {
  double column = 0.0;
  double row = 0.0;
};

/// A reader's measurement on a series: a length (two points) or a region's
/// statistics; append-only. On a volume its points are in the patient
/// (`pointsMm`); on a 2D image without patient geometry (`image` set), in
/// the image's pixels (`pixelPoints`).
struct Measurement {
  std::int64_t id = 0;  ///< set by the store
  std::string studyUid;
  std::string seriesUid;
  std::string reader;
  std::string kind;                     ///< "length" or "roi"
  std::vector<Vec3> pointsMm;           ///< LPS mm; empty for a measurement on a 2D image
  std::optional<ImageReference> image;  ///< the 2D image it was drawn on
  std::vector<PixelPoint> pixelPoints;  ///< with `image`
  /// Set on an entry that withdraws that measurement (of the same study; the
  /// entry repeats what it withdraws).
  std::optional<std::int64_t> withdraws;
  /// The view it was drawn in (a circle lies in that view's slice); empty
  /// when it was made without one, or recorded before stores kept it and
  /// its note did not say.
  std::optional<SlicePlane> plane;
  double value = 0.0;  ///< in `unit`
  std::string unit;    ///< UCUM, e.g. "mm", "[hnsf'U]"
  std::string note;
  std::string recordedAt;  ///< set by the store
};

/// The measurements a history leaves standing: every one not withdrawn, in
/// the order they were made (withdrawal entries themselves left out).
std::vector<Measurement> measurementsInForce(const std::vector<Measurement>& history);

/// One entry of the audit log.
struct AuditEntry {
  std::int64_t id = 0;
  std::string recordedAt;
  std::string actor;
  std::string action;  ///< e.g. "study opened"
  std::string detail;  ///< e.g. "study 1.2.3"
};

/// Result of checking the audit log's hash chain.
struct AuditCheck {
  std::size_t entries = 0;
  bool intact = true;
  std::string problem;  ///< the first entry that does not match, when !intact
};

/// The review store: an SQLite database (WAL mode, synchronous FULL) holding
/// reader decisions and an append-only audit log whose entries are chained by
/// SHA-256, so that an edit or a deletion is detectable. Schema changes go
/// through numbered migrations. Append-only is enforced by the database
/// itself (triggers refuse UPDATE and DELETE).
///
/// A call that records something returns only once it is durable on disk.
/// One instance per thread; several processes (GUI and CLI) may share a file.
class ReviewStore {
 public:
  static Result<std::unique_ptr<ReviewStore>> open(const std::filesystem::path& file);
  /// $XDG_DATA_HOME/vigie/review.sqlite, or ~/.local/share/vigie/review.sqlite.
  static std::filesystem::path defaultLocation();
  ~ReviewStore();

  /// Stores the decision and its audit entry in one transaction; returns its id.
  /// A reader's added finding (kind Add, findingId 0) gets the next free id
  /// from kFirstReaderFindingId on.
  Result<std::int64_t> recordDecision(Decision decision);
  /// Every decision for a study, oldest first (the full history).
  Result<std::vector<Decision>> decisions(const std::string& studyUid) const;
  /// Every decision in the store, oldest first (for backup/export).
  Result<std::vector<Decision>> allDecisions() const;

  /// Stores a model run and its findings, with an audit entry; returns its id.
  Result<std::int64_t> recordModelRun(ModelRun run);
  /// The most recent model run on a study, if any.
  Result<std::optional<ModelRun>> latestModelRun(const std::string& studyUid) const;
  /// Every model run in the store, oldest first (for backup/export).
  Result<std::vector<ModelRun>> allModelRuns() const;

  Result<std::int64_t> recordFundusGrade(FundusGrade grade);
  /// Every grade given to an image, oldest first.
  Result<std::vector<FundusGrade>> fundusGrades(const std::string& imageUid) const;
  Result<std::vector<FundusGrade>> allFundusGrades() const;

  /// Records a lesion mark, or (with `withdraws` set) the removal of one of
  /// the same image; returns its id.
  Result<std::int64_t> recordFundusLesionMark(FundusLesionMark mark);
  /// Every mark and withdrawal on an image, oldest first.
  Result<std::vector<FundusLesionMark>> fundusLesionMarks(const std::string& imageUid) const;
  Result<std::vector<FundusLesionMark>> allFundusLesionMarks() const;

  Result<std::int64_t> recordMeasurement(Measurement measurement);
  Result<std::vector<Measurement>> measurements(const std::string& studyUid) const;
  Result<std::vector<Measurement>> allMeasurements() const;

  /// Registers a case for the worklist; true when it is new, false when the
  /// store already had it (the first registration stands).
  Result<bool> registerCase(CaseRecord record);
  /// Every registered case, oldest registration first.
  Result<std::vector<CaseRecord>> cases() const;

  Result<std::int64_t> recordFundusAiResult(FundusAiResult result);
  /// Every fundus model answer, oldest first.
  Result<std::vector<FundusAiResult>> allFundusAiResults() const;
  /// The model's answers on one photograph, oldest first.
  Result<std::vector<FundusAiResult>> fundusAiResults(const std::string& imageUid) const;

  /// Records an assignment, a reading state or a priority of a registered
  /// case; the value is checked (a state or priority the store knows).
  Result<std::int64_t> recordCaseEvent(CaseEvent event);
  /// Every case event, oldest first.
  Result<std::vector<CaseEvent>> allCaseEvents() const;

  /// Records a comment on a registered case (or one of its findings).
  Result<std::int64_t> recordComment(CaseComment comment);
  /// Every comment, oldest first.
  Result<std::vector<CaseComment>> allComments() const;

  /// Sets a site setting (a new entry: the history stays), audited.
  Status setSiteSetting(const std::string& key, const std::string& value, const std::string& actor);
  /// The settings in force: each key's latest value.
  Result<std::map<std::string, std::string>> siteSettings() const;

  /// Appends an audit entry (e.g. "study opened", "model run", "export").
  /// `detail` must not contain patient names or IDs.
  Status audit(const std::string& actor, const std::string& action, const std::string& detail);
  Result<AuditCheck> verifyAuditChain() const;
  /// The audit entries of one action ("study opened"), oldest first.
  Result<std::vector<AuditEntry>> auditEntries(const std::string& action) const;

  int schemaVersion() const;

 private:
  /// The marks of one image, or of all (nullptr), oldest first.
  Result<std::vector<FundusLesionMark>> lesionMarks(const std::string* imageUid) const;
  /// The fundus model's answers on one photograph, or all (nullptr).
  Result<std::vector<FundusAiResult>> fundusAiResults(const std::string* imageUid) const;
  struct Impl;
  explicit ReviewStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::core
