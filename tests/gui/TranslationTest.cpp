// The window in French: every text of the menus, panels, docks, tabs, tables
// and dialogs comes out of the French translation, none left in English.
// Two windows are built alike, one in English and one in French, on the demo
// CT and its photographs; screenshots of both are kept.
#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include "ActionRegistry.h"
#include "InterfaceLanguage.h"
#include "MainWindow.h"
#include "PacsNodesDialog.h"
#include "PacsQueryDialog.h"
#include "ReaderStatisticsDialog.h"
#include "ReviewSession.h"
#include "SliceViewport.h"

using vigie::app::MainWindow;

namespace {

QString artefactDir() {
  const QString dir = qEnvironmentVariable("VIGIE_TEST_ARTEFACTS", QDir::tempPath());
  QDir().mkpath(dir);
  return dir;
}

/// One message of a Qt Linguist file.
struct Message {
  QString source;
  QString translation;  ///< the first form for plurals
  bool finished = false;
};

QList<Message> readCatalog(const QString& file) {
  QFile in(file);
  if (!in.open(QIODevice::ReadOnly)) return {};
  QList<Message> messages;
  QXmlStreamReader xml(&in);
  Message current;
  while (!xml.atEnd()) {
    xml.readNext();
    if (!xml.isStartElement()) continue;
    if (xml.name() == u"message") {
      if (!current.source.isNull()) messages << current;
      current = Message();
    } else if (xml.name() == u"source") {
      current.source = xml.readElementText();
    } else if (xml.name() == u"translation") {
      current.finished = xml.attributes().value("type").isEmpty();
      // Its text, or for a plural its first form (the singular).
      bool firstForm = true;
      while (!xml.atEnd() && !(xml.isEndElement() && xml.name() == u"translation")) {
        xml.readNext();
        if (xml.isCharacters() && !xml.isWhitespace()) current.translation += xml.text();
        if (xml.isStartElement() && xml.name() == u"numerusform") {
          const QString form = xml.readElementText();
          if (firstForm) current.translation = form;
          firstForm = false;
        }
      }
    }
  }
  if (!current.source.isNull()) messages << current;
  return messages;
}

/// A text as the reader sees it: without its accelerator marks.
QString shown(QString text) {
  text.replace(QRegularExpression("&(?=[^&])"), QString());
  return text.trimmed();
}

/// The texts of the window's chrome and of `extra` widgets: menus and their
/// actions (with tips), labels, buttons, group boxes, tabs, docks, table
/// headers, combo items, placeholders and tooltips; keyed by where they are.
QStringList textsOf(const QList<QWidget*>& roots) {
  QStringList texts;
  auto addAction = [&texts](QAction* a) {
    texts << shown(a->text()) << a->statusTip() << a->toolTip();
  };
  for (QWidget* root : roots) {
    QList<QWidget*> widgets = root->findChildren<QWidget*>();
    widgets.prepend(root);
    for (QWidget* w : widgets) {
      texts << w->toolTip() << w->whatsThis();
      if (auto* menu = qobject_cast<QMenu*>(w)) {
        texts << shown(menu->title());
        for (QAction* a : menu->actions()) addAction(a);
      } else if (auto* bar = qobject_cast<QMenuBar*>(w)) {
        for (QAction* a : bar->actions()) addAction(a);
      } else if (auto* label = qobject_cast<QLabel*>(w)) {
        texts << label->text();
      } else if (auto* button = qobject_cast<QAbstractButton*>(w)) {
        texts << shown(button->text());
      } else if (auto* box = qobject_cast<QGroupBox*>(w)) {
        texts << shown(box->title());
      } else if (auto* tabs = qobject_cast<QTabWidget*>(w)) {
        for (int i = 0; i < tabs->count(); ++i) texts << shown(tabs->tabText(i));
      } else if (auto* dock = qobject_cast<QDockWidget*>(w)) {
        texts << dock->windowTitle();
      } else if (auto* header = qobject_cast<QHeaderView*>(w)) {
        if (header->model() && header->orientation() == Qt::Horizontal)
          for (int i = 0; i < header->count(); ++i)
            texts << header->model()->headerData(i, Qt::Horizontal).toString();
      } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
        // An item that shows its own value (a reader's name, a modality
        // code offered by a filter) is data, not the window's words.
        for (int i = 0; i < combo->count(); ++i)
          if (combo->itemText(i) != combo->itemData(i).toString()) texts << combo->itemText(i);
      } else if (auto* edit = qobject_cast<QLineEdit*>(w)) {
        texts << edit->placeholderText();
      }
    }
  }
  texts.removeAll(QString());
  return texts;
}

