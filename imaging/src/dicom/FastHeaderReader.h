#pragma once

#include <filesystem>
#include <optional>

#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::imaging::internal {

/// Reads the header of an ordinary single-frame DICOM image without DCMTK:
/// one read of the file's first 64 KiB and a walk over its elements up to
/// Pixel Data, keeping only what the scanner needs. About ten times faster
/// than a DCMTK parse, which matters when a study has thousands of slices.
///
/// It only answers for files it fully understands: a Part 10 file whose
/// dataset is little endian (explicit VR, as every compressed syntax is, or
/// implicit VR), one frame, Rows and Columns set, Pixel Data within the first
/// 64 KiB. For anything else (big endian, deflated, multi-frame, no preamble,
/// a malformed length, a non-image object) it returns nothing and the caller
/// reads the file with DCMTK, so no file is read less well than before.
std::optional<DicomImageHeader> readHeaderFast(const std::filesystem::path& file);

/// Switches the fast path off (tests compare both readers on the same files).
void setFastHeaderReading(bool enabled);
bool fastHeaderReading();

}  // namespace vigie::imaging::internal
