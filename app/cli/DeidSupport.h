#pragma once

#include <filesystem>
#include <string>

#include "../common/CommandLine.h"
#include "vigie/imaging/dicom/Deidentifier.h"

namespace vigie::app::cli {

/// The de-identification options' help lines, shared by deid and export.
extern const char* const kDeidOptions;

/// The profile options a command line asks for.
imaging::DeidentificationOptions deidOptions(const CommandLine& cl);

/// Who is recorded in the audit log: --reader, else $USER.
std::string readerOf(const CommandLine& cl);

/// Prints what a de-identification run did; 1 when any file failed.
int reportDeidentification(const imaging::DeidentificationReport& r,
                           const std::filesystem::path& out);

}  // namespace vigie::app::cli
