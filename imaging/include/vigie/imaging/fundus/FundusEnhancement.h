#pragma once

#include "vigie/core/Image2D.h"

namespace vigie::imaging {

/// The green channel as a grey RGB image: vessels, haemorrhages and
/// microaneurysms stand out most there (red-free view).
core::Image2D greenChannel(const core::Image2D& rgb);

/// Contrast-limited adaptive histogram equalisation (CLAHE, OpenCV) of the
/// lightness (Lab L channel), colours kept: brings out faint lesions.
core::Image2D enhanceContrast(const core::Image2D& rgb);

}  // namespace vigie::imaging
