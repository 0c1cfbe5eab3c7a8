#include "DcmtkSetup.h"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdlib>
#include <mutex>

namespace vigie::imaging::internal {
namespace {

void unregisterDecoders() {
  DJDecoderRegistration::cleanup();
  DJLSDecoderRegistration::cleanup();
  DcmRLEDecoderRegistration::cleanup();
}

}  // namespace

void ensureDcmtkReady() {
  static std::once_flag once;
  std::call_once(once, [] {
    OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
    std::atexit(unregisterDecoders);
  });
}

}  // namespace vigie::imaging::internal
