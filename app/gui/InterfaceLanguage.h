#pragma once
// The window's language: French or English. Vigie's own texts come from the
// Qt Linguist translations built into the program (app/gui/translations);
// Qt's own (standard buttons, file dialogs) from Qt's translations when the
// system has them (Debian's qt6-translations-l10n).
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace vigie::app {

class InterfaceLanguage {
 public:
  /// The languages the window speaks ("en", "fr").
  static QStringList available();
  /// The language to start in: `requested` when it is one of them (the
  /// --language option), else the reader's choice in the settings (View >
  /// Language), else the system locale's language when available, else "en".
  static QString choose(const QString& requested = {});
  /// The reader's saved choice; empty for "the system's".
  static QString saved();
  /// Remembers the reader's choice for the next start; empty for "the system's".
  static void save(const QString& language);
  /// Installs the translations of `language` into `app`. False when Vigie's
  /// own cannot be loaded (the window then stays in English).
  static bool install(QCoreApplication& app, const QString& language);
  /// The language's name in that language ("English", "Français").
  static QString nativeName(const QString& language);
};

}  // namespace vigie::app
