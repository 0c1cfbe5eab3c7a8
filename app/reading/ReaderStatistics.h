#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "Agreement.h"
#include "NoduleEvaluation.h"
#include "ReadingReference.h"
#include "ReviewRecords.h"

namespace vigie::app {

/// Which reads count.
struct StatisticsOptions {
  /// This reader's figures, with the others' as anonymised peers ("peer 1",
  /// ...); unset: every reader by name.
  std::optional<std::string> reader;
  std::string fromDate, toDate;  ///< YYYY-MM-DD, on when a read was recorded; empty: open
  int resamples = 2000;          ///< bootstrap resamples for the kappas and rates per case
  std::uint64_t seed = 20261201;
};

/// A mark a reader (or the AI) left on a CT case, as judged against the
/// reference: on a nodule (lesion is its 1-based index) or not (0).
struct CtMark {
  double rating = 1.0;  ///< the AI's score; 1 for a reader's mark
  int lesion = 0;
};

/// One CT case as one reader read it.
struct CtCaseRead {
  std::string caseUid, name;
  std::size_t nodules = 0, hits = 0, falsePositives = 0;
  std::vector<int> missedLesions;  ///< 1-based indices of the nodules no mark hit
  std::vector<CtMark> marks;
  /// The AI's findings on the case and what this reader did with them.
  std::size_t aiFindings = 0, confirmed = 0, rejected = 0, edited = 0, undecided = 0, added = 0;
  /// The time the reader spent on the case (as secondsPerCase measures it);
  /// NaN when it could not be measured (one record, never opened) or for the AI.
  double seconds = std::numeric_limits<double>::quiet_NaN();
};

/// One photograph as one reader (or the AI) graded it.
struct PhotographRead {
  std::string caseUid, name;
  int grade = 0;
  bool gradable = true;
  ReferenceGrade reference;
  /// Referral against the reference: "TP", "FP", "TN", "FN"; "" when the
  /// reference calls the photograph ungradable. An ungradable read is a
  /// referral, as screening programmes treat it.
  std::string outcome;
  /// The time the reader spent on the photograph; NaN as for CtCaseRead.
  double seconds = std::numeric_limits<double>::quiet_NaN();
  /// The model's calibrated referable probability (the AI's reads only; NaN
  /// for a reader): its score in the MRMC export.
  double referableProbability = std::numeric_limits<double>::quiet_NaN();
};

/// One reader's figures (or the AI's), each with its 95 % interval.
struct ReaderFigures {
  std::string reader;  ///< a name, "AI", or "peer N"
  std::vector<CtCaseRead> ctCases;
  Estimate sensitivity;  ///< nodules hit / nodules, Wilson
  Estimate fpPerCase;    ///< mean false positives per case, bootstrap over cases
  Estimate confirmRate, rejectRate, editRate;  ///< of the AI's findings, Wilson
  std::size_t added = 0;                       ///< findings the reader added
  std::vector<PhotographRead> photographs;
  Estimate referableSensitivity, referableSpecificity;  ///< Wilson
  Estimate kappa, quadraticKappa;                       ///< ICDR grades, bootstrap
  Estimate gradabilityAgreement;                        ///< Wilson
  /// Median time a reader spent on a case: from their last opening of it in
  /// the window (audited) before their first record on it, or from that
  /// first record when they never opened it in the window, to their last
  /// record. Each case's own time is in its CtCaseRead or PhotographRead.
  Estimate secondsPerCase;
};

struct ReadingStatistics {
  std::vector<ReaderFigures> readers;  ///< the chosen reader first, then peers (or all by name)
  ReaderFigures ai;                    ///< the model's figures on the same reference
  FrocResult aiFroc;                   ///< the AI's FROC over the CT reference cases it ran on
  std::size_t ctReferenceCases = 0, referencePhotographs = 0;
};

/// Judges marks on a CT case against its reference nodules: a mark hits a
/// nodule when its centre lies within the nodule's radius (the first it
/// hits, in the reference's order); hits, missed nodules (1-based), false
/// positives, each mark's nodule.
CtCaseRead judgeCtMarks(const std::vector<core::Finding>& marks,
                        const std::vector<TruthNodule>& nodules);

/// A reader's marks on a CT case, as the statistics count them, from the
/// case's latest model run (may be null) and that reader's decisions on it
/// (oldest first).
std::vector<core::Finding> readerMarksOn(const core::ModelRun* run,
                                         const std::vector<core::Decision>& decisions);

/// Readers and AI against the reference. A CT reader's marks are the AI's
/// findings they confirmed, annotated or edited (an edit moves the mark)
/// and the findings they added; rejected and undecided findings are not
/// marks. A case counts for a reader who recorded a decision or a reading
/// state on it. A photograph counts with the reader's latest grade.
ReadingStatistics computeReadingStatistics(const ReviewRecords& records,
                                           const ReadingReference& reference,
                                           const StatisticsOptions& options);

}  // namespace vigie::app
