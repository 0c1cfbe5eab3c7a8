#include "ReaderStatistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "Worklist.h"

namespace vigie::app {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kIcdrGrades = 5;

bool inPeriod(const std::string& recordedAt, const StatisticsOptions& options) {
  const std::string day = recordedAt.substr(0, 10);
  if (!options.fromDate.empty() && day < options.fromDate) return false;
  if (!options.toDate.empty() && day > options.toDate) return false;
  return true;
}

/// A reader's latest decision per finding on one case, annotations kept
/// apart: an annotation comments on a finding and does not change the call.
struct FindingCalls {
  std::map<int, const core::Decision*> call;  ///< confirm, reject, edit or add
  std::set<int> annotated;

  /// Takes the next decision (they come oldest first: the last call stands).
  void note(const core::Decision& d) {
    if (d.kind == core::DecisionKind::Annotate)
      annotated.insert(d.findingId);
    else
      call[d.findingId] = &d;
  }
};

/// Judges marks against a case's nodules into `read` (whose identity and
/// calls on the AI's findings are already there).
void judgeMarks(const std::vector<core::Finding>& marks, const std::vector<TruthNodule>& nodules,
                CtCaseRead& read) {
  CtCaseRead judged = judgeCtMarks(marks, nodules);
  read.nodules = judged.nodules;
  read.hits = judged.hits;
  read.falsePositives = judged.falsePositives;
  read.missedLesions = std::move(judged.missedLesions);
  read.marks = std::move(judged.marks);
}

/// A reader's marks on a case from their calls on the AI's findings and
/// their own.
std::vector<core::Finding> readerMarks(const core::ModelRun* run, const FindingCalls& calls,
                                       CtCaseRead& read) {
  std::vector<core::Finding> marks;
  std::set<int> aiIds;
  if (run) {
    read.aiFindings = run->findings.size();
    for (const auto& f : run->findings) {
      aiIds.insert(f.id);
      const auto call = calls.call.find(f.id);
      if (call == calls.call.end()) {
        if (calls.annotated.count(f.id)) {
          ++read.confirmed;
          marks.push_back(f);
        } else {
          ++read.undecided;
        }
        continue;
      }
      const core::Decision& d = *call->second;
      core::Finding mark = f;
      switch (d.kind) {
        case core::DecisionKind::Reject:
          ++read.rejected;
          continue;
        case core::DecisionKind::Edit:
          ++read.edited;
          if (d.centerMm) mark.centerMm = *d.centerMm;
          if (d.diameterMm) mark.diameterMm = *d.diameterMm;
          break;
        default:
          ++read.confirmed;
          break;
      }
      mark.score = 1.0;
      marks.push_back(mark);
    }
  }
  for (const auto& [id, decision] : calls.call) {
    if (aiIds.count(id) || decision->kind == core::DecisionKind::Reject) continue;
    if (!decision->centerMm) continue;  // a call on a finding of an older run
    ++read.added;
    core::Finding mark;
    mark.id = id;
    mark.score = 1.0;
    mark.centerMm = *decision->centerMm;
    mark.diameterMm = decision->diameterMm.value_or(0.0);
    marks.push_back(mark);
  }
  return marks;
}

/// The case-level figures of a set of CT reads.
void summarizeCt(ReaderFigures& f, const StatisticsOptions& options) {
  std::size_t nodules = 0, hitsTotal = 0, ai = 0, confirmed = 0, rejected = 0, edited = 0;
  std::vector<double> fps;
  for (const auto& c : f.ctCases) {
    nodules += c.nodules;
    hitsTotal += c.hits;
    ai += c.aiFindings;
    confirmed += c.confirmed;
    rejected += c.rejected;
    edited += c.edited;
    f.added += c.added;
    fps.push_back(static_cast<double>(c.falsePositives));
  }
  f.sensitivity = wilsonProportion(hitsTotal, nodules);
  f.confirmRate = wilsonProportion(confirmed, ai);
  f.rejectRate = wilsonProportion(rejected, ai);
  f.editRate = wilsonProportion(edited, ai);
  f.fpPerCase.n = fps.size();
  if (fps.empty()) {
    f.fpPerCase.value = f.fpPerCase.low = f.fpPerCase.high = kNaN;
    return;
  }
  auto meanOf = [&](const std::vector<std::size_t>& sample) {
    double sum = 0;
    for (std::size_t i : sample) sum += fps[i];
    return sum / static_cast<double>(sample.size());
  };
  std::vector<std::size_t> all(fps.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  f.fpPerCase.value = meanOf(all);
  std::tie(f.fpPerCase.low, f.fpPerCase.high) =
      bootstrapInterval(fps.size(), meanOf, options.resamples, options.seed);
}

/// `referred`: whether the read refers the patient (a reader: grade 2 or
/// more, or ungradable; the model: its operating threshold's call).
PhotographRead judgePhotograph(const std::string& uid, int grade, bool gradable, bool referred,
                               const ReferenceGrade& reference) {
  PhotographRead read{uid, reference.name, grade, gradable, reference, ""};
  if (reference.gradable) {
    const bool referable = reference.grade >= 2;
    read.outcome = referable ? (referred ? "TP" : "FN") : (referred ? "FP" : "TN");
  }
  return read;
}

void summarizeFundus(ReaderFigures& f, const StatisticsOptions& options) {
  std::size_t tp = 0, fn = 0, tn = 0, fp = 0, gradabilityAgrees = 0;
  RatingPairs pairs;
  for (const auto& p : f.photographs) {
    tp += p.outcome == "TP";
    fn += p.outcome == "FN";
    tn += p.outcome == "TN";
    fp += p.outcome == "FP";
    gradabilityAgrees += p.gradable == p.reference.gradable;
    if (p.gradable && p.reference.gradable) pairs.emplace_back(p.grade, p.reference.grade);
  }
  f.referableSensitivity = wilsonProportion(tp, tp + fn);
  f.referableSpecificity = wilsonProportion(tn, tn + fp);
  f.gradabilityAgreement = wilsonProportion(gradabilityAgrees, f.photographs.size());
  f.kappa = kappaEstimate(pairs, kIcdrGrades, false, options.resamples, options.seed);
  f.quadraticKappa = kappaEstimate(pairs, kIcdrGrades, true, options.resamples, options.seed);
}

void summarizeTimes(ReaderFigures& f, const std::vector<double>& seconds,
                    const StatisticsOptions& options) {
  f.secondsPerCase.n = seconds.size();
  f.secondsPerCase.value = median(seconds);
  std::tie(f.secondsPerCase.low, f.secondsPerCase.high) = bootstrapInterval(
      seconds.size(),
      [&](const std::vector<std::size_t>& sample) {
        std::vector<double> values;
        for (std::size_t i : sample) values.push_back(seconds[i]);
        return median(values);
      },
      options.resamples, options.seed);
}

/// Everything one reader recorded, gathered by case.
struct ReaderActivity {
  std::map<std::string, FindingCalls> ctCalls;
  std::set<std::string> ctCasesTouched;
  std::map<std::string, const core::FundusGrade*> latestGrade;
  std::map<std::string, std::vector<std::string>> timesByCase;
  std::map<std::string, std::vector<std::string>> openedAt;  ///< by case, from the audit
};

/// The case an opening names: "study UID" or "photograph UID".
std::string openedCase(const core::AuditEntry& opening) {
  const auto space = opening.detail.find(' ');
  return space == std::string::npos ? std::string() : opening.detail.substr(space + 1);
}

/// When the reader's work on a case began: their last opening of it at or
/// before their first record on it (a case opened days ago and read today
/// starts today), or the first record when the window never opened it (a
/// read from the command line).
std::string startOf(const std::vector<std::string>& records,
                    const std::vector<std::string>& opened) {
  const std::string& first = *std::min_element(records.begin(), records.end());
  std::string start = first;
  for (const auto& t : opened)
    if (t <= first && (start == first || t > start)) start = t;
  return start;
}

std::map<std::string, ReaderActivity> gatherActivity(const ReviewRecords& records,
                                                     const StatisticsOptions& options) {
  std::map<std::string, ReaderActivity> byReader;
  for (const auto& d : records.decisions) {
    if (!inPeriod(d.recordedAt, options)) continue;
    auto& a = byReader[d.reader];
    a.ctCalls[d.studyUid].note(d);
    a.ctCasesTouched.insert(d.studyUid);
    a.timesByCase[d.studyUid].push_back(d.recordedAt);
  }
  for (const auto& g : records.grades) {
    if (!inPeriod(g.recordedAt, options)) continue;
    auto& a = byReader[g.reader];
    a.latestGrade[g.imageUid] = &g;
    a.timesByCase[g.imageUid].push_back(g.recordedAt);
  }
  for (const auto& e : records.events) {
    if (e.kind != core::CaseEventKind::State || !inPeriod(e.recordedAt, options)) continue;
    auto& a = byReader[e.actor];
    a.ctCasesTouched.insert(e.caseUid);
    a.timesByCase[e.caseUid].push_back(e.recordedAt);
  }
  for (const auto& o : records.openings) {
    // Only a reader who recorded something has figures: an opening alone is no read.
    const auto reader = byReader.find(o.actor);
    if (reader != byReader.end() && inPeriod(o.recordedAt, options))
      reader->second.openedAt[openedCase(o)].push_back(o.recordedAt);
  }
  return byReader;
}

double secondsBetween(const std::string& first, const std::string& last) {
  const auto a = parseStoreTime(first), b = parseStoreTime(last);
  if (!a || !b) return kNaN;
  // The store's times carry milliseconds after the seconds.
  auto millis = [](const std::string& t) {
    const auto dot = t.find('.');
    return dot == std::string::npos ? 0.0 : std::atof(t.substr(dot).c_str());
  };
  return std::chrono::duration<double>(*b - *a).count() + millis(last) - millis(first);
}

/// The time the reader spent on each case they worked on: from its start
/// (see startOf) to their last record; cases with no measurable duration
/// (one record, never opened) are left out.
std::map<std::string, double> secondsOnEachCase(const ReaderActivity& activity) {
  std::map<std::string, double> seconds;
  const std::vector<std::string> none;
  for (const auto& [uid, times] : activity.timesByCase) {
    const auto opened = activity.openedAt.find(uid);
    const std::string start =
        startOf(times, opened == activity.openedAt.end() ? none : opened->second);
    const std::string& last = *std::max_element(times.begin(), times.end());
    if (start == last) continue;
    const double s = secondsBetween(start, last);
    if (std::isfinite(s)) seconds[uid] = s;
  }
  return seconds;
}

ReaderFigures figuresOf(const std::string& name, const ReaderActivity& activity,
                        const std::map<std::string, const core::ModelRun*>& latestRuns,
                        const ReadingReference& reference, const StatisticsOptions& options) {
  ReaderFigures f;
  f.reader = name;
  const auto secondsByCase = secondsOnEachCase(activity);
  auto secondsOn = [&](const std::string& uid) {
    const auto found = secondsByCase.find(uid);
    return found == secondsByCase.end() ? kNaN : found->second;
  };
  for (const auto& uid : activity.ctCasesTouched) {
    const auto truth = reference.ctStudies.find(uid);
    if (truth == reference.ctStudies.end()) continue;
    CtCaseRead read;
    read.caseUid = uid;
    read.name = reference.ctNames.at(uid);
    const auto run = latestRuns.find(uid);
    const auto calls = activity.ctCalls.find(uid);
    static const FindingCalls kNoCalls;
    const auto marks =
        readerMarks(run == latestRuns.end() ? nullptr : run->second,
                    calls == activity.ctCalls.end() ? kNoCalls : calls->second, read);
    judgeMarks(marks, truth->second, read);
    read.seconds = secondsOn(uid);
    f.ctCases.push_back(std::move(read));
  }
  for (const auto& [uid, grade] : activity.latestGrade) {
    const auto ref = reference.photographs.find(uid);
    if (ref == reference.photographs.end() || !ref->second.gradeKnown) continue;
    const bool referred = !grade->gradable || grade->grade >= 2;
    f.photographs.push_back(
        judgePhotograph(uid, grade->grade, grade->gradable, referred, ref->second));
    f.photographs.back().seconds = secondsOn(uid);
  }
  std::vector<double> seconds;
  for (const auto& c : f.ctCases)
    if (std::isfinite(c.seconds)) seconds.push_back(c.seconds);
  for (const auto& p : f.photographs)
    if (std::isfinite(p.seconds)) seconds.push_back(p.seconds);
  summarizeCt(f, options);
  summarizeFundus(f, options);
  summarizeTimes(f, seconds, options);
  return f;
}

/// The AI as a reader: its findings (at their scores) on every CT reference
/// case it ran on, its latest answer on every reference photograph.
ReaderFigures aiFigures(const ReviewRecords& records,
                        const std::map<std::string, const core::ModelRun*>& latestRuns,
                        const ReadingReference& reference, const StatisticsOptions& options,
                        FrocResult& froc) {
  ReaderFigures f;
  f.reader = "AI";
  std::vector<ScanResult> scans;
  for (const auto& [uid, nodules] : reference.ctStudies) {
    const auto run = latestRuns.find(uid);
    if (run == latestRuns.end()) continue;
    CtCaseRead read;
    read.caseUid = uid;
    read.name = reference.ctNames.at(uid);
    read.aiFindings = run->second->findings.size();
    judgeMarks(run->second->findings, nodules, read);
    f.ctCases.push_back(std::move(read));
    scans.push_back({run->second->findings, nodules, {}});
  }
  if (!scans.empty()) froc = computeFroc(scans);
  std::map<std::string, const core::FundusAiResult*> latest;
  for (const auto& r : records.fundusResults) latest[r.imageUid] = &r;
  for (const auto& [uid, result] : latest) {
    const auto ref = reference.photographs.find(uid);
    if (ref == reference.photographs.end() || !ref->second.gradeKnown) continue;
    // The model's referral is its operating threshold's call, not its grade.
    const bool referred = result->referable || !result->gradable;
    f.photographs.push_back(
        judgePhotograph(uid, result->grade, result->gradable, referred, ref->second));
    f.photographs.back().referableProbability = result->referableProbability;
  }
  summarizeCt(f, options);
  f.confirmRate = f.rejectRate = f.editRate = Estimate{kNaN, kNaN, kNaN, 0};
  summarizeFundus(f, options);
  f.secondsPerCase = Estimate{kNaN, kNaN, kNaN, 0};
  return f;
}

}  // namespace

CtCaseRead judgeCtMarks(const std::vector<core::Finding>& marks,
                        const std::vector<TruthNodule>& nodules) {
  CtCaseRead read;
  read.nodules = nodules.size();
  std::vector<bool> hit(nodules.size(), false);
  for (const auto& mark : marks) {
    CtMark judged{mark.score, 0};
    for (std::size_t n = 0; n < nodules.size(); ++n) {
      if (hits(mark, nodules[n])) {
        judged.lesion = static_cast<int>(n) + 1;
        hit[n] = true;
        break;
      }
    }
    if (judged.lesion == 0) ++read.falsePositives;
    read.marks.push_back(judged);
  }
  for (std::size_t n = 0; n < nodules.size(); ++n) {
    if (hit[n])
      ++read.hits;
    else
      read.missedLesions.push_back(static_cast<int>(n) + 1);
  }
  return read;
}

std::vector<core::Finding> readerMarksOn(const core::ModelRun* run,
                                         const std::vector<core::Decision>& decisions) {
  FindingCalls calls;
  for (const auto& d : decisions) calls.note(d);
  CtCaseRead ignored;
  return readerMarks(run, calls, ignored);
}

ReadingStatistics computeReadingStatistics(const ReviewRecords& records,
                                           const ReadingReference& reference,
                                           const StatisticsOptions& options) {
  ReadingStatistics stats;
  stats.ctReferenceCases = reference.ctStudies.size();
  stats.referencePhotographs = reference.photographs.size();
  std::map<std::string, const core::ModelRun*> latestRuns;
  for (const auto& run : records.modelRuns) latestRuns[run.studyUid] = &run;

  const auto activity = gatherActivity(records, options);
  std::vector<ReaderFigures> peers;
  for (const auto& [name, readerActivity] : activity) {
    ReaderFigures f = figuresOf(name, readerActivity, latestRuns, reference, options);
    if (f.ctCases.empty() && f.photographs.empty()) continue;  // read nothing in the reference
    if (!options.reader || name == *options.reader)
      stats.readers.push_back(std::move(f));
    else
      peers.push_back(std::move(f));
  }
  if (options.reader) {
    // Peers by how much they read, then by sensitivity: the labels say
    // nothing about who they are.
    std::sort(peers.begin(), peers.end(), [](const ReaderFigures& a, const ReaderFigures& b) {
      const auto sizeA = a.ctCases.size() + a.photographs.size();
      const auto sizeB = b.ctCases.size() + b.photographs.size();
      auto sensitivity = [](const ReaderFigures& f) {
        return f.sensitivity.defined() ? f.sensitivity.value : -1.0;
      };
      return sizeA != sizeB ? sizeA > sizeB : sensitivity(a) > sensitivity(b);
    });
    for (std::size_t i = 0; i < peers.size(); ++i) {
      peers[i].reader = "peer " + std::to_string(i + 1);
      stats.readers.push_back(std::move(peers[i]));
    }
  }
  stats.ai = aiFigures(records, latestRuns, reference, options, stats.aiFroc);
  return stats;
}

}  // namespace vigie::app
