#include "CtReviewController.h"

#include <QInputDialog>
#include <QMessageBox>
#include <QSettings>
#include <QStringList>
#include <algorithm>

#include "BlindRead.h"
#include "DisplayNames.h"
#include "FindingsPanel.h"
#include "ModelRunner.h"
#include "ProblemReporter.h"
#include "ReadingReference.h"
#include "ReviewSession.h"

namespace vigie::app {
namespace {

/// What the reveal of a blind read tells the reader, in their language, e.g.
/// "You found 2 of 3 nodules, with 1 false positive. Missed: nodule 3 (6.2 mm
/// solid at -40.1, 12.0, 88.5 mm). The AI found 3 of 3, with 4 false positives."
QString describeRead(const BlindReadScore& score) {
  const auto nodules = [](std::size_t n) {
    return n == 1 ? CtReviewController::tr("1 nodule")
                  : CtReviewController::tr("%n nodules", nullptr, static_cast<int>(n));
  };
  const auto falsePositives = [](std::size_t n) {
    return n == 1 ? CtReviewController::tr("1 false positive")
                  : CtReviewController::tr("%n false positives", nullptr, static_cast<int>(n));
  };
  const CtCaseRead& r = score.reader;
  QStringList sentences;
  //: %1: how many of the case's nodules the reader found; %2: "3 nodules"; %3: "1 false positive".
  sentences << CtReviewController::tr("You found %1 of %2, with %3.")
                   .arg(r.hits)
                   .arg(nodules(r.nodules), falsePositives(r.falsePositives));
  if (!r.missedLesions.empty()) {
    QStringList missed;
    for (const int lesion : r.missedLesions) {
      const TruthNodule& n = score.reference[static_cast<std::size_t>(lesion - 1)];
      const QString diameter = DisplayNames::number(n.diameterMm, 1);
      const QString center = DisplayNames::point(n.centerMm);
      if (n.type.empty()) {
        //: %1: the nodule's number; %2: its diameter; %3: its centre (x, y, z).
        missed << CtReviewController::tr("nodule %1 (%2 mm at %3 mm)")
                      .arg(lesion)
                      .arg(diameter, center);
      } else {
        //: %1: the nodule's number; %2: its diameter; %3: its type (solid ...);
        //: %4: its centre (x, y, z).
        missed << CtReviewController::tr("nodule %1 (%2 mm %3 at %4 mm)")
                      .arg(lesion)
                      .arg(diameter, DisplayNames::noduleType(n.type), center);
      }
    }
    //: %1: the nodules the reader missed, separated by "; ".
    sentences << CtReviewController::tr("Missed: %1.").arg(missed.join(QStringLiteral("; ")));
  }
  if (score.ai) {
    //: %1 of %2: nodules the AI found of the case's; %3: "4 false positives".
    sentences << CtReviewController::tr("The AI found %1 of %2, with %3.")
                     .arg(score.ai->hits)
                     .arg(score.ai->nodules)
                     .arg(falsePositives(score.ai->falsePositives));
  } else {
    sentences << CtReviewController::tr("The AI has not run on this case.");
  }
  return sentences.join(QLatin1Char(' '));
}

}  // namespace

CtReviewController::CtReviewController(ReviewSession* session, FindingsPanel* findings,
                                       ProblemReporter* problems, QWidget* dialogParent)
    : QObject(dialogParent),
      session_(session),
      findings_(findings),
      problems_(problems),
      dialogParent_(dialogParent) {}

void CtReviewController::openCase(const core::VolumeGeometry& geometry) {
  geometry_ = geometry;
  modelFindings_.clear();
  findings_->clear();
  revealed_ = false;    // a new case is read blind in educational mode
  revealJob_.cancel();  // a reveal asked for on the case left is dropped
  showStoredRun();
}

void CtReviewController::showModelRun(const ModelRun& run) {
  //: %1 %2 (%3): the model's name, version and id; %4: the device it ran on (cpu, cuda ...);
  //: %5: seconds; %6: the model's intended use.
  QString description = tr("%1 %2 (%3)\nRan on %4 in %5 s: %n findings.\n%6", nullptr,
                           static_cast<int>(run.findings.size()))
                            .arg(run.modelName, run.modelVersion, run.modelId, run.device)
                            .arg(DisplayNames::number(run.seconds, 1))
                            .arg(run.intendedUse);
  if (run.labelVolumeMl >= 0) {
    //: A segmentation model's result. %1: the structure (spleen ...); %2: its volume.
    description += "\n" + tr("%1: %2 ml segmented")
                              .arg(run.labelName.isEmpty() ? tr("Label") : run.labelName)
                              .arg(DisplayNames::number(run.labelVolumeMl, 1));
  }
  for (const QString& note : run.notes) description += "\n" + note;
  findings_->showModel(description, run.clinicalUse, run.modelCard);
  modelFindings_ = run.findings;
  if (session_->isOpen()) {
    // The run and its findings go to the store (with the audit entry), so
    // that decisions and DICOM exports refer to exactly what was shown.
    core::ModelRun record;
    record.bundleId = run.modelId.toStdString();
    record.bundleVersion = run.modelVersion.toStdString();
    record.weightsSha256 = run.weightsSha256.toStdString();
    record.device = run.device.toStdString();
    record.durationSeconds = run.seconds;
    record.findings = run.findings;
    auto logged = session_->recordModelRun(record);
    if (!logged.ok()) problems_->report(logged.error());
  }
  refreshReview();
  Q_EMIT status(tr("%n findings from %1 in %2 s", nullptr, static_cast<int>(run.findings.size()))
                    .arg(run.modelId)
                    .arg(DisplayNames::number(run.seconds, 1)),
                10000);
}

void CtReviewController::showStoredRun() {
  // A study reviewed before comes back with its last model run's findings
  // and every decision, without running the model again (the heatmap is not
  // stored: Ctrl+M shows it).
  if (blindReading_ && !revealed_) {
    modelFindings_.clear();
    findings_->showModel(tr("Educational mode: the AI and the other readers' marks are hidden. "
                            "Mark what you see (AI > Add a finding), then AI > Reveal."),
                         false);
    refreshReview();
    return;
  }
  auto run = session_->latestModelRun();
  auto decisions = session_->decisions();
  if (!run.ok() || !decisions.ok()) {
    problems_->report(!run.ok() ? run.error() : decisions.error());
    return;
  }
  if (!run.value() && decisions.value().empty()) return;
  if (run.value()) {
    const core::ModelRun& r = *run.value();
    modelFindings_ = r.findings;
    findings_->showModel(
        //: %1 %2: the model and its version; %3: the reader; %4: when.
        tr("%1 %2, run by %3 at %4 (stored; Ctrl+M runs it again and shows "
           "the heatmap)")
            .arg(QString::fromStdString(r.bundleId), QString::fromStdString(r.bundleVersion),
                 QString::fromStdString(r.reader), QString::fromStdString(r.recordedAt)),
        false);
  }
  refreshReview();
}

void CtReviewController::refreshReview() {
  Q_EMIT storeChanged();
  if (!geometry_) return;
  std::vector<core::Decision> history;
  auto decisions = session_->decisions();
  if (!decisions.ok()) {
    problems_->report(decisions.error());
  } else {
    history = std::move(decisions.value());
  }
  if (blindReading_ && !revealed_) {
    // A blind read sees only the reader's own marks.
    const std::string me = session_->reader().toStdString();
    history.erase(std::remove_if(history.begin(), history.end(),
                                 [&](const core::Decision& d) { return d.reader != me; }),
                  history.end());
  }
  const auto reviewed = core::applyDecisions(modelFindings_, history);
  findings_->showReview(reviewed, *geometry_);
  Q_EMIT reviewShown(reviewed);
}

bool CtReviewController::record(core::Decision d) {
  if (!session_->hasStudy()) return false;
  auto saved = session_->recordDecision(d);
  if (!saved.ok()) {
    problems_->report(saved.error(), tr("The decision was NOT saved (see Problems)"));
    return false;
  }
  // Shown only now that it is on disk, and as the store has it.
  refreshReview();
  const QString decision = DisplayNames::decision(d.kind);
  QString message;
  if (d.findingId == 0) {
    //: %1: the reader's decision (add) on the finding they added.
    message = tr("Finding new: %1 (saved)").arg(decision);
  } else {
    //: %1: the finding's number; %2: the reader's decision (confirm, reject, ...).
    message = tr("Finding %1: %2 (saved)").arg(d.findingId).arg(decision);
  }
  Q_EMIT status(message, 5000);
  return true;
}

std::optional<core::ReviewedFinding> CtReviewController::selectedOrHint() {
  auto finding = findings_->selectedFinding();
  if (!finding) Q_EMIT status(tr("Select a finding first (N / P)"), 5000);
  return finding;
}

bool CtReviewController::decideSelected(core::DecisionKind kind) {
  const auto finding = selectedOrHint();
  if (!finding) return false;
  core::Decision d;
  d.findingId = finding->id;
  d.kind = kind;
  return record(d);
}

bool CtReviewController::editSelected(const core::Vec3& centerMm, double diameterMm,
                                      const QString& note) {
  const auto finding = selectedOrHint();
  if (!finding || diameterMm <= 0) return false;
  core::Decision d;
  d.findingId = finding->id;
  d.kind = core::DecisionKind::Edit;
  d.centerMm = centerMm;
  d.diameterMm = diameterMm;
  d.note = note.toStdString();
  if (!record(d)) return false;
  Q_EMIT findingMoved(centerMm, diameterMm);  // the marker follows the edit
  return true;
}

bool CtReviewController::annotateSelected(const QString& note, const QString& category) {
  const auto finding = selectedOrHint();
  if (!finding) return false;
  core::Decision d;
  d.findingId = finding->id;
  d.kind = core::DecisionKind::Annotate;
  d.note = note.toStdString();
  d.category = category.toStdString();
  return record(d);
}

bool CtReviewController::addFinding(const core::Vec3& centerMm, double diameterMm,
                                    const QString& note) {
  if (!geometry_ || diameterMm <= 0) return false;
  core::Decision d;
  d.findingId = 0;  // the store numbers the reader's findings from 1001
  d.kind = core::DecisionKind::Add;
  d.centerMm = centerMm;
  d.diameterMm = diameterMm;
  d.note = note.toStdString();
  return record(d);
}

void CtReviewController::askForComment(bool onSelectedFinding) {
  if (onSelectedFinding && !findings_->selectedFinding()) {
    problems_->report(tr("Select a finding to comment on it."));
    return;
  }
  bool ok = false;
  const QString text = QInputDialog::getMultiLineText(
      dialogParent_, tr("Trainer's comment"),
      onSelectedFinding ? tr("Comment on the selected finding:") : tr("Comment on the study:"),
      QString(), &ok);
  if (ok) commentOnStudy(text, onSelectedFinding);
}

bool CtReviewController::commentOnStudy(const QString& text, bool onSelectedFinding) {
  std::optional<int> findingId;
  if (onSelectedFinding) {
    const auto finding = findings_->selectedFinding();
    if (!finding) {
      problems_->report(tr("Select a finding to comment on it."));
      return false;
    }
    findingId = finding->id;
  }
  auto recorded = session_->recordComment(text, findingId);
  if (!recorded.ok()) {
    problems_->report(recorded.error());
    return false;
  }
  Q_EMIT status(tr("Comment saved"), 5000);
  Q_EMIT storeChanged();
  return true;
}

void CtReviewController::setEducationalMode(bool on) {
  if (blindReading_ == on) return;
  blindReading_ = on;
  revealed_ = false;
  revealJob_.cancel();  // a reveal asked for in the mode left is dropped
  if (on) findings_->clear();
  if (geometry_) showStoredRun();
}

bool CtReviewController::revealBlindRead() {
  if (!blindReading_ || !geometry_ || !session_->isOpen()) return false;
  const QString study = session_->studyUid();
  // The reference: the study's own folder (a synthetic case's truth.json),
  // else the folder last chosen for reader statistics (experts' reports).
  const QStringList folders{session_->studyPath(),
                            QSettings().value("reading/reference").toString()};
  Q_EMIT status(tr("Reading the reference to score your read ..."), 10000);
  // Starting again cancels a reveal still reading: the reader sees one.
  revealJob_.start([this, study, folders](const auto& token) {
    // The first reference that knows the case; an unreadable one is skipped
    // (a study folder without truth.json is no reference, not an error).
    std::optional<std::vector<TruthNodule>> nodules;
    for (const QString& path : folders) {
      if (token.cancelled()) return;
      if (path.isEmpty()) continue;
      auto reference = loadReadingReference(path.toStdString());
      if (!reference.ok()) continue;
      auto found = reference.value().ctStudies.find(study.toStdString());
      if (found != reference.value().ctStudies.end()) {
        nodules = found->second;
        break;
      }
    }
    token.post([this, study, nodules] {
      revealJob_.finished();
      // The job is cancelled when the case or the mode changes; the store
      // may have been closed meanwhile.
      if (!blindReading_ || !geometry_ || !session_->isOpen() || session_->studyUid() != study)
        return;
      showReveal(nodules);
    });
  });
  return true;
}

void CtReviewController::showReveal(const std::optional<std::vector<TruthNodule>>& nodules) {
  revealed_ = true;
  showStoredRun();
  auto run = session_->latestModelRun();
  auto decisions = session_->decisions();
  if (!run.ok() || !decisions.ok()) {
    problems_->report(!run.ok() ? run.error() : decisions.error());
    return;
  }
  std::vector<core::Decision> mine;
  for (const auto& d : decisions.value())
    if (d.reader == session_->reader().toStdString()) mine.push_back(d);
  const core::ModelRun* ai = run.value() ? &*run.value() : nullptr;
  const auto marks = readerMarksOn(ai, mine);
  QString text;
  if (!nodules) {
    text =
        tr("The AI's findings are shown. No reference knows this case (a truth.json beside "
           "it, or experts' reports filed with `vigie-cli review import-sr` and chosen in "
           "Worklist > Reader statistics), so the read is not scored.");
  } else {
    const auto score =
        scoreBlindRead(marks, ai ? std::optional(ai->findings) : std::nullopt, *nodules);
    text = describeRead(score);
    std::vector<std::pair<core::Vec3, double>> missed;
    for (const int lesion : score.reader.missedLesions) {
      const TruthNodule& n = score.reference[static_cast<std::size_t>(lesion - 1)];
      missed.emplace_back(n.centerMm, n.diameterMm);
    }
    Q_EMIT missedNodulesRevealed(missed);
    auto logged = session_->audit("educational read revealed",
                                  QString("study %1: %2 of %3 found, %4 false positives")
                                      .arg(session_->studyUid())
                                      .arg(score.reader.hits)
                                      .arg(score.reader.nodules)
                                      .arg(score.reader.falsePositives));
    if (!logged.ok()) problems_->report(logged.error());
  }
  Q_EMIT status(text, 30000);
  auto* box = new QMessageBox(QMessageBox::Information, tr("Your read"), text, QMessageBox::Ok,
                              dialogParent_);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
  Q_EMIT blindReadRevealed(text);
}

}  // namespace vigie::app
