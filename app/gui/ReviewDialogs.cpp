#include "ReviewDialogs.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>

#include "DisplayNames.h"

namespace vigie::app {
namespace {

QDoubleSpinBox* millimeters(double value, double minimum, QWidget* parent) {
  auto* box = new QDoubleSpinBox(parent);
  box->setRange(minimum, 2000.0);
  box->setDecimals(1);
  box->setSuffix(QCoreApplication::translate("vigie::app::FindingDialog", " mm"));
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

FindingDialog::FindingDialog(const QString& title, const core::Vec3& centerMm, double diameterMm,
                             QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(title);
  auto* form = new QFormLayout(this);
  x_ = millimeters(centerMm.x, -2000.0, this);
  y_ = millimeters(centerMm.y, -2000.0, this);
  z_ = millimeters(centerMm.z, -2000.0, this);
  diameter_ = millimeters(diameterMm, 0.5, this);
  note_ = new QLineEdit(this);
  form->addRow(tr("Centre x (right to left)"), x_);
  form->addRow(tr("Centre y (front to back)"), y_);
  form->addRow(tr("Centre z (feet to head)"), z_);
  form->addRow(tr("Diameter"), diameter_);
  form->addRow(tr("Note"), note_);
  addButtons(this, form);
}

core::Vec3 FindingDialog::center() const { return {x_->value(), y_->value(), z_->value()}; }
double FindingDialog::diameter() const { return diameter_->value(); }
QString FindingDialog::note() const { return note_->text(); }

AnnotationDialog::AnnotationDialog(const QString& currentNote, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Annotate finding"));
  auto* form = new QFormLayout(this);
  note_ = new QLineEdit(currentNote, this);
  category_ = new QComboBox(this);
  category_->setEditable(true);  // the reader may name their own
  // Shown translated; the store keeps the English category (category()).
  for (const QString& category : DisplayNames::findingCategories())
    category_->addItem(DisplayNames::findingCategory(category), category);
  form->addRow(tr("Note"), note_);
  form->addRow(tr("Category"), category_);
  addButtons(this, form);
}

QString AnnotationDialog::note() const { return note_->text(); }
QString AnnotationDialog::category() const {
  // One of the usual categories as the store names it; else what the reader typed.
  const QString text = category_->currentText();
  const QVariant stored = category_->itemData(category_->findText(text));
  return stored.isValid() ? stored.toString() : text;
}

}  // namespace vigie::app
