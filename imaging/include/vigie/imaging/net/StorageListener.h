#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/imaging/net/ArchiveClient.h"

namespace vigie::imaging {

struct ListenerSettings {
  int port = 11112;
  std::string aeTitle = "VIGIE";            ///< the called AE title it answers to
  std::vector<std::string> allowedCallers;  ///< calling AE titles let in; no one when empty
  std::filesystem::path folder;             ///< where received objects go (STUDY/SERIES/SOP.dcm)
  std::uint64_t quotaBytes = 0;             ///< refuse objects past this much in the folder; 0 none
  int idleSecondsToStop = 0;  ///< stop after this long without an association; 0 never
  int timeoutSeconds = 60;    ///< a sender silent this long is dropped
  /// DICOM over TLS when enabled: Vigie's certificate and key (required for
  /// a listener), and the authorities a sender's certificate must come from.
  TlsSettings tls;
};

struct ListenerReport {
  std::vector<std::filesystem::path> received;
  int refusedAssociations = 0;  ///< calling AE titles not allowed
  int refusedObjects = 0;       ///< past the quota, unwritable, or corrupt
  std::vector<std::string> problems;
};

/// A storage SCP (DCMTK's DcmSCP): accepts C-ECHO and C-STORE from the
/// calling AE titles it is told to, writes each object into its folder by
/// the rules of the PACS client's cache (names from checked UIDs only,
/// nothing written over), refuses objects once the quota is reached (status
/// A700, "out of resources") instead of filling the disk. Runs on the
/// calling thread until `stop` is set, or it has been idle as long as
/// settings say; `onReceived` is told of each file (from that thread).
class StorageListener {
 public:
  explicit StorageListener(ListenerSettings settings);

  core::Result<ListenerReport> run(
      const std::atomic<bool>& stop,
      const std::function<void(const std::filesystem::path&)>& onReceived = {}) const;

 private:
  ListenerSettings settings_;
};

}  // namespace vigie::imaging
