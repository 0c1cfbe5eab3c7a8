#pragma once

// Internal: a prepared SQLite statement with typed binds and reads, for the
// review store.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace vigie::core::review {

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
  // A failed bind (an index out of range, a value too big, memory) is kept
  // and returned by step() instead of running the statement with a value
  // missing; errorMessage() then names it for the caller's error.
  void bind(int i, const std::string& v) {
    keep(sqlite3_bind_text(stmt_, i, v.c_str(), -1, SQLITE_TRANSIENT));
  }
  void bind(int i, std::int64_t v) { keep(sqlite3_bind_int64(stmt_, i, v)); }
  void bind(int i, double v) { keep(sqlite3_bind_double(stmt_, i, v)); }
  void bind(int i, const std::optional<std::int64_t>& v) {
    keep(v ? sqlite3_bind_int64(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
  }
  void bind(int i, const std::optional<std::string>& v) {
    keep(v ? sqlite3_bind_text(stmt_, i, v->c_str(), -1, SQLITE_TRANSIENT)
           : sqlite3_bind_null(stmt_, i));
  }
  void bind(int i, const std::optional<double>& v) {
    keep(v ? sqlite3_bind_double(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
  }
  int step() { return bindResult_ != SQLITE_OK ? bindResult_ : sqlite3_step(stmt_); }
  /// Why step() failed: the kept bind failure's message (SQLite's own is
  /// overwritten by the next bind that succeeds), else SQLite's last one.
  std::string errorMessage() const {
    if (bindResult_ != SQLITE_OK) return bindMessage_;
    sqlite3* db = sqlite3_db_handle(stmt_);
    return db ? sqlite3_errmsg(db) : "no prepared statement";
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  bool isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string text(int column) const {
    const auto* t = sqlite3_column_text(stmt_, column);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  void keep(int result) {
    if (bindResult_ != SQLITE_OK || result == SQLITE_OK) return;
    bindResult_ = result;
    sqlite3* db = sqlite3_db_handle(stmt_);
    bindMessage_ = db ? sqlite3_errmsg(db) : sqlite3_errstr(result);
  }

  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
  int bindResult_ = SQLITE_OK;
  std::string bindMessage_;
};

}  // namespace vigie::core::review
