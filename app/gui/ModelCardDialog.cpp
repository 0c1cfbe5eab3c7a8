#include "ModelCardDialog.h"

#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace vigie::app {

void showModelCard(QWidget* parent, const QString& modelName, const QString& card) {
  auto* dialog = new QDialog(parent);
  dialog->setObjectName("modelCardDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(
      QCoreApplication::translate("vigie::app::ModelCardDialog", "Model card: %1").arg(modelName));
  auto* layout = new QVBoxLayout(dialog);
  auto* text = new QPlainTextEdit(card, dialog);
  text->setObjectName("modelCardText");
  text->setReadOnly(true);
  text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  layout->addWidget(text);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  layout->addWidget(buttons);
  dialog->resize(640, 560);
  dialog->show();
}

}  // namespace vigie::app
