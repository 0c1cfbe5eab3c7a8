#include "vigie/imaging/io/NiftiWriter.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>

#include <cmath>
#include <cstring>
#include <memory>
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

constexpr std::int16_t kDatatypeRgb24 = 128;
constexpr char kUnitsSeconds = 8;
constexpr char kUnitsMmAndSeconds = 2 | kUnitsSeconds;

}  // namespace

/// A NIfTI file being written: plain, or gzip-compressed when its name ends
/// in .nii.gz. Bytes go out in order as they come.
class NiftiOutput {
 public:
  static core::Result<std::unique_ptr<NiftiOutput>> create(const std::filesystem::path& file) {
    const std::string name = file.string();
    const bool gzip = endsWith(name, ".nii.gz");
    if (!gzip && !endsWith(name, ".nii")) {
      return core::makeError(core::ErrorCode::InvalidArgument,
                             name + ": a NIfTI file name ends in .nii or .nii.gz");
    }
    std::unique_ptr<NiftiOutput> out(new NiftiOutput(name));
    // Level 1: CT noise barely compresses, and higher levels cost seconds per volume.
    if (gzip)
      out->gz_ = gzopen(name.c_str(), "wb1");
    else
      out->file_ = std::fopen(name.c_str(), "wb");
    if (!out->gz_ && !out->file_)
      return core::makeError(core::ErrorCode::IoError, name + ": cannot create");
    return out;
  }
  ~NiftiOutput() {
    if (gz_ || file_) {
      (void)close();  // not closed by the writer: an error left it incomplete
      std::remove(name_.c_str());
    }
  }
  NiftiOutput(const NiftiOutput&) = delete;
  NiftiOutput& operator=(const NiftiOutput&) = delete;

  core::Status write(const void* bytes, std::size_t size) {
    const char* data = static_cast<const char*>(bytes);
    bool ok = true;
    if (gz_) {
      // gzwrite takes an unsigned length: large buffers go in chunks.
      for (std::size_t done = 0; ok && done < size;) {
        const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 26));
        ok = gzwrite(gz_, data + done, chunk) == static_cast<int>(chunk);
        done += chunk;
      }
    } else {
      ok = std::fwrite(data, 1, size, file_) == size;
    }
    if (!ok) return core::makeError(core::ErrorCode::IoError, name_ + ": write failed");
    return {};
  }
  /// Writes the header and NIfTI-1's empty extension block.
  core::Status writeHeader(const NiftiHeader& h) {
    const char extension[4] = {0, 0, 0, 0};
    auto status = write(&h, sizeof h);
    return status.ok() ? write(extension, sizeof extension) : status;
  }
  core::Status close() {
    bool ok = true;
    if (gz_) ok = gzclose(gz_) == Z_OK;
    if (file_) ok = std::fclose(file_) == 0;
    gz_ = nullptr;
    file_ = nullptr;
    if (!ok) return core::makeError(core::ErrorCode::IoError, name_ + ": write failed");
    return {};
  }

 private:
  explicit NiftiOutput(std::string name) : name_(std::move(name)) {}
  std::string name_;
  gzFile gz_ = nullptr;
  FILE* file_ = nullptr;
};

namespace {

/// Header, extension block and voxels, straight from the caller's buffer.
core::Status writeNiftiFile(const NiftiHeader& h, const void* voxels, std::size_t bytes,
                            const std::filesystem::path& file) {
  auto out = NiftiOutput::create(file);
  if (!out.ok()) return out.error();
  auto status = out.value()->writeHeader(h);
  if (status.ok()) status = out.value()->write(voxels, bytes);
  if (status.ok()) status = out.value()->close();
  return status;
}

/// The header of a volume: its size, spacing and voxel type; the sform
/// carries the geometry, LPS turned to RAS.
NiftiHeader volumeHeader(const core::VolumeGeometry& g, std::int16_t datatype, int bitsPerVoxel,
                         float slope) {
  NiftiHeader h;
  h.dim[0] = 3;
  h.dim[1] = static_cast<std::int16_t>(g.size.i);
  h.dim[2] = static_cast<std::int16_t>(g.size.j);
  h.dim[3] = static_cast<std::int16_t>(g.size.k);
  h.dim[4] = h.dim[5] = h.dim[6] = h.dim[7] = 1;
  h.datatype = datatype;
  h.bitpix = static_cast<std::int16_t>(bitsPerVoxel);
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
  return h;
}

core::Status checkNiftiSize(const core::VolumeGeometry& g, const std::filesystem::path& file) {
  if (g.size.i > 32767 || g.size.j > 32767 || g.size.k > 32767) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": too large for NIfTI-1");
  }
  return {};
}

