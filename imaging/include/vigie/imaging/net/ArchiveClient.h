#pragma once

// What Vigie asks of an image archive, whichever protocol it speaks: DICOM
// DIMSE (PacsClient: C-ECHO, C-FIND, C-GET, C-STORE) or DICOMweb
// (DicomWebClient: QIDO-RS, WADO-RS, STOW-RS); and how a site names its
// archives (AET@HOST:PORT, a URL, or a name in the nodes file).

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::imaging {

/// DICOM over TLS (DCMTK's dcmtls, the BCP 195 profile): the peer's
/// certificate must chain to `trustedCertificates`; Vigie shows its own
/// certificate when the peer asks for one.
struct TlsSettings {
  bool enabled = false;
  std::string trustedCertificates;  ///< PEM file of the authorities Vigie trusts
  std::string certificate;          ///< Vigie's certificate (PEM), optional
  std::string privateKey;           ///< its private key (PEM, unencrypted), with certificate
};

/// A DICOM application entity on the network: a PACS, a modality, a viewer.
struct DicomNode {
  std::string aeTitle;
  std::string host;
  int port = 104;
  TlsSettings tls;  ///< off unless the nodes file or the command line turns it on

  /// "AET@HOST:PORT" (the form `--node` takes); errors say what is wrong.
  static core::Result<DicomNode> parse(const std::string& text);
  std::string describe() const;  ///< "AET@HOST:PORT"
};

/// A node the site configured once, by name, in a nodes file:
///   {"nodes": [{"name": "pacs", "aet": "ORTHANC", "host": "pacs.local", "port": 4242},
///              {"name": "secure", "aet": "PACS", "host": "h", "port": 2762,
///               "tls": {"ca": "ca.pem", "certificate": "vigie.pem", "key": "vigie.key"}},
///              {"name": "cloud", "url": "https://pacs.example.org/dicom-web"}]}
/// Relative TLS file names are relative to the nodes file's folder.
/// A DICOMweb node has a URL and no DIMSE address.
struct NamedNode {
  std::string name;
  DicomNode node;
  std::string url;  ///< a DICOMweb service's base URL; empty for a DIMSE node
  /// A DICOMweb service's OAuth token file ("token_file", relative to the
  /// nodes file); empty: no token.
  std::filesystem::path tokenFile;
};

/// The nodes file: $VIGIE_NODES when set, else $XDG_CONFIG_HOME/vigie/nodes.json
/// (~/.config/vigie/nodes.json).
std::filesystem::path defaultNodesFile();

/// The nodes of a nodes file (none when it does not exist); errors name the
/// file and the entry that is wrong.
core::Result<std::vector<NamedNode>> readNodes(const std::filesystem::path& file);

/// Writes `nodes` as a nodes file (beside it first, then renamed over it, so
/// a reader never sees half a file), creating its folder. TLS file names are
/// written as given.
core::Status writeNodes(const std::filesystem::path& file, const std::vector<NamedNode>& nodes);

/// "AET@HOST:PORT", or the name of a node in `nodesFile`.
core::Result<DicomNode> resolveNode(const std::string& text,
                                    const std::filesystem::path& nodesFile = defaultNodesFile());

/// Who Vigie is on the association, and how long it waits.
struct AssociationSettings {
  std::string ourAeTitle = "VIGIE";
  TlsSettings tls;                        ///< when enabled, replaces the node's own TLS settings
  std::filesystem::path bearerTokenFile;  ///< DICOMweb: replaces the node's own token file
  int connectTimeoutSeconds = 10;         ///< TCP connection and association negotiation
  int dimseTimeoutSeconds = 60;           ///< each message; a silent peer fails after this
  /// Retrieval takes no more objects once the cache folder holds this many
  /// bytes (0: no limit); what arrived before stays, and the report says so.
  std::uint64_t cacheQuotaBytes = 0;
};

enum class QueryLevel { Study, Series };

/// A Study Root C-FIND: empty fields match everything. Dates are DICOM
/// ranges ("20240101-20240131", "20240101-", a single date).
struct PacsQuery {
  QueryLevel level = QueryLevel::Study;
  std::string patientId;
  std::string patientName;  ///< wildcards * and ? as DICOM allows
  std::string studyDate;
  std::string modality;  ///< Modalities in Study (study level) or Modality (series level)
  std::string accessionNumber;
  std::string studyUid;  ///< required at series level (Study Root)
};

/// One C-FIND match: the attributes asked for, by keyword ("PatientName",
/// "StudyInstanceUID", "NumberOfStudyRelatedInstances" ...), as text.
using PacsMatch = std::map<std::string, std::string>;

struct RetrieveReport {
  /// The study's files now here from this retrieval: those already held
  /// (alreadyHeld of them, first), then those written, in arrival order.
  std::vector<std::filesystem::path> received;
  /// The PACS's counts, from its final responses (DICOMweb: the objects
  /// written, and the parts that were not objects or could not be written);
  /// what was already held is in none of them.
  int completed = 0;
  int failed = 0;
  int warnings = 0;
  std::vector<std::string> problems;  ///< each naming the object and what went wrong
  /// Objects of the study the folder already held (read whole, the SOP
  /// Instance UIDs the archive lists), not fetched again: a retry after an
  /// interrupted retrieval fetches only the rest.
  int alreadyHeld = 0;
};

struct MoveReport {
  int completed = 0;  ///< the PACS's counts, from its final response
  int failed = 0;
  int warnings = 0;
  std::vector<std::string> problems;
};

struct StoreReport {
  int stored = 0;
  std::vector<std::filesystem::path> notDicom;  ///< files left out: not DICOM
  std::vector<std::string> problems;            ///< each naming the file and the PACS's status
};

/// Called as objects arrive or leave: (done, total; total 0 when unknown).
using TransferProgress = std::function<void(int done, int total)>;

/// An archive Vigie queries, retrieves from and sends to. Every call opens
/// its own connection and has a timeout; errors name the archive and what it
/// said.
class ArchiveClient {
 public:
  virtual ~ArchiveClient() = default;

  /// How messages name the archive ("AET@HOST:PORT", or the URL without any
  /// password in it).
  virtual std::string describe() const = 0;
  /// Whether it answers and accepts us.
  virtual core::Status echo() const = 0;
  virtual core::Result<std::vector<PacsMatch>> find(const PacsQuery& query) const = 0;
  /// Retrieves a study (or one of its series) into `cacheFolder`/STUDY/SERIES/SOP.dcm,
  /// named from the UIDs only when they are well-formed UIDs (else a hash), so
  /// an object cannot write outside the folder; an object whose file already
  /// exists with other bytes is kept beside it and reported, never written over
  /// (unless it is a file cut off by a crash: the whole object takes its place).
  /// When the folder already holds objects of the study, the archive lists the
  /// study's objects (C-FIND at IMAGE level, QIDO-RS at instance level) and
  /// only the missing ones are fetched; an archive that cannot list them
  /// sends the whole study, and the identical copies are dropped.
  virtual core::Result<RetrieveReport> get(const std::string& studyUid,
                                           const std::optional<std::string>& seriesUid,
                                           const std::filesystem::path& cacheFolder,
                                           const TransferProgress& progress = {},
                                           const std::atomic<bool>* cancel = nullptr) const = 0;
  /// Sends DICOM files; files that are not DICOM are listed in the report and not sent.
  virtual core::Result<StoreReport> store(const std::vector<std::filesystem::path>& files,
                                          const TransferProgress& progress = {}) const = 0;
};

/// The archive `text` names: a DICOMweb base URL (http:// or https://, e.g.
/// https://pacs.example.org/dicom-web; user:password@ in it for HTTP basic
/// authentication), AET@HOST:PORT (DIMSE, with `settings`), or the name of a
/// node in `nodesFile`.
core::Result<std::unique_ptr<ArchiveClient>> openArchive(
    const std::string& text, const AssociationSettings& settings,
    const std::filesystem::path& nodesFile = defaultNodesFile());

}  // namespace vigie::imaging
