#include "FundusAssessmentPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

#include "DisplayNames.h"
#include "ModelCardDialog.h"

namespace vigie::app {
namespace {

// The diabetic retinopathy grades (International Clinical DR scale); NPDR:
// non-proliferative diabetic retinopathy.
const char* const kGradeNames[] = {
    QT_TRANSLATE_NOOP("vigie::app::FundusAssessmentPanel", "0 - no apparent retinopathy"),
    QT_TRANSLATE_NOOP("vigie::app::FundusAssessmentPanel", "1 - mild NPDR"),
    QT_TRANSLATE_NOOP("vigie::app::FundusAssessmentPanel", "2 - moderate NPDR"),
    QT_TRANSLATE_NOOP("vigie::app::FundusAssessmentPanel", "3 - severe NPDR"),
    QT_TRANSLATE_NOOP("vigie::app::FundusAssessmentPanel", "4 - proliferative DR")};

/// What the overlay shows: the model's lesion map, or (for a model without
/// one) an occlusion map, which marks what weighs on the score, not lesions.
QString heatmapLine(inference::HeatmapSource source, std::size_t regions) {
  switch (source) {
    case inference::HeatmapSource::Model:
      return FundusAssessmentPanel::tr("%n lesion regions", nullptr, static_cast<int>(regions));
    case inference::HeatmapSource::Occlusion:
      return FundusAssessmentPanel::tr(
          "Overlay: occlusion map (no lesion output); %n regions weigh most", nullptr,
          static_cast<int>(regions));
    case inference::HeatmapSource::None:
      break;
  }
  return FundusAssessmentPanel::tr("No heatmap");
}

}  // namespace

FundusAssessmentPanel::FundusAssessmentPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* run = new QPushButton(tr("Run DR model (Ctrl+M)"), this);
  layout->addWidget(run);
  connect(run, &QPushButton::clicked, this, &FundusAssessmentPanel::runModelRequested);
  model_ = new QLabel(this);
  model_->setWordWrap(true);
  model_->setTextFormat(Qt::RichText);
  model_->setObjectName("fundusModelResult");
  layout->addWidget(model_);
  modelCard_ = new QPushButton(tr("Model card"), this);
  modelCard_->setObjectName("fundusModelCardButton");
  modelCard_->setToolTip(
      tr("What the model is for, what it was trained and evaluated on, its limits"));
  layout->addWidget(modelCard_, 0, Qt::AlignLeft);
  connect(modelCard_, &QPushButton::clicked, this, [this] {
    if (lastResult_) showModelCard(this, lastResult_->modelName, lastResult_->modelCard);
  });

  auto* form = new QFormLayout;
  grade_ = new QComboBox(this);
  grade_->setObjectName("fundusReaderGrade");
  for (const char* name : kGradeNames) grade_->addItem(tr(name));
  // No grade until the reader chooses one: a pre-selected "no DR" is saved
  // by a hurried click.
  grade_->setPlaceholderText(tr("choose a grade"));
  grade_->setCurrentIndex(-1);
  //: The photograph can be graded (its quality is good enough).
  gradable_ = new QCheckBox(tr("gradable"), this);
  gradable_->setChecked(true);
  note_ = new QLineEdit(this);
  form->addRow(tr("Your grade"), grade_);
  //: The label of the "gradable" check box: the photograph's quality.
  form->addRow(tr("Image"), gradable_);
  form->addRow(tr("Note"), note_);
  layout->addLayout(form);
  auto* save = new QPushButton(tr("Save my grade"), this);
  save->setObjectName("fundusSaveGrade");
  save->setEnabled(false);
  connect(grade_, &QComboBox::currentIndexChanged, save,
          [save](int index) { save->setEnabled(index >= 0); });
  agree_ = new QPushButton(tr("Agree with the model"), this);
  agree_->setEnabled(false);
  layout->addWidget(save);
  layout->addWidget(agree_);
  stored_ = new QLabel(this);
  stored_->setWordWrap(true);
  stored_->setObjectName("fundusStoredGrade");
  layout->addWidget(stored_);
  marks_ = new QLabel(this);
  marks_->setWordWrap(true);
  marks_->setObjectName("fundusLesionMarks");
  layout->addWidget(marks_);
  showLesionMarkCount(0);
  layout->addStretch(1);
  connect(save, &QPushButton::clicked, this, [this] {
    if (grade_->currentIndex() < 0) return;
    Q_EMIT gradeSubmitted(grade_->currentIndex(), gradable_->isChecked(), note_->text());
  });
  connect(agree_, &QPushButton::clicked, this, [this] {
    if (!lastResult_) return;
    setReaderGrade(lastResult_->prediction.grade, lastResult_->prediction.gradable);
    Q_EMIT gradeSubmitted(lastResult_->prediction.grade, lastResult_->prediction.gradable,
                          note_->text());
  });
  clearModelResult();
}

