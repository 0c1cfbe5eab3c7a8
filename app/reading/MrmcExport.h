#pragma once

#include <filesystem>

#include "ReaderStatistics.h"
#include "vigie/core/Result.h"

namespace vigie::app {

/// Writes what multi-reader multi-case tools read, into `folder`.
///
/// Readers are numbered by their place in `stats.readers` (readers.csv:
/// reader_id, reader), the same number in every file; CT cases by their
/// place in the reference (ct-froc-truth.csv: case, case_uid), photographs
/// as fundus-cases.csv lists them. Two modalities: "READER" (the readers'
/// scores) and "AI" (the model's). The AI's scores are repeated under every
/// reader's number so that the design stays fully crossed (each reader, each
/// case, both modalities), as iMRMC's and RJafroc's paired comparisons of
/// readers with the AI want; the AI modality then has no reader variance.
///
/// iMRMC input (a free-text description, then NR, N0, N1, NM, "BEGIN DATA:"
/// and readerID,caseID,modalityID,score rows; truth rows have reader -1,
/// modality 0 and score 1 for an abnormal case, 0 for a normal one):
/// - fundus-referable.imrmc: abnormal = referable (reference ICDR >= 2); a
///   reader's score is their ICDR grade, 5 for "ungradable" (a referral);
///   the AI's is its calibrated referable probability. Photographs the
///   reference calls ungradable are left out.
/// - ct-nodules.imrmc: the CT cases some reader read; abnormal = the
///   reference holds a nodule in the case. The case-level score is the
///   highest rating among the reader's standing marks on the case (a
///   reader's mark is rated 1, so 1 when they left any mark, 0 when they
///   left none); for the AI, its highest finding score (0 with no finding),
///   on the cases it ran on.
///
/// FROC, for RJafroc (the three tables of its JAFROC layout, one CSV each,
/// with its column names), over the same CT cases:
/// - ct-rjafroc-truth.csv: CaseID, LesionID, Weight; a normal case has one
///   row with lesion 0 and weight 0; the lesions of an abnormal case are
///   numbered from 1 and weigh equally (six decimals, summing to 1).
/// - ct-rjafroc-nl.csv: ReaderID, ModalityID, CaseID, NL_Rating: marks on
///   no nodule.
/// - ct-rjafroc-ll.csv: ReaderID, ModalityID, CaseID, LesionID, LL_Rating:
///   the highest-rated mark on each nodule marked (a second mark on the same
///   nodule counts neither way, as `eval nodules` counts the FROC).
/// A case a reader did not read has no marks of theirs: read the same cases
/// with every reader for these files (choose the period).
///
/// Also, as before: ct-froc-marks.csv (reader, case, case_uid, type NL|LL,
/// lesion, rating: the AI's score, 1 for a reader's mark; the AI as reader
/// "AI") and ct-froc-truth.csv (case, case_uid, lesion, diameter_mm, type;
/// lesion 0 for a case without nodules), and fundus-cases.csv.
core::Status writeMrmcExport(const ReadingStatistics& stats, const ReadingReference& reference,
                             const std::filesystem::path& folder);

}  // namespace vigie::app
