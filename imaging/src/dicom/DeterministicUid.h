#pragma once

#include <cstdint>
#include <string>

namespace vigie::imaging::internal {

/// A DICOM UID under the 2.25 root (ISO/IEC 9834-8: a UUID written as a
/// decimal integer), derived from a seed and a purpose, so that generated data
/// is reproducible byte for byte. Different (seed, purpose, index) triples give
/// different UIDs with overwhelming probability.
std::string deterministicUid(std::uint64_t seed, const std::string& purpose,
                             std::uint64_t index = 0);

}  // namespace vigie::imaging::internal
