#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"
#include "vigie/imaging/dicom/PlanarImage.h"

namespace vigie::imaging {

/// Writes a volume as NIfTI-1 (.nii, or gzip-compressed .nii.gz): int16 for
/// CT (HU), float32 for maps. The sform carries the full geometry, converted
/// from DICOM's LPS to NIfTI's RAS (x and y negated); units mm.
core::Status writeNifti(const core::CtVolume& volume, const std::filesystem::path& file);
core::Status writeNifti(const core::FloatVolume& volume, const std::filesystem::path& file);

/// Writes a probability map (values 0..1) as 8-bit NIfTI with scl_slope 1/255:
/// a quarter of the float size, and it compresses well (mostly zeros).
core::Status writeNiftiProbabilities(const core::FloatVolume& probabilities,
                                     const std::filesystem::path& file);

class NiftiOutput;

/// Writes a CT volume (int16 HU, geometry as writeNifti) one slice at a time,
/// in order, as CtVolumeLoader::stream hands them over: the volume never sits
/// in memory. A writer destroyed before close() succeeded removes its file,
/// so an error leaves no half-written volume behind.
class NiftiSliceWriter {
 public:
  static core::Result<std::unique_ptr<NiftiSliceWriter>> open(const std::filesystem::path& file,
                                                              const core::VolumeGeometry& geometry);
  ~NiftiSliceWriter();
  /// The next slice: columns x rows values.
  core::Status append(const std::int16_t* slice);
  /// Fails unless every slice was appended.
  core::Status close();

 private:
  NiftiSliceWriter(std::unique_ptr<NiftiOutput> out, core::VolumeGeometry geometry);
  std::unique_ptr<NiftiOutput> out_;
  core::VolumeGeometry geometry_;
  std::size_t slices_ = 0;
};

/// Writes an image of the 2D path as NIfTI-1: x along a row, y down the
/// columns, its frames as time (2D+t, Frame Time in pixdim[4]); float32 modality
/// values, or RGB24. No qform or sform (the image has no place in the
/// patient); pixdim from its spacing, and "descrip" says where that came from.
core::Status writeNiftiPlanar(const PlanarImage& image, const std::filesystem::path& file);

}  // namespace vigie::imaging
