#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
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
  Result<std::int64_t> recordDecision(Decision decision);
  /// Every decision for a study, oldest first (the full history).
  Result<std::vector<Decision>> decisions(const std::string& studyUid) const;
  /// Every decision in the store, oldest first (for backup/export).
  Result<std::vector<Decision>> allDecisions() const;

  /// Appends an audit entry (e.g. "study opened", "model run", "export").
  /// `detail` must not contain patient names or IDs.
  Status audit(const std::string& actor, const std::string& action, const std::string& detail);
  Result<AuditCheck> verifyAuditChain() const;

  int schemaVersion() const;

 private:
  struct Impl;
  explicit ReviewStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::core
