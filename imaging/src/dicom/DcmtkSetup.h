#pragma once

#include <exception>
#include <filesystem>
#include <optional>
#include <string>

#include "vigie/core/Result.h"

namespace vigie::imaging::internal {

/// Once per process: registers DCMTK's JPEG, JPEG-LS and RLE decoders (and
/// unregisters them at exit), and lowers DCMTK's own logging to errors, since
/// its warnings (one per file for a header-only read) would flood stderr and
/// Vigie reports problems itself. Safe to call from any thread, any number of times.
void ensureDcmtkReady();

/// The SOP Instance UID in a DICOM file's header (read up to Pixel Data), or
/// nothing when the file cannot be parsed or has none.
std::optional<std::string> sopInstanceUidOf(const std::filesystem::path& file);

/// Debian builds DCMTK on the standard library, and a malformed file can make
/// it throw (the fuzzer found a std::out_of_range thrown from inside a
/// DICOMDIR record's parsing). Runs `read`, which returns a core::Result or a
/// core::Status, and turns such an exception into a ParseError naming the file.
template <typename Read>
auto guardAgainstDcmtkExceptions(const std::string& file, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const std::exception& e) {
    return core::makeError(
        core::ErrorCode::ParseError,
        file + ": malformed DICOM (the DICOM toolkit gave up: " + e.what() + ")");
  }
}

}  // namespace vigie::imaging::internal
