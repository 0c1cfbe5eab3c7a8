#pragma once

namespace vigie::imaging::internal {

/// Once per process: registers DCMTK's JPEG, JPEG-LS and RLE decoders (and
/// unregisters them at exit), and lowers DCMTK's own logging to errors, since
/// its warnings (one per file for a header-only read) would flood stderr and
/// Vigie reports problems itself. Safe to call from any thread, any number of times.
void ensureDcmtkReady();

}  // namespace vigie::imaging::internal
