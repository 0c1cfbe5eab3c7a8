#pragma once

// Internal: the review store's connection and the helpers its parts share
// (ReviewStore.cpp: decisions, runs, grades, marks, measurements, the audit
// log; ReviewStoreCases.cpp: the worklist's cases and their events).

#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

#include "SqliteStatement.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::core::review {

/// The hash before the first audit entry.
extern const std::string kGenesisHash;
/// Now, UTC, ISO 8601 with milliseconds: what every record's time is.
std::string utcNow();
/// An audit entry's hash from the one before it and its fields.
std::string chainHash(const std::string& previous, const std::string& at, const std::string& actor,
                      const std::string& action, const std::string& detail);

}  // namespace vigie::core::review

namespace vigie::core {

// Internal header: the store's parts use these unqualified.
using review::chainHash;
using review::kGenesisHash;
using review::Statement;
using review::utcNow;

struct ReviewStore::Impl {
  sqlite3* db = nullptr;
  std::string file;
  int version = 0;

  ~Impl() { sqlite3_close(db); }

  /// A statement that could not be prepared (or another call on the connection).
  Error sqlError(const std::string& what) const {
    return makeError(ErrorCode::IoError, file + ": " + what + ": " + sqlite3_errmsg(db));
  }
  /// A statement whose step() failed, a failed bind included.
  Error sqlError(const std::string& what, const Statement& failed) const {
    return makeError(ErrorCode::IoError, file + ": " + what + ": " + failed.errorMessage());
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

  /// Runs `body` in one write transaction: all of it is durable when this
  /// returns success, none of it otherwise.
  Status inTransaction(const std::string& what, const std::function<Status()>& body) {
    auto status = exec("BEGIN IMMEDIATE", "starting " + what);
    if (!status.ok()) return status;
    status = body();
    if (!status.ok()) {
      rollback();
      return status;
    }
    return exec("COMMIT", "committing " + what);
  }

  /// Runs an INSERT whose values `bindValues` binds; reports `what` on failure.
  Result<std::int64_t> insert(const char* sql, const std::string& what,
                              const std::function<void(Statement&)>& bindValues) {
    Statement statement(db, sql);
    if (!statement.ok()) return sqlError(what);
    bindValues(statement);
    if (statement.step() != SQLITE_DONE) return sqlError(what, statement);
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db));
  }

  /// Records that a reader, a study and a series exist (first sight only).
  Status noteParticipants(const std::string& reader, const std::string& studyUid,
                          const std::string& seriesUid) {
    const std::string now = utcNow();
    auto once = [&](const char* sql, const std::string& a, const std::string& b) -> Status {
      auto done = insert(sql, "recording who and what", [&](Statement& st) {
        st.bind(1, a);
        st.bind(2, b);
      });
      if (!done.ok()) return done.error();
      return {};
    };
    Status status;
    if (!reader.empty())
      status = once("INSERT OR IGNORE INTO readers (name, first_seen) VALUES (?, ?)", reader, now);
    if (status.ok() && !studyUid.empty())
      status = once("INSERT OR IGNORE INTO studies (study_uid, first_seen) VALUES (?, ?)", studyUid,
                    now);
    if (status.ok() && !seriesUid.empty()) {
      Statement st(db,
                   "INSERT OR IGNORE INTO series (series_uid, study_uid, first_seen) VALUES (?, ?, "
                   "?)");
      if (!st.ok()) return sqlError("recording a series");
      st.bind(1, seriesUid);
      st.bind(2, studyUid);
      st.bind(3, now);
      if (st.step() != SQLITE_DONE) return sqlError("recording a series", st);
    }
    return status;
  }

  /// Fails, naming the UID, unless the case is registered.
  Status requireCase(const std::string& caseUid) const {
    Statement known(db, "SELECT 1 FROM cases WHERE case_uid = ?");
    if (!known.ok()) return sqlError("finding a case");
    known.bind(1, caseUid);
    const int rc = known.step();
    if (rc == SQLITE_ROW) return {};
    if (rc == SQLITE_DONE) {
      return makeError(ErrorCode::NotFound, "no case " + caseUid +
                                                " in the review store (register it first: open, "
                                                "analyse or add it to the worklist)");
    }
    return sqlError("finding a case", known);
  }