void FundusAssessmentPanel::showModelRunning() {
  model_->setText(tr("Running the DR model ..."));
  agree_->setEnabled(false);
}

void FundusAssessmentPanel::clearModelResult() {
  lastResult_.reset();
  agree_->setEnabled(false);
  modelCard_->setEnabled(false);
  model_->setText(tr("No model has run on this photograph."));
  note_->clear();
  grade_->setCurrentIndex(-1);  // each photograph's grade starts empty
}

void FundusAssessmentPanel::showModelResult(const FundusResult& r) {
  lastResult_ = r;
  const auto& p = r.prediction;
  //: %1 %2: the model and its version; %3: the DR grade; %4: its probability in percent;
  //: %5: yes or no; %6: the probability of referable DR; %7: gradable or UNGRADABLE;
  //: %8: the quality score; %9: the heatmap's line; %10: the device; %11: seconds.
  QString html = tr("<b>%1</b> %2<br>Grade <b>%3</b> (%4%)<br>Referable DR: <b>%5</b> (p = %6)<br>"
                    "Image quality: %7 (%8)<br>%9<br><small>%10, %11 s</small>")
                     .arg(r.modelId.toHtmlEscaped(), r.modelVersion.toHtmlEscaped())
                     .arg(tr(kGradeNames[p.grade]).toHtmlEscaped())
                     .arg(DisplayNames::number(100.0 * p.gradeProbabilities[p.grade], 0))
                     .arg(p.referable ? tr("yes") : tr("no"))
                     .arg(DisplayNames::number(p.referableProbability, 2))
                     .arg(p.gradable ? tr("gradable") : tr("UNGRADABLE"))
                     .arg(DisplayNames::number(p.qualityScore, 2))
                     .arg(heatmapLine(p.heatmapSource, r.lesionRegions))
                     .arg(r.device.toHtmlEscaped())
                     .arg(DisplayNames::number(r.seconds, 2));
  if (!r.clinicalUse) html += "<br><b style='color:#b00'>" + tr("Not for clinical use.") + "</b>";
  model_->setText(html);
  agree_->setEnabled(true);
  modelCard_->setEnabled(!r.modelCard.isEmpty());
}

void FundusAssessmentPanel::showStoredGrade(const QString& text) {
  stored_->setText(text.isEmpty() ? tr("No grade recorded for this photograph.") : text);
}

void FundusAssessmentPanel::showLesionMarkCount(int count) {
  marks_->setText(
      count == 0   ? tr("No lesion marks (M, then click on the photograph).")
      : count == 1 ? tr("1 lesion mark by the reader (right-click one with M on to remove it).")
                   : tr("%n lesion marks by the reader (right-click one with M on to remove it).",
                        nullptr, count));
}

void FundusAssessmentPanel::setReaderGrade(int grade, bool gradable) {
  grade_->setCurrentIndex(std::clamp(grade, 0, 4));
  gradable_->setChecked(gradable);
}

}  // namespace vigie::app
