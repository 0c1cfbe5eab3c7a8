#pragma once

#include <string>

#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::imaging {

/// How a series is shown and converted: as a volume (CtVolumeLoader) when its
/// images are grey slices that stack in space, else on the 2D path
/// (loadPlanarImage), with the reason the reader is told.
struct SeriesPresentation {
  bool volume = false;
  std::string reason;  ///< why not a volume (empty for a volume)
};

/// Decided from the headers alone: projection images, ultrasound, colour,
/// RT Dose, SEG and images without Image Position (Patient), or whose frames
/// cannot be placed, go to the 2D path.
SeriesPresentation presentationOf(const DicomSeriesEntry& series);

}  // namespace vigie::imaging
