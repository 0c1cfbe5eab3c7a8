// vigie: the reading workstation.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSurfaceFormat>
#include <algorithm>
#include <cstdio>

#include "BundleOpening.h"
#include "GuiBench.h"
#include "InstallLayout.h"
#include "InterfaceLanguage.h"
#include "MainWindow.h"

namespace {

/// A bundle given as a path (a folder, a zip, a MONAI bundle), or the id (or
/// folder name) of one of the bundles shipped in the models folder; what
/// vigie-cli accepts too. Empty when there is none.
QString resolveBundle(const QString& nameOrPath) {
  auto resolved = vigie::app::resolveModel(nameOrPath.toStdString(), vigie::app::modelsDirectory());
  return resolved.ok() ? QString::fromStdString(resolved.value().string()) : QString();
}

}  // namespace

int main(int argc, char** argv) {
  // VTK needs a 3.2 core profile with a depth buffer; no multisampling for images.
  QSurfaceFormat format;
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  format.setSamples(0);
  QSurfaceFormat::setDefaultFormat(format);

  QApplication app(argc, argv);
  QApplication::setApplicationName("Vigie");
  QApplication::setOrganizationName("Vigie");  // where QSettings keeps the recent list
  QApplication::setApplicationVersion(VIGIE_VERSION);

  QCommandLineParser parser;
  parser.setApplicationDescription("Vigie: AI-assisted reading of medical images");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("path", "DICOM file or folder to open (default: the demo study)");
  QCommandLineOption screenshot("screenshot", "Open PATH, render the window to FILE.png and exit.",
                                "file");
  parser.addOption(screenshot);
  QCommandLineOption runModel(
      "run-model",
      "With --screenshot: run the model bundle (a folder, or the id of a bundle in the "
      "models folder) before the screenshot.",
      "bundle");
  parser.addOption(runModel);
  QCommandLineOption model("model", "The model bundle folder that AI > Run uses.", "bundle");
  parser.addOption(model);
  QCommandLineOption fundusModel(
      "fundus-model", "The DR model bundle the Fundus tab runs (folder or id).", "bundle");
  parser.addOption(fundusModel);
  QCommandLineOption fundus("fundus",
                            "Open the fundus photographs in FOLDER in the Fundus tab, in front "
                            "(with --screenshot, --run-model runs the DR model on the first).",
                            "folder");
  parser.addOption(fundus);
  QCommandLineOption bench("bench",
                           "Measure GUI freezes while loading PATH and running the model, and "
                           "slice-scrolling frames per second; print them and exit.");
  parser.addOption(bench);
  QCommandLineOption benchFrames("bench-frames", "Slices scrolled per render measurement.", "n",
                                 "300");
  parser.addOption(benchFrames);
  QCommandLineOption store("store", "The review store file (default: the per-user one).", "file");
  parser.addOption(store);
  QCommandLineOption reader(
      "reader", "The reader's name recorded with each decision (default: $USER).", "name");
  parser.addOption(reader);
  QCommandLineOption language(
      "language",
      "The window's language, en or fr (default: the one chosen in View > Language, else "
      "the system's).",
      "code");
  parser.addOption(language);
  parser.process(app);
  if (parser.isSet(language) &&
      !vigie::app::InterfaceLanguage::available().contains(parser.value(language))) {
    std::fprintf(stderr, "vigie: --language %s: not one of %s\n",
                 qPrintable(parser.value(language)),
                 qPrintable(vigie::app::InterfaceLanguage::available().join(", ")));
    return 2;
  }
  const QString chosenLanguage = vigie::app::InterfaceLanguage::choose(parser.value(language));
  if (!vigie::app::InterfaceLanguage::install(app, chosenLanguage))
    std::fprintf(stderr, "vigie: no translation for '%s' built in; the window stays in English\n",
                 qPrintable(chosenLanguage));

  // Without a path: the demo study when run from a build tree that has one;
  // an installed vigie (the desktop menu) starts empty, File > Open to read.
  QString path = parser.positionalArguments().value(0);
  const bool demo = path.isEmpty() && !vigie::app::runningInstalled() &&
                    QFileInfo::exists(QStringLiteral(VIGIE_DEMO_DIR "/ct"));
  if (demo) path = QStringLiteral(VIGIE_DEMO_DIR "/ct");
  if (!path.isEmpty() && !QFileInfo::exists(path)) {
    std::fprintf(stderr, "vigie: %s: no such file or folder\n", qPrintable(path));
    return 1;
  }

  vigie::app::MainWindow window;
  const QString readerName = parser.isSet(reader)
                                 ? parser.value(reader)
                                 : qEnvironmentVariable("USER", QStringLiteral("reader"));
  window.openReviewStore(
      parser.isSet(store)
          ? parser.value(store)
          : QString::fromStdString(vigie::core::ReviewStore::defaultLocation().string()),
      readerName);
  window.setModelBundle(resolveBundle(
      parser.isSet(model) ? parser.value(model) : QStringLiteral("vigie-ct-nodule-synth")));
  window.setFundusModelBundle(resolveBundle(
      parser.isSet(fundusModel) ? parser.value(fundusModel) : QStringLiteral("vigie-fundus-dr")));
  if (path.isEmpty() &&
      (parser.isSet(bench) || (parser.isSet(runModel) && !parser.isSet(fundus)))) {
    std::fprintf(stderr, "vigie: --%s needs a study to open (no PATH given)\n",
                 parser.isSet(bench) ? "bench" : "run-model");
    return 1;
  }
  if (parser.isSet(bench)) {
    vigie::app::GuiBenchOptions options;
    options.ctPath = path;
    options.modelBundle = parser.isSet(model) ? resolveBundle(parser.value(model)) : QString();
    options.frames = std::max(10, parser.value(benchFrames).toInt());
    return vigie::app::runGuiBench(window, options);
  }
  window.show();
  if (parser.isSet(fundus)) {
    if (window.openPhotographs(parser.value(fundus)) == 0) {
      std::fprintf(stderr, "vigie: %s: no fundus photographs\n", qPrintable(parser.value(fundus)));
      if (parser.isSet(screenshot)) return 1;
    }
    window.showFundusTab();
    if (parser.isSet(screenshot)) {
      QString bundle;
      if (parser.isSet(runModel)) {
        bundle = resolveBundle(parser.value(runModel));
        if (bundle.isEmpty()) {
          std::fprintf(stderr, "vigie: no model bundle '%s'\n", qPrintable(parser.value(runModel)));
          return 1;
        }
      }
      window.screenshotFundusAndQuit(parser.value(screenshot), bundle);
    }
    return app.exec();
  }
  if (parser.isSet(screenshot) && path.isEmpty()) {
    window.screenshotNowAndQuit(parser.value(screenshot));
  } else if (parser.isSet(screenshot)) {
    QString bundle;
    if (parser.isSet(runModel)) {
      bundle = resolveBundle(parser.value(runModel));
      if (bundle.isEmpty()) {
        std::fprintf(stderr, "vigie: no model bundle '%s' (a folder, or an id under %s)\n",
                     qPrintable(parser.value(runModel)), vigie::app::modelsDirectory().c_str());
        return 1;
      }
    }
    window.screenshotAndQuit(parser.value(screenshot), bundle);
  }
  if (!path.isEmpty()) window.openPath(path);
  // The demo study's photographs go to the Fundus tab (the CT tab stays in front).
  if (demo && QFileInfo::exists(QStringLiteral(VIGIE_DEMO_DIR "/fundus"))) {
    window.openPhotographs(QStringLiteral(VIGIE_DEMO_DIR "/fundus"));
    window.showCtTab();
  }
  return app.exec();
}
