#include "vigie/core/ReviewStore.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "vigie/core/Sha256.h"

namespace vigie::core {

const char* toString(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::Confirm:
      return "confirm";
    case DecisionKind::Reject:
      return "reject";
    case DecisionKind::Edit:
      return "edit";
    case DecisionKind::Annotate:
      return "annotate";
    case DecisionKind::Add:
      return "add";
  }
  return "confirm";
}

std::optional<DecisionKind> decisionKindFromString(const std::string& text) {
  for (DecisionKind k : {DecisionKind::Confirm, DecisionKind::Reject, DecisionKind::Edit,
                         DecisionKind::Annotate, DecisionKind::Add}) {
    if (text == toString(k)) return k;
  }
  return std::nullopt;
}

namespace {

const std::string kGenesisHash(64, '0');

// Numbered migrations: entry n brings the schema from version n to n + 1.
// Never edit one that has shipped; append a new one.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE decisions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      study_uid TEXT NOT NULL,
      finding_id INTEGER NOT NULL,
      kind TEXT NOT NULL,
      reader TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      note TEXT NOT NULL DEFAULT '',
      center_x REAL, center_y REAL, center_z REAL,
      diameter_mm REAL);
    CREATE INDEX decisions_by_study ON decisions(study_uid, finding_id);
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      recorded_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      detail TEXT NOT NULL,
      previous_hash TEXT NOT NULL,
      hash TEXT NOT NULL);
    CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
      BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
      BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    )sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

std::string utcNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", text, static_cast<long long>(millis));
  return out;
}

std::string chainHash(const std::string& previous, const std::string& at, const std::string& actor,
                      const std::string& action, const std::string& detail) {
  // Length-prefixed fields: no two different entries hash the same text.
  std::ostringstream text;
  for (const std::string* field : {&previous, &at, &actor, &action, &detail}) {
    text << field->size() << ':' << *field << ';';
  }
  return Sha256::hex(text.str());
}

/// A prepared statement that finalises itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return ok_; }
  sqlite3_stmt* get() { return stmt_; }
  void bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), -1, SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, const std::optional<double>& v) {
    v ? sqlite3_bind_double(stmt_, i, *v) : sqlite3_bind_null(stmt_, i);
  }
  int step() { return sqlite3_step(stmt_); }
  std::string text(int column) const {
    const auto* t = sqlite3_column_text(stmt_, column);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

}  // namespace

struct ReviewStore::Impl {
  sqlite3* db = nullptr;
  std::string file;
  int version = 0;

  ~Impl() { sqlite3_close(db); }

  Error sqlError(const std::string& what) const {
    return makeError(ErrorCode::IoError, file + ": " + what + ": " + sqlite3_errmsg(db));
  }

  Status exec(const char* sql, const std::string& what) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      return makeError(ErrorCode::IoError, file + ": " + what + ": " + text);
    }
    return {};
  }

  /// Undoes the open transaction after a failure. Its own outcome is not
  /// reported: the failure that led here is, and SQLite may already have
  /// rolled back by itself (then ROLLBACK says "no transaction", harmlessly).
  void rollback() { sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr); }

  /// Appends an audit entry inside the caller's transaction.
  Status appendAudit(const std::string& actor, const std::string& action,
                     const std::string& detail) {
    std::string previous = kGenesisHash;
    {
      Statement last(db, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1");
      if (!last.ok()) return sqlError("reading the audit log");
      if (last.step() == SQLITE_ROW) previous = last.text(0);
    }
    const std::string at = utcNow();
    Statement insert(db,
                     "INSERT INTO audit (recorded_at, actor, action, detail, previous_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert.ok()) return sqlError("writing the audit log");
    insert.bind(1, at);
    insert.bind(2, actor);
    insert.bind(3, action);
    insert.bind(4, detail);
    insert.bind(5, previous);
    insert.bind(6, chainHash(previous, at, actor, action, detail));
    if (insert.step() != SQLITE_DONE) return sqlError("writing the audit log");
    return {};
  }

  Result<std::vector<Decision>> query(const char* sql, const std::string* studyUid) const {
    Statement select(db, sql);
    if (!select.ok()) return sqlError("reading decisions");
    if (studyUid) select.bind(1, *studyUid);
    std::vector<Decision> out;
    int rc;
    while ((rc = select.step()) == SQLITE_ROW) {
      sqlite3_stmt* s = select.get();
      Decision d;
      d.id = sqlite3_column_int64(s, 0);
      d.studyUid = select.text(1);
      d.findingId = sqlite3_column_int(s, 2);
      d.kind = decisionKindFromString(select.text(3)).value_or(DecisionKind::Annotate);
      d.reader = select.text(4);
      d.recordedAt = select.text(5);
      d.note = select.text(6);
      if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
        d.centerMm = Vec3{sqlite3_column_double(s, 7), sqlite3_column_double(s, 8),
                          sqlite3_column_double(s, 9)};
      }
      if (sqlite3_column_type(s, 10) != SQLITE_NULL) d.diameterMm = sqlite3_column_double(s, 10);
      out.push_back(std::move(d));
    }
    if (rc != SQLITE_DONE) return sqlError("reading decisions");
    return out;
  }
};

ReviewStore::ReviewStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReviewStore::~ReviewStore() = default;

std::filesystem::path ReviewStore::defaultLocation() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "vigie" / "review.sqlite";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".local" / "share" / "vigie" /
         "review.sqlite";
}

