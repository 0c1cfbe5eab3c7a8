#include "DisplayNames.h"

#include <QLocale>

#include "vigie/imaging/dicom/PlanarImage.h"

namespace vigie::app {

QString DisplayNames::number(double value, int precision, char format) {
  QLocale locale;  // the window's language's (InterfaceLanguage), or the system's
  locale.setNumberOptions(locale.numberOptions() | QLocale::OmitGroupSeparator);
  return locale.toString(value, format, precision);
}

QString DisplayNames::point(const core::Vec3& p) {
  const QString separator = QLocale().decimalPoint() == QLatin1String(",") ? " ; " : ", ";
  return number(p.x, 1) + separator + number(p.y, 1) + separator + number(p.z, 1);
}

QString DisplayNames::decision(core::DecisionKind kind) {
  switch (kind) {
    case core::DecisionKind::Confirm:
      //: A reader's decision on an AI finding: the finding is real.
      return tr("confirm");
    case core::DecisionKind::Reject:
      //: A reader's decision on an AI finding: it is not a nodule.
      return tr("reject");
    case core::DecisionKind::Edit:
      //: A reader's decision on an AI finding: its centre or diameter corrected.
      return tr("edit");
    case core::DecisionKind::Annotate:
      //: A reader's decision on an AI finding: a note and a category attached.
      return tr("annotate");
    case core::DecisionKind::Add:
      //: A reader's decision: a finding the AI missed, added by the reader.
      return tr("add");
  }
  return QString::fromUtf8(core::toString(kind));
}

QString DisplayNames::reviewState(core::ReviewState state) {
  switch (state) {
    case core::ReviewState::Pending:
      //: An AI finding no reader has decided on yet.
      return tr("pending");
    case core::ReviewState::Confirmed:
      //: An AI finding a reader confirmed.
      return tr("confirmed");
    case core::ReviewState::Rejected:
      //: An AI finding a reader rejected (not a nodule).
      return tr("rejected");
    case core::ReviewState::Edited:
      //: An AI finding whose centre or diameter a reader corrected.
      return tr("edited");
    case core::ReviewState::Added:
      //: A finding a reader added (the AI missed it).
      return tr("added");
  }
  return QString::fromUtf8(core::toString(state));
}

QString DisplayNames::readingState(core::ReadingState state) {
  switch (state) {
    case core::ReadingState::Unread:
      //: A worklist case's reading state.
      return tr("unread");
    case core::ReadingState::InProgress:
      //: A worklist case's reading state.
      return tr("in-progress");
    case core::ReadingState::Read:
      //: A worklist case's reading state (past participle: the case has been read).
      return tr("read");
    case core::ReadingState::TrainerReviewed:
      //: A worklist case's reading state: a trainer has reviewed the resident's read.
      return tr("trainer-reviewed");
  }
  return QString::fromUtf8(core::toString(state));
}

QString DisplayNames::priority(core::ClinicalPriority priority) {
  switch (priority) {
    case core::ClinicalPriority::Routine:
      //: A case's clinical priority.
      return tr("routine");
    case core::ClinicalPriority::Urgent:
      //: A case's clinical priority.
      return tr("urgent");
    case core::ClinicalPriority::Stat:
      //: A case's clinical priority: immediately (medical "stat").
      return tr("stat");
  }
  return QString::fromUtf8(core::toString(priority));
}

QString DisplayNames::gradingStage(GradingStage stage) {
  switch (stage) {
    case GradingStage::Primary:
      //: A fundus photograph's double-reading stage: the first grading.
      return tr("primary");
    case GradingStage::Secondary:
      //: A fundus photograph's double-reading stage: awaiting a second reader.
      return tr("second-read");
    case GradingStage::Arbitration:
      //: A fundus photograph's double-reading stage: the readers disagree, an arbiter decides.
      return tr("arbitration");
    case GradingStage::Final:
      //: A fundus photograph's double-reading stage: graded for good.
      return tr("final");
  }
  return QString::fromUtf8(toString(stage));
}

QString DisplayNames::plane(core::SlicePlane plane) {
  switch (plane) {
    case core::SlicePlane::Axial:
      //: The CT view's plane.
      return tr("Axial");
    case core::SlicePlane::Coronal:
      //: The CT view's plane.
      return tr("Coronal");
    case core::SlicePlane::Sagittal:
      //: The CT view's plane.
      return tr("Sagittal");
  }
  return QString::fromUtf8(core::toString(plane));
}

QString DisplayNames::lesionKind(const QString& kind) {
  if (kind == QLatin1String("microaneurysm")) return tr("microaneurysm");
  if (kind == QLatin1String("haemorrhage")) return tr("haemorrhage");
  if (kind == QLatin1String("hard_exudate")) return tr("hard exudate");
  if (kind == QLatin1String("cotton_wool_spot")) return tr("cotton wool spot");
  if (kind == QLatin1String("neovascularisation")) return tr("neovascularisation");
  return QString(kind).replace('_', ' ');
}

QString DisplayNames::noduleType(const std::string& type) {
  //: A lung nodule's type.
  if (type == "solid") return tr("solid");
  //: A lung nodule's type.
  if (type == "part-solid") return tr("part-solid");
  //: A lung nodule's type.
  if (type == "ground-glass") return tr("ground-glass");
  return QString::fromStdString(type);
}

const QStringList& DisplayNames::findingCategories() {
  static const QStringList categories = {
      "",          "benign (calcified)", "suspicious",   "indeterminate",
      "follow-up", "artefact",           "teaching case"};
  return categories;
}

QString DisplayNames::findingCategory(const QString& category) {
  //: A category of a reader's annotation of a lung nodule.
  if (category == QLatin1String("benign (calcified)")) return tr("benign (calcified)");
  //: A category of a reader's annotation of a lung nodule.
  if (category == QLatin1String("suspicious")) return tr("suspicious");
  //: A category of a reader's annotation of a lung nodule.
  if (category == QLatin1String("indeterminate")) return tr("indeterminate");
  //: A category of a reader's annotation of a lung nodule: to be followed up.
  if (category == QLatin1String("follow-up")) return tr("follow-up");
  //: A category of a reader's annotation: an imaging artefact, not a nodule.
  if (category == QLatin1String("artefact")) return tr("artefact");
  //: A category of a reader's annotation: a case kept for teaching.
  if (category == QLatin1String("teaching case")) return tr("teaching case");
  return category;
}

QString DisplayNames::analysisStage(const QString& stage) {
  //: A stage of the CT model's run, in "Running the model: %1 ...".
  if (stage == QLatin1String("resampling")) return tr("resampling");
  //: A stage of the CT model's run, in "Running the model: %1 ...".
  if (stage == QLatin1String("inference")) return tr("inference");
  //: A stage of the CT model's run, in "Running the model: %1 ...".
  if (stage == QLatin1String("post-processing")) return tr("post-processing");
  //: A stage of the CT model's run, in "Running the model: %1 ...".
  if (stage == QLatin1String("classifying candidates")) return tr("classifying candidates");
  //: The last stage of the CT model's run, in "Running the model: %1 ...".
  if (stage == QLatin1String("done")) return tr("done");
  return stage;
}

QString DisplayNames::spacingUnit(imaging::SpacingSource source) {
  switch (source) {
    case imaging::SpacingSource::Patient:
      //: Millimetres, in the patient.
      return tr("mm");
    case imaging::SpacingSource::Detector:
      //: Millimetres at the X-ray detector (magnified, not in the patient).
      return tr("mm at the detector");
    case imaging::SpacingSource::UltrasoundRegion:
      //: Millimetres, from the ultrasound region's calibration.
      return tr("mm (ultrasound region)");
    case imaging::SpacingSource::None:
      break;
  }
  //: Pixels: the image is not calibrated.
  return tr("px");
}

QString DisplayNames::referralOutcome(const QString& outcome) {
  //: Abbreviation: true positive (referred, and referable by the reference).
  if (outcome == QLatin1String("TP")) return tr("TP");
  //: Abbreviation: false negative (not referred, but referable by the reference).
  if (outcome == QLatin1String("FN")) return tr("FN");
  //: Abbreviation: true negative (not referred, and not referable by the reference).
  if (outcome == QLatin1String("TN")) return tr("TN");
  //: Abbreviation: false positive (referred, but not referable by the reference).
  if (outcome == QLatin1String("FP")) return tr("FP");
  return outcome;
}

}  // namespace vigie::app
