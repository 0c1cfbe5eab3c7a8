#include "CaseReview.h"

#include <algorithm>
#include <map>

#include "ReaderStatistics.h"

namespace vigie::app {
namespace {

/// The reference nodule a point lies on (1-based), 0 on none.
int lesionAt(const core::Vec3& center, const std::vector<TruthNodule>& nodules) {
  core::Finding probe;
  probe.centerMm = center;
  for (std::size_t n = 0; n < nodules.size(); ++n)
    if (hits(probe, nodules[n])) return static_cast<int>(n) + 1;
  return 0;
}

/// Whether a reader's call keeps the finding as a mark.
bool keeps(const std::string& call) {
  return call == "confirm" || call == "edit" || call == "annotate" || call == "add";
}

void judgeDispute(FindingReview& f) {
  std::vector<std::string> verdicts;
  for (const auto& c : f.calls)
    if (!c.call.empty()) verdicts.push_back(keeps(c.call) ? "kept" : "rejected");
  const bool split =
      std::adjacent_find(verdicts.begin(), verdicts.end(), std::not_equal_to<>()) != verdicts.end();
  bool againstReference = false;
  for (const auto& c : f.calls) {
    if (c.call.empty() || c.lesion < 0) continue;
    // Kept where there is no nodule, or a nodule the finding lies on rejected.
    const bool kept = keeps(c.call);
    againstReference = againstReference || (kept && c.lesion == 0) || (!kept && f.lesion > 0);
  }
  f.disputed = split || againstReference;
}

void reviewCt(const ReviewRecords& records, const std::vector<TruthNodule>* nodules,
              CaseReview& review) {
  const std::string& uid = review.record.caseUid;
  const core::ModelRun* run = nullptr;
  for (const auto& r : records.modelRuns)
    if (r.studyUid == uid) run = &r;
  std::map<std::string, std::vector<core::Decision>> byReader;
  for (const auto& d : records.decisions) {
    if (d.studyUid != uid) continue;
    if (!byReader.count(d.reader)) review.readers.push_back(d.reader);
    byReader[d.reader].push_back(d);
  }
  auto latestCall = [&](const std::string& reader, int findingId) {
    ReaderCall call{reader, "", std::nullopt, -1, ""};
    for (const auto& d : byReader[reader]) {
      if (d.findingId != findingId) continue;
      // An annotation comments on the call; it is the call only without one.
      if (d.kind == core::DecisionKind::Annotate && !call.call.empty() && call.call != "annotate")
        continue;
      call.call = core::toString(d.kind);
      if (d.centerMm) call.centerMm = d.centerMm;
      call.note = d.note;
    }
    return call;
  };
  auto place = [&](FindingReview& f) {
    f.lesion = nodules ? lesionAt(f.centerMm, *nodules) : -1;
    for (const auto& reader : review.readers) {
      ReaderCall call = latestCall(reader, f.findingId);
      if (nodules) call.lesion = call.centerMm ? lesionAt(*call.centerMm, *nodules) : f.lesion;
      f.calls.push_back(std::move(call));
    }
    for (const auto& c : records.comments)
      if (c.caseUid == uid && c.findingId == f.findingId) f.comments.push_back(c);
    judgeDispute(f);
  };
  if (run) {
    for (const auto& finding : run->findings) {
      FindingReview f;
      f.findingId = finding.id;
      f.score = finding.score;
      f.centerMm = finding.centerMm;
      f.diameterMm = finding.diameterMm;
      place(f);
      review.findings.push_back(std::move(f));
    }
  }
  std::map<int, const core::Decision*> added;
  for (const auto& d : records.decisions)
    if (d.studyUid == uid && d.kind == core::DecisionKind::Add) added[d.findingId] = &d;
  for (const auto& [id, d] : added) {
    FindingReview f;
    f.findingId = id;
    f.fromAi = false;
    f.addedBy = d->reader;
    f.centerMm = d->centerMm.value_or(core::Vec3{});
    f.diameterMm = d->diameterMm.value_or(0.0);
    place(f);
    review.findings.push_back(std::move(f));
  }
  if (!nodules) return;
  for (std::size_t n = 0; n < nodules->size(); ++n) {
    LesionReview lesion;
    lesion.lesion = static_cast<int>(n) + 1;
    lesion.nodule = (*nodules)[n];
    if (run) {
      for (const auto& f : run->findings)
        lesion.foundByAi = lesion.foundByAi || hits(f, lesion.nodule);
    }
    for (const auto& reader : review.readers) {
      const auto marks = readerMarksOn(run, byReader[reader]);
      const bool found = std::any_of(marks.begin(), marks.end(), [&](const core::Finding& m) {
        return hits(m, lesion.nodule);
      });
      (found ? lesion.foundBy : lesion.missedBy).push_back(reader);
    }
    review.lesions.push_back(std::move(lesion));
  }
}

void reviewPhotograph(const ReviewRecords& records, const ReadingReference* reference,
                      CaseReview& review) {
  const std::string& uid = review.record.caseUid;
  for (const auto& r : records.fundusResults)
    if (r.imageUid == uid) review.fundusAi = r;
  for (const auto& g : records.grades) {
    if (g.imageUid != uid) continue;
    review.grades.push_back(g);
    if (std::find(review.readers.begin(), review.readers.end(), g.reader) == review.readers.end())
      review.readers.push_back(g.reader);
  }
  if (reference) {
    const auto found = reference->photographs.find(uid);
    if (found != reference->photographs.end()) {
      review.referenceGrade = found->second;
      review.hasReference = true;
    }
  }
  const auto policy = policyFromSettings(records.settings);
  if (policy.when != SecondReading::Off)
    review.grading =
        gradingStatus(review.grades, review.fundusAi ? &*review.fundusAi : nullptr, policy);
}

}  // namespace

core::Result<CaseReview> reviewCase(const ReviewRecords& records, const ReadingReference* reference,
                                    const std::string& caseUid) {
  CaseReview review;
  const auto found = std::find_if(records.cases.begin(), records.cases.end(),
                                  [&](const core::CaseRecord& c) { return c.caseUid == caseUid; });
  if (found == records.cases.end())
    return core::makeError(core::ErrorCode::NotFound,
                           "no case " + caseUid + " in the review store");
  review.record = *found;
  for (const auto& c : records.comments)
    if (c.caseUid == caseUid && !c.findingId) review.comments.push_back(c);
  if (review.record.kind == core::CaseKind::Fundus) {
    reviewPhotograph(records, reference, review);
    return review;
  }
  const std::vector<TruthNodule>* nodules = nullptr;
  if (reference) {
    const auto truth = reference->ctStudies.find(caseUid);
    if (truth != reference->ctStudies.end()) nodules = &truth->second;
  }
  review.hasReference = nodules != nullptr;
  reviewCt(records, nodules, review);
  return review;
}

}  // namespace vigie::app
