#include "ReviewSession.h"

#include "DoubleReading.h"

namespace vigie::app {

core::Status ReviewSession::open(const QString& file, const QString& reader) {
  reader_ = reader;
  storeFile_.clear();
  store_.reset();
  auto store = core::ReviewStore::open(file.toStdString());
  if (!store.ok()) return store.error();
  store_ = std::move(store.value());
  storeFile_ = file;
  return {};
}

void ReviewSession::setStudy(const QString& path, const QString& studyUid,
                             const QString& seriesUid) {
  studyPath_ = path;
  studyUid_ = studyUid;
  seriesUid_ = seriesUid;
}

std::vector<core::Error> ReviewSession::openStudy(const QString& path, const QString& studyUid,
                                                  const QString& seriesUid,
                                                  core::CaseRecord record) {
  setStudy(path, studyUid, seriesUid);
  std::vector<core::Error> unrecorded;
  if (auto logged = audit("study opened", "study " + studyUid); !logged.ok())
    unrecorded.push_back(logged.error());
  if (auto registered = registerCase(std::move(record)); !registered.ok())
    unrecorded.push_back(registered.error());
  return unrecorded;
}

core::Error ReviewSession::noStore(const QString& message) const {
  return core::makeError(core::ErrorCode::InvalidArgument, message.toStdString());
}

core::Status ReviewSession::audit(const QString& action, const QString& detail) {
  if (!store_) return {};
  return store_->audit(reader_.toStdString(), action.toStdString(), detail.toStdString());
}

core::Result<std::int64_t> ReviewSession::recordDecision(core::Decision decision) {
  if (!store_) return noStore(tr("No review store is open: the decision was not saved"));
  decision.studyUid = studyUid_.toStdString();
  decision.reader = reader_.toStdString();
  return store_->recordDecision(std::move(decision));
}

core::Result<std::vector<core::Decision>> ReviewSession::decisions() const {
  if (!store_ || studyUid_.isEmpty()) return std::vector<core::Decision>{};
  return store_->decisions(studyUid_.toStdString());
}

core::Status ReviewSession::recordModelRun(core::ModelRun run) {
  if (!store_) return noStore(tr("No review store is open: the model run was not saved"));
  run.studyUid = studyUid_.toStdString();
  run.seriesUid = seriesUid_.toStdString();
  run.reader = reader_.toStdString();
  auto recorded = store_->recordModelRun(std::move(run));
  if (!recorded.ok()) return recorded.error();
  return {};
}

core::Result<std::optional<core::ModelRun>> ReviewSession::latestModelRun() const {
  if (!store_ || studyUid_.isEmpty()) return std::optional<core::ModelRun>{};
  return store_->latestModelRun(studyUid_.toStdString());
}

core::Result<std::int64_t> ReviewSession::recordMeasurement(core::Measurement measurement) {
  if (!store_) return noStore(tr("No review store is open: the measurement was not saved"));
  measurement.studyUid = studyUid_.toStdString();
  measurement.seriesUid = seriesUid_.toStdString();
  measurement.reader = reader_.toStdString();
  return store_->recordMeasurement(std::move(measurement));
}

core::Result<std::vector<core::Measurement>> ReviewSession::measurements() const {
  if (!store_ || studyUid_.isEmpty()) return std::vector<core::Measurement>{};
  auto all = store_->measurements(studyUid_.toStdString());
  if (!all.ok()) return all.error();
  std::vector<core::Measurement> ofSeries;
  for (auto& m : core::measurementsInForce(all.value()))
    if (m.seriesUid == seriesUid_.toStdString() && !m.image) ofSeries.push_back(std::move(m));
  return ofSeries;
}

core::Result<std::int64_t> ReviewSession::recordImageMeasurement(core::Measurement measurement) {
  if (!store_) return noStore(tr("No review store is open: the measurement was not saved"));
  measurement.reader = reader_.toStdString();
  return store_->recordMeasurement(std::move(measurement));
}

core::Result<std::vector<core::Measurement>> ReviewSession::imageMeasurements(
    const std::string& studyUid, const std::string& seriesUid) const {
  if (!store_ || studyUid.empty()) return std::vector<core::Measurement>{};
  auto all = store_->measurements(studyUid);
  if (!all.ok()) return all.error();
  std::vector<core::Measurement> ofSeries;
  for (auto& m : core::measurementsInForce(all.value()))
    if (m.seriesUid == seriesUid && m.image) ofSeries.push_back(std::move(m));
  return ofSeries;
}

core::Result<std::int64_t> ReviewSession::recordFundusGrade(core::FundusGrade grade) {
  if (!store_) return noStore(tr("No review store is open: the grade was not saved"));
  grade.reader = reader_.toStdString();
  return store_->recordFundusGrade(std::move(grade));
}

core::Result<std::vector<core::FundusGrade>> ReviewSession::fundusGrades(
    const QString& photograph) const {
  if (!store_ || photograph.isEmpty()) return std::vector<core::FundusGrade>{};
  return store_->fundusGrades(photograph.toStdString());
}

core::Result<std::vector<core::FundusAiResult>> ReviewSession::fundusAiResults(
    const QString& photograph) const {
  if (!store_ || photograph.isEmpty()) return std::vector<core::FundusAiResult>{};
  return store_->fundusAiResults(photograph.toStdString());
}

core::Result<std::int64_t> ReviewSession::recordFundusLesionMark(core::FundusLesionMark mark) {
  if (!store_) return noStore(tr("No review store is open: the lesion mark was not saved"));
  mark.reader = reader_.toStdString();
  return store_->recordFundusLesionMark(std::move(mark));
}

core::Result<std::vector<core::FundusLesionMark>> ReviewSession::fundusLesionMarks(
    const QString& photograph) const {
  if (!store_ || photograph.isEmpty()) return std::vector<core::FundusLesionMark>{};
  return store_->fundusLesionMarks(photograph.toStdString());
}

core::Status ReviewSession::registerCase(core::CaseRecord record) {
  if (!store_) return {};
  record.registeredBy = reader_.toStdString();
  auto registered = store_->registerCase(std::move(record));
  if (!registered.ok()) return registered.error();
  return {};
}

core::Status ReviewSession::recordFundusAiResult(core::FundusAiResult result) {
  if (!store_) return noStore(tr("No review store is open: the model result was not saved"));
  result.reader = reader_.toStdString();
  auto recorded = store_->recordFundusAiResult(std::move(result));
  if (!recorded.ok()) return recorded.error();
  return {};
}

core::Status ReviewSession::recordCaseEvent(core::CaseEvent event) {
  if (!store_) return noStore(tr("No review store is open: the worklist change was not saved"));
  event.actor = reader_.toStdString();
  auto recorded = store_->recordCaseEvent(std::move(event));
  if (!recorded.ok()) return recorded.error();
  return {};
}

core::Status ReviewSession::recordComment(const QString& text, std::optional<int> findingId) {
  if (store_ && studyUid_.isEmpty())
    return core::makeError(core::ErrorCode::InvalidArgument,
                           tr("no study is open to comment on").toStdString());
  return recordCommentOn(studyUid_, text, findingId);
}

core::Status ReviewSession::recordCommentOn(const QString& caseUid, const QString& text,
                                            std::optional<int> findingId) {
  if (!store_) return noStore(tr("No review store is open: the comment was not saved"));
  if (caseUid.isEmpty())
    return core::makeError(core::ErrorCode::InvalidArgument,
                           tr("no case is open to comment on").toStdString());
  if (text.trimmed().isEmpty())
    return core::makeError(core::ErrorCode::InvalidArgument,
                           tr("an empty comment is not recorded").toStdString());
  core::CaseComment comment;
  comment.caseUid = caseUid.toStdString();
  comment.findingId = findingId;
  comment.text = text.trimmed().toStdString();
  comment.author = reader_.toStdString();
  auto recorded = store_->recordComment(std::move(comment));
  if (!recorded.ok()) return recorded.error();
  return {};
}

core::Result<bool> ReviewSession::gradesHidden(const QString& photograph,
                                               const std::vector<core::FundusGrade>& grades) const {
  if (!store_) return false;
  auto settings = store_->siteSettings();
  if (!settings.ok()) return settings.error();
  auto answers = store_->fundusAiResults(photograph.toStdString());
  if (!answers.ok()) return answers.error();
  const auto policy = policyFromSettings(settings.value());
  const auto status =
      gradingStatus(grades, answers.value().empty() ? nullptr : &answers.value().back(), policy);
  return gradesHiddenFrom(status, reader_.toStdString(), policy);
}

core::Result<ReviewRecords> ReviewSession::reviewRecords() const {
  if (!store_) return ReviewRecords{};
  return readReviewRecords(*store_);
}

}  // namespace vigie::app
