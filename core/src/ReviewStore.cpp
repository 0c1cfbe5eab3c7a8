#include "vigie/core/ReviewStore.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <sstream>

#include "ReviewSchema.h"
#include "ReviewStoreImpl.h"
#include "SqliteStatement.h"
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

namespace review {

const std::string kGenesisHash(64, '0');

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

}  // namespace review

namespace {

std::string pointsToText(const std::vector<Vec3>& points) {
  std::ostringstream text;
  text.precision(17);  // round-trips a double
  for (const Vec3& p : points) text << p.x << ' ' << p.y << ' ' << p.z << ';';
  return text.str();
}

/// A 2D image's points in the same column as a volume's: (column, row, 0).
std::string pointsToText(const std::vector<PixelPoint>& points) {
  std::vector<Vec3> asVectors;
  for (const PixelPoint& p : points) asVectors.push_back({p.column, p.row, 0.0});
  return pointsToText(asVectors);
}

std::vector<Vec3> pointsFromText(const std::string& text) {
  std::vector<Vec3> points;
  std::istringstream in(text);
  Vec3 p;
  char separator = 0;
  while (in >> p.x >> p.y >> p.z >> separator) points.push_back(p);
  return points;
}

}  // namespace

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
    auto stored = impl->storedSchemaVersion();
    if (stored.ok())
      version = stored.value();
    else
      status = stored.error();
  }
  if (status.ok() && version > review::schemaVersion()) {
    impl->rollback();
    return makeError(ErrorCode::Unsupported, impl->file + ": review store schema version " +
                                                 std::to_string(version) +
                                                 " is newer than this Vigie (" +
                                                 std::to_string(review::schemaVersion()) + ")");
  }
  for (int v = version; status.ok() && v < review::schemaVersion(); ++v)
    status = impl->exec(review::migration(v), "migrating");
  if (status.ok() && version < review::schemaVersion()) {
    status = impl->exec("DELETE FROM schema_version", "schema");
    const std::string set =
        "INSERT INTO schema_version VALUES (" + std::to_string(review::schemaVersion()) + ")";
    if (status.ok()) status = impl->exec(set.c_str(), "schema");
  }
  if (!status.ok()) {
    impl->rollback();
    return status.error();
  }
  status = impl->exec("COMMIT", "finishing a migration");
  if (!status.ok()) return status.error();
  impl->version = review::schemaVersion();
  return std::unique_ptr<ReviewStore>(new ReviewStore(std::move(impl)));
}

int ReviewStore::schemaVersion() const { return impl_->version; }

namespace {
constexpr const char* kDecisionColumns =
    "SELECT id, study_uid, finding_id, kind, reader, recorded_at, note, center_x, center_y, "
    "center_z, diameter_mm, category, previous_decision_id FROM decisions ";
}  // namespace

