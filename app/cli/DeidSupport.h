#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "CommandLine.h"
#include "vigie/imaging/dicom/Deidentifier.h"
#include "vigie/imaging/dicom/SourceSeries.h"

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

/// De-identifies objects derived from a series (each `from` to its `to`;
/// an empty `from` is skipped) and the series itself (into `seriesDir`, each
/// slice named by its new SOP Instance UID) with one Deidentifier, so that
/// their references to each other stay consistent. Prints each object
/// written; an object that fails is printed as an error and makes the result
/// 1; a slice that fails is listed in `report`.
int deidentifyWithSeries(
    const imaging::Deidentifier& deidentifier,
    const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& objects,
    const imaging::SourceSeries& series, const std::filesystem::path& seriesDir,
    imaging::DeidentificationReport& report);

}  // namespace vigie::app::cli
