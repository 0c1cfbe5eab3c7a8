#include "GuiBench.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QWindow>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "EventLoopWatchdog.h"
#include "MainWindow.h"
#include "SliceViewport.h"
#include "VolumeRenderView.h"

namespace vigie::app {
namespace {

/// Runs the event loop until `signal` of `sender` fires or `timeoutMs` passes.
template <typename Sender, typename Signal>
bool waitFor(Sender* sender, Signal signal, int timeoutMs) {
  QEventLoop loop;
  bool fired = false;
  auto connection = QObject::connect(sender, signal, &loop, [&] {
    fired = true;
    loop.quit();
  });
  QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
  loop.exec();
  QObject::disconnect(connection);
  return fired;
}

struct FrameTimes {
  double fps = 0, medianMs = 0, p95Ms = 0;
};

/// Scrolls `frames` slices, rendering and finishing each one. The read-back
/// of each frame is counted too, so the figures are a lower bound.
FrameTimes scroll(SliceViewport& view, int frames) {
  std::vector<double> ms;
  const int count = view.sliceCount();
  QElapsedTimer total;
  total.start();
  for (int f = 0; f < frames; ++f) {
    QElapsedTimer frame;
    frame.start();
    view.setSlice((view.slice() + 1) % count);
    // Renders the frame now (VTK draws the slice and the overlay) and reads
    // it back, which waits for the GPU: the frame is really done.
    const QImage shown = view.grabFramebuffer();
    if (shown.isNull()) return {};
    ms.push_back(frame.nsecsElapsed() / 1e6);
  }
  const double seconds = total.nsecsElapsed() / 1e9;
  std::sort(ms.begin(), ms.end());
  return {frames / seconds, ms[ms.size() / 2], ms[static_cast<std::size_t>(ms.size() * 0.95)]};
}

/// A heatmap for the overlay: a few bright spheres, as a model gives.
std::shared_ptr<core::FloatVolume> syntheticHeatmap(const core::CtVolume& ct) {
  auto heat = std::make_shared<core::FloatVolume>(ct.geometry(), 0.0f);
  const auto& s = ct.size();
  for (int n = 0; n < 12; ++n) {
    const double ci = s.i * (0.2 + 0.05 * n), cj = s.j * (0.3 + 0.03 * n), ck = s.k * (0.08 * n);
    const double r = 12;
    for (std::size_t k = 0; k < s.k; ++k)
      for (std::size_t j = 0; j < s.j; ++j)
        for (std::size_t i = 0; i < s.i; ++i) {
          const double d2 = (i - ci) * (i - ci) + (j - cj) * (j - cj) + (k - ck) * (k - ck);
          if (d2 < r * r) heat->at(i, j, k) = static_cast<float>(1.0 - std::sqrt(d2) / r);
        }
  }
  return heat;
}

/// The baseline of the GUI's model run: the same bundle over the same study
/// in `vigie-cli analyze` (beside this executable), a fresh process. Its
/// analysis seconds (resampling, network, findings, lung mask: what the GUI's
/// run does, the DICOM loading left out), or -1 when it could not run.
double cliAnalysisSeconds(const QString& ctPath, const QString& bundle) {
  // Installed, the two programs sit side by side; in a build tree, vigie-cli
  // is one folder up from the GUI's.
  const QString here = QCoreApplication::applicationDirPath();
  const QString cli =
      QFileInfo::exists(here + "/vigie-cli") ? here + "/vigie-cli" : here + "/../vigie-cli";
  QTemporaryDir out;
  if (!QFileInfo::exists(cli) || !out.isValid()) return -1;
  QProcess process;
  process.start(cli, {"analyze", ctPath, "--model", bundle, "--out", out.path()});
  if (!process.waitForFinished(600000) || process.exitStatus() != QProcess::NormalExit ||
      process.exitCode() != 0)
    return -1;
  QFile findings(out.filePath("findings.json"));
  if (!findings.open(QIODevice::ReadOnly)) return -1;
  const QJsonObject timing =
      QJsonDocument::fromJson(findings.readAll()).object().value("timing_s").toObject();
  double seconds = 0;
  for (const QString& stage : timing.keys())
    if (stage != "load") seconds += timing.value(stage).toDouble();
  return seconds;
}

}  // namespace

int runGuiBench(MainWindow& window, const GuiBenchOptions& options) {
  window.resize(1400, 1000);
  window.show();
  // Loading is measured from an idle window already on screen, as a reader
  // opens a study: the window's own first paint is start-up, not loading.
  QElapsedTimer startUp;
  startUp.start();
  while (startUp.elapsed() < 1500) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  EventLoopWatchdog watchdog;

  watchdog.start();
  window.openPath(options.ctPath);
  if (!waitFor(&window, &MainWindow::studyShown, 120000)) {
    std::fprintf(stderr, "vigie --bench: %s did not load\n", qPrintable(options.ctPath));
    return 1;
  }
  // Loading ends when the 3D view has its rendering on screen too.
  if (window.volumeView()->preparing() &&
      !waitFor(window.volumeView(), &VolumeRenderView::volumeReady, 120000)) {
    std::fprintf(stderr, "vigie --bench: the 3D view was not prepared\n");
    return 1;
  }
  QElapsedTimer settle;
  settle.start();
  while (settle.elapsed() < 1000) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  watchdog.stop();
  std::printf("loading %s (slice views and 3D): longest GUI freeze %.0f ms (%d over 100 ms)\n",
              qPrintable(options.ctPath), watchdog.longestGapMs(), watchdog.gapsOver());

  if (!options.modelBundle.isEmpty()) {
    window.setModelBundle(options.modelBundle);
    watchdog.start();
    QElapsedTimer modelRun;
    modelRun.start();
    window.runModel();
    if (!waitFor(&window, &MainWindow::modelFinished, 600000)) {
      std::fprintf(stderr, "vigie --bench: the model did not finish\n");
      return 1;
    }
    const double guiSeconds = modelRun.nsecsElapsed() / 1e9;
    watchdog.stop();
    std::printf("running %s: longest GUI freeze %.0f ms (%d over 100 ms)\n",
                qPrintable(options.modelBundle), watchdog.longestGapMs(), watchdog.gapsOver());
    const double cliSeconds = cliAnalysisSeconds(options.ctPath, options.modelBundle);
    if (cliSeconds > 0)
      std::printf(
          "model run: GUI %.1f s (from Ctrl+M to the findings shown), vigie-cli analyze "
          "%.1f s (its analysis, a fresh process): the GUI takes %.2fx\n",
          guiSeconds, cliSeconds, guiSeconds / cliSeconds);
    else
      std::printf("model run: GUI %.1f s; vigie-cli analyze could not run beside it\n", guiSeconds);
  }

  // A standalone 512x512 axial view over the same volume.
  const SliceViewport* axial = window.viewport(core::SlicePlane::Axial);
  SliceViewport view(core::SlicePlane::Axial);
  view.setFixedSize(512, 512);
  view.setVolume(axial->volume(), "bench");
  view.show();
  // Measure only once the view is on screen and has painted a first frame.
  QElapsedTimer exposure;
  exposure.start();
  while ((!view.windowHandle() || !view.windowHandle()->isExposed()) && exposure.elapsed() < 5000)
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  view.repaint();
  const FrameTimes plain = scroll(view, options.frames);
  view.setOverlay(syntheticHeatmap(*axial->volume()));
  view.setOverlayVisible(true);
  const FrameTimes overlay = scroll(view, options.frames);
  std::printf("scrolling a 512x512 axial view, %d slices each:\n", options.frames);
  std::printf("  with the heatmap overlay: %.0f fps (median %.1f ms, 95th percentile %.1f ms)\n",
              overlay.fps, overlay.medianMs, overlay.p95Ms);
  std::printf("  baseline, no overlay:     %.0f fps (median %.1f ms, 95th percentile %.1f ms)\n",
              plain.fps, plain.medianMs, plain.p95Ms);
  std::printf("  the overlay costs %.0f%% of the frame rate\n",
              100.0 * (1.0 - overlay.fps / plain.fps));
  return 0;
}

}  // namespace vigie::app
