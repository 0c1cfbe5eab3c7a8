#pragma once

namespace vigie::app {

/// The colour maps a model's heatmap can be drawn in over the CT. Every map
/// is transparent below 0.2 and grows more opaque with the probability.
enum class OverlayColors {
  YellowRed,  ///< the default: yellow at 0.2 to red at 1
  Rainbow,    ///< blue through green and yellow to red: the most steps to tell apart
  Green,      ///< one hue, for readers who find red hard to see on grey
};

}  // namespace vigie::app
