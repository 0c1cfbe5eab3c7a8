#pragma once

#include <filesystem>

#include "vigie/imaging/net/ArchiveClient.h"

namespace vigie::imaging {

/// A DICOMweb service: its base URL (the part before /studies) and how long
/// to wait.
struct DicomWebNode {
  std::string baseUrl;  ///< e.g. https://pacs.example.org/dicom-web (no trailing /)
  int connectTimeoutSeconds = 10;
  int stallTimeoutSeconds = 60;       ///< a transfer that moves no byte for this long fails
  std::uint64_t cacheQuotaBytes = 0;  ///< as AssociationSettings::cacheQuotaBytes
  /// A file holding an OAuth 2.0 access token, sent as "Authorization:
  /// Bearer" with every request; read again for each request, so that the
  /// program that renews the token can rewrite it while a batch runs. The
  /// token is never printed.
  std::filesystem::path tokenFile;

  /// "http(s)://..." as given; errors say what is wrong.
  static core::Result<DicomWebNode> parse(const std::string& url);
  /// The URL without any user:password in it, for messages and logs.
  std::string describe() const;
};

/// Talks DICOMweb over HTTP(S) (libcurl): QIDO-RS for queries, WADO-RS for
/// retrieval (multipart/related; type="application/dicom", parts written one
/// by one by the cache folder's rules, never held whole in memory), STOW-RS
/// for storage. HTTPS certificates are checked against the system's
/// authorities. Every request has a connection timeout and fails when the
/// transfer stalls; errors name the service and the HTTP status.
class DicomWebClient : public ArchiveClient {
 public:
  explicit DicomWebClient(DicomWebNode node) : node_(std::move(node)) {}

  std::string describe() const override { return node_.describe(); }
  /// A QIDO-RS query for one study: the service answers.
  core::Status echo() const override;
  core::Result<std::vector<PacsMatch>> find(const PacsQuery& query) const override;
  core::Result<RetrieveReport> get(const std::string& studyUid,
                                   const std::optional<std::string>& seriesUid,
                                   const std::filesystem::path& cacheFolder,
                                   const TransferProgress& progress = {},
                                   const std::atomic<bool>* cancel = nullptr) const override;
  core::Result<StoreReport> store(const std::vector<std::filesystem::path>& files,
                                  const TransferProgress& progress = {}) const override;

 private:
  DicomWebNode node_;
};

}  // namespace vigie::imaging
