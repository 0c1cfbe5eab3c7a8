#pragma once

#include <QString>
#include <QWidget>
#include <optional>

#include "FundusGrader.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace vigie::app {

/// Beside a fundus photograph: what the model said (grade, referable DR
/// probability, image quality, and that it is not for clinical use) and the
/// reader's own grade, which confirms or overrides it. The panel only asks:
/// gradeSubmitted goes to whoever stores grades, and showStoredGrade shows
/// what was stored. GUI thread only.
class FundusAssessmentPanel : public QWidget {
  Q_OBJECT
 public:
  explicit FundusAssessmentPanel(QWidget* parent = nullptr);

  void showModelResult(const FundusResult& result);
  void showModelRunning();
  void clearModelResult();
  /// The reader's latest stored grade for the photograph shown ("" if none).
  void showStoredGrade(const QString& text);
  /// "N lesion marks" of the reader on the photograph shown.
  void showLesionMarkCount(int count);
  /// Presets the form (e.g. with the model's grade, for "agree").
  void setReaderGrade(int grade, bool gradable);

 Q_SIGNALS:
  void gradeSubmitted(int grade, bool gradable, const QString& note);
  void runModelRequested();

 private:
  QLabel* model_ = nullptr;
  QComboBox* grade_ = nullptr;
  QCheckBox* gradable_ = nullptr;
  QLineEdit* note_ = nullptr;
  QPushButton* agree_ = nullptr;
  QPushButton* modelCard_ = nullptr;
  QLabel* stored_ = nullptr;
  QLabel* marks_ = nullptr;
  std::optional<FundusResult> lastResult_;
};

}  // namespace vigie::app
