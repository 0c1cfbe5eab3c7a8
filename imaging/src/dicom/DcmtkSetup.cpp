#include "DcmtkSetup.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcobject.h>
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
    // An attribute a writer stored with VR UN (Modality, Dose Grid Scaling
    // ...) is read with its dictionary VR, as GDCM and pydicom do: else its
    // value would be lost to every reader of the file.
    dcmEnableUnknownVRConversion.set(OFTrue);
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();  // fractional SEGs are written RLE-compressed
    std::atexit(unregisterDecoders);
  });
}

std::optional<std::string> sopInstanceUidOf(const std::filesystem::path& file) {
  ensureDcmtkReady();
  try {
    DcmFileFormat header;
    OFString uid;
    if (header
            .loadFileUntilTag(file.string().c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                              ERM_autoDetect, DCM_PixelData)
            .good() &&
        header.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid).good() && !uid.empty())
      return std::string(uid.c_str());
  } catch (const std::exception&) {
    // DCMTK threw on malformed data: no UID, like any unreadable file.
  }
  return std::nullopt;
}

}  // namespace vigie::imaging::internal