/// Everything a reader meets without a model run: the main window on the
/// demo CT and photographs, its keyboard help, and the dialogs of its menus.
struct Scene {
  MainWindow window;
  vigie::app::ReviewSession session;
  vigie::app::PacsQueryDialog query;
  vigie::app::PacsNodesDialog nodes;
  vigie::app::ReaderStatisticsDialog statistics{&session};

  bool open(const QString& store) {
    window.openReviewStore(store, "reader");
    window.resize(1500, 1000);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) return false;
    if (window.openPhotographs(VIGIE_DEMO_DIR "/fundus") <= 0) return false;
    QSignalSpy shown(&window, &MainWindow::studyShown);
    window.openPath(VIGIE_DEMO_DIR "/ct");
    if (!shown.wait(60000)) return false;
    QTest::qWait(300);
    return true;
  }

  /// Draws a 12.5 mm length on the axial view; returns what the status bar
  /// says of it ("Length 12.5 mm saved").
  QString measureALength() {
    using vigie::core::SlicePlane;
    const vigie::core::Vec3 at = window.viewsIntersection();
    const int slice = window.viewport(SlicePlane::Axial)->slice();
    if (!window.recordMeasurement({vigie::app::SliceViewport::Tool::Length, SlicePlane::Axial, at,
                                   at + vigie::core::Vec3{12.5, 0.0, 0.0}},
                                  slice))
      return {};
    return window.statusBar()->currentMessage();
  }

  /// A circular ROI where the views meet; the Measurements panel's lines.
  QStringList measureARegion() {
    using vigie::core::SlicePlane;
    const vigie::core::Vec3 at = window.viewsIntersection();
    const int slice = window.viewport(SlicePlane::Axial)->slice();
    window.recordMeasurement({vigie::app::SliceViewport::Tool::CircleRoi, SlicePlane::Axial, at,
                              at + vigie::core::Vec3{6.0, 0.0, 0.0}},
                             slice);
    QStringList lines;
    const auto* list = window.measurementsPanel()->findChild<QListWidget*>();
    for (int row = 0; list && row < list->count(); ++row) lines << list->item(row)->text();
    return lines;
  }

  QStringList texts() {
    QStringList all = textsOf({&window, &query, &nodes, &statistics});
    for (const auto& row : window.findChild<vigie::app::ActionRegistry*>()->helpRows())
      all << row.keys << row.help;
    return all;
  }
};

/// Texts that read the same in both languages: those the catalogue
/// translates alike (names, acronyms, units; data in a layout like
/// "%1  %2 x %3"), a word of at most one letter, a shortcut ("Ctrl+O"), and
/// the languages' names (each written in itself on purpose).
bool sameInBothLanguages(const QString& text, const QList<QRegularExpression>& translatedAlike) {
  static const QRegularExpression noWord("^[^A-Za-z]*([A-Za-z][^A-Za-z]*)?$");
  static const QRegularExpression shortcut("^((Ctrl|Shift|Alt|Meta)\\+)+\\S+$");
  if (noWord.match(text).hasMatch() || shortcut.match(text).hasMatch()) return true;
  for (const QString& language : vigie::app::InterfaceLanguage::available())
    if (text == vigie::app::InterfaceLanguage::nativeName(language)) return true;
  for (const auto& alike : translatedAlike)
    if (alike.match(text).hasMatch()) return true;
  return false;
}

/// The words (two letters or more) of a text outside its placeholders.
int wordsAround(const QString& source) {
  static const QRegularExpression placeholder("%(L?\\d|n)"), word("[A-Za-z]{2,}");
  QString literal = source;
  literal.replace(placeholder, " ");
  int words = 0;
  for (auto it = word.globalMatch(literal); it.hasNext(); it.next()) ++words;
  return words;
}

/// A catalogue text as a pattern for the texts made from it: each
/// placeholder stands for anything.
QRegularExpression patternOf(const QString& source) {
  QStringList pieces;
  for (const QString& piece : shown(source).split(QRegularExpression("%(L?\\d|n)")))
    pieces << QRegularExpression::escape(piece);
  const QString pattern = pieces.join(".*");
  return QRegularExpression("^" + pattern + "$", QRegularExpression::DotMatchesEverythingOption);
}

}  // namespace

class TranslationTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyMessageIsTranslated();
  void theWindowSpeaksFrench();
};

void TranslationTest::everyMessageIsTranslated() {
  const QList<Message> french = readCatalog(VIGIE_TRANSLATIONS_DIR "/vigie_fr.ts");
  QVERIFY(french.size() > 500);
  QStringList unfinished;
  for (const Message& m : french)
    if (!m.finished || m.translation.isEmpty()) unfinished << m.source;
  QVERIFY2(unfinished.isEmpty(), qPrintable("untranslated: " + unfinished.join(" | ")));
  for (const Message& m : french) {
    // Every placeholder of the English is in the French, and no other.
    static const QRegularExpression placeholder("%(L?\\d|n)");
    QStringList inSource, inTranslation;
    for (auto it = placeholder.globalMatch(m.source); it.hasNext();)
      inSource << it.next().captured();
    for (auto it = placeholder.globalMatch(m.translation); it.hasNext();)
      inTranslation << it.next().captured();
    inSource.sort();
    inTranslation.sort();
    QVERIFY2(inSource == inTranslation, qPrintable(m.source + " -> " + m.translation));
  }
  const QList<Message> english = readCatalog(VIGIE_TRANSLATIONS_DIR "/vigie_en.ts");
  for (const Message& m : english) QVERIFY2(m.finished, qPrintable("English: " + m.source));
}

void TranslationTest::theWindowSpeaksFrench() {
  QTemporaryDir dir;
  QStringList english;
  {
    Scene scene;
    QVERIFY(scene.open(dir.filePath("en.sqlite")));
    english = scene.texts();
    QVERIFY(english.contains("File"));
    const QString length = scene.measureALength();
    QVERIFY2(length.contains("12.5 mm"), qPrintable(length));
    scene.window.grab().save(artefactDir() + "/vigie-en.png");
  }
  QVERIFY(vigie::app::InterfaceLanguage::install(*qApp, "fr"));
  QStringList french;
  {
    Scene scene;
    QVERIFY(scene.open(dir.filePath("fr.sqlite")));
    french = scene.texts();
    // Numbers as French writes them, with a decimal comma.
    const QString length = scene.measureALength();
    QVERIFY2(length.contains("12,5 mm"), qPrintable(length));
    // The Measurements panel says it in French too (the store keeps English notes).
    const QStringList lines = scene.measureARegion();
    QCOMPARE(lines.size(), 2);
    QVERIFY2(
        lines[0].contains("12,5 mm") && lines[0].contains("coupe") && !lines[0].contains("slice"),
        qPrintable(lines[0]));
    QVERIFY2(lines[1].contains("moyenne") && lines[1].contains(",") && !lines[1].contains("mean"),
             qPrintable(lines[1]));
    scene.window.showCtTab();
    QTest::qWait(300);
    scene.window.grab().save(artefactDir() + "/vigie-fr.png");
  }
  QVERIFY(french.contains("Fichier"));
  QVERIFY(french.size() > 200);

  // The catalogue's own word: texts whose French is the English (names,
  // acronyms), and each English text (placeholders as wildcards) whose
  // French differs, to recognise it were it shown untranslated.
  QList<QRegularExpression> translatedAlike, englishOnly;
  for (const Message& m : readCatalog(VIGIE_TRANSLATIONS_DIR "/vigie_fr.ts")) {
    if (shown(m.translation) == shown(m.source)) {
      translatedAlike << patternOf(m.source);
    } else if (!m.source.contains('%') || wordsAround(m.source) >= 2) {
      // ("%n nodules" alone would take any French text ending in "nodules" for it.)
      englishOnly << patternOf(m.source);
    }
  }
  QStringList leftInEnglish;
  const QSet<QString> englishTexts(english.begin(), english.end());
  for (const QString& text : french) {
    if (sameInBothLanguages(text, translatedAlike)) continue;
    bool fromTheCatalog = false;
    for (const auto& source : englishOnly)
      if (source.match(text).hasMatch()) fromTheCatalog = true;
    // An English catalogue text shown as is, or a text no tr() ever saw
    // (the same in the English window, and not the catalogue's own).
    if (fromTheCatalog || englishTexts.contains(text)) leftInEnglish << text;
  }
  leftInEnglish.removeDuplicates();
  QVERIFY2(leftInEnglish.isEmpty(), qPrintable("left in English: " + leftInEnglish.join(" | ")));
}

QTEST_MAIN(TranslationTest)
#include "TranslationTest.moc"