Result<std::int64_t> ReviewStore::recordDecision(Decision d) {
  if (d.studyUid.empty() || d.reader.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a decision needs a study UID and a reader");
  }
  d.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a decision", [&]() -> Status {
    if (d.kind == DecisionKind::Add && d.findingId == 0) {
      Statement next(impl_->db,
                     "SELECT MAX(finding_id) FROM decisions WHERE study_uid = ? AND kind = 'add'");
      if (!next.ok()) return impl_->sqlError("numbering an added finding");
      next.bind(1, d.studyUid);
      d.findingId = kFirstReaderFindingId;
      // MAX() always gives a row; anything else is a failure, not "no finding yet".
      if (next.step() != SQLITE_ROW) return impl_->sqlError("numbering an added finding", next);
      if (!next.isNull(0)) {
        d.findingId = std::max<int>(kFirstReaderFindingId, static_cast<int>(next.integer(0)) + 1);
      }
    }
    {
      Statement previous(impl_->db,
                         "SELECT MAX(id) FROM decisions WHERE study_uid = ? AND finding_id = ?");
      if (!previous.ok()) return impl_->sqlError("reading a finding's history");
      previous.bind(1, d.studyUid);
      previous.bind(2, static_cast<std::int64_t>(d.findingId));
      // Read as "no row", a failure would cut the finding's history here.
      if (previous.step() != SQLITE_ROW)
        return impl_->sqlError("reading a finding's history", previous);
      if (!previous.isNull(0)) d.previousDecisionId = previous.integer(0);
    }
    if (auto s = impl_->noteParticipants(d.reader, d.studyUid, ""); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO decisions (study_uid, finding_id, kind, reader, recorded_at, note, center_x, "
        "center_y, center_z, diameter_mm, category, previous_decision_id) VALUES (?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?)",
        "recording a decision", [&](Statement& st) {
          st.bind(1, d.studyUid);
          st.bind(2, static_cast<std::int64_t>(d.findingId));
          st.bind(3, std::string(toString(d.kind)));
          st.bind(4, d.reader);
          st.bind(5, d.recordedAt);
          st.bind(6, d.note);
          for (int a = 0; a < 3; ++a) {
            st.bind(7 + a, d.centerMm ? std::optional<double>((*d.centerMm)[a]) : std::nullopt);
          }
          st.bind(10, d.diameterMm);
          st.bind(11, d.category);
          st.bind(12, d.previousDecisionId);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    return impl_->appendAudit(d.reader, "decision",
                              std::string(toString(d.kind)) + " finding " +
                                  std::to_string(d.findingId) + " (decision " + std::to_string(id) +
                                  ")");
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<Decision>> ReviewStore::decisions(const std::string& studyUid) const {
  return impl_->query(std::string(kDecisionColumns) + "WHERE study_uid = ? ORDER BY id", &studyUid);
}

Result<std::vector<Decision>> ReviewStore::allDecisions() const {
  return impl_->query(std::string(kDecisionColumns) + "ORDER BY id", nullptr);
}

Result<std::int64_t> ReviewStore::recordModelRun(ModelRun run) {
  if (run.studyUid.empty() || run.bundleId.empty() || run.reader.empty()) {
    return makeError(ErrorCode::InvalidArgument,
                     "a model run needs a study UID, a bundle id and a reader");
  }
  run.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a model run", [&]() -> Status {
    if (auto s = impl_->noteParticipants(run.reader, run.studyUid, run.seriesUid); !s.ok())
      return s;
    auto inserted = impl_->insert(
        "INSERT INTO model_runs (study_uid, series_uid, bundle_id, bundle_version, "
        "weights_sha256, device, duration_s, reader, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?)",
        "recording a model run", [&](Statement& st) {
          st.bind(1, run.studyUid);
          st.bind(2, run.seriesUid);
          st.bind(3, run.bundleId);
          st.bind(4, run.bundleVersion);
          st.bind(5, run.weightsSha256);
          st.bind(6, run.device);
          st.bind(7, run.durationSeconds);
          st.bind(8, run.reader);
          st.bind(9, run.recordedAt);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    for (const Finding& f : run.findings) {
      auto row = impl_->insert(
          "INSERT INTO model_findings (run_id, finding_id, score, center_x, center_y, center_z, "
          "diameter_mm) VALUES (?, ?, ?, ?, ?, ?, ?)",
          "recording a model finding", [&](Statement& st) {
            st.bind(1, id);
            st.bind(2, static_cast<std::int64_t>(f.id));
            st.bind(3, f.score);
            st.bind(4, f.centerMm.x);
            st.bind(5, f.centerMm.y);
            st.bind(6, f.centerMm.z);
            st.bind(7, f.diameterMm);
          });
      if (!row.ok()) return row.error();
    }
    return impl_->appendAudit(run.reader, "model run",
                              run.bundleId + " " + run.bundleVersion + " on " + run.device + ": " +
                                  std::to_string(run.findings.size()) + " findings (run " +
                                  std::to_string(id) + ")");
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<ModelRun>> ReviewStore::Impl::modelRuns(const std::string* studyUid,
                                                           bool latestOnly) const {
  std::string sql =
      "SELECT id, study_uid, series_uid, bundle_id, bundle_version, weights_sha256, device, "
      "duration_s, reader, recorded_at FROM model_runs ";
  if (studyUid) sql += "WHERE study_uid = ? ";
  sql += latestOnly ? "ORDER BY id DESC LIMIT 1" : "ORDER BY id";
  auto read = selectRows<ModelRun>(sql, "reading model runs", keyBinder(studyUid),
                                   [](const Statement& row) {
                                     ModelRun run;
                                     run.id = row.integer(0);
                                     run.studyUid = row.text(1);
                                     run.seriesUid = row.text(2);
                                     run.bundleId = row.text(3);
                                     run.bundleVersion = row.text(4);
                                     run.weightsSha256 = row.text(5);
                                     run.device = row.text(6);
                                     run.durationSeconds = row.real(7);
                                     run.reader = row.text(8);
                                     run.recordedAt = row.text(9);
                                     return run;
                                   });
  if (!read.ok()) return read.error();
  std::vector<ModelRun> runs = std::move(read.value());
  for (ModelRun& run : runs) {
    auto findings = selectRows<Finding>(
        "SELECT finding_id, score, center_x, center_y, center_z, diameter_mm FROM "
        "model_findings WHERE run_id = ? ORDER BY finding_id",
        "reading model findings", [&](Statement& st) { st.bind(1, run.id); },
        [](const Statement& row) {
          Finding f;
          f.id = static_cast<int>(row.integer(0));
          f.score = row.real(1);
          f.centerMm = {row.real(2), row.real(3), row.real(4)};
          f.diameterMm = row.real(5);
          return f;
        });
    if (!findings.ok()) return findings.error();
    run.findings = std::move(findings.value());
  }
  return runs;
}

Result<std::optional<ModelRun>> ReviewStore::latestModelRun(const std::string& studyUid) const {
  auto runs = impl_->modelRuns(&studyUid, true);
  if (!runs.ok()) return runs.error();
  if (runs.value().empty()) return std::optional<ModelRun>();
  return std::optional<ModelRun>(std::move(runs.value().front()));
}

Result<std::vector<ModelRun>> ReviewStore::allModelRuns() const {
  return impl_->modelRuns(nullptr, false);
}

Result<std::int64_t> ReviewStore::recordFundusGrade(FundusGrade g) {
  if (g.imageUid.empty() || g.reader.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a fundus grade needs an image and a reader");
  }
  if (g.grade < 0 || g.grade > 4) {
    return makeError(ErrorCode::InvalidArgument,
                     "a fundus grade is 0 to 4 (ICDR), not " + std::to_string(g.grade));
  }
  g.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a fundus grade", [&]() -> Status {
    if (auto s = impl_->noteParticipants(g.reader, "", ""); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO fundus_grades (image_uid, study_uid, reader, grade, gradable, note, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        "recording a fundus grade", [&](Statement& st) {
          st.bind(1, g.imageUid);
          st.bind(2, g.studyUid);
          st.bind(3, g.reader);
          st.bind(4, static_cast<std::int64_t>(g.grade));
          st.bind(5, static_cast<std::int64_t>(g.gradable ? 1 : 0));
          st.bind(6, g.note);
          st.bind(7, g.recordedAt);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    return impl_->appendAudit(g.reader, "fundus grade",
                              "grade " + std::to_string(g.grade) +
                                  (g.gradable ? "" : " (ungradable)") + " (grade " +
                                  std::to_string(id) + ")");
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<FundusGrade>> ReviewStore::Impl::fundusGrades(
    const std::string* imageUid) const {
  std::string sql =
      "SELECT id, image_uid, study_uid, reader, grade, gradable, note, recorded_at FROM "
      "fundus_grades ";
  if (imageUid) sql += "WHERE image_uid = ? ";
  sql += "ORDER BY id";
  return selectRows<FundusGrade>(sql, "reading fundus grades", keyBinder(imageUid),
                                 [](const Statement& row) {
                                   FundusGrade g;
                                   g.id = row.integer(0);
                                   g.imageUid = row.text(1);
                                   g.studyUid = row.text(2);
                                   g.reader = row.text(3);
                                   g.grade = static_cast<int>(row.integer(4));
                                   g.gradable = row.integer(5) != 0;
                                   g.note = row.text(6);
                                   g.recordedAt = row.text(7);
                                   return g;
                                 });
}

Result<std::vector<FundusGrade>> ReviewStore::fundusGrades(const std::string& imageUid) const {
  return impl_->fundusGrades(&imageUid);
}

Result<std::vector<FundusGrade>> ReviewStore::allFundusGrades() const {
  return impl_->fundusGrades(nullptr);
}

namespace {

/// What an append-only history with withdrawals leaves standing: each entry
/// not withdrawn, in order; the withdrawing entries themselves left out.
template <typename Entry>
std::vector<Entry> entriesInForce(const std::vector<Entry>& history) {
  std::vector<Entry> standing;
  for (const auto& entry : history) {
    if (!entry.withdraws) {
      standing.push_back(entry);
      continue;
    }
    standing.erase(std::remove_if(standing.begin(), standing.end(),
                                  [&](const Entry& e) { return e.id == *entry.withdraws; }),
                   standing.end());
  }
  return standing;
}

}  // namespace

std::vector<FundusLesionMark> lesionMarksInForce(const std::vector<FundusLesionMark>& history) {
  return entriesInForce(history);
}

Result<std::int64_t> ReviewStore::recordFundusLesionMark(FundusLesionMark m) {
  if (m.imageUid.empty() || m.reader.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a lesion mark needs an image and a reader");
  }
  if (!m.withdraws && (m.lesion.empty() || !(m.radius > 0) || !std::isfinite(m.x) ||
                       !std::isfinite(m.y) || !std::isfinite(m.radius))) {
    return makeError(ErrorCode::InvalidArgument,
                     "a lesion mark needs a lesion kind, a finite centre and a positive radius");
  }
  m.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a lesion mark", [&]() -> Status {
    if (m.withdraws) {
      // Only a standing mark of the same image can be withdrawn.
      auto history = fundusLesionMarks(m.imageUid);
      if (!history.ok()) return history.error();
      const auto standing = lesionMarksInForce(history.value());
      const bool known =
          std::any_of(standing.begin(), standing.end(),
                      [&](const FundusLesionMark& s) { return s.id == *m.withdraws; });
      if (!known) {
        return makeError(ErrorCode::InvalidArgument, "lesion mark " + std::to_string(*m.withdraws) +
                                                         " is not a standing mark of this image");
      }
    }
    if (auto s = impl_->noteParticipants(m.reader, "", ""); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO fundus_lesion_marks (image_uid, reader, lesion, x, y, radius, withdraws, "
        "note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "recording a lesion mark", [&](Statement& st) {
          st.bind(1, m.imageUid);
          st.bind(2, m.reader);
          st.bind(3, m.lesion);
          st.bind(4, m.x);
          st.bind(5, m.y);
          st.bind(6, m.radius);
          st.bind(7, m.withdraws);
          st.bind(8, m.note);
          st.bind(9, m.recordedAt);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    // The audit names the mark by id and kind only: no image names or paths.
    return impl_->appendAudit(m.reader, m.withdraws ? "lesion mark withdrawn" : "lesion mark",
                              m.withdraws ? "mark " + std::to_string(*m.withdraws)
                                          : m.lesion + " (mark " + std::to_string(id) + ")");
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<FundusLesionMark>> ReviewStore::fundusLesionMarks(
    const std::string& imageUid) const {
  return lesionMarks(&imageUid);
}

Result<std::vector<FundusLesionMark>> ReviewStore::allFundusLesionMarks() const {
  return lesionMarks(nullptr);
}

Result<std::vector<FundusLesionMark>> ReviewStore::lesionMarks(const std::string* imageUid) const {
  std::string sql =
      "SELECT id, image_uid, reader, lesion, x, y, radius, withdraws, note, recorded_at FROM "
      "fundus_lesion_marks ";
  if (imageUid) sql += "WHERE image_uid = ? ";
  sql += "ORDER BY id";
  return impl_->selectRows<FundusLesionMark>(sql, "reading lesion marks", Impl::keyBinder(imageUid),
                                             [](const Statement& row) {
                                               FundusLesionMark m;
                                               m.id = row.integer(0);
                                               m.imageUid = row.text(1);
                                               m.reader = row.text(2);
                                               m.lesion = row.text(3);
                                               m.x = row.real(4);
                                               m.y = row.real(5);
                                               m.radius = row.real(6);
                                               if (!row.isNull(7)) m.withdraws = row.integer(7);
                                               m.note = row.text(8);
                                               m.recordedAt = row.text(9);
                                               return m;
                                             });
}

std::vector<Measurement> measurementsInForce(const std::vector<Measurement>& history) {
  return entriesInForce(history);
}

Result<std::int64_t> ReviewStore::recordMeasurement(Measurement m) {
  const bool onImage = m.image.has_value();
  const bool hasPoints = onImage ? !m.pixelPoints.empty() : !m.pointsMm.empty();
  if (m.studyUid.empty() || m.reader.empty() || !hasPoints) {
    return makeError(ErrorCode::InvalidArgument,
                     "a measurement needs a study UID, a reader and at least one point");
  }
  if (onImage && (m.image->sopInstanceUid.empty() || m.image->frame < 1)) {
    return makeError(ErrorCode::InvalidArgument,
                     "a measurement on a 2D image needs the image's UID and a frame from 1");
  }
  m.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a measurement", [&]() -> Status {
    if (m.withdraws) {
      // Only a standing measurement of the same study can be withdrawn.
      auto history = impl_->measurements(&m.studyUid);
      if (!history.ok()) return history.error();
      const auto standing = measurementsInForce(history.value());
      if (std::none_of(standing.begin(), standing.end(),
                       [&](const Measurement& s) { return s.id == *m.withdraws; })) {
        return makeError(ErrorCode::InvalidArgument,
                         "measurement " + std::to_string(*m.withdraws) +
                             " is not a standing measurement of this study");
      }
    }
    if (auto s = impl_->noteParticipants(m.reader, m.studyUid, m.seriesUid); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO measurements (study_uid, series_uid, reader, kind, points, value, unit, "
        "note, recorded_at, plane, image_class, image_uid, frame, withdraws) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "recording a measurement", [&](Statement& st) {
          st.bind(1, m.studyUid);
          st.bind(2, m.seriesUid);
          st.bind(3, m.reader);
          st.bind(4, m.kind);
          st.bind(5, onImage ? pointsToText(m.pixelPoints) : pointsToText(m.pointsMm));
          st.bind(6, m.value);
          st.bind(7, m.unit);
          st.bind(8, m.note);
          st.bind(9, m.recordedAt);
          st.bind(10, m.plane ? std::optional<std::string>(toString(*m.plane)) : std::nullopt);
          using Text = std::optional<std::string>;
          st.bind(11, onImage ? Text(m.image->sopClassUid) : std::nullopt);
          st.bind(12, onImage ? Text(m.image->sopInstanceUid) : std::nullopt);
          st.bind(13, onImage ? std::optional<std::int64_t>(m.image->frame) : std::nullopt);
          st.bind(14, m.withdraws);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    if (m.withdraws) {
      return impl_->appendAudit(m.reader, "measurement withdrawn",
                                "measurement " + std::to_string(*m.withdraws));
    }
    return impl_->appendAudit(m.reader, "measurement",
                              m.kind + " (measurement " + std::to_string(id) + ")");
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<Measurement>> ReviewStore::Impl::measurements(
    const std::string* studyUid) const {
  std::string sql =
      "SELECT id, study_uid, series_uid, reader, kind, points, value, unit, note, recorded_at, "
      "plane, image_class, image_uid, frame, withdraws FROM measurements ";
  if (studyUid) sql += "WHERE study_uid = ? ";
  sql += "ORDER BY id";
  return selectRows<Measurement>(
      sql, "reading measurements", keyBinder(studyUid), [](const Statement& row) {
        Measurement m;
        m.id = row.integer(0);
        m.studyUid = row.text(1);
        m.seriesUid = row.text(2);
        m.reader = row.text(3);
        m.kind = row.text(4);
        const auto points = pointsFromText(row.text(5));
        if (row.isNull(12)) {
          m.pointsMm = points;
        } else {
          m.image = ImageReference{row.text(11), row.text(12), int(row.integer(13))};
          for (const Vec3& p : points) m.pixelPoints.push_back({p.x, p.y});
        }
        m.value = row.real(6);
        m.unit = row.text(7);
        m.note = row.text(8);
        m.recordedAt = row.text(9);
        m.plane = slicePlaneFromString(row.text(10));
        if (!row.isNull(14)) m.withdraws = row.integer(14);
        return m;
      });
}

Result<std::vector<Measurement>> ReviewStore::measurements(const std::string& studyUid) const {
  return impl_->measurements(&studyUid);
}

Result<std::vector<Measurement>> ReviewStore::allMeasurements() const {
  return impl_->measurements(nullptr);
}

Status ReviewStore::audit(const std::string& actor, const std::string& action,
                          const std::string& detail) {
  return impl_->inTransaction("an audit entry",
                              [&] { return impl_->appendAudit(actor, action, detail); });
}

Result<std::vector<AuditEntry>> ReviewStore::auditEntries(const std::string& action) const {
  return impl_->selectRows<AuditEntry>(
      "SELECT id, recorded_at, actor, action, detail FROM audit WHERE action = ? ORDER BY id",
      "reading the audit log", Impl::keyBinder(&action), [](const Statement& row) {
        AuditEntry e;
        e.id = row.integer(0);
        e.recordedAt = row.text(1);
        e.actor = row.text(2);
        e.action = row.text(3);
        e.detail = row.text(4);
        return e;
      });
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
  if (rc != SQLITE_DONE) return impl_->sqlError("reading the audit log", select);
  return check;
}

}  // namespace vigie::core