template <typename Voxel>
core::Status write(const core::Volume<Voxel>& volume, std::int16_t datatype,
                   const std::filesystem::path& file, float slope = 1.0f) {
  auto size = checkNiftiSize(volume.geometry(), file);
  if (!size.ok()) return size;
  const NiftiHeader h =
      volumeHeader(volume.geometry(), datatype, static_cast<int>(8 * sizeof(Voxel)), slope);
  return writeNiftiFile(h, volume.data(), volume.voxelCount() * sizeof(Voxel), file);
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

core::Status writeNiftiPlanar(const PlanarImage& image, const std::filesystem::path& file) {
  if (image.columns > 32767 || image.rows > 32767 || image.frames > 32767)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": too large for NIfTI-1");
  NiftiHeader h;
  // x along a row, y down the columns, t the frames: no third spatial axis.
  h.dim[0] = image.frames > 1 ? 4 : 2;
  h.dim[1] = static_cast<std::int16_t>(image.columns);
  h.dim[2] = static_cast<std::int16_t>(image.rows);
  h.dim[3] = 1;
  h.dim[4] = static_cast<std::int16_t>(image.frames);
  h.dim[5] = h.dim[6] = h.dim[7] = 1;
  h.datatype = image.color ? kDatatypeRgb24 : kDatatypeFloat32;
  h.bitpix = image.color ? 24 : 32;
  h.pixdim[0] = 1.0f;
  const bool mm = image.spacing.calibrated();
  h.pixdim[1] = static_cast<float>(mm ? image.spacing.columnMm : 1.0);
  h.pixdim[2] = static_cast<float>(mm ? image.spacing.rowMm : 1.0);
  h.pixdim[3] = 1.0f;
  h.pixdim[4] = static_cast<float>(image.frameTimeMs > 0 ? image.frameTimeMs / 1000.0 : 1.0);
  h.xyztUnits = mm ? kUnitsMmAndSeconds : kUnitsSeconds;
  // Neither qform nor sform: the image has no place in the patient, and a
  // reader of the file must not be told otherwise (NIfTI's "method 1").
  h.sformCode = 0;
  std::snprintf(h.descrip, sizeof h.descrip, "Vigie 2D, no patient geometry; spacing %s",
                image.spacing.unitLabel().c_str());
  const void* data = image.color ? static_cast<const void*>(image.rgb.data())
                                 : static_cast<const void*>(image.values.data());
  const std::size_t bytes = image.color ? image.rgb.size() : image.values.size() * sizeof(float);
  return writeNiftiFile(h, data, bytes, file);
}

NiftiSliceWriter::NiftiSliceWriter(std::unique_ptr<NiftiOutput> out, core::VolumeGeometry geometry)
    : out_(std::move(out)), geometry_(geometry) {}
NiftiSliceWriter::~NiftiSliceWriter() = default;

core::Result<std::unique_ptr<NiftiSliceWriter>> NiftiSliceWriter::open(
    const std::filesystem::path& file, const core::VolumeGeometry& geometry) {
  auto size = checkNiftiSize(geometry, file);
  if (!size.ok()) return size.error();
  auto out = NiftiOutput::create(file);
  if (!out.ok()) return out.error();
  auto status = out.value()->writeHeader(volumeHeader(geometry, kDatatypeInt16, 16, 1.0f));
  if (!status.ok()) return status.error();
  return std::unique_ptr<NiftiSliceWriter>(new NiftiSliceWriter(std::move(out.value()), geometry));
}

core::Status NiftiSliceWriter::append(const std::int16_t* slice) {
  if (slices_ >= geometry_.size.k)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "NIfTI writer: more slices than the volume has");
  ++slices_;
  return out_->write(slice, geometry_.size.i * geometry_.size.j * sizeof(std::int16_t));
}

core::Status NiftiSliceWriter::close() {
  if (slices_ != geometry_.size.k) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "NIfTI writer: " + std::to_string(slices_) + " of " +
                               std::to_string(geometry_.size.k) + " slices written");
  }
  return out_->close();
}

}  // namespace vigie::imaging
