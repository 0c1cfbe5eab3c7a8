#pragma once

#include <optional>
#include <string>

namespace vigie::core {

/// The three planes of the voxel grid. For an axial acquisition these are the
/// radiological axial, coronal and sagittal views.
enum class SlicePlane { Axial, Coronal, Sagittal };

const char* toString(SlicePlane plane);  ///< "axial", "coronal", "sagittal"
std::optional<SlicePlane> slicePlaneFromString(const std::string& text);

}  // namespace vigie::core
