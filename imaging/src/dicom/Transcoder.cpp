#include "vigie/imaging/dicom/Transcoder.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <mutex>

#include "../ParallelFor.h"
#include "DcmtkSetup.h"
#include "DecodeLimits.h"

namespace vigie::imaging {
namespace {

/// The encoders are registered once, on first use, and stay for the process
/// (only the decoders are registered up front: reading is the common case).
void ensureEncodersRegistered() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
  });
}

core::Status transcodeOne(const std::filesystem::path& in, const std::filesystem::path& out,
                          LosslessSyntax syntax) {
  DcmFileFormat file;
  OFCondition status = file.loadFile(in.string().c_str());
  if (status.bad())
    return core::makeError(core::ErrorCode::ParseError, in.string() + ": " + status.text());
  DcmDataset* ds = file.getDataset();
  if (auto refused = internal::refuseBeforeDecoding(*ds, in.string())) return *refused;
  const E_TransferSyntax target =
      syntax == LosslessSyntax::JpegLs ? EXS_JPEGLSLossless : EXS_RLELossless;
  if (syntax == LosslessSyntax::JpegLs) {
    const DJLSRepresentationParameter lossless(0, OFTrue);
    status = ds->chooseRepresentation(target, &lossless);
  } else {
    const DcmRLERepresentationParameter rle;
    status = ds->chooseRepresentation(target, &rle);
  }
  if (status.bad() || !ds->canWriteXfer(target))
    return core::makeError(
        core::ErrorCode::Unsupported,
        in.string() + ": cannot encode as " + DcmXfer(target).getXferName() + ": " + status.text());
  status = file.saveFile(out.string().c_str(), target);
  if (status.bad())
    return core::makeError(core::ErrorCode::IoError, out.string() + ": " + status.text());
  return {};
}

}  // namespace

core::Result<std::vector<std::filesystem::path>> transcodeLossless(
    const std::vector<std::filesystem::path>& files, const std::filesystem::path& outDir,
    LosslessSyntax syntax) {
  internal::ensureDcmtkReady();
  ensureEncodersRegistered();
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, outDir.string() + ": " + ec.message());
  std::vector<std::filesystem::path> written(files.size());
  std::vector<core::Status> outcomes(files.size());
  internal::parallelFor(files.size(), [&](std::size_t i) {
    written[i] = outDir / files[i].filename();
    outcomes[i] = internal::guardAgainstDcmtkExceptions(
        files[i].string(), [&] { return transcodeOne(files[i], written[i], syntax); });
  });
  for (const auto& outcome : outcomes)
    if (!outcome.ok()) return outcome.error();
  return written;
}

}  // namespace vigie::imaging
