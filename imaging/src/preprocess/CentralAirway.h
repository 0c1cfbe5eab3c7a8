#pragma once

#include <cstddef>
#include <cstdint>

#include "vigie/core/Volume.h"

namespace vigie::imaging::internal {

/// How the trachea and the bronchi leaving the mediastinum are told from the
/// lungs they open into.
struct CentralAirwayOptions {
  double lumenHu = -900.0;            ///< an airway's lumen is air; lung parenchyma lies above
  double maxCrossSectionMm2 = 700.0;  ///< a trachea is under 30 mm across; a lung is far larger
  double maxMidlineOffsetMm = 30.0;   ///< the trachea enters the scan near the lungs' midline
  int wallVoxels = 2;  ///< the lumen is grown this far into the air: its wall's partial volume
};

/// Clears from `lungAir` (1 = the lungs' air, on the grid of `hu`) the trachea
/// and the bronchi that leave the mediastinum with it. On a real scan the
/// airway joins both lungs into one air region, so a lung mask closed around
/// it takes in the mediastinum beside the trachea, where vessels and nodes
/// look like nodules to a detector.
///
/// The trachea is found on the scan's most superior slice holding lung air:
/// a lumen of airway size near the midline. It is followed slice by slice
/// towards the feet through every lumen section of airway size overlapping
/// the one above (the carina, the main and then the lobar bronchi), and a
/// branch stops where its section opens into a lung's. The lumen found is
/// grown by its wall's width within the air, then cleared. A bronchus inside
/// a lung is cleared too; the lung's closing fills it back.
///
/// Returns how many voxels were cleared: 0 when the top of the scan shows no
/// trachea (a phantom whose trachea is apart from its lungs, a scan that
/// starts below the carina), or when the slices are not axial.
std::size_t removeCentralAirway(core::Volume<std::uint8_t>& lungAir, const core::CtVolume& hu,
                                const CentralAirwayOptions& options = {});

}  // namespace vigie::imaging::internal
