#include "ActionRegistry.h"

#include <QAction>
#include <QDialog>
#include <QHeaderView>
#include <QMenu>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vigie::app {

ActionRegistry::ActionRegistry(QObject* parent) : QObject(parent) {}

QAction* ActionRegistry::add(QMenu* menu, const QString& text, const QKeySequence& shortcut,
                             const QString& help) {
  QAction* action = menu->addAction(text);
  if (!shortcut.isEmpty()) action->setShortcut(shortcut);
  if (!help.isEmpty()) entries_.append({action, {QString(), help}});
  return action;
}

void ActionRegistry::describe(const QString& keys, const QString& help) {
  entries_.append({nullptr, {keys, help}});
}

QList<ActionRegistry::Row> ActionRegistry::helpRows() const {
  QList<Row> rows;
  for (const Entry& e : entries_) {
    if (!e.action) {
      rows.append(e.row);
      continue;
    }
    const QString keys = e.action->shortcut().toString(QKeySequence::NativeText);
    if (!keys.isEmpty()) rows.append({keys, e.row.help});
  }
  return rows;
}

void ActionRegistry::showHelp(QWidget* parent) const {
  QDialog dialog(parent);
  dialog.setWindowTitle(tr("Keyboard and mouse"));
  auto* layout = new QVBoxLayout(&dialog);
  auto* table = new QTableWidget(&dialog);
  table->setObjectName("keyboardHelp");
  const QList<Row> rows = helpRows();
  table->setColumnCount(2);
  table->setRowCount(rows.size());
  table->setHorizontalHeaderLabels({tr("Key"), tr("Action")});
  for (int r = 0; r < rows.size(); ++r) {
    table->setItem(r, 0, new QTableWidgetItem(rows[r].keys));
    table->setItem(r, 1, new QTableWidgetItem(rows[r].help));
  }
  table->horizontalHeader()->setStretchLastSection(true);
  table->resizeColumnsToContents();
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layout->addWidget(table);
  dialog.resize(560, 460);
  dialog.exec();
}

}  // namespace vigie::app
