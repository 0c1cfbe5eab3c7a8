#include "ReviewDialogs.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>

namespace vigie::app {
namespace {

QDoubleSpinBox* millimetres(double value, double minimum, QWidget* parent) {
  auto* box = new QDoubleSpinBox(parent);
  box->setRange(minimum, 2000.0);
  box->setDecimals(1);
  box->setSuffix(" mm");
  box->setValue(value);
  return box;
}

void addButtons(QDialog* dialog, QFormLayout* form) {
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
  QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
  form->addRow(buttons);
}

}  // namespace

FindingDialog::FindingDialog(const QString& title, const core::Vec3& centreMm, double diameterMm,
                             QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(title);
  auto* form = new QFormLayout(this);
  x_ = millimetres(centreMm.x, -2000.0, this);
  y_ = millimetres(centreMm.y, -2000.0, this);
  z_ = millimetres(centreMm.z, -2000.0, this);
  diameter_ = millimetres(diameterMm, 0.5, this);
  note_ = new QLineEdit(this);
  form->addRow("Centre x (right to left)", x_);
  form->addRow("Centre y (front to back)", y_);
  form->addRow("Centre z (feet to head)", z_);
  form->addRow("Diameter", diameter_);
  form->addRow("Note", note_);
  addButtons(this, form);
}

core::Vec3 FindingDialog::centre() const { return {x_->value(), y_->value(), z_->value()}; }
double FindingDialog::diameter() const { return diameter_->value(); }
QString FindingDialog::note() const { return note_->text(); }

AnnotationDialog::AnnotationDialog(const QString& currentNote, QWidget* parent) : QDialog(parent) {
  setWindowTitle("Annotate finding");
  auto* form = new QFormLayout(this);
  note_ = new QLineEdit(currentNote, this);
  category_ = new QComboBox(this);
  category_->setEditable(true);  // the reader may name their own
  category_->addItems({"", "benign (calcified)", "suspicious", "indeterminate", "follow-up",
                       "artefact", "teaching case"});
  form->addRow("Note", note_);
  form->addRow("Category", category_);
  addButtons(this, form);
}

QString AnnotationDialog::note() const { return note_->text(); }
QString AnnotationDialog::category() const { return category_->currentText(); }

}  // namespace vigie::app
