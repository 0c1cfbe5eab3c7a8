#pragma once

#include <string>

#include "vigie/core/Result.h"
#include "vigie/imaging/dicom/PlanarImage.h"

class DcmItem;
class DcmTagKey;

namespace vigie::imaging::internal {

/// Reads a DICOM lookup table (PS3.3 C.11.1.1.1, C.7.6.3.1.5): its
/// descriptor (entries, 0 meaning 65536; the first input value mapped, in
/// the pixels' representation, signed when `signedInput`; the bits of an
/// entry) and its data (a 16-bit word per entry, or 8-bit entries two to a
/// word). The entries are as stored and `bits` as declared. Errors name
/// `where` and `what` (e.g. "VOI LUT"): a missing or malformed descriptor
/// (ErrorCode::NotFound when the descriptor is absent), data missing or
/// shorter than the descriptor says.
core::Result<LookupTable> readLookupTable(DcmItem& item, const DcmTagKey& descriptor,
                                          const DcmTagKey& data, bool signedInput,
                                          const std::string& what, const std::string& where);

}  // namespace vigie::imaging::internal