Result<std::unique_ptr<ReviewStore>> ReviewStore::open(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return makeError(ErrorCode::IoError, file.parent_path().string() + ": " + ec.message());
  auto impl = std::make_unique<Impl>();
  impl->file = file.string();
  if (sqlite3_open_v2(impl->file.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return impl->sqlError("cannot open the review store");
  }
  sqlite3_busy_timeout(impl->db, 10000);  // another process (GUI or CLI) may be writing
  // WAL: readers never block the writer; synchronous FULL: a commit is on disk when it returns.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    auto status = impl->exec(pragma, pragma);
    if (!status.ok()) return status.error();
  }
  auto status = impl->exec("BEGIN IMMEDIATE", "starting a migration");
  if (!status.ok()) return status.error();
  status =
      impl->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", "schema");
  int version = 0;
  if (status.ok()) {
    Statement read(impl->db, "SELECT version FROM schema_version");
    if (read.ok() && read.step() == SQLITE_ROW) version = sqlite3_column_int(read.get(), 0);
  }
  if (status.ok() && version > kSchemaVersion) {
    impl->rollback();
    return makeError(ErrorCode::Unsupported,
                     impl->file + ": review store schema version " + std::to_string(version) +
                         " is newer than this Vigie (" + std::to_string(kSchemaVersion) + ")");
  }
  for (int v = version; status.ok() && v < kSchemaVersion; ++v)
    status = impl->exec(kMigrations[v], "migrating");
  if (status.ok() && version < kSchemaVersion) {
    status = impl->exec("DELETE FROM schema_version", "schema");
    const std::string set =
        "INSERT INTO schema_version VALUES (" + std::to_string(kSchemaVersion) + ")";
    if (status.ok()) status = impl->exec(set.c_str(), "schema");
  }
  if (!status.ok()) {
    impl->rollback();
    return status.error();
  }
  status = impl->exec("COMMIT", "finishing a migration");
  if (!status.ok()) return status.error();
  impl->version = kSchemaVersion;
  return std::unique_ptr<ReviewStore>(new ReviewStore(std::move(impl)));
}

int ReviewStore::schemaVersion() const { return impl_->version; }

Result<std::int64_t> ReviewStore::recordDecision(Decision d) {
  if (d.studyUid.empty() || d.reader.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a decision needs a study UID and a reader");
  }
  auto status = impl_->exec("BEGIN IMMEDIATE", "starting a decision");
  if (!status.ok()) return status.error();
  d.recordedAt = utcNow();
  Statement insert(
      impl_->db,
      "INSERT INTO decisions (study_uid, finding_id, kind, reader, recorded_at, note, center_x, "
      "center_y, center_z, diameter_mm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  bool ok = insert.ok();
  if (ok) {
    insert.bind(1, d.studyUid);
    insert.bind(2, static_cast<std::int64_t>(d.findingId));
    insert.bind(3, std::string(toString(d.kind)));
    insert.bind(4, d.reader);
    insert.bind(5, d.recordedAt);
    insert.bind(6, d.note);
    for (int a = 0; a < 3; ++a) {
      insert.bind(7 + a, d.centerMm ? std::optional<double>((*d.centerMm)[a]) : std::nullopt);
    }
    insert.bind(10, d.diameterMm);
    ok = insert.step() == SQLITE_DONE;
  }
  if (!ok) {
    const Error error = impl_->sqlError("recording a decision");
    impl_->rollback();
    return error;
  }
  const std::int64_t id = sqlite3_last_insert_rowid(impl_->db);
  status =
      impl_->appendAudit(d.reader, "decision",
                         std::string(toString(d.kind)) + " finding " + std::to_string(d.findingId) +
                             " (decision " + std::to_string(id) + ")");
  if (!status.ok()) {
    impl_->rollback();
    return status.error();
  }
  status = impl_->exec("COMMIT", "committing a decision");
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<Decision>> ReviewStore::decisions(const std::string& studyUid) const {
  return impl_->query(
      "SELECT id, study_uid, finding_id, kind, reader, recorded_at, note, center_x, center_y, "
      "center_z, "
      "diameter_mm FROM decisions WHERE study_uid = ? ORDER BY id",
      &studyUid);
}

Result<std::vector<Decision>> ReviewStore::allDecisions() const {
  return impl_->query(
      "SELECT id, study_uid, finding_id, kind, reader, recorded_at, note, center_x, center_y, "
      "center_z, "
      "diameter_mm FROM decisions ORDER BY id",
      nullptr);
}

Status ReviewStore::audit(const std::string& actor, const std::string& action,
                          const std::string& detail) {
  auto status = impl_->exec("BEGIN IMMEDIATE", "starting an audit entry");
  if (!status.ok()) return status;
  status = impl_->appendAudit(actor, action, detail);
  if (!status.ok()) {
    impl_->rollback();
    return status;
  }
  return impl_->exec("COMMIT", "committing an audit entry");
}

Result<AuditCheck> ReviewStore::verifyAuditChain() const {
  Statement select(
      impl_->db,
      "SELECT id, recorded_at, actor, action, detail, previous_hash, hash FROM audit ORDER BY id");
  if (!select.ok()) return impl_->sqlError("reading the audit log");
  AuditCheck check;
  std::string previous = kGenesisHash;
  int rc;
  while ((rc = select.step()) == SQLITE_ROW) {
    const std::int64_t id = sqlite3_column_int64(select.get(), 0);
    const std::string expected =
        chainHash(previous, select.text(1), select.text(2), select.text(3), select.text(4));
    if (select.text(5) != previous || select.text(6) != expected) {
      check.intact = false;
      check.problem =
          "audit entry " + std::to_string(id) + " does not follow from the entry before it";
      return check;
    }
    previous = select.text(6);
    ++check.entries;
  }
  if (rc != SQLITE_DONE) return impl_->sqlError("reading the audit log");
  return check;
}

}  // namespace vigie::core
