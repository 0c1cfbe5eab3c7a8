#include "vigie/imaging/dicom/CtVolumeLoader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "../ParallelFor.h"
#include "AttributeReader.h"
#include "DcmtkSetup.h"
#include "DecodeLimits.h"
#include "Jpeg2000.h"
#include "vigie/imaging/dicom/PixelDecoder.h"

namespace vigie::imaging {
namespace {

constexpr double kPositionTolerance = 0.01;  // mm

struct SlicePlan {
  SliceRef slice;
  core::Vec3 position;               // LPS mm
  double positionAlongNormal = 0.0;  // mm
  std::string name;                  // the file, and the frame for a multi-frame image
};

/// Where one frame of a file goes in the volume (rows*columns HU values).
struct FrameTarget {
  int frame = 0;
  std::int16_t* out = nullptr;
};

/// The fast path for the commonest CT slice: one frame of 16-bit grey values,
/// uncompressed little endian, Pixel Data the file's last element (as every
/// scanner writes it). The scan already read the header, so the pixels are
/// read straight into the volume (one copy, no second parse) and rescaled in
/// place. The element's own tag, VR and length are checked before the bytes
/// are trusted; anything unexpected returns false and DCMTK reads the file.
bool readUncompressedSliceDirectly(const DicomImageHeader& h, std::int16_t* out) {
  const bool explicitVr = h.transferSyntaxUid == "1.2.840.10008.1.2.1";
  const bool implicitVr = h.transferSyntaxUid == "1.2.840.10008.1.2";
  if ((!explicitVr && !implicitVr) || h.frames != 1 || h.samplesPerPixel != 1 ||
      h.bitsAllocated != 16)
    return false;
  const std::uint32_t length = static_cast<std::uint32_t>(h.rows) * h.columns * 2u;
  const int fd = ::open(h.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat info {};
  bool ok = ::fstat(fd, &info) == 0 && info.st_size >= static_cast<off_t>(length + 12);
  if (ok) {
    const off_t offset = info.st_size - length;
    unsigned char tag[12];
    const std::size_t headerBytes = explicitVr ? 12 : 8;
    ok = ::pread(fd, tag, headerBytes, offset - static_cast<off_t>(headerBytes)) ==
         static_cast<ssize_t>(headerBytes);
    // (7FE0,0010), then "OW" or "OB" and two reserved bytes when the VR is explicit.
    ok = ok && tag[0] == 0xE0 && tag[1] == 0x7F && tag[2] == 0x10 && tag[3] == 0x00;
    if (ok && explicitVr)
      ok = tag[4] == 'O' && (tag[5] == 'W' || tag[5] == 'B') && tag[6] == 0 && tag[7] == 0;
    std::uint32_t declared = 0;
    if (ok) std::memcpy(&declared, tag + headerBytes - 4, 4);  // little endian, as the host
    ok = ok && declared == length;
    std::size_t done = 0;
    auto* bytes = reinterpret_cast<char*>(out);
    while (ok && done < length) {
      const ssize_t n = ::pread(fd, bytes + done, length - done, offset + static_cast<off_t>(done));
      if (n <= 0)
        ok = false;
      else
        done += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  if (!ok) return false;
  const std::size_t pixels = static_cast<std::size_t>(h.rows) * h.columns;
  const int bits = h.bitsStored > 0 && h.bitsStored <= 16 ? h.bitsStored : 16;
  const std::uint32_t mask = bits >= 16 ? 0xFFFFu : ((1u << bits) - 1u);
  const std::uint32_t sign = 1u << (bits - 1);
  const bool integerRescale =
      h.rescaleSlope == 1.0 && h.rescaleIntercept == std::round(h.rescaleIntercept);
  const auto intercept = static_cast<std::int32_t>(h.rescaleIntercept);
  auto* raw = reinterpret_cast<std::uint16_t*>(out);
  for (std::size_t p = 0; p < pixels; ++p) {
    const std::uint32_t stored = raw[p] & mask;
    const std::int32_t value = h.pixelRepresentation
                                   ? static_cast<std::int32_t>((stored ^ sign) - sign)
                                   : static_cast<std::int32_t>(stored);
    const double hu = integerRescale ? double(value + intercept)
                                     : std::round(value * h.rescaleSlope + h.rescaleIntercept);
    out[p] = static_cast<std::int16_t>(std::clamp(hu, -32768.0, 32767.0));
  }
  return true;
}

/// Reads one file's pixels once and writes the frames asked for, as HU.
core::Status decodeFramesUnguarded(const DicomImageHeader& h,
                                   const std::vector<FrameTarget>& targets) {
  // The scan found an attribute of the pixels present but unreadable (a
  // slope of "abc"): no value it could stand for is safe to show as HU.
  if (!h.pixelProblem.empty())
    return core::makeError(core::ErrorCode::ParseError, h.file.string() + ": " + h.pixelProblem);
  if (targets.size() == 1 && targets.front().frame == 0 &&
      readUncompressedSliceDirectly(h, targets.front().out))
    return {};
  const std::string file = h.file.string();
  DcmFileFormat format;
  OFCondition status = format.loadFile(file.c_str());
  if (status.bad()) {
    return core::makeError(core::ErrorCode::IoError, file + ": cannot read: " + status.text());
  }
  DcmDataset* ds = format.getDataset();
  if (auto refused = internal::refuseBeforeDecoding(*ds, file)) return *refused;
  // JPEG 2000 goes through OpenJPEG (DCMTK has no codec for it).
  std::vector<std::uint8_t> jpeg2000;
  if (internal::isJpeg2000Syntax(h.transferSyntaxUid)) {
    auto decoded = decodeDicomPixels(h.file);
    if (!decoded.ok()) return decoded.error();
    jpeg2000 = std::move(decoded.value().bytes);
  } else if (DcmXfer(ds->getOriginalXfer()).isEncapsulated()) {
    status = ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    if (status.bad() || !ds->canWriteXfer(EXS_LittleEndianExplicit)) {
      return core::makeError(core::ErrorCode::Unsupported,
                             file + ": cannot decode transfer syntax " +
                                 DcmXfer(ds->getOriginalXfer()).getXferName() + ": " +
                                 status.text());
    }
  }
  // Absent, the optional ones take their defaults (one grey sample, unsigned,
  // every allocated bit stored, identity rescale); unreadable, they are errors.
  internal::AttributeReader read(*ds, file);
  const Uint16 samples = read.uint16(DCM_SamplesPerPixel, 1);
  const Uint16 bitsAllocated = read.requiredUint16(DCM_BitsAllocated);
  Uint16 bitsStored = read.uint16(DCM_BitsStored, 0);
  const Uint16 representation = read.uint16(DCM_PixelRepresentation, 0);
  Float64 topSlope = read.float64(DCM_RescaleSlope, 1.0);
  const Float64 topIntercept = read.float64(DCM_RescaleIntercept, 0.0);
  if (!read.ok()) return read.error();
  if (samples != 1) {
    return core::makeError(core::ErrorCode::Unsupported, file + ": colour image in a CT series");
  }
  if (bitsStored == 0 || bitsStored > bitsAllocated) bitsStored = bitsAllocated;
  if (topSlope == 0.0) topSlope = 1.0;

  const std::size_t pixels = static_cast<std::size_t>(h.rows) * h.columns;
  std::size_t needed = 0;  // values up to the end of the last frame asked for
  for (const FrameTarget& t : targets)
    needed = std::max(needed, (static_cast<std::size_t>(t.frame) + 1) * pixels);
  // Sign-extend values with fewer stored bits than allocated (e.g. 12 of 16).
  auto signedValue = [bitsStored](Uint32 raw) {
    const Uint32 mask = bitsStored >= 32 ? 0xFFFFFFFFu : ((1u << bitsStored) - 1u);
    raw &= mask;
    const Uint32 sign = 1u << (bitsStored - 1);
    return static_cast<double>(static_cast<Sint32>((raw ^ sign) - sign));
  };
  auto unsignedValue = [bitsStored](Uint32 raw) {
    const Uint32 mask = bitsStored >= 32 ? 0xFFFFFFFFu : ((1u << bitsStored) - 1u);
    return static_cast<double>(raw & mask);
  };

  // Each frame with its own rescale when its functional groups give one.
  auto convert = [&](const auto* data) {
    for (const FrameTarget& t : targets) {
      double slope = topSlope, intercept = topIntercept;
      if (!h.framePlanes.empty()) {
        slope = h.framePlanes[static_cast<std::size_t>(t.frame)].rescaleSlope;
        intercept = h.framePlanes[static_cast<std::size_t>(t.frame)].rescaleIntercept;
      }
      const auto* frame = data + static_cast<std::size_t>(t.frame) * pixels;
      for (std::size_t p = 0; p < pixels; ++p) {
        const double stored = representation ? signedValue(frame[p]) : unsignedValue(frame[p]);
        const double hu = std::round(stored * slope + intercept);
        t.out[p] = static_cast<std::int16_t>(std::clamp(hu, -32768.0, 32767.0));
      }
    }
  };
  const std::string shortData =
      file + ": Pixel Data missing or shorter than Rows x Columns x the frames needed";
  unsigned long count = 0;
  if (bitsAllocated == 16) {
    const Uint16* data = nullptr;
    if (!jpeg2000.empty()) {
      data = reinterpret_cast<const Uint16*>(jpeg2000.data());
      count = jpeg2000.size() / 2;
    } else {
      status = ds->findAndGetUint16Array(DCM_PixelData, data, &count);
    }
    if (status.bad() || data == nullptr || count < needed)
      return core::makeError(core::ErrorCode::ParseError, shortData);
    convert(data);
  } else if (bitsAllocated == 8) {
    const Uint8* data = nullptr;
    if (!jpeg2000.empty()) {
      data = jpeg2000.data();
      count = jpeg2000.size();
    } else {
      status = ds->findAndGetUint8Array(DCM_PixelData, data, &count);
    }
    if (status.bad() || data == nullptr || count < needed)
      return core::makeError(core::ErrorCode::ParseError, shortData);
    convert(data);
  } else {
    return core::makeError(
        core::ErrorCode::Unsupported,
        file + ": Bits Allocated " + std::to_string(bitsAllocated) + " not supported");
  }
  return {};
}

core::Status decodeFrames(const DicomImageHeader& h, const std::vector<FrameTarget>& targets) {
  return internal::guardAgainstDcmtkExceptions(h.file.string(),
                                               [&] { return decodeFramesUnguarded(h, targets); });
}

/// Moves a slice's content by its tilt shift (columns, rows): the pixel at
/// (i, j) takes the value at (i - shift[0], j - shift[1]), bilinear; air
/// (-1024 HU) where that lies outside the slice.
void deshearSlice(std::int16_t* slice, long columns, long rows,
                  const std::array<double, 2>& shift) {
  const double di = shift[0], dj = shift[1];
  if (std::abs(di) < 1e-3 && std::abs(dj) < 1e-3) return;
  const std::vector<std::int16_t> source(slice, slice + columns * rows);
  auto at = [&](long i, long j) -> double {
    return (i < 0 || j < 0 || i >= columns || j >= rows) ? -1024.0
                                                         : source[std::size_t(j * columns + i)];
  };
  for (long j = 0; j < rows; ++j)
    for (long i = 0; i < columns; ++i) {
      const double x = i - di, y = j - dj;
      const long x0 = static_cast<long>(std::floor(x)), y0 = static_cast<long>(std::floor(y));
      const double fx = x - x0, fy = y - y0;
      const double value = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
                           fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      slice[j * columns + i] = static_cast<std::int16_t>(std::lround(value));
    }
}

void deshear(core::CtVolume& volume, const std::vector<std::array<double, 2>>& shifts) {
  const auto& size = volume.size();
  internal::parallelFor(size.k, [&](std::size_t k) {
    deshearSlice(volume.slice(k), static_cast<long>(size.i), static_cast<long>(size.j), shifts[k]);
  });
}

std::string formatMm(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

}  // namespace

core::Result<SeriesLayout> CtVolumeLoader::layout(const DicomSeriesEntry& series) {
  const std::string name = "series " + series.seriesInstanceUid;
  if (series.images.empty())
    return core::makeError(core::ErrorCode::InvalidArgument, name + ": no images");
  const DicomImageHeader& first = series.images.front();
  SeriesLayout layout;
  std::vector<SlicePlan> plan;
  const core::Vec3 normal = first.rowDirection.cross(first.columnDirection).normalized();
  for (const auto& h : series.images) {
    if (h.frames > 1 && h.framePlanes.empty()) {
      return core::makeError(core::ErrorCode::Unsupported,
                             h.file.string() + ": " +
                                 (h.framesProblem.empty() ? "multi-frame image whose frames "
                                                            "cannot be placed"
                                                          : h.framesProblem));
    }
    if (!h.hasPosition) {
      return core::makeError(core::ErrorCode::ParseError,
                             h.file.string() + ": missing Image Position (Patient)");
    }
    if (h.rows != first.rows || h.columns != first.columns) {
      return core::makeError(core::ErrorCode::ParseError,
                             h.file.string() + ": slice size differs from " + first.file.string());
    }
    if ((h.rowDirection - first.rowDirection).norm() > 1e-4 ||
        (h.columnDirection - first.columnDirection).norm() > 1e-4) {
      return core::makeError(core::ErrorCode::ParseError,
                             h.file.string() + ": oriented differently from " +
                                 first.file.string() + ": not one volume");
    }
    if (h.framePlanes.empty()) {
      plan.push_back({{&h, 0}, h.imagePosition, h.imagePosition.dot(normal), h.file.string()});
      continue;
    }
    layout.multiFrame = true;
    for (std::size_t f = 0; f < h.framePlanes.size(); ++f) {
      const core::Vec3& p = h.framePlanes[f].position;
      plan.push_back({{&h, static_cast<int>(f)},
                      p,
                      p.dot(normal),
                      h.file.string() + " frame " + std::to_string(f + 1)});
    }
  }
  std::stable_sort(plan.begin(), plan.end(), [](const SlicePlan& a, const SlicePlan& b) {
    return a.positionAlongNormal < b.positionAlongNormal;
  });

  std::vector<double> gaps;
  for (std::size_t s = 1; s < plan.size(); ++s) {
    const double gap = plan[s].positionAlongNormal - plan[s - 1].positionAlongNormal;
    if (gap < kPositionTolerance) {
      return core::makeError(core::ErrorCode::ParseError,
                             plan[s].name + ": same slice position as " + plan[s - 1].name);
    }
    gaps.push_back(gap);
  }
  double sliceSpacing = 1.0;
  if (!gaps.empty()) {
    std::vector<double> sorted = gaps;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    sliceSpacing = sorted[sorted.size() / 2];
    const auto [lo, hi] = std::minmax_element(gaps.begin(), gaps.end());
    if (*hi - *lo > 0.05 * sliceSpacing) {
      layout.warnings.push_back(name + ": uneven slice spacing (" + formatMm(*lo) + " to " +
                                formatMm(*hi) + " mm); using the median " + formatMm(sliceSpacing) +
                                " mm");
    }
  }

  // Gantry tilt: each slice's offset from the first, within the image plane.
  const core::Vec3 base = plan.front().position;
  double largestMm = 0;
  std::vector<std::array<double, 2>> shifts;
  for (const SlicePlan& p : plan) {
    const core::Vec3 step = p.position - base;
    const core::Vec3 inPlane = step - normal * step.dot(normal);
    largestMm = std::max(largestMm, inPlane.norm());
    shifts.push_back({inPlane.dot(first.rowDirection) / first.columnSpacing,
                      inPlane.dot(first.columnDirection) / first.rowSpacing});
  }
  if (largestMm > 0.05 * std::min(first.columnSpacing, first.rowSpacing)) {
    const double along = plan.back().positionAlongNormal - plan.front().positionAlongNormal;
    const double degrees =
        along > 0 ? std::atan2((plan.back().position - base - normal * along).norm(), along) *
                        180.0 / 3.14159265358979
                  : 0.0;
    layout.tiltShiftPx = std::move(shifts);
    layout.warnings.push_back(name + ": gantry tilt of " + formatMm(degrees) +
                              " degrees corrected (slices moved in their planes by up to " +
                              formatMm(largestMm) + " mm)");
  }

  core::VolumeGeometry& g = layout.geometry;
  g.size = {static_cast<std::size_t>(first.columns), static_cast<std::size_t>(first.rows),
            plan.size()};
  g.spacing = {first.columnSpacing, first.rowSpacing, sliceSpacing};
  g.origin = plan.front().position;
  g.direction = {first.rowDirection, first.columnDirection, normal};
  std::string why;
  if (!g.isValid(&why)) {
    return core::makeError(core::ErrorCode::ParseError,
                           first.file.string() + ": invalid geometry: " + why);
  }
  for (const SlicePlan& p : plan) layout.slices.push_back(p.slice);
  return layout;
}

core::Result<LoadedCtVolume> CtVolumeLoader::load(const DicomSeriesEntry& series,
                                                  const LoadProgress& progress,
                                                  const std::atomic<bool>* cancel) const {
  auto planned = layout(series);
  if (!planned.ok()) return planned.error();
  const SeriesLayout& plan = planned.value();
  const std::string name = "series " + series.seriesInstanceUid;

  internal::ensureDcmtkReady();
  LoadedCtVolume loaded;
  loaded.warnings = plan.warnings;
  // Every voxel is written by a decoder below: no need to zero them first.
  loaded.volume = core::CtVolume(plan.geometry, core::Uninitialized{});
  std::mutex errorMutex;
  core::Status firstError;
  std::atomic<std::size_t> done{0};
  std::atomic<bool> stop{false};
  const std::size_t total = plan.slices.size();
  // One job per file, so a multi-frame file is read and decoded once.
  std::vector<std::pair<const DicomImageHeader*, std::vector<FrameTarget>>> jobs;
  std::map<const DicomImageHeader*, std::size_t> jobOfFile;
  for (std::size_t s = 0; s < total; ++s) {
    const SliceRef& slice = plan.slices[s];
    auto [it, added] = jobOfFile.try_emplace(slice.header, jobs.size());
    if (added) jobs.push_back({slice.header, {}});
    jobs[it->second].second.push_back({slice.frame, loaded.volume.slice(s)});
  }
  internal::parallelFor(jobs.size(), [&](std::size_t j) {
    if (stop || (cancel && *cancel)) return;
    core::Status status = decodeFrames(*jobs[j].first, jobs[j].second);
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(errorMutex);
      if (firstError.ok()) firstError = status;
      stop = true;
      return;
    }
    const std::size_t n = done += jobs[j].second.size();
    if (progress) progress(n, total);
  });
  if (cancel && *cancel)
    return core::makeError(core::ErrorCode::Cancelled, name + ": loading cancelled");
  if (!firstError.ok()) return firstError.error();
  if (!plan.tiltShiftPx.empty()) deshear(loaded.volume, plan.tiltShiftPx);
  return loaded;
}

core::Result<std::vector<std::string>> CtVolumeLoader::stream(
    const DicomSeriesEntry& series, const SliceSink& sink, const LoadProgress& progress,
    const std::atomic<bool>* cancel) const {
  auto planned = layout(series);
  if (!planned.ok()) return planned.error();
  const SeriesLayout& plan = planned.value();
  if (plan.multiFrame) {
    // A multi-frame file holds many slices and is decoded at once: no gain in
    // batches. Load it whole and hand its slices over.
    auto loaded = load(series, progress, cancel);
    if (!loaded.ok()) return loaded.error();
    const auto& volume = loaded.value().volume;
    for (std::size_t k = 0; k < volume.size().k; ++k) {
      auto status = sink(k, volume.slice(k));
      if (!status.ok()) return status.error();
    }
    return loaded.value().warnings;
  }
  internal::ensureDcmtkReady();
  const std::string name = "series " + series.seriesInstanceUid;
  const std::size_t total = plan.slices.size();
  const std::size_t pixels = plan.geometry.size.i * plan.geometry.size.j;
  // A few slices per thread at a time: decoding stays parallel, and memory
  // stays a batch, whatever the series' size.
  const std::size_t batch = std::max<std::size_t>(8, 4 * std::thread::hardware_concurrency());
  std::vector<std::int16_t> buffer(std::min(batch, total) * pixels);
  for (std::size_t first = 0; first < total; first += batch) {
    const std::size_t count = std::min(batch, total - first);
    std::vector<core::Status> outcomes(count);
    internal::parallelFor(count, [&](std::size_t b) {
      if (cancel && *cancel) return;
      const SliceRef& slice = plan.slices[first + b];
      std::int16_t* out = buffer.data() + b * pixels;
      outcomes[b] = decodeFrames(*slice.header, {{slice.frame, out}});
      if (outcomes[b].ok() && !plan.tiltShiftPx.empty()) {
        deshearSlice(out, static_cast<long>(plan.geometry.size.i),
                     static_cast<long>(plan.geometry.size.j), plan.tiltShiftPx[first + b]);
      }
    });
    if (cancel && *cancel)
      return core::makeError(core::ErrorCode::Cancelled, name + ": loading cancelled");
    for (std::size_t b = 0; b < count; ++b) {
      if (!outcomes[b].ok()) return outcomes[b].error();
      auto status = sink(first + b, buffer.data() + b * pixels);
      if (!status.ok()) return status.error();
    }
    if (progress) progress(first + count, total);
  }
  return plan.warnings;
}

}  // namespace vigie::imaging
