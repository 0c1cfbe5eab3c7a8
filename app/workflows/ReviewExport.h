#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/SourceSeries.h"
#include "vigie/inference/InferenceSession.h"

namespace vigie::app {

/// What exportReview wrote.
struct ReviewExport {
  std::filesystem::path report;        ///< the TID 1500 SR
  std::filesystem::path segmentation;  ///< the nodule SEG; empty when nothing was accepted
  std::size_t findings = 0;            ///< findings in the report
  std::size_t accepted = 0;            ///< confirmed, edited or added (segments in the SEG)
  std::string model;                   ///< "id version" of the model run reported, or "none"
  std::size_t measurements = 0;        ///< the readers' lengths and regions on the series
  bool planar = false;                 ///< lengths on 2D images only (exportPlanarReview)
};

/// Writes a reviewed CT study as standard DICOM into `outDir`: the latest
/// model run's findings with every reader decision applied, as a TID 1500
/// Measurement Report (sr.dcm) and, when the reader accepted any finding, a
/// binary SEG of those nodules (seg-nodules.dcm) that the report refers to;
/// the readers' measurements on the series go into the report too.
/// Records an "export" entry in the audit log.
core::Result<ReviewExport> exportReview(const imaging::SourceSeries& source,
                                        core::ReviewStore& store, const std::string& reader,
                                        const std::filesystem::path& outDir,
                                        const std::string& softwareVersion);

/// Who read a photograph in which role under the site's double reading, and
/// whose grade is final, as app/reading's gradingStatus decided it (the
/// export knows no policy of its own). A site without double reading: no
/// roles, and the latest grade's reader final.
struct FundusReadingRoles {
  std::string primaryGrader, secondGrader, arbiter;  ///< empty when nobody has that role
  /// The reader whose latest grade is final; unset while a second reading
  /// or an arbitration is awaited.
  std::optional<std::string> finalReader;
};

/// Writes a series of fundus photographs (DICOM OP) as a TID 1500 report
/// (sr.dcm in `outDir`): per photograph, every reader's latest grade in the
/// store, each with the reader's role and whether it is final when
/// `rolesByImage` (keyed by SOP Instance UID) has the photograph (else
/// neither is said), and the
/// grade in force (the final one; without roles, or while it is not final
/// yet, the latest) where the report has always had it; when `session` is
/// given, the DR model's assessment (run now on each photograph), or without
/// one and with `storedAiResults`, the model's answer the store recorded
/// when it ran (a teaching file reports what the readers saw, not a new
/// run). Records an "export" audit entry. Fails when there is neither a
/// model nor a reader's grade to report.
core::Result<ReviewExport> exportFundusReview(
    const imaging::SourceSeries& photographs, core::ReviewStore& store, const std::string& reader,
    const std::filesystem::path& outDir, const std::string& softwareVersion,
    inference::InferenceSession* session = nullptr, bool storedAiResults = false,
    const std::map<std::string, FundusReadingRoles>& rolesByImage = {});

/// Writes the readers' lengths on the 2D images of a series (radiographs,
/// ultrasound, a scout ...; `images` as describeSourceImages gives them) as a
/// TID 1500 report (sr.dcm in `outDir`), each on its image and frame.
/// Records an "export" audit entry. Fails when the store holds no length on
/// these images.
core::Result<ReviewExport> exportPlanarReview(const imaging::SourceSeries& images,
                                              core::ReviewStore& store, const std::string& reader,
                                              const std::filesystem::path& outDir,
                                              const std::string& softwareVersion);

}  // namespace vigie::app
