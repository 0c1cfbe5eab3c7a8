// vigie: the reading workstation.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSurfaceFormat>
#include <cstdio>

#include "MainWindow.h"

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
  QApplication::setApplicationVersion(VIGIE_VERSION);

  QCommandLineParser parser;
  parser.setApplicationDescription("Vigie: AI-assisted reading of medical images");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("path", "DICOM file or folder to open (default: the demo study)");
  QCommandLineOption screenshot("screenshot", "Open PATH, render the window to FILE.png and exit.",
                                "file");
  parser.addOption(screenshot);
  parser.process(app);

  QString path = parser.positionalArguments().value(0);
  if (path.isEmpty()) path = QStringLiteral(VIGIE_DEMO_DIR "/ct");
  if (!QFileInfo::exists(path)) {
    std::fprintf(
        stderr, "vigie: %s: no such file or folder%s\n", qPrintable(path),
        parser.positionalArguments().isEmpty() ? " (build the demo study: make demo)" : "");
    return 1;
  }

  vigie::app::MainWindow window;
  window.show();
  if (parser.isSet(screenshot)) window.screenshotAndQuit(parser.value(screenshot));
  window.openPath(path);
  return app.exec();
}
