#include "FundusReviewController.h"

#include <QMessageBox>
#include <QStatusBar>
#include <algorithm>
#include <optional>

#include "DisplayNames.h"
#include "FundusAssessmentPanel.h"
#include "FundusViewer.h"
#include "ProblemReporter.h"
#include "ReadingReference.h"
#include "ReviewSession.h"

namespace vigie::app {

FundusReviewController::FundusReviewController(FundusViewer* viewer, ReviewSession* session,
                                               ProblemReporter* problems, QStatusBar* statusBar,
                                               QObject* parent)
    : QObject(parent),
      viewer_(viewer),
      session_(session),
      problems_(problems),
      statusBar_(statusBar) {
  connect(viewer_, &FundusViewer::problem, problems_,
          [this](const QString& message) { problems_->report(message); });
  connect(viewer_, &FundusViewer::runModelRequested, this, &FundusReviewController::runModel);
  connect(viewer_, &FundusViewer::gradeSubmitted, this, &FundusReviewController::saveGrade);
  connect(viewer_, &FundusViewer::photographShown, this, [this](const QString& photograph) {
    revealed_ = false;    // each photograph is read blind in educational mode
    revealJob_.cancel();  // a reveal asked for on the photograph left is dropped
    // Audited by its store key (a UID or a content hash, never a name): the
    // reader statistics' time per photograph starts here.
    if (session_->isOpen() && !photograph.isEmpty()) {
      auto logged = session_->audit("photograph opened", "photograph " + photograph);
      if (!logged.ok()) problems_->report(logged.error());
    }
    showStored(photograph);
  });
  connect(viewer_, &FundusViewer::lesionMarked, this,
          [this](const QString& photograph, const QString& kind, double x, double y, double r) {
            core::FundusLesionMark mark;
            mark.lesion = kind.toStdString();
            mark.x = x;
            mark.y = y;
            mark.radius = r;
            saveLesionMark(photograph, mark);
          });
  connect(viewer_, &FundusViewer::lesionMarkWithdrawn, this,
          [this](const QString& photograph, std::int64_t id) {
            core::FundusLesionMark withdrawal;
            withdrawal.withdraws = id;
            saveLesionMark(photograph, withdrawal);
          });
  connect(&grader_, &FundusGrader::finished, this, &FundusReviewController::showModelResult);
  connect(&grader_, &FundusGrader::failed, this, [this](const QString& message) {
    viewer_->assessment()->clearModelResult();
    problems_->report(message, tr("The DR model failed (see Problems)"));
    Q_EMIT modelFailed(message);
  });
}

void FundusReviewController::runModel() {
  const auto photograph = viewer_->currentPhotograph();
  if (!photograph) {
    statusBar_->showMessage(tr("Open fundus photographs first (File > Open fundus photographs)"),
                            5000);
    return;
  }
  if (bundle_.isEmpty()) {
    statusBar_->showMessage(tr("No fundus model bundle is configured (--fundus-model)"), 5000);
    return;
  }
  if (hidingOthers()) {
    statusBar_->showMessage(
        tr("Reading blind: grade the photograph, then AI > Reveal the AI and the reference"), 5000);
    return;
  }
  viewer_->assessment()->showModelRunning();
  statusBar_->showMessage(tr("Running the DR model ..."));
  grader_.run(photograph, bundle_);
}

void FundusReviewController::registerPhotograph(const QString& photograph) {
  if (photograph.isEmpty() || !session_->isOpen()) return;
  core::CaseRecord record;
  record.caseUid = photograph.toStdString();
  record.kind = core::CaseKind::Fundus;
  record.modality = "OP";
  record.source = viewer_->currentFile().toStdString();
  if (auto registered = session_->registerCase(record); !registered.ok()) {
    problems_->report(registered.error());
    return;
  }
  Q_EMIT photographRegistered();
}

void FundusReviewController::showModelResult(const FundusResult& result) {
  viewer_->showModelResult(result);
  if (session_->isOpen() && !viewer_->currentIdentity().isEmpty()) {
    // The model's answer goes to the store, for the worklist's triage and
    // the readers' statistics.
    const auto& p = result.prediction;
    core::FundusAiResult answer;
    answer.imageUid = viewer_->currentIdentity().toStdString();
    answer.bundleId = result.modelId.toStdString();
    answer.bundleVersion = result.modelVersion.toStdString();
    answer.device = result.device.toStdString();
    answer.durationSeconds = result.seconds;
    answer.grade = p.grade;
    answer.referableProbability = p.referableProbability;
    answer.referable = p.referable;
    answer.gradable = p.gradable;
    answer.qualityScore = p.qualityScore;
    answer.lesions = static_cast<int>(result.lesionRegions);
    answer.lesionRegions = result.lesionPlaces;
    if (auto recorded = session_->recordFundusAiResult(answer); !recorded.ok())
      problems_->report(recorded.error());
  }
  // The photograph by its store key only: no names, no file paths.
  auto logged =
      session_->audit("model run", QString("photograph %1: model %2 %3 on %4, grade %5")
                                       .arg(viewer_->currentIdentity().left(24), result.modelId,
                                            result.modelVersion, result.device)
                                       .arg(result.prediction.grade));
  if (!logged.ok()) problems_->report(logged.error());
  statusBar_->showMessage(tr("DR model: grade %1, referable p = %2")
                              .arg(result.prediction.grade)
                              .arg(DisplayNames::number(result.prediction.referableProbability, 2)),
                          10000);
  Q_EMIT modelFinished();
}

bool FundusReviewController::saveGrade(const QString& photograph, int grade, bool gradable,
                                       const QString& note) {
  core::FundusGrade g;
  g.imageUid = photograph.toStdString();
  g.grade = grade;
  g.gradable = gradable;
  g.note = note.toStdString();
  auto saved = session_->recordFundusGrade(g);
  if (!saved.ok()) {
    problems_->report(saved.error(), tr("The grade was NOT saved (see Problems)"));
    return false;
  }
  showStored(photograph);  // shown as the store has it, now that it is on disk
  statusBar_->showMessage(tr("Grade %1 saved").arg(grade), 5000);
  Q_EMIT gradeSaved();
  return true;
}

bool FundusReviewController::saveLesionMark(const QString& photograph,
                                            core::FundusLesionMark mark) {
  mark.imageUid = photograph.toStdString();
  auto saved = session_->recordFundusLesionMark(mark);
  if (!saved.ok()) {
    problems_->report(saved.error(), tr("The lesion mark was NOT saved (see Problems)"));
    return false;
  }
  // Drawn as the store has them, now that it is on disk.
  showStoredLesionMarks(photograph, othersHidden(photograph));
  Q_EMIT lesionMarksSaved();
  return true;
}

void FundusReviewController::showStoredLesionMarks(const QString& photograph, bool othersHidden) {
  std::vector<core::FundusLesionMark> standing;
  auto history = session_->fundusLesionMarks(photograph);
  if (history.ok()) {
    standing = core::lesionMarksInForce(history.value());
  } else {
    problems_->report(history.error());
  }
  if (othersHidden) {
    const std::string me = session_->reader().toStdString();
    standing.erase(std::remove_if(standing.begin(), standing.end(),
                                  [&](const auto& mark) { return mark.reader != me; }),
                   standing.end());
  }
  viewer_->showLesionMarks(standing);
  viewer_->assessment()->showLesionMarkCount(static_cast<int>(standing.size()));
}

bool FundusReviewController::othersHidden(const QString& photograph) const {
  if (hidingOthers()) return true;
  auto grades = session_->fundusGrades(photograph);
  if (!grades.ok()) return true;
  auto hidden = session_->gradesHidden(photograph, grades.value());
  return !hidden.ok() || hidden.value();
}

void FundusReviewController::showStored(const QString& photograph) {
  registerPhotograph(photograph);
  // The grades and the double reading's status are read once, here: they
  // decide both whose lesion marks are drawn (as othersHidden says) and what
  // the recorded grade shows.
  auto grades = session_->fundusGrades(photograph);
  if (grades.ok() && hidingOthers()) {
    // Reading blind: only the reader's own grades, as if nobody else had read it.
    const std::string me = session_->reader().toStdString();
    auto& all = grades.value();
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const core::FundusGrade& g) { return g.reader != me; }),
              all.end());
  }
  // Reading blind hides the others' marks whatever the status says, so it is
  // asked there only when the reader's own grades are to be shown.
  std::optional<core::Result<bool>> hidden;
  if (grades.ok() && (!hidingOthers() || !grades.value().empty()))
    hidden = session_->gradesHidden(photograph, grades.value());
  // When the store cannot tell, hidden.
  showStoredLesionMarks(photograph, hidingOthers() || !hidden || !hidden->ok() || hidden->value());
  if (!grades.ok()) {
    // Not "no grade": the reader must know the history could not be read.
    problems_->report(grades.error(), tr("The recorded grade could NOT be read (see Problems)"));
    viewer_->assessment()->showStoredGrade(tr("The recorded grade could not be read."));
    return;
  }
  if (grades.value().empty()) {
    viewer_->assessment()->showStoredGrade({});
    return;
  }
  if (!hidden->ok()) {
    problems_->report(hidden->error(), tr("The recorded grade could NOT be read (see Problems)"));
    viewer_->assessment()->showStoredGrade(tr("The recorded grade could not be read."));
    return;
  }
  if (hidden->value()) {
    // Blind second reading: the first grade stays hidden until this reader has graded.
    viewer_->assessment()->showStoredGrade(
        tr("Second reading: the earlier grade is hidden until you have graded this photograph."));
    return;
  }
  const core::FundusGrade& g = grades.value().back();
  const int history = static_cast<int>(grades.value().size());
  const QString reader = QString::fromStdString(g.reader);
  const QString when = QString::fromStdString(g.recordedAt);
  const QString note = QString::fromStdString(g.note);
  // A whole sentence for each case: gradable or not, with a note or not.
  QString recorded;
  if (g.gradable && note.isEmpty()) {
    //: %1: the DR grade; %2: the reader; %3: when; %n: the grades recorded for the photograph.
    recorded = tr("Recorded: grade %1 by %2 at %3 (%n grade(s) in the history)", nullptr, history)
                   .arg(g.grade)
                   .arg(reader, when);
  } else if (g.gradable) {
    //: %1: the DR grade; %2: the reader; %3: when; %4: the reader's note; %n: the grades
    //: recorded for the photograph.
    recorded =
        tr("Recorded: grade %1 by %2 at %3: %4 (%n grade(s) in the history)", nullptr, history)
            .arg(g.grade)
            .arg(reader, when, note);
  } else if (note.isEmpty()) {
    //: %1: the DR grade; %2: the reader; %3: when; %n: the grades recorded for the photograph.
    recorded = tr("Recorded: grade %1, ungradable by %2 at %3 (%n grade(s) in the history)",
                  nullptr, history)
                   .arg(g.grade)
                   .arg(reader, when);
  } else {
    //: %1: the DR grade; %2: the reader; %3: when; %4: the reader's note; %n: the grades
    //: recorded for the photograph.
    recorded = tr("Recorded: grade %1, ungradable by %2 at %3: %4 (%n grade(s) in the history)",
                  nullptr, history)
                   .arg(g.grade)
                   .arg(reader, when, note);
  }
  viewer_->assessment()->showStoredGrade(recorded);
  // The form starts from the reader's own last grade, never from someone else's.
  const std::string me = session_->reader().toStdString();
  for (auto mine = grades.value().rbegin(); mine != grades.value().rend(); ++mine) {
    if (mine->reader != me) continue;
    viewer_->assessment()->setReaderGrade(mine->grade, mine->gradable);
    break;
  }
}

