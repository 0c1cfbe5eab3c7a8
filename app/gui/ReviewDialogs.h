#pragma once

#include <QDialog>
#include <QString>

#include "vigie/core/Vec3.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace vigie::app {

/// Asks for a finding's centre (LPS, mm), diameter and an optional note:
/// to correct a model's finding or to add one the model missed.
class FindingDialog : public QDialog {
  Q_OBJECT
 public:
  FindingDialog(const QString& title, const core::Vec3& centerMm, double diameterMm,
                QWidget* parent = nullptr);
  core::Vec3 center() const;
  double diameter() const;
  QString note() const;

 private:
  QDoubleSpinBox* x_ = nullptr;
  QDoubleSpinBox* y_ = nullptr;
  QDoubleSpinBox* z_ = nullptr;
  QDoubleSpinBox* diameter_ = nullptr;
  QLineEdit* note_ = nullptr;
};

/// Asks for a free-text annotation and a category (one of the usual ones,
/// or the reader's own).
class AnnotationDialog : public QDialog {
  Q_OBJECT
 public:
  explicit AnnotationDialog(const QString& currentNote, QWidget* parent = nullptr);
  QString note() const;
  QString category() const;

 private:
  QLineEdit* note_ = nullptr;
  QComboBox* category_ = nullptr;
};

}  // namespace vigie::app
