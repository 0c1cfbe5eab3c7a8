// The review store's worklist part: registered cases, the fundus model's
// answers and each case's append-only history of assignments, reading
// states and priorities.
#include <cmath>
#include <map>
#include <utility>

#include "ReviewStoreImpl.h"

namespace vigie::core {
namespace {

/// Why an event's value is not one the worklist understands; empty when it is.
std::string invalidEventValue(const CaseEvent& event) {
  switch (event.kind) {
    case CaseEventKind::Assign:
      return {};  // a reader's name, or empty: unassigned
    case CaseEventKind::State:
      return readingStateFromString(event.value)
                 ? std::string()
                 : "'" + event.value +
                       "' is not a reading state (unread, in-progress, read, trainer-reviewed)";
    case CaseEventKind::Priority:
      return clinicalPriorityFromString(event.value)
                 ? std::string()
                 : "'" + event.value + "' is not a priority (routine, urgent, stat)";
  }
  return "unknown event";
}

/// Why a fundus result's lesion regions cannot be kept; empty when they can.
std::string invalidLesionRegions(const FundusAiResult& r) {
  if (!r.lesionRegions.empty() && r.lesions != static_cast<int>(r.lesionRegions.size())) {
    return "a fundus model result counts " + std::to_string(r.lesions) + " lesion regions but " +
           std::to_string(r.lesionRegions.size()) + " are given";
  }
  for (std::size_t i = 0; i < r.lesionRegions.size(); ++i) {
    const FundusAiLesionRegion& region = r.lesionRegions[i];
    const std::string which =
        "lesion region " + std::to_string(i + 1) + " of a fundus model result";
    if (region.kind.empty()) return which + " has no kind (\"lesion\" when the model names none)";
    if (!std::isfinite(region.centerX) || !std::isfinite(region.centerY) ||
        !std::isfinite(region.radius) || region.radius < 0 || !std::isfinite(region.score))
      return which + " needs a finite centre, a radius of 0 or more and a finite score";
  }
  return {};
}

/// A region as its row in fundus_ai_lesion_regions gives it (after the result id).
FundusAiLesionRegion lesionRegionFromRow(const Statement& row) {
  FundusAiLesionRegion region;
  region.kind = row.text(1);
  region.centerX = row.real(2);
  region.centerY = row.real(3);
  region.radius = row.real(4);
  region.score = row.real(5);
  return region;
}

}  // namespace

Result<bool> ReviewStore::registerCase(CaseRecord record) {
  if (record.caseUid.empty() || record.registeredBy.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a case needs a UID and who registers it");
  }
  record.registeredAt = utcNow();
  bool added = false;
  auto status = impl_->inTransaction("a case", [&]() -> Status {
    auto inserted = impl_->insert(
        "INSERT OR IGNORE INTO cases (case_uid, kind, modality, patient_name, patient_id, "
        "study_date, source, registered_by, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "registering a case", [&](Statement& st) {
          st.bind(1, record.caseUid);
          st.bind(2, std::string(toString(record.kind)));
          st.bind(3, record.modality);
          st.bind(4, record.patientName);
          st.bind(5, record.patientId);
          st.bind(6, record.studyDate);
          st.bind(7, record.source);
          st.bind(8, record.registeredBy);
          st.bind(9, record.registeredAt);
        });
    if (!inserted.ok()) return inserted.error();
    added = sqlite3_changes(impl_->db) == 1;
    if (!added) return {};
    // The audit names the kind only: no patient, no path.
    return impl_->appendAudit(record.registeredBy, "case registered",
                              std::string(toString(record.kind)) + " " + record.modality);
  });
  if (!status.ok()) return status.error();
  return added;
}

Result<std::vector<CaseRecord>> ReviewStore::cases() const {
  return impl_->selectRows<CaseRecord>(
      "SELECT case_uid, kind, modality, patient_name, patient_id, study_date, source, "
      "registered_by, registered_at FROM cases ORDER BY registered_at, case_uid",
      "reading cases", nullptr, [](const Statement& row) {
        CaseRecord c;
        c.caseUid = row.text(0);
        c.kind = caseKindFromString(row.text(1)).value_or(CaseKind::Ct);
        c.modality = row.text(2);
        c.patientName = row.text(3);
        c.patientId = row.text(4);
        c.studyDate = row.text(5);
        c.source = row.text(6);
        c.registeredBy = row.text(7);
        c.registeredAt = row.text(8);
        return c;
      });
}

