#pragma once

#include <QString>

class QWidget;

namespace vigie::app {

/// Opens a model's card (inference::modelCardText: intended use, training
/// data, calibration, metrics, known limitations) in a window beside the main
/// one, without blocking it: readers look at it while they read. GUI thread only.
void showModelCard(QWidget* parent, const QString& modelName, const QString& card);

}  // namespace vigie::app