void FundusReviewController::setBlindReading(bool on) {
  if (blind_ == on) return;
  blind_ = on;
  revealed_ = false;
  revealJob_.cancel();  // a reveal asked for in the mode left is dropped
  if (on) viewer_->clearModelResult();
  if (!viewer_->currentIdentity().isEmpty()) showStored(viewer_->currentIdentity());
}

namespace {

/// "grade 2, referable", "ungradable": a grade as the reveal says it.
QString gradeSentence(int grade, bool gradable) {
  if (!gradable) return FundusReviewController::tr("ungradable");
  return grade >= 2 ? FundusReviewController::tr("grade %1, referable").arg(grade)
                    : FundusReviewController::tr("grade %1, not referable").arg(grade);
}

}  // namespace

bool FundusReviewController::revealBlindRead(const QStringList& referenceFolders) {
  const QString photograph = viewer_->currentIdentity();
  if (!blind_ || photograph.isEmpty() || !session_->isOpen()) return false;
  statusBar_->showMessage(tr("Reading the reference to score your grade ..."), 10000);
  // Starting again cancels a reveal still reading: the reader sees one.
  revealJob_.start([this, photograph, referenceFolders](const auto& token) {
    // The first reference that knows the photograph's grade; an unreadable
    // one is skipped (a photographs' folder without truth.json is no
    // reference, not an error).
    std::optional<ReferenceGrade> reference;
    for (const QString& folder : referenceFolders) {
      if (token.cancelled()) return;
      if (folder.isEmpty()) continue;
      auto loaded = loadReadingReference(folder.toStdString());
      if (!loaded.ok()) continue;
      auto found = loaded.value().photographs.find(photograph.toStdString());
      if (found != loaded.value().photographs.end() && found->second.gradeKnown) {
        reference = found->second;
        break;
      }
    }
    token.post([this, photograph, reference] {
      revealJob_.finished();
      // The job is cancelled when the photograph or the mode changes; the
      // store may have been closed meanwhile.
      if (!blind_ || viewer_->currentIdentity() != photograph || !session_->isOpen()) return;
      showReveal(photograph, reference);
    });
  });
  return true;
}

