#pragma once

#include "vigie/imaging/net/ArchiveClient.h"

namespace vigie::imaging {

/// Talks to one PACS over DIMSE (DCMTK's dcmnet): C-ECHO, Study Root C-FIND at
/// study and series level, C-GET into a cache folder, C-STORE. Each call opens
/// its own association and releases it; every wait has a timeout, so a peer
/// that stops answering is an error, never a hang. Errors name the node and
/// what it said (refused association, rejected AE title, a status code).
class PacsClient : public ArchiveClient {
 public:
  PacsClient(DicomNode node, AssociationSettings settings = {});

  std::string describe() const override { return node_.describe(); }
  core::Status echo() const override;
  core::Result<std::vector<PacsMatch>> find(const PacsQuery& query) const override;
  /// Retrieves by C-GET (see ArchiveClient::get).
  core::Result<RetrieveReport> get(const std::string& studyUid,
                                   const std::optional<std::string>& seriesUid,
                                   const std::filesystem::path& cacheFolder,
                                   const TransferProgress& progress = {},
                                   const std::atomic<bool>* cancel = nullptr) const override;
  /// Asks the PACS to send a study (or one of its series) to the AE title
  /// `destination` (C-MOVE): the PACS must know that title's host and port,
  /// and a storage SCP (StorageListener) must be listening there.
  core::Result<MoveReport> move(const std::string& studyUid,
                                const std::optional<std::string>& seriesUid,
                                const std::string& destination) const;
  /// Sends DICOM files (their own transfer syntax, else uncompressed); files
  /// that are not DICOM are listed in the report and not sent.
  core::Result<StoreReport> store(const std::vector<std::filesystem::path>& files,
                                  const TransferProgress& progress = {}) const override;

  const DicomNode& node() const { return node_; }

 private:
  DicomNode node_;
  AssociationSettings settings_;
};

}  // namespace vigie::imaging
