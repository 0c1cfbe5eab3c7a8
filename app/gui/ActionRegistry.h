#pragma once

#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QString>

class QAction;
class QMenu;
class QWidget;

namespace vigie::app {

/// Every command of the window in one list. Each menu action is created here
/// with its shortcut and a one-line description, and the keyboard help (F1)
/// is generated from the same entries, with the keys and gestures the views
/// handle themselves: menus and help cannot disagree.
class ActionRegistry : public QObject {
  Q_OBJECT
 public:
  explicit ActionRegistry(QObject* parent = nullptr);

  /// A new action in `menu`; `help` describes it in the keyboard help when it
  /// has a shortcut (an action without one is found in its menu).
  QAction* add(QMenu* menu, const QString& text, const QKeySequence& shortcut = {},
               const QString& help = {});
  /// A key or gesture no menu action carries (a view handles it itself).
  void describe(const QString& keys, const QString& help);

  struct Row {
    QString keys;
    QString help;
  };
  /// The keyboard help, in the order the entries were added.
  QList<Row> helpRows() const;
  /// Shows the keyboard help as a modal table.
  void showHelp(QWidget* parent) const;

 private:
  struct Entry {
    QAction* action = nullptr;  ///< its current shortcut is read when the help is shown
    Row row;
  };
  QList<Entry> entries_;
};

}  // namespace vigie::app
