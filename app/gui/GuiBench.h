#pragma once

#include <QString>

namespace vigie::app {

class MainWindow;

struct GuiBenchOptions {
  QString ctPath;       ///< the CT to load (the demo CT by default)
  QString modelBundle;  ///< the CT model to run while the GUI is watched
  int frames = 300;     ///< slices scrolled per render measurement
};

/// `vigie --bench`: what a reader feels, measured on this machine.
///  - Freezes: the longest the event loop stood still while the CT loaded and
///    while the model ran (the goal is none over 100 ms).
///  - Rendering: slice-scrolling frames per second in a 512x512 axial view
///    with the heatmap overlay on, against the same view without it (the
///    named baseline), each frame rendered and read back before the next.
/// Prints the figures; returns the process exit code.
int runGuiBench(MainWindow& window, const GuiBenchOptions& options);

}  // namespace vigie::app
