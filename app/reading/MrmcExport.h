#pragma once

#include <filesystem>

#include "ReaderStatistics.h"
#include "vigie/core/Result.h"

namespace vigie::app {

/// Writes what multi-reader multi-case tools read, into `folder`:
/// - fundus-referable.imrmc: iMRMC's input (NR, N0, N1, NM, then "BEGIN
///   DATA:" and reader,case,modality,score rows; truth rows have reader -1
///   and score 0/1, referable or not). Readers and cases are numbered (as
///   iMRMC and RJafroc want); the score is the ICDR grade, 5 for
///   "ungradable" (a referral). Photographs the reference calls ungradable
///   are left out.
/// - fundus-cases.csv, readers.csv: what the numbers stand for.
/// - ct-froc-marks.csv (reader, case, case_uid, type NL|LL, lesion, rating:
///   the AI's score, 1 for a reader's mark) and ct-froc-truth.csv (case,
///   case_uid, lesion, diameter_mm, type; lesion 0 for a case without
///   nodules): a FROC data set for RJafroc-style analysis, the AI as reader
///   "AI".
core::Status writeMrmcExport(const ReadingStatistics& stats, const ReadingReference& reference,
                             const std::filesystem::path& folder);

}  // namespace vigie::app
