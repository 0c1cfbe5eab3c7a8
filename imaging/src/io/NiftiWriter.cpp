#include "vigie/imaging/io/NiftiWriter.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>

#include <cmath>
#include <cstring>
#include <string>

namespace vigie::imaging {
namespace {

constexpr std::int16_t kDatatypeUint8 = 2;
constexpr std::int16_t kDatatypeInt16 = 4;
constexpr std::int16_t kDatatypeFloat32 = 16;

// The NIfTI-1 header, 348 bytes, laid out as the standard defines it.
#pragma pack(push, 1)
struct NiftiHeader {
  std::int32_t sizeofHdr = 348;
  char unusedA[36] = {};
  std::int16_t dim[8] = {};
  float intentP[3] = {};
  std::int16_t intentCode = 0;
  std::int16_t datatype = 0;
  std::int16_t bitpix = 0;
  std::int16_t sliceStart = 0;
  float pixdim[8] = {};
  float voxOffset = 352.0f;
  float sclSlope = 1.0f;
  float sclInter = 0.0f;
  std::int16_t sliceEnd = 0;
  char sliceCode = 0;
  char xyztUnits = 2;  // millimetres
  float calMax = 0, calMin = 0, sliceDuration = 0, toffset = 0;
  std::int32_t unusedB[2] = {};
  char descrip[80] = {};
  char auxFile[24] = {};
  std::int16_t qformCode = 0;
  std::int16_t sformCode = 1;  // scanner-based anatomical coordinates
  float quatern[3] = {};
  float qoffset[3] = {};
  float srowX[4] = {}, srowY[4] = {}, srowZ[4] = {};
  char intentName[16] = {};
  char magic[4] = {'n', '+', '1', '\0'};
};
#pragma pack(pop)
static_assert(sizeof(NiftiHeader) == 348, "NIfTI-1 header must be 348 bytes");

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

template <typename Voxel>
core::Status write(const core::Volume<Voxel>& volume, std::int16_t datatype,
                   const std::filesystem::path& file, float slope = 1.0f) {
  const std::string name = file.string();
  const bool gzip = endsWith(name, ".nii.gz");
  if (!gzip && !endsWith(name, ".nii")) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           name + ": a NIfTI file name ends in .nii or .nii.gz");
  }
  const auto& g = volume.geometry();
  if (g.size.i > 32767 || g.size.j > 32767 || g.size.k > 32767) {
    return core::makeError(core::ErrorCode::InvalidArgument, name + ": too large for NIfTI-1");
  }
  NiftiHeader h;
  h.dim[0] = 3;
  h.dim[1] = static_cast<std::int16_t>(g.size.i);
  h.dim[2] = static_cast<std::int16_t>(g.size.j);
  h.dim[3] = static_cast<std::int16_t>(g.size.k);
  h.dim[4] = h.dim[5] = h.dim[6] = h.dim[7] = 1;
  h.datatype = datatype;
  h.bitpix = static_cast<std::int16_t>(8 * sizeof(Voxel));
  h.sclSlope = slope;
  h.pixdim[0] = 1.0f;
  h.pixdim[1] = static_cast<float>(g.spacing.x);
  h.pixdim[2] = static_cast<float>(g.spacing.y);
  h.pixdim[3] = static_cast<float>(g.spacing.z);
  std::strncpy(h.descrip, "Vigie", sizeof h.descrip - 1);
  // RAS = diag(-1, -1, 1) * LPS.
  const double flip[3] = {-1.0, -1.0, 1.0};
  float* rows[3] = {h.srowX, h.srowY, h.srowZ};
  const double spacing[3] = {g.spacing.x, g.spacing.y, g.spacing.z};
  for (int r = 0; r < 3; ++r) {
    for (int axis = 0; axis < 3; ++axis)
      rows[r][axis] = static_cast<float>(flip[r] * g.direction[axis][r] * spacing[axis]);
    rows[r][3] = static_cast<float>(flip[r] * g.origin[r]);
  }
  const char extension[4] = {0, 0, 0, 0};
  const auto bytes = static_cast<unsigned>(volume.voxelCount() * sizeof(Voxel));

  if (gzip) {
    // Level 1: CT noise barely compresses, and higher levels cost seconds per volume.
    gzFile out = gzopen(name.c_str(), "wb1");
    if (!out) return core::makeError(core::ErrorCode::IoError, name + ": cannot create");
    bool ok =
        gzwrite(out, &h, sizeof h) == static_cast<int>(sizeof h) && gzwrite(out, extension, 4) == 4;
    // gzwrite takes an unsigned length: write large volumes in chunks.
    const char* data = reinterpret_cast<const char*>(volume.data());
    for (std::size_t done = 0; ok && done < bytes;) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1u << 26));
      ok = gzwrite(out, data + done, chunk) == static_cast<int>(chunk);
      done += chunk;
    }
    if (gzclose(out) != Z_OK || !ok)
      return core::makeError(core::ErrorCode::IoError, name + ": write failed");
    return {};
  }
  FILE* out = std::fopen(name.c_str(), "wb");
  if (!out) return core::makeError(core::ErrorCode::IoError, name + ": cannot create");
  bool ok =
      std::fwrite(&h, sizeof h, 1, out) == 1 && std::fwrite(extension, 4, 1, out) == 1 &&
      std::fwrite(volume.data(), sizeof(Voxel), volume.voxelCount(), out) == volume.voxelCount();
  ok = std::fclose(out) == 0 && ok;
  if (!ok) return core::makeError(core::ErrorCode::IoError, name + ": write failed");
  return {};
}

}  // namespace

core::Status writeNifti(const core::CtVolume& volume, const std::filesystem::path& file) {
  return write(volume, kDatatypeInt16, file);
}

core::Status writeNifti(const core::FloatVolume& volume, const std::filesystem::path& file) {
  return write(volume, kDatatypeFloat32, file);
}

core::Status writeNiftiProbabilities(const core::FloatVolume& probabilities,
                                     const std::filesystem::path& file) {
  core::Volume<std::uint8_t> bytes(probabilities.geometry());
  for (std::size_t n = 0; n < bytes.voxelCount(); ++n) {
    bytes.data()[n] = static_cast<std::uint8_t>(
        std::lround(std::clamp(probabilities.data()[n], 0.0f, 1.0f) * 255.0f));
  }
  return write(bytes, kDatatypeUint8, file, 1.0f / 255.0f);
}

}  // namespace vigie::imaging
