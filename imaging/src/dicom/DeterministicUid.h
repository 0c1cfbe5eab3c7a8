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

/// A 2.25 UID that is a one-way function of `text` (SHA-256): the same text
/// always gives the same UID, and the UID does not reveal the text. Used for
/// tracking UIDs and for replacing UIDs during de-identification.
std::string uidFromText(const std::string& text);

}  // namespace vigie::imaging::internal
