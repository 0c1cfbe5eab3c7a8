#include "vigie/imaging/net/StorageListener.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scp.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "../dicom/DcmtkSetup.h"
#include "CacheFolder.h"
#include "NetSupport.h"
#include "TlsLayer.h"

namespace vigie::imaging {
namespace {

constexpr Uint16 kOutOfResources = 0xA700;
constexpr Uint16 kCannotUnderstand = 0xC000;

using internal::text;

/// Why a received object is not what it claims to be, or nothing when it
/// is: UIDs that disagree with the C-STORE that carried it or are missing
/// (they name its place in the folder), or uncompressed pixel data shorter
/// than its rows, columns, samples, bits and frames say (cut off on the way
/// or made wrong). A reader would fail on it later, far from its sender.
std::optional<std::string> corruption(const T_DIMSE_C_StoreRQ& request, DcmDataset& dataset) {
  const std::string sop = text(&dataset, DCM_SOPInstanceUID);
  if (sop != request.AffectedSOPInstanceUID)
    return "its SOP Instance UID ('" + sop + "') is not the one its C-STORE names";
  if (text(&dataset, DCM_SOPClassUID) != request.AffectedSOPClassUID)
    return "its SOP Class UID is not the one its C-STORE names";
  if (text(&dataset, DCM_StudyInstanceUID).empty() || text(&dataset, DCM_SeriesInstanceUID).empty())
    return "it has no Study or Series Instance UID";
  DcmElement* pixels = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, pixels).bad() || !pixels ||
      DcmXfer(dataset.getOriginalXfer()).isEncapsulated())
    return std::nullopt;
  Uint16 rows = 0, columns = 0, samples = 1, bits = 0;
  dataset.findAndGetUint16(DCM_Rows, rows);
  dataset.findAndGetUint16(DCM_Columns, columns);
  dataset.findAndGetUint16(DCM_SamplesPerPixel, samples);
  dataset.findAndGetUint16(DCM_BitsAllocated, bits);
  Sint32 frames = 1;
  if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
  const unsigned long long expected =
      (static_cast<unsigned long long>(rows) * columns * std::max<Uint16>(samples, 1) *
           static_cast<unsigned long long>(frames) * bits +
       7) /
      8;
  const unsigned long long held = pixels->getLength();
  if (held < expected)
    return "its pixel data holds " + std::to_string(held) + " bytes where its " +
           std::to_string(rows) + " rows, " + std::to_string(columns) + " columns and " +
           std::to_string(frames) + " frames need " + std::to_string(expected) + " (cut off)";
  return std::nullopt;
}

/// Whether a C-STORE's data set failed to arrive because the association
/// broke (the peer aborted, released or vanished), not because it was wrong.
bool associationBroke(const OFCondition& status) {
  return status == DUL_PEERABORTEDASSOCIATION || status == DUL_PEERREQUESTEDRELEASE ||
         (status.module() == OFM_dcmnet && status.code() == DIMSEC_READPDVFAILED);
}

/// DCMTK's SCP with Vigie's rules: who may call, where objects go, the quota.
class VigieScp : public DcmSCP {
 public:
  VigieScp(const ListenerSettings& settings, const std::atomic<bool>& stop,
           const std::function<void(const std::filesystem::path&)>& onReceived)
      : settings_(settings),
        stop_(stop),
        onReceived_(onReceived),
        cache_(settings.folder),
        used_(internal::folderBytes(settings.folder)),
        lastActivity_(std::chrono::steady_clock::now()) {}

  ListenerReport report;

  void finish() {
    for (auto& problem : cache_.settle()) report.problems.push_back(std::move(problem));
    report.received = cache_.received();
  }

 protected:
  OFBool checkCallingAETitleAccepted(const OFString& callingAE) override {
    std::string caller = callingAE.c_str();
    caller.erase(caller.find_last_not_of(' ') + 1);
    const bool allowed = std::find(settings_.allowedCallers.begin(), settings_.allowedCallers.end(),
                                   caller) != settings_.allowedCallers.end();
    if (!allowed) {
      ++report.refusedAssociations;
      report.problems.push_back("association from '" + caller + "' refused: not an allowed caller");
    }
    lastActivity_ = std::chrono::steady_clock::now();
    return allowed;
  }

  OFCondition handleIncomingCommand(T_DIMSE_Message* message,
                                    const DcmPresentationContextInfo& context) override {
    lastActivity_ = std::chrono::steady_clock::now();
    if (message->CommandField != DIMSE_C_STORE_RQ)
      return DcmSCP::handleIncomingCommand(message, context);
    T_DIMSE_C_StoreRQ& request = message->msg.CStoreRQ;
    DcmDataset* dataset = nullptr;
    OFCondition status = receiveSTORERequest(request, context.presentationContextID, dataset);
    if (status.bad()) {
      delete dataset;
      const std::string object =
          "object " + std::string(request.AffectedSOPInstanceUID) + " from '" + caller() + "'";
      if (associationBroke(status)) {
        // The sender went away while it sent (killed, its network gone):
        // nothing of the object is written, and nothing is refused.
        report.problems.push_back(object + " cut off: the association broke while it came (" +
                                  std::string(status.text()) + "); not kept");
        return status;
      }
      // A data set that does not parse: the association ends (DCMTK cannot
      // answer it any more), the listener goes on with the next caller.
      ++report.refusedObjects;
      report.problems.push_back(object + " refused: unreadable: " + status.text());
      return status;
    }
    const Uint16 response = keep(request, dataset);
    delete dataset;
    return sendSTOREResponse(context.presentationContextID, request, response);
  }

