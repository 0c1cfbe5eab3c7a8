#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/Vec3.h"
#include "vigie/core/ZipArchive.h"

namespace vigie::imaging {

/// One frame of a multi-frame image: where it lies and how its stored values
/// become HU (from the Enhanced CT/MR per-frame and shared functional groups).
struct FramePlane {
  core::Vec3 position;  ///< LPS mm, of the frame's first pixel's centre
  double rescaleSlope = 1.0;
  double rescaleIntercept = 0.0;
};

/// What the scanner learned about one DICOM image file from its header
/// (pixel data is not read during a scan).
struct DicomImageHeader {
  std::filesystem::path file;
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string studyInstanceUid;
  std::string seriesInstanceUid;
  std::string frameOfReferenceUid;
  std::string modality;
  std::string seriesDescription;
  std::string transferSyntaxUid;
  // Who and when, for the reader's screen only (never for logs).
  std::string patientName;
  std::string patientId;
  std::string studyDate;  ///< DA, YYYYMMDD
  int instanceNumber = 0;
  int rows = 0;
  int columns = 0;
  int frames = 1;
  bool hasPosition = false;
  core::Vec3 imagePosition;             ///< LPS mm, of the first pixel's centre
  core::Vec3 rowDirection{1, 0, 0};     ///< unit vector along a row (increasing column)
  core::Vec3 columnDirection{0, 1, 0};  ///< unit vector down a column
  double rowSpacing = 1.0;              ///< mm between rows (Pixel Spacing[0])
  double columnSpacing = 1.0;           ///< mm between columns (Pixel Spacing[1])
  // How the pixels are stored and become HU, so an uncompressed slice can be
  // read without parsing its header a second time.
  int samplesPerPixel = 1;
  int bitsAllocated = 0;
  int bitsStored = 0;
  int pixelRepresentation = 0;  ///< 0 unsigned, 1 signed
  double rescaleSlope = 1.0;
  double rescaleIntercept = 0.0;
  /// Set when an attribute of the pixels above is present but unreadable, or
  /// a required one is missing (e.g. "RescaleSlope (0028,1053) is DS 'abc',
  /// which cannot be read: ..."). The image stays in its series, so that
  /// loading it fails with this reason instead of the series loading with a
  /// slice missing or with a default standing in for the value.
  std::string pixelProblem;
  /// A multi-frame image's frames (Enhanced CT/MR functional groups), one per
  /// frame; empty for a single-frame image, and for a multi-frame one whose
  /// frames cannot be placed (then `framesProblem` says why).
  std::vector<FramePlane> framePlanes;
  std::string framesProblem;
};

/// A series: the images that share a Series Instance UID and, when a series
/// holds several stacks (a localizer with its axials, axial and coronal
/// reformats, slices of different sizes), one stack of them: same
/// orientation, same rows and columns.
struct DicomSeriesEntry {
  std::string studyInstanceUid;
  std::string seriesInstanceUid;
  std::string modality;
  std::string description;  ///< "(stack 2 of 3)" added when the series was split
  int stack = 1;            ///< 1-based, in the order of the stacks' sizes (largest first)
  int stacks = 1;           ///< how many stacks the series holds
  std::vector<DicomImageHeader> images;
};

struct UnreadableFile {
  std::filesystem::path file;
  std::string reason;
};

/// A DICOM object without pixels to show (a structured report, an RT Plan or
/// Structure Set, a presentation state, a waveform ...): listed, not an error.
struct DicomDocument {
  std::filesystem::path file;
  std::string sopClassUid;
  std::string kind;  ///< the SOP class's name ("Comprehensive SR Storage" ...)
  std::string modality;
  std::string seriesInstanceUid;
};

struct DicomScanResult {
  std::vector<DicomSeriesEntry> series;    ///< ordered by study, then series UID
  std::vector<DicomDocument> documents;    ///< non-image objects, in file order
  std::vector<UnreadableFile> unreadable;  ///< DICOM-looking files that could not be parsed
  std::size_t skippedNonDicom = 0;         ///< files that are not DICOM at all
  /// Set when the scan read a zip: the images' files lie in its scratch
  /// folder, which lives as long as this result (or a copy of it).
  std::optional<core::ExtractedArchive> archive;

  /// How to show one of the scanned files to the user: the path itself, or
  /// "study.zip!folder/IM0001" for a file that came out of a zip.
  std::string displayName(const std::filesystem::path& file) const {
    return archive ? archive->displayName(file) : file.string();
  }
  /// A loader's message about these files, with zip members named as above.
  std::string displayMessage(std::string message) const {
    return archive ? archive->displayMessage(std::move(message)) : message;
  }
};

/// Finds the DICOM images under a file, a folder (recursively), a DICOMDIR or
/// a zip (unpacked into a private scratch folder) and groups them into series. Reads headers only
/// (stops before Pixel Data), on several threads. A malformed file is listed in `unreadable` with
/// its reason; the others still come back. Any thread may call; blocks until done.
class DicomScanner {
 public:
  core::Result<DicomScanResult> scan(const std::filesystem::path& path) const;

 private:
  core::Result<DicomScanResult> scanFiles(const std::filesystem::path& path) const;
};

}  // namespace vigie::imaging