Result<std::int64_t> ReviewStore::recordFundusAiResult(FundusAiResult r) {
  if (r.imageUid.empty() || r.bundleId.empty() || r.reader.empty()) {
    return makeError(ErrorCode::InvalidArgument,
                     "a fundus model result needs an image, a bundle id and a reader");
  }
  if (r.grade < 0 || r.grade > 4 || !std::isfinite(r.referableProbability) ||
      !std::isfinite(r.qualityScore)) {
    return makeError(ErrorCode::InvalidArgument,
                     "a fundus model result needs a grade 0 to 4 and finite probabilities");
  }
  if (auto problem = invalidLesionRegions(r); !problem.empty())
    return makeError(ErrorCode::InvalidArgument, problem);
  r.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a fundus model result", [&]() -> Status {
    if (auto s = impl_->noteParticipants(r.reader, "", ""); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO fundus_ai_results (image_uid, bundle_id, bundle_version, weights_sha256, "
        "device, duration_s, grade, referable_probability, referable, gradable, quality, lesions, "
        "reader, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "recording a fundus model result", [&](Statement& st) {
          st.bind(1, r.imageUid);
          st.bind(2, r.bundleId);
          st.bind(3, r.bundleVersion);
          st.bind(4, r.weightsSha256);
          st.bind(5, r.device);
          st.bind(6, r.durationSeconds);
          st.bind(7, static_cast<std::int64_t>(r.grade));
          st.bind(8, r.referableProbability);
          st.bind(9, static_cast<std::int64_t>(r.referable ? 1 : 0));
          st.bind(10, static_cast<std::int64_t>(r.gradable ? 1 : 0));
          st.bind(11, r.qualityScore);
          st.bind(12, static_cast<std::int64_t>(r.lesions));
          st.bind(13, r.reader);
          st.bind(14, r.recordedAt);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    for (std::size_t i = 0; i < r.lesionRegions.size(); ++i) {
      const FundusAiLesionRegion& region = r.lesionRegions[i];
      auto kept = impl_->insert(
          "INSERT INTO fundus_ai_lesion_regions (result_id, region, kind, center_x, center_y, "
          "radius, score) VALUES (?, ?, ?, ?, ?, ?, ?)",
          "recording a fundus model's lesion region", [&](Statement& st) {
            st.bind(1, id);
            st.bind(2, static_cast<std::int64_t>(i));
            st.bind(3, region.kind);
            st.bind(4, region.centerX);
            st.bind(5, region.centerY);
            st.bind(6, region.radius);
            st.bind(7, region.score);
          });
      if (!kept.ok()) return kept.error();
    }
    return impl_->appendAudit(r.reader, "model run",
                              r.bundleId + " " + r.bundleVersion + " on " + r.device + ": grade " +
                                  std::to_string(r.grade) + " (fundus result " +
                                  std::to_string(id) + ")");
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<FundusAiResult>> ReviewStore::allFundusAiResults() const {
  return fundusAiResults(nullptr);
}

Result<std::vector<FundusAiResult>> ReviewStore::fundusAiResults(
    const std::string& imageUid) const {
  return fundusAiResults(&imageUid);
}

Result<std::vector<FundusAiResult>> ReviewStore::fundusAiResults(
    const std::string* imageUid) const {
  std::string sql =
      "SELECT id, image_uid, bundle_id, bundle_version, weights_sha256, device, duration_s, grade, "
      "referable_probability, referable, gradable, quality, lesions, reader, recorded_at FROM "
      "fundus_ai_results ";
  if (imageUid) sql += "WHERE image_uid = ? ";
  sql += "ORDER BY id";
  auto results = impl_->selectRows<FundusAiResult>(
      sql, "reading fundus model results", Impl::keyBinder(imageUid), [](const Statement& row) {
        FundusAiResult r;
        r.id = row.integer(0);
        r.imageUid = row.text(1);
        r.bundleId = row.text(2);
        r.bundleVersion = row.text(3);
        r.weightsSha256 = row.text(4);
        r.device = row.text(5);
        r.durationSeconds = row.real(6);
        r.grade = static_cast<int>(row.integer(7));
        r.referableProbability = row.real(8);
        r.referable = row.integer(9) != 0;
        r.gradable = row.integer(10) != 0;
        r.qualityScore = row.real(11);
        r.lesions = static_cast<int>(row.integer(12));
        r.reader = row.text(13);
        r.recordedAt = row.text(14);
        return r;
      });
  if (!results.ok() || results.value().empty()) return results;
  // The regions of the same results, in one read, given to each by its id.
  std::string regionSql =
      "SELECT g.result_id, g.kind, g.center_x, g.center_y, g.radius, g.score FROM "
      "fundus_ai_lesion_regions g JOIN fundus_ai_results r ON r.id = g.result_id ";
  if (imageUid) regionSql += "WHERE r.image_uid = ? ";
  regionSql += "ORDER BY g.result_id, g.region";
  using Keyed = std::pair<std::int64_t, FundusAiLesionRegion>;
  auto regions = impl_->selectRows<Keyed>(regionSql, "reading fundus model lesion regions",
                                          Impl::keyBinder(imageUid), [](const Statement& row) {
                                            return Keyed{row.integer(0), lesionRegionFromRow(row)};
                                          });
  if (!regions.ok()) return regions.error();
  std::map<std::int64_t, FundusAiResult*> byId;
  for (auto& r : results.value()) byId[r.id] = &r;
  for (auto& [resultId, region] : regions.value()) {
    if (auto found = byId.find(resultId); found != byId.end())
      found->second->lesionRegions.push_back(std::move(region));
  }
  return results;
}

Result<std::int64_t> ReviewStore::recordCaseEvent(CaseEvent event) {
  if (event.caseUid.empty() || event.actor.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a case event needs a case UID and an actor");
  }
  if (auto problem = invalidEventValue(event); !problem.empty())
    return makeError(ErrorCode::InvalidArgument, problem);
  event.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a case event", [&]() -> Status {
    if (auto known = impl_->requireCase(event.caseUid); !known.ok()) return known;
    if (auto s = impl_->noteParticipants(event.actor, "", ""); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO case_events (case_uid, kind, value, actor, recorded_at) VALUES (?, ?, ?, ?, "
        "?)",
        "recording a case event", [&](Statement& st) {
          st.bind(1, event.caseUid);
          st.bind(2, std::string(toString(event.kind)));
          st.bind(3, event.value);
          st.bind(4, event.actor);
          st.bind(5, event.recordedAt);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    const std::string value = event.kind == CaseEventKind::Assign
                                  ? (event.value.empty() ? "unassigned" : "to " + event.value)
                                  : event.value;
    return impl_->appendAudit(event.actor, std::string("case ") + toString(event.kind),
                              value + " (event " + std::to_string(id) + ")");
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<CaseEvent>> ReviewStore::allCaseEvents() const {
  return impl_->selectRows<CaseEvent>(
      "SELECT id, case_uid, kind, value, actor, recorded_at FROM case_events ORDER BY id",
      "reading case events", nullptr, [](const Statement& row) {
        CaseEvent e;
        e.id = row.integer(0);
        e.caseUid = row.text(1);
        e.kind = caseEventKindFromString(row.text(2)).value_or(CaseEventKind::State);
        e.value = row.text(3);
        e.actor = row.text(4);
        e.recordedAt = row.text(5);
        return e;
      });
}

Status ReviewStore::setSiteSetting(const std::string& key, const std::string& value,
                                   const std::string& actor) {
  if (key.empty() || actor.empty())
    return makeError(ErrorCode::InvalidArgument, "a site setting needs a key and an actor");
  return impl_->inTransaction("a site setting", [&]() -> Status {
    if (auto s = impl_->noteParticipants(actor, "", ""); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO site_settings (key, value, actor, recorded_at) VALUES (?, ?, ?, ?)",
        "recording a site setting", [&](Statement& st) {
          st.bind(1, key);
          st.bind(2, value);
          st.bind(3, actor);
          st.bind(4, utcNow());
        });
    if (!inserted.ok()) return inserted.error();
    return impl_->appendAudit(actor, "site setting", key + " = " + value);
  });
}

Result<std::map<std::string, std::string>> ReviewStore::siteSettings() const {
  auto rows = impl_->selectRows<std::pair<std::string, std::string>>(
      "SELECT key, value FROM site_settings ORDER BY id", "reading site settings", nullptr,
      [](const Statement& row) { return std::make_pair(row.text(0), row.text(1)); });
  if (!rows.ok()) return rows.error();
  std::map<std::string, std::string> inForce;
  for (auto& [key, value] : rows.value()) inForce[key] = value;  // the latest wins
  return inForce;
}

Result<std::int64_t> ReviewStore::recordComment(CaseComment comment) {
  if (comment.caseUid.empty() || comment.author.empty() || comment.text.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a comment needs a case UID, text and an author");
  }
  comment.recordedAt = utcNow();
  std::int64_t id = 0;
  auto status = impl_->inTransaction("a comment", [&]() -> Status {
    if (auto known = impl_->requireCase(comment.caseUid); !known.ok()) return known;
    if (auto s = impl_->noteParticipants(comment.author, "", ""); !s.ok()) return s;
    auto inserted = impl_->insert(
        "INSERT INTO case_comments (case_uid, finding_id, text, author, recorded_at) VALUES (?, ?, "
        "?, ?, ?)",
        "recording a comment", [&](Statement& st) {
          st.bind(1, comment.caseUid);
          st.bind(2, comment.findingId ? std::optional<std::int64_t>(*comment.findingId)
                                       : std::nullopt);
          st.bind(3, comment.text);
          st.bind(4, comment.author);
          st.bind(5, comment.recordedAt);
        });
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
    // The audit says that a comment was made, not what it says.
    return impl_->appendAudit(comment.author, "comment", "comment " + std::to_string(id));
  });
  if (!status.ok()) return status.error();
  return id;
}

Result<std::vector<CaseComment>> ReviewStore::allComments() const {
  return impl_->selectRows<CaseComment>(
      "SELECT id, case_uid, finding_id, text, author, recorded_at FROM case_comments ORDER BY id",
      "reading comments", nullptr, [](const Statement& row) {
        CaseComment c;
        c.id = row.integer(0);
        c.caseUid = row.text(1);
        if (!row.isNull(2)) c.findingId = static_cast<int>(row.integer(2));
        c.text = row.text(3);
        c.author = row.text(4);
        c.recordedAt = row.text(5);
        return c;
      });
}

}  // namespace vigie::core
