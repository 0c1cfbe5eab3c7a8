#include "vigie/imaging/preprocess/VolumeCrop.h"

#include <algorithm>
#include <string>

namespace vigie::imaging {

std::size_t IndexBox::voxelCount() const {
  std::size_t count = 1;
  for (int a = 0; a < 3; ++a) count *= last[a] >= first[a] ? last[a] - first[a] + 1 : 0;
  return count;
}

core::Result<core::CtVolume> cropToBox(const core::CtVolume& volume, const IndexBox& box) {
  const auto& size = volume.size();
  const std::array<std::size_t, 3> extent{size.i, size.j, size.k};
  for (int a = 0; a < 3; ++a) {
    if (box.first[a] > box.last[a] || box.last[a] >= extent[a]) {
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "cannot crop: voxels " + std::to_string(box.first[a]) + " to " +
                                 std::to_string(box.last[a]) + " along axis " + std::to_string(a) +
                                 " of a volume of " + std::to_string(extent[a]));
    }
  }
  core::VolumeGeometry geometry = volume.geometry();
  geometry.origin = volume.geometry().indexToPhysical(
      {double(box.first[0]), double(box.first[1]), double(box.first[2])});
  geometry.size = {box.last[0] - box.first[0] + 1, box.last[1] - box.first[1] + 1,
                   box.last[2] - box.first[2] + 1};
  core::CtVolume crop(geometry, core::Uninitialized{});
  const std::size_t row = geometry.size.i;
  for (std::size_t k = 0; k < geometry.size.k; ++k)
    for (std::size_t j = 0; j < geometry.size.j; ++j) {
      const auto* from = &volume.at(box.first[0], box.first[1] + j, box.first[2] + k);
      std::copy(from, from + row, &crop.at(0, j, k));
    }
  return crop;
}

}  // namespace vigie::imaging
