#pragma once

#include <optional>
#include <string>

#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::app {

/// The series a command works on: the one whose Series Instance UID is
/// `wanted` when given, else the largest series of `modality` (of any
/// modality when empty). Null when none matches.
const imaging::DicomSeriesEntry* chooseSeries(const imaging::DicomScanResult& scan,
                                              const std::optional<std::string>& wanted,
                                              const std::string& modality = "CT");

}  // namespace vigie::app
