#include "DcmtkSetup.h"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcrleerg.h>
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
  DcmRLEEncoderRegistration::cleanup();
}

}  // namespace

void ensureDcmtkReady() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Every DCMTK failure comes back as an OFCondition that Vigie turns into
    // its own error naming the file; DCMTK's log lines would say it twice.
    OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();  // fractional SEGs are written RLE-compressed
    std::atexit(unregisterDecoders);
  });
}

}  // namespace vigie::imaging::internal
