#pragma once

#include <QCoreApplication>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "ReviewRecords.h"
#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::app {

/// The window's side of the review store: which store file, which reader,
/// and which study and series are open. Every record it writes carries the
/// reader and the study; without a store each write fails with a message
/// that says so, and reads give nothing (a reader may look without recording).
class ReviewSession {
  Q_DECLARE_TR_FUNCTIONS(vigie::app::ReviewSession)

 public:
  /// Opens (or creates) the store `file` for `reader`. On failure no store is open.
  core::Status open(const QString& file, const QString& reader);
  bool isOpen() const { return store_ != nullptr; }
  const QString& storeFile() const { return storeFile_; }
  const QString& reader() const { return reader_; }

  /// The study on screen, named by its UIDs (what the store keys records by).
  void setStudy(const QString& path, const QString& studyUid, const QString& seriesUid);
  bool hasStudy() const { return !studyUid_.isEmpty(); }
  const QString& studyPath() const { return studyPath_; }
  const QString& studyUid() const { return studyUid_; }
  const QString& seriesUid() const { return seriesUid_; }
  /// Makes a loaded CT study the one on screen: its opening is audited (by
  /// UID: no names or IDs) and it joins the worklist (`record`). What could
  /// not be recorded, if anything; the study is open all the same.
  std::vector<core::Error> openStudy(const QString& path, const QString& studyUid,
                                     const QString& seriesUid, core::CaseRecord record);

  /// An audit entry by the reader; succeeds without a store (nothing to audit into).
  core::Status audit(const QString& action, const QString& detail);

  core::Result<std::int64_t> recordDecision(core::Decision decision);
  /// The open study's decisions, oldest first (none without a store or a study).
  core::Result<std::vector<core::Decision>> decisions() const;
  core::Status recordModelRun(core::ModelRun run);
  core::Result<std::optional<core::ModelRun>> latestModelRun() const;
  core::Result<std::int64_t> recordMeasurement(core::Measurement measurement);
  /// The open series' standing measurements on its volume.
  core::Result<std::vector<core::Measurement>> measurements() const;
  /// A measurement on a 2D image (`image` set): kept under that image's own
  /// study and series, which a scout or a radiograph opened beside the CT
  /// need not share; by the reader.
  core::Result<std::int64_t> recordImageMeasurement(core::Measurement measurement);
  /// The standing measurements on 2D images of a series, oldest first.
  core::Result<std::vector<core::Measurement>> imageMeasurements(
      const std::string& studyUid, const std::string& seriesUid) const;

  core::Result<std::int64_t> recordFundusGrade(core::FundusGrade grade);
  core::Result<std::vector<core::FundusGrade>> fundusGrades(const QString& photograph) const;
  core::Result<std::int64_t> recordFundusLesionMark(core::FundusLesionMark mark);
  core::Result<std::vector<core::FundusLesionMark>> fundusLesionMarks(
      const QString& photograph) const;

  /// Puts a study or photograph on the worklist (registered by the reader);
  /// succeeds without a store, as there is no worklist to put it on.
  core::Status registerCase(core::CaseRecord record);
  core::Status recordFundusAiResult(core::FundusAiResult result);
  /// The DR model's answers recorded for a photograph, oldest first.
  core::Result<std::vector<core::FundusAiResult>> fundusAiResults(const QString& photograph) const;
  /// An assignment, reading state or priority of a case, by the reader.
  core::Status recordCaseEvent(core::CaseEvent event);
  /// A trainer's comment on the open study, or on one of its findings
  /// (append-only, audited; the text is not written to the audit log).
  core::Status recordComment(const QString& text, std::optional<int> findingId);
  /// The same on any case the store knows: a CT study's UID or a
  /// photograph's identity (the trainer's view comments on what it shows).
  core::Status recordCommentOn(const QString& caseUid, const QString& text,
                               std::optional<int> findingId);
  /// Whether the site's double reading hides a photograph's `grades` from
  /// the reader now (a blind second reading of it is theirs to give).
  core::Result<bool> gradesHidden(const QString& photograph,
                                  const std::vector<core::FundusGrade>& grades) const;
  /// Everything the worklist is built from (nothing without a store).
  core::Result<ReviewRecords> reviewRecords() const;

 private:
  /// The error every write returns when no store is open.
  /// `message`: what was not saved, and that no store is open.
  core::Error noStore(const QString& message) const;

  std::unique_ptr<core::ReviewStore> store_;
  QString storeFile_;
  QString reader_;
  QString studyPath_;
  QString studyUid_;
  QString seriesUid_;
};

}  // namespace vigie::app
