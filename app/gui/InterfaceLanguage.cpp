#include "InterfaceLanguage.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace vigie::app {

namespace {

const char* const kSettingsKey = "interface/language";

}  // namespace

QStringList InterfaceLanguage::available() { return {"en", "fr"}; }

QString InterfaceLanguage::choose(const QString& requested) {
  if (available().contains(requested)) return requested;
  if (const QString chosen = saved(); available().contains(chosen)) return chosen;
  const QString system = QLocale::languageToCode(QLocale::system().language());
  return available().contains(system) ? system : QStringLiteral("en");
}

QString InterfaceLanguage::saved() { return QSettings().value(kSettingsKey).toString(); }

void InterfaceLanguage::save(const QString& language) {
  QSettings settings;
  if (language.isEmpty()) {
    settings.remove(kSettingsKey);
  } else {
    settings.setValue(kSettingsKey, language);
  }
}

bool InterfaceLanguage::install(QCoreApplication& app, const QString& language) {
  // Numbers as the reader writes them ("2,4 mm" in French): the system's own
  // conventions when it speaks the window's language, else the language's.
  // No thousands separator: "1500 HU" reads better in a corner than "1 500".
  QLocale numbers = QLocale::system().language() == QLocale(language).language()
                        ? QLocale::system()
                        : QLocale(language);
  numbers.setNumberOptions(QLocale::OmitGroupSeparator);
  QLocale::setDefault(numbers);
  // Qt's own strings first, so that Vigie's take precedence where both
  // translate the same text (translators installed later are asked first).
  auto* qt = new QTranslator(&app);
  if (qt->load(QLocale(language), QStringLiteral("qtbase"), QStringLiteral("_"),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QCoreApplication::installTranslator(qt);
  } else {
    delete qt;  // English, or Qt's translations not installed: Qt's English
  }
  auto* vigie = new QTranslator(&app);
  if (!vigie->load(QStringLiteral(":/i18n/vigie_%1.qm").arg(language))) {
    delete vigie;
    return false;
  }
  QCoreApplication::installTranslator(vigie);
  return true;
}

QString InterfaceLanguage::nativeName(const QString& language) {
  if (language == QLatin1String("fr")) return QStringLiteral("Français");
  if (language == QLatin1String("en")) return QStringLiteral("English");
  return language;
}

}  // namespace vigie::app