  OFBool stopAfterConnectionTimeout() override {
    if (stop_) return OFTrue;
    if (settings_.idleSecondsToStop <= 0) return OFFalse;
    const auto idle = std::chrono::steady_clock::now() - lastActivity_;
    return idle > std::chrono::seconds(settings_.idleSecondsToStop);
  }
  OFBool stopAfterCurrentAssociation() override {
    lastActivity_ = std::chrono::steady_clock::now();
    return stop_ ? OFTrue : OFFalse;
  }

 private:
  /// The calling AE title, without DICOM's padding.
  std::string caller() const {
    std::string aeTitle = getPeerAETitle().c_str();
    aeTitle.erase(aeTitle.find_last_not_of(' ') + 1);
    return aeTitle;
  }

  /// Writes the object where the cache rules say; the C-STORE status.
  Uint16 keep(const T_DIMSE_C_StoreRQ& request, DcmDataset* dataset) {
    const std::string sop = request.AffectedSOPInstanceUID;
    if (const auto wrong = corruption(request, *dataset)) {
      // Refused, not kept aside: the sender is told (Cannot Understand) and
      // can send it again once it is mended.
      ++report.refusedObjects;
      report.problems.push_back("object " + sop + " from '" + caller() +
                                "' refused as corrupt: " + *wrong);
      return kCannotUnderstand;
    }
    const unsigned long size = dataset->getLength(dataset->getOriginalXfer());
    if (settings_.quotaBytes > 0 && used_ + size > settings_.quotaBytes) {
      ++report.refusedObjects;
      report.problems.push_back("object " + sop + " refused: the folder's quota of " +
                                std::to_string(settings_.quotaBytes / (1024 * 1024)) +
                                " MiB is reached");
      return kOutOfResources;
    }
    const auto file = cache_.place(text(dataset, DCM_StudyInstanceUID),
                                   text(dataset, DCM_SeriesInstanceUID), sop);
    DcmFileFormat format(dataset);
    const OFCondition saved = format.saveFile(file.c_str(), dataset->getOriginalXfer());
    if (saved.bad()) {
      std::error_code ec;
      std::filesystem::remove(file, ec);  // the name reserved for it, or a partial file
      ++report.refusedObjects;
      report.problems.push_back(file.string() + ": cannot write: " + saved.text());
      return kOutOfResources;
    }
    std::error_code sizeError;
    used_ += std::filesystem::file_size(file, sizeError);
    if (onReceived_) onReceived_(file);
    return STATUS_Success;
  }

  const ListenerSettings& settings_;
  const std::atomic<bool>& stop_;
  const std::function<void(const std::filesystem::path&)>& onReceived_;
  internal::CacheFolder cache_;
  std::uint64_t used_ = 0;
  std::chrono::steady_clock::time_point lastActivity_;
};

OFList<OFString> syntaxesAccepted() {
  OFList<OFString> list;
  for (const char* uid : {UID_LittleEndianExplicitTransferSyntax,
                          UID_LittleEndianImplicitTransferSyntax, UID_JPEGLSLosslessTransferSyntax,
                          UID_JPEGProcess14SV1TransferSyntax, UID_RLELosslessTransferSyntax,
                          UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEGProcess1TransferSyntax,
                          UID_JPEG2000TransferSyntax, UID_BigEndianExplicitTransferSyntax})
    list.push_back(uid);
  return list;
}

}  // namespace

StorageListener::StorageListener(ListenerSettings settings) : settings_(std::move(settings)) {}

core::Result<ListenerReport> StorageListener::run(
    const std::atomic<bool>& stop,
    const std::function<void(const std::filesystem::path&)>& onReceived) const {
  if (settings_.allowedCallers.empty()) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "a listener needs the calling AE titles it lets in");
  }
  std::error_code ec;
  std::filesystem::create_directories(settings_.folder, ec);
  if (ec) {
    return core::makeError(core::ErrorCode::IoError,
                           settings_.folder.string() + ": cannot create: " + ec.message());
  }
  internal::ensureDcmtkReady();
  const std::string where = settings_.aeTitle + " on port " + std::to_string(settings_.port);
  std::unique_ptr<DcmTLSTransportLayer> tls;  // outlives the listening
  if (settings_.tls.enabled) {
    auto layer = internal::makeTlsLayer(settings_.tls, /*acceptor=*/true, where);
    if (!layer.ok()) return layer.error();
    tls = std::move(layer.value());
  }
  VigieScp scp(settings_, stop, onReceived);
  if (tls) scp.getConfig().setTransportLayer(tls.get());
  scp.setPort(static_cast<Uint16>(settings_.port));
  scp.setAETitle(settings_.aeTitle.c_str());
  // Non-blocking with a one-second timeout: the loop looks at `stop` and
  // the idle time every second.
  scp.setConnectionBlockingMode(DUL_NOBLOCK);
  scp.setConnectionTimeout(1);
  scp.setDIMSETimeout(static_cast<Uint32>(settings_.timeoutSeconds));
  scp.setACSETimeout(static_cast<Uint32>(settings_.timeoutSeconds));
  scp.setHostLookupEnabled(OFFalse);
  const OFList<OFString> syntaxes = syntaxesAccepted();
  scp.addPresentationContext(UID_VerificationSOPClass, syntaxes);
  for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i)
    scp.addPresentationContext(dcmAllStorageSOPClassUIDs[i], syntaxes);
  const OFCondition status = scp.listen();
  scp.finish();
  if (status.bad() && status != NET_EC_StopAfterConnectionTimeout &&
      status != NET_EC_StopAfterAssociation) {
    return core::makeError(core::ErrorCode::IoError, where + ": cannot listen: " + status.text());
  }
  return scp.report;
}

}  // namespace vigie::imaging