  /// Appends an audit entry inside the caller's transaction.
  Status appendAudit(const std::string& actor, const std::string& action,
                     const std::string& detail) {
    std::string previous = kGenesisHash;
    {
      Statement last(db, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1");
      if (!last.ok()) return sqlError("reading the audit log");
      // No row is an empty log, so the chain starts; a failed read must not
      // be taken for one, or the chain would restart in the middle.
      const int rc = last.step();
      if (rc == SQLITE_ROW)
        previous = last.text(0);
      else if (rc != SQLITE_DONE)
        return sqlError("reading the audit log", last);
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
    if (insert.step() != SQLITE_DONE) return sqlError("writing the audit log", insert);
    return {};
  }

  /// The schema version the store records; 0 for a new store (no row). A
  /// store that cannot say is an error, never version 0: migrating a store
  /// from scratch over its own tables would fail half-way or, worse, not.
  Result<int> storedSchemaVersion() const {
    Statement read(db, "SELECT version FROM schema_version");
    if (!read.ok()) return sqlError("reading the schema version");
    const int rc = read.step();
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) return sqlError("reading the schema version", read);
    if (sqlite3_column_type(read.get(), 0) != SQLITE_INTEGER || read.integer(0) < 1) {
      return makeError(ErrorCode::ParseError, file + ": the review store's schema version is '" +
                                                  read.text(0) +
                                                  "', not a version number: is this a Vigie "
                                                  "review store?");
    }
    return static_cast<int>(read.integer(0));
  }

  /// Decisions, of one study (`studyUid`) or all (null).
  Result<std::vector<Decision>> query(const std::string& sql, const std::string* studyUid) const {
    return selectRows<Decision>(
        sql, "reading decisions", keyBinder(studyUid), [](const Statement& row) {
          Decision d;
          d.id = row.integer(0);
          d.studyUid = row.text(1);
          d.findingId = static_cast<int>(row.integer(2));
          d.kind = decisionKindFromString(row.text(3)).value_or(DecisionKind::Annotate);
          d.reader = row.text(4);
          d.recordedAt = row.text(5);
          d.note = row.text(6);
          if (!row.isNull(7)) d.centerMm = Vec3{row.real(7), row.real(8), row.real(9)};
          if (!row.isNull(10)) d.diameterMm = row.real(10);
          d.category = row.text(11);
          if (!row.isNull(12)) d.previousDecisionId = row.integer(12);
          return d;
        });
  }

  /// Binds `key` as the query's one parameter; binds nothing for null.
  static std::function<void(Statement&)> keyBinder(const std::string* key) {
    if (!key) return nullptr;
    return [key](Statement& st) { st.bind(1, *key); };
  }

  /// Every row `sql` selects, each made by `fromRow`; `bindKeys` (may be
  /// empty) binds the query's parameters. `what` names the read in errors.
  template <typename Row>
  Result<std::vector<Row>> selectRows(const std::string& sql, const std::string& what,
                                      const std::function<void(Statement&)>& bindKeys,
                                      const std::function<Row(const Statement&)>& fromRow) const {
    Statement select(db, sql.c_str());
    if (!select.ok()) return sqlError(what);
    if (bindKeys) bindKeys(select);
    std::vector<Row> rows;
    int rc;
    while ((rc = select.step()) == SQLITE_ROW) rows.push_back(fromRow(select));
    if (rc != SQLITE_DONE) return sqlError(what, select);
    return rows;
  }

  // Readers shared by the per-study (or per-image) and whole-store queries;
  // a null key means every row.
  Result<std::vector<ModelRun>> modelRuns(const std::string* studyUid, bool latestOnly) const;
  Result<std::vector<FundusGrade>> fundusGrades(const std::string* imageUid) const;
  Result<std::vector<Measurement>> measurements(const std::string* studyUid) const;
};

}  // namespace vigie::core