void FundusReviewController::showReveal(const QString& photograph,
                                        const std::optional<ReferenceGrade>& reference) {
  revealed_ = true;
  showStored(photograph);
  auto grades = session_->fundusGrades(photograph);
  auto answers = session_->fundusAiResults(photograph);
  if (!grades.ok() || !answers.ok()) {
    problems_->report(!grades.ok() ? grades.error() : answers.error());
    return;
  }
  std::optional<core::FundusGrade> mine;
  for (const auto& g : grades.value())
    if (g.reader == session_->reader().toStdString()) mine = g;
  QStringList sentences;
  sentences << (mine ? tr("Your grade: %1.").arg(gradeSentence(mine->grade, mine->gradable))
                     : tr("You have not graded this photograph."));
  QString agreement = QStringLiteral("no reference");
  if (reference) {
    sentences << tr("The reference: %1.").arg(gradeSentence(reference->grade, reference->gradable));
    if (mine) {
      // Referred as the reader statistics count it: ungradable, or grade 2 or more.
      const bool mineReferred = !mine->gradable || mine->grade >= 2;
      const bool referenceReferred = !reference->gradable || reference->grade >= 2;
      const bool sameReferral = mineReferred == referenceReferred;
      const bool sameGrade = mine->gradable == reference->gradable &&
                             (!mine->gradable || mine->grade == reference->grade);
      agreement = sameGrade ? "same grade" : sameReferral ? "same referral" : "different referral";
      sentences << (sameGrade      ? tr("You agree with it exactly.")
                    : sameReferral ? tr("You agree on referral, not on the grade.")
                                   : tr("You disagree on referral."));
    }
  } else {
    sentences << tr(
        "No reference knows this photograph (a truth.json or labels beside it, or "
        "the reference chosen in Worklist > Reader statistics).");
  }
  if (!answers.value().empty()) {
    const auto& ai = answers.value().back();
    sentences << tr("The AI: %1 (referable p = %2).")
                     .arg(gradeSentence(ai.grade, ai.gradable))
                     .arg(DisplayNames::number(ai.referableProbability, 2));
  } else {
    sentences << tr("The AI has not graded it yet: Run DR model shows its answer.");
  }
  // The photograph by its store key only, the outcome without the grades.
  auto logged = session_->audit("educational read revealed",
                                QString("photograph %1: %2").arg(photograph.left(24), agreement));
  if (!logged.ok()) problems_->report(logged.error());
  const QString text = sentences.join(' ');
  statusBar_->showMessage(text, 30000);
  auto* box =
      new QMessageBox(QMessageBox::Information, tr("Your read"), text, QMessageBox::Ok, viewer_);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
  Q_EMIT blindReadRevealed(text);
}

}  // namespace vigie::app
