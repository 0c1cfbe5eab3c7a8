#include "vigie/imaging/net/PacsClient.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/dcmtls/tlslayer.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>

#include "../dicom/DcmtkSetup.h"
#include "CacheFolder.h"
#include "NetSupport.h"
#include "TlsLayer.h"

namespace vigie::imaging {
namespace {

/// What Vigie accepts when a PACS sends objects (C-GET): uncompressed first,
/// then the lossless and lossy syntaxes it decodes, so that the PACS sends
/// what it holds rather than transcoding it.
const OFList<OFString>& acceptedTransferSyntaxes() {
  static const OFList<OFString> syntaxes = [] {
    OFList<OFString> list;
    for (const char* uid :
         {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
          UID_JPEGLSLosslessTransferSyntax, UID_JPEGProcess14SV1TransferSyntax,
          UID_RLELosslessTransferSyntax, UID_JPEG2000LosslessOnlyTransferSyntax,
          UID_JPEGProcess1TransferSyntax, UID_JPEG2000TransferSyntax})
      list.push_back(uid);
    return list;
  }();
  return syntaxes;
}

const OFList<OFString>& uncompressed() {
  static const OFList<OFString> syntaxes = [] {
    OFList<OFString> list;
    list.push_back(UID_LittleEndianExplicitTransferSyntax);
    list.push_back(UID_LittleEndianImplicitTransferSyntax);
    return list;
  }();
  return syntaxes;
}

using internal::text;

/// DcmSCU with its TLS hook reachable (DCMTK keeps it protected, for DcmTLSSCU).
class Scu : public DcmSCU {
 public:
  OFCondition secureWith(DcmTransportLayer* layer) { return useSecureConnection(layer); }
};

/// DCMTK's SCU with Vigie's rules for what a PACS sends: file names from the
/// UIDs (checked), nothing written over, progress and cancel between objects.
class VigieScu : public Scu {
 public:
  VigieScu(std::filesystem::path cache, const TransferProgress& progress,
           const std::atomic<bool>* cancel)
      : cache(std::move(cache)), progress_(progress), cancel_(cancel) {}

  internal::CacheFolder cache;
  int expected = 0;  ///< from the C-GET responses' remaining + completed counts
  /// When several C-GET requests share the association (a resumed
  /// retrieval), the total all of them bring; 0: each response's count.
  int plannedTotal = 0;

  /// Objects are refused (Out of Resources) once the cache holds `quotaBytes`
  /// (0: no limit), counting what it held before.
  void limitTo(std::uint64_t quotaBytes) {
    quota_ = quotaBytes;
    if (quota_ > 0) used_ = internal::folderBytes(cache.root());
  }
  bool quotaReached() const { return quotaReached_; }

 protected:
  OFString createStorageFilename(DcmDataset* dataset) override {
    lastFile_ =
        cache.place(text(dataset, DCM_StudyInstanceUID), text(dataset, DCM_SeriesInstanceUID),
                    text(dataset, DCM_SOPInstanceUID));
    return lastFile_.c_str();
  }

  OFCondition handleSTORERequest(const T_ASC_PresentationContextID presID,
                                 DcmDataset* incomingObject, OFBool& continueCGETSession,
                                 Uint16& cStoreReturnStatus) override {
    if (quota_ > 0 && used_ >= quota_) {
      cStoreReturnStatus = STATUS_STORE_Refused_OutOfResources;
      continueCGETSession = OFFalse;
      quotaReached_ = true;
      return EC_Normal;
    }
    OFCondition status =
        DcmSCU::handleSTORERequest(presID, incomingObject, continueCGETSession, cStoreReturnStatus);
    std::error_code ec;
    if (quota_ > 0) used_ += std::filesystem::file_size(lastFile_, ec);
    ++arrived_;
    if (progress_) progress_(arrived_, expected);
    if (cancel_ && *cancel_) continueCGETSession = OFFalse;
    return status;
  }

  OFCondition handleCGETResponse(const T_ASC_PresentationContextID presID,
                                 RetrieveResponse* response, OFBool& continueCGETSession) override {
    if (plannedTotal > 0)
      expected = plannedTotal;
    else if (response)
      expected = response->m_numberOfRemainingSubops + response->m_numberOfCompletedSubops +
                 response->m_numberOfFailedSubops + response->m_numberOfWarningSubops;
    return DcmSCU::handleCGETResponse(presID, response, continueCGETSession);
  }

 private:
  TransferProgress progress_;
  const std::atomic<bool>* cancel_;
  int arrived_ = 0;
  std::uint64_t quota_ = 0, used_ = 0;
  bool quotaReached_ = false;
  std::filesystem::path lastFile_;
};

/// An association with the node: configured, network up, negotiated.
class Association {
 public:
  Association(Scu& scu, const DicomNode& node, const AssociationSettings& settings)
      : scu_(scu), node_(node) {
    scu.setAETitle(settings.ourAeTitle.c_str());
    scu.setPeerAETitle(node.aeTitle.c_str());
    scu.setPeerHostName(node.host.c_str());
    scu.setPeerPort(static_cast<Uint16>(node.port));
    scu.setConnectionTimeout(settings.connectTimeoutSeconds);
    scu.setACSETimeout(static_cast<Uint32>(settings.connectTimeoutSeconds));
    // Non-blocking DIMSE: without it the timeout below is not applied.
    scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scu.setDIMSETimeout(static_cast<Uint32>(settings.dimseTimeoutSeconds));
    scu.setVerbosePCMode(OFFalse);
  }
  ~Association() {
    if (scu_.isConnected()) (void)scu_.releaseAssociation();
  }
  Association(const Association&) = delete;
  Association& operator=(const Association&) = delete;

  core::Status open() {
    OFCondition status = scu_.initNetwork();
    if (status.good() && node_.tls.enabled) {
      auto secured = secure();
      if (!secured.ok()) return secured;
    }
    if (status.good()) status = scu_.negotiateAssociation();
    if (status.bad())
      return failure(node_.tls.enabled ? "association refused or not answered over TLS (is the "
                                         "peer's certificate signed by the trusted authorities, "
                                         "and does it accept ours?)"
                                       : "association refused or not answered",
                     status);
    return {};
  }

  /// The accepted presentation context for `sopClass`, or 0 with an error.
  core::Result<T_ASC_PresentationContextID> context(const std::string& sopClass,
                                                    const std::string& syntax = "") {
    const T_ASC_PresentationContextID id =
        scu_.findPresentationContextID(sopClass.c_str(), syntax.c_str());
    if (id == 0) {
      const char* name = dcmFindNameOfUID(sopClass.c_str(), sopClass.c_str());
      return core::makeError(core::ErrorCode::Unsupported,
                             node_.describe() + " accepted no presentation context for " + name);
    }
    return id;
  }

  /// The TLS layer the association runs over (BCP 195 profile; the peer's
  /// certificate required and checked against the trusted authorities).
  core::Status secure() {
    auto layer = internal::makeTlsLayer(node_.tls, /*acceptor=*/false, node_.describe());
    if (!layer.ok()) return layer.error();
    tls_ = std::move(layer.value());
    if (scu_.secureWith(tls_.get()).bad())
      return core::makeError(core::ErrorCode::InvalidArgument,
                             node_.describe() + ": TLS: cannot use the TLS layer");
    return {};
  }

  core::Status failure(const std::string& what, const OFCondition& status) const {
    return core::makeError(core::ErrorCode::IoError,
                           node_.describe() + ": " + what + ": " + status.text());
  }

 private:
  Scu& scu_;
  const DicomNode& node_;
  std::unique_ptr<DcmTLSTransportLayer> tls_;  ///< lives as long as the association
};

std::string statusText(Uint16 status) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%04X", status);
  return std::string("status 0x") + hex;
}

/// Failure (0xA..., 0xC...) and Cancel (0xFE00) statuses of a DIMSE response.
bool failed(Uint16 status) {
  return (status & 0xF000) == 0xA000 || (status & 0xF000) == 0xC000 || status == 0xFE00 ||
         status == 0x0122 || status == 0x0124 || status == 0x0211;
}

void putQueryKeys(DcmDataset& query, const PacsQuery& q) {
  const bool study = q.level == QueryLevel::Study;
  query.putAndInsertString(DCM_QueryRetrieveLevel, study ? "STUDY" : "SERIES");
  query.putAndInsertString(DCM_StudyInstanceUID, q.studyUid.c_str());
  query.putAndInsertString(DCM_PatientName, q.patientName.c_str());
  query.putAndInsertString(DCM_PatientID, q.patientId.c_str());
  query.putAndInsertString(DCM_StudyDate, q.studyDate.c_str());
  query.putAndInsertString(DCM_AccessionNumber, q.accessionNumber.c_str());
  query.putAndInsertString(DCM_StudyDescription, "");
  query.putAndInsertString(DCM_PatientBirthDate, "");
  if (study) {
    query.putAndInsertString(DCM_ModalitiesInStudy, q.modality.c_str());
    query.putAndInsertString(DCM_StudyTime, "");
    query.putAndInsertString(DCM_NumberOfStudyRelatedSeries, "");
    query.putAndInsertString(DCM_NumberOfStudyRelatedInstances, "");
  } else {
    query.putAndInsertString(DCM_SeriesInstanceUID, "");
    query.putAndInsertString(DCM_Modality, q.modality.c_str());
    query.putAndInsertString(DCM_SeriesNumber, "");
    query.putAndInsertString(DCM_SeriesDescription, "");
    query.putAndInsertString(DCM_NumberOfSeriesRelatedInstances, "");
  }
}

/// Every attribute of a match, by DICOM keyword, as text.
PacsMatch matchOf(DcmDataset& dataset) {
  PacsMatch match;
  const DcmDataDictionary& dictionary = dcmDataDict.rdlock();
  for (unsigned long i = 0; i < dataset.card(); ++i) {
    DcmElement* element = dataset.getElement(i);
    const DcmDictEntry* entry = dictionary.findEntry(element->getTag(), nullptr);
    if (!entry || element->getTag() == DCM_QueryRetrieveLevel ||
        element->getTag() == DCM_SpecificCharacterSet)
      continue;
    OFString value;
    element->getOFStringArray(value);
    match[entry->getTagName()] = value.c_str();
  }
  dcmDataDict.rdunlock();
  return match;
}

/// The study and series asked of a C-GET or C-MOVE must be UIDs: they name
/// folders, and anything else is a mistake worth saying before connecting.
core::Status checkRetrieveUids(const std::string& studyUid,
                               const std::optional<std::string>& seriesUid) {
  if (!internal::isPlainUid(studyUid) || (seriesUid && !internal::isPlainUid(*seriesUid))) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "'" + studyUid + (seriesUid ? "', '" + *seriesUid : "") +
                               "': not a DICOM UID (digits and dots, at most 64)");
  }
  return {};
}

void putRetrieveKeys(DcmDataset& keys, const std::string& studyUid,
                     const std::optional<std::string>& seriesUid) {
  keys.putAndInsertString(DCM_QueryRetrieveLevel, seriesUid ? "SERIES" : "STUDY");
  keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
  if (seriesUid) keys.putAndInsertString(DCM_SeriesInstanceUID, seriesUid->c_str());
}

/// One C-GET of a retrieval: the study, one series, or some objects of one
/// series (IMAGE level, a list of SOP Instance UIDs).
struct GetRequest {
  std::optional<std::string> seriesUid;
  std::vector<std::string> sopInstanceUids;  ///< empty: the whole study or series
};

void putRetrieveKeys(DcmDataset& keys, const std::string& studyUid, const GetRequest& request) {
  putRetrieveKeys(keys, studyUid, request.seriesUid);
  if (request.sopInstanceUids.empty()) return;
  std::string list;
  for (const auto& uid : request.sopInstanceUids) list += (list.empty() ? "" : "\\") + uid;
  keys.putAndInsertString(DCM_QueryRetrieveLevel, "IMAGE");
  keys.putAndInsertString(DCM_SOPInstanceUID, list.c_str());
}

/// (series, SOP Instance UID) of each object of a study (of one series,
/// when given), by a Study Root C-FIND at IMAGE level.
using InstanceList = std::vector<std::pair<std::string, std::string>>;

core::Result<InstanceList> listInstances(const DicomNode& node, const AssociationSettings& settings,
                                         const std::string& studyUid,
                                         const std::optional<std::string>& seriesUid);

/// What a retrieval still needs once `held` is there: nothing when all of
/// it is; a series wholly missing asked for at SERIES level; the missing
/// objects of a series partly held at IMAGE level, a few hundred UIDs a
/// request so that no request grows without bound.
std::vector<GetRequest> missingRequests(const InstanceList& instances,
                                        const std::map<std::string, std::filesystem::path>& held) {
  constexpr std::size_t kUidsPerRequest = 200;
  std::map<std::string, std::pair<std::size_t, std::vector<std::string>>> bySeries;
  for (const auto& [series, sop] : instances) {
    auto& [count, missing] = bySeries[series];
    ++count;
    if (!held.count(sop)) missing.push_back(sop);
  }
  std::vector<GetRequest> requests;
  for (auto& [series, counted] : bySeries) {
    auto& [count, missing] = counted;
    if (missing.empty()) continue;
    if (missing.size() == count) {
      requests.push_back({series, {}});
      continue;
    }
    for (std::size_t from = 0; from < missing.size(); from += kUidsPerRequest) {
      const auto to = std::min(missing.size(), from + kUidsPerRequest);
      requests.push_back({series,
                          {missing.begin() + static_cast<std::ptrdiff_t>(from),
                           missing.begin() + static_cast<std::ptrdiff_t>(to)}});
    }
  }
  return requests;
}

/// The sub-operation counts of C-GET or C-MOVE responses (the largest seen)
/// into `report`; the responses are freed. Returns the last status.
template <typename Report>
Uint16 tallyResponses(OFList<RetrieveResponse*>& responses, Report& report) {
  Uint16 final = 0;
  for (RetrieveResponse* response : responses) {
    final = response->m_status;
    report.completed = std::max<int>(report.completed, response->m_numberOfCompletedSubops);
    report.failed = std::max<int>(report.failed, response->m_numberOfFailedSubops);
    report.warnings = std::max<int>(report.warnings, response->m_numberOfWarningSubops);
    delete response;
  }
  responses.clear();
  return final;
}

/// The same for one of several requests: its counts are added to `report`'s.
Uint16 addResponses(OFList<RetrieveResponse*>& responses, RetrieveReport& report) {
  RetrieveReport one;
  const Uint16 final = tallyResponses(responses, one);
  report.completed += one.completed;
  report.failed += one.failed;
  report.warnings += one.warnings;
  return final;
}

}  // namespace

core::Result<DicomNode> DicomNode::parse(const std::string& text) {
  const auto at = text.find('@');
  const auto colon = text.rfind(':');
  const std::string form = "'" + text + "': a DICOM node is AET@HOST:PORT";
  if (at == std::string::npos || colon == std::string::npos || colon < at)
    return core::makeError(core::ErrorCode::InvalidArgument, form);
  DicomNode node;
  node.aeTitle = text.substr(0, at);
  node.host = text.substr(at + 1, colon - at - 1);
  const std::string port = text.substr(colon + 1);
  if (node.aeTitle.empty() || node.aeTitle.size() > 16 ||
      node.aeTitle.find('\\') != std::string::npos)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           form + " (the AE title has 1 to 16 characters, no backslash)");
  if (node.host.empty()) return core::makeError(core::ErrorCode::InvalidArgument, form);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(port) < 1 || std::stoi(port) > 65535)
    return core::makeError(core::ErrorCode::InvalidArgument, form + " (port 1 to 65535)");
  node.port = std::stoi(port);
  return node;
}

std::string DicomNode::describe() const {
  return aeTitle + "@" + host + ":" + std::to_string(port) + (tls.enabled ? " (TLS)" : "");
}

std::filesystem::path defaultNodesFile() {
  if (const char* file = std::getenv("VIGIE_NODES"); file && *file) return file;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "vigie" / "nodes.json";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : ".") / ".config" / "vigie" / "nodes.json";
}

namespace {

/// A nodes-file entry's "tls": {"ca": FILE, "certificate": FILE, "key": FILE}
/// (certificate and key optional, together), names relative to `folder`.
core::Result<TlsSettings> tlsOf(const nlohmann::json& tls, const std::filesystem::path& folder) {
  const auto file = [&](const char* key) -> std::string {
    if (!tls.contains(key) || !tls[key].is_string()) return {};
    const std::filesystem::path name = tls[key].get<std::string>();
    return (name.is_absolute() ? name : folder / name).string();
  };
  TlsSettings settings;
  settings.enabled = true;
  settings.trustedCertificates = file("ca");
  settings.certificate = file("certificate");
  settings.privateKey = file("key");
  if (!tls.is_object() || settings.trustedCertificates.empty() ||
      settings.certificate.empty() != settings.privateKey.empty())
    return core::makeError(core::ErrorCode::ParseError,
                           "tls needs ca (the authorities' PEM file), and certificate and key "
                           "together or neither");
  return settings;
}

}  // namespace

core::Result<std::vector<NamedNode>> readNodes(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::vector<NamedNode>{};
  std::ifstream in(file);
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("nodes") ||
      !json["nodes"].is_array()) {
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": not a nodes file ({\"nodes\": [...]})");
  }
  std::vector<NamedNode> nodes;
  for (std::size_t i = 0; i < json["nodes"].size(); ++i) {
    const auto& entry = json["nodes"][i];
    const std::string where = file.string() + ": nodes[" + std::to_string(i) + "]";
    if (entry.is_object() && entry.value("name", nlohmann::json()).is_string() &&
        entry.value("url", nlohmann::json()).is_string()) {
      // A DICOMweb service: its base URL, checked when it is used, and the
      // file its OAuth token is kept in, if it wants one.
      NamedNode web{entry["name"].get<std::string>(), {}, entry["url"].get<std::string>(), {}};
      if (entry.contains("token_file")) {
        if (!entry["token_file"].is_string() || entry["token_file"].get<std::string>().empty())
          return core::makeError(core::ErrorCode::ParseError,
                                 where + ": token_file is the path of a file (text)");
        web.tokenFile = file.parent_path() / entry["token_file"].get<std::string>();
      }
      nodes.push_back(std::move(web));
      continue;
    }
    if (!entry.is_object() || !entry.value("name", nlohmann::json()).is_string() ||
        !entry.value("aet", nlohmann::json()).is_string() ||
        !entry.value("host", nlohmann::json()).is_string() ||
        !entry.value("port", nlohmann::json()).is_number_integer()) {
      return core::makeError(core::ErrorCode::ParseError,
                             where +
                                 ": needs name, and aet, host (text) and port (a number) "
                                 "or url (a DICOMweb service)");
    }
    auto node =
        DicomNode::parse(entry["aet"].get<std::string>() + "@" + entry["host"].get<std::string>() +
                         ":" + std::to_string(entry["port"].get<long long>()));
    if (!node.ok())
      return core::makeError(core::ErrorCode::ParseError, where + ": " + node.error().message);
    if (entry.contains("tls")) {
      auto tls = tlsOf(entry["tls"], file.parent_path());
      if (!tls.ok())
        return core::makeError(core::ErrorCode::ParseError, where + ": " + tls.error().message);
      node.value().tls = tls.value();
    }
    nodes.push_back({entry["name"].get<std::string>(), node.value(), {}, {}});
  }
  return nodes;
}

core::Status writeNodes(const std::filesystem::path& file, const std::vector<NamedNode>& nodes) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& named : nodes) {
    nlohmann::json entry = {{"name", named.name}};
    if (!named.url.empty()) {
      entry["url"] = named.url;
      if (!named.tokenFile.empty()) entry["token_file"] = named.tokenFile.string();
    } else {
      entry["aet"] = named.node.aeTitle;
      entry["host"] = named.node.host;
      entry["port"] = named.node.port;
      if (named.node.tls.enabled) {
        entry["tls"] = {{"ca", named.node.tls.trustedCertificates}};
        if (!named.node.tls.certificate.empty()) {
          entry["tls"]["certificate"] = named.node.tls.certificate;
          entry["tls"]["key"] = named.node.tls.privateKey;
        }
      }
    }
    list.push_back(std::move(entry));
  }
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const std::filesystem::path partial = file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << nlohmann::json{{"nodes", list}}.dump(2) << '\n';
    out.close();
    if (!out) return core::makeError(core::ErrorCode::IoError, partial.string() + ": cannot write");
  }
  std::filesystem::rename(partial, file, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, file.string() + ": " + ec.message());
  return {};
}

core::Result<DicomNode> resolveNode(const std::string& text,
                                    const std::filesystem::path& nodesFile) {
  if (text.find('@') != std::string::npos) return DicomNode::parse(text);
  auto nodes = readNodes(nodesFile);
  if (!nodes.ok()) return nodes.error();
  for (const auto& named : nodes.value()) {
    if (named.name != text) continue;
    if (!named.url.empty())
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "'" + text + "' is a DICOMweb service (" + named.url +
                                 "): this needs a DIMSE node (AET@HOST:PORT)");
    return named.node;
  }
  return core::makeError(
      core::ErrorCode::NotFound,
      "'" + text + "': neither AET@HOST:PORT nor a node of " + nodesFile.string());
}

PacsClient::PacsClient(DicomNode node, AssociationSettings settings)
    : node_(std::move(node)), settings_(std::move(settings)) {
  if (settings_.tls.enabled) node_.tls = settings_.tls;
}

core::Status PacsClient::echo() const {
  internal::ensureDcmtkReady();
  Scu scu;
  scu.addPresentationContext(UID_VerificationSOPClass, uncompressed());
  Association association(scu, node_, settings_);
  auto opened = association.open();
  if (!opened.ok()) return opened;
  auto context = association.context(UID_VerificationSOPClass);
  if (!context.ok()) return context.error();
  const OFCondition status = scu.sendECHORequest(context.value());
  if (status.bad()) return association.failure("C-ECHO failed", status);
  return {};
}

core::Result<std::vector<PacsMatch>> PacsClient::find(const PacsQuery& query) const {
  if (query.level == QueryLevel::Series && query.studyUid.empty()) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "a series-level query needs the Study Instance UID (Study Root)");
  }
  internal::ensureDcmtkReady();
  Scu scu;
  scu.addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, uncompressed());
  Association association(scu, node_, settings_);
  auto opened = association.open();
  if (!opened.ok()) return opened.error();
  auto context = association.context(UID_FINDStudyRootQueryRetrieveInformationModel);
  if (!context.ok()) return context.error();
  DcmDataset keys;
  putQueryKeys(keys, query);
  OFList<QRResponse*> responses;
  const OFCondition status = scu.sendFINDRequest(context.value(), &keys, &responses);
  std::vector<PacsMatch> matches;
  Uint16 final = 0;
  for (QRResponse* response : responses) {
    if (response->m_dataset) matches.push_back(matchOf(*response->m_dataset));
    final = response->m_status;
    delete response;
  }
  if (status.bad()) return association.failure("C-FIND failed", status).error();
  if (failed(final)) {
    return core::makeError(core::ErrorCode::IoError,
                           node_.describe() + ": C-FIND refused (" + statusText(final) + ")");
  }
  return matches;
}

namespace {

core::Result<InstanceList> listInstances(const DicomNode& node, const AssociationSettings& settings,
                                         const std::string& studyUid,
                                         const std::optional<std::string>& seriesUid) {
  Scu scu;
  scu.addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, uncompressed());
  Association association(scu, node, settings);
  auto opened = association.open();
  if (!opened.ok()) return opened.error();
  auto context = association.context(UID_FINDStudyRootQueryRetrieveInformationModel);
  if (!context.ok()) return context.error();
  DcmDataset keys;
  keys.putAndInsertString(DCM_QueryRetrieveLevel, "IMAGE");
  keys.putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
  keys.putAndInsertString(DCM_SeriesInstanceUID, seriesUid ? seriesUid->c_str() : "");
  keys.putAndInsertString(DCM_SOPInstanceUID, "");
  OFList<QRResponse*> responses;
  const OFCondition status = scu.sendFINDRequest(context.value(), &keys, &responses);
  InstanceList instances;
  Uint16 final = 0;
  bool complete = true;
  for (QRResponse* response : responses) {
    if (response->m_dataset) {
      const std::string series = internal::text(response->m_dataset, DCM_SeriesInstanceUID);
      const std::string sop = internal::text(response->m_dataset, DCM_SOPInstanceUID);
      // A match without its UIDs cannot be asked for alone: the list is no use.
      if (series.empty() || sop.empty()) complete = false;
      instances.emplace_back(series, sop);
    }
    final = response->m_status;
    delete response;
  }
  if (status.bad()) return association.failure("C-FIND at IMAGE level failed", status).error();
  if (failed(final) || !complete)
    return core::makeError(core::ErrorCode::Unsupported,
                           node.describe() + ": no IMAGE-level C-FIND (" + statusText(final) + ")");
  return instances;
}

}  // namespace

core::Result<RetrieveReport> PacsClient::get(const std::string& studyUid,
                                             const std::optional<std::string>& seriesUid,
                                             const std::filesystem::path& cacheFolder,
                                             const TransferProgress& progress,
                                             const std::atomic<bool>* cancel) const {
  if (auto checked = checkRetrieveUids(studyUid, seriesUid); !checked.ok()) return checked.error();
  std::error_code ec;
  std::filesystem::create_directories(cacheFolder, ec);
  if (ec) {
    return core::makeError(core::ErrorCode::IoError,
                           cacheFolder.string() + ": cannot create: " + ec.message());
  }
  internal::ensureDcmtkReady();
  VigieScu scu(cacheFolder, progress, cancel);
  scu.limitTo(settings_.cacheQuotaBytes);
  scu.setStorageDir(cacheFolder.c_str());
  scu.addPresentationContext(UID_GETStudyRootQueryRetrieveInformationModel, uncompressed());
  // C-GET brings the objects back on this association: Vigie must offer to
  // be the storage SCP for each kind it takes (128 contexts at most, one used).
  for (int i = 0; i < numberOfDcmLongSCUStorageSOPClassUIDs && i < 120; ++i) {
    scu.addPresentationContext(dcmLongSCUStorageSOPClassUIDs[i], acceptedTransferSyntaxes(),
                               ASC_SC_ROLE_SCP);
  }
  RetrieveReport report;
  // Resuming: when the folder already holds objects of the study, the PACS
  // lists the study's objects (IMAGE level) and only the missing ones are
  // asked for. A PACS that does not answer at IMAGE level gets the whole
  // study asked for; the copies of what was held are then dropped (settle).
  // The files already held count as received (first), as identical copies
  // settled do: the caller has the study's objects either way.
  std::vector<GetRequest> requests{{seriesUid, {}}};
  std::size_t heldCount = 0;
  if (const auto held = scu.cache.heldInstances(studyUid, seriesUid.value_or("")); !held.empty()) {
    if (auto listed = listInstances(node_, settings_, studyUid, seriesUid); listed.ok()) {
      requests = missingRequests(listed.value(), held);
      for (const auto& instance : listed.value())
        if (const auto file = held.find(instance.second); file != held.end())
          report.received.push_back(file->second);
      heldCount = report.received.size();
      report.alreadyHeld = static_cast<int>(heldCount);
      scu.plannedTotal = static_cast<int>(listed.value().size() - heldCount);
      if (requests.empty()) return report;  // everything is here already
    }
  }
  Association association(scu, node_, settings_);
  auto opened = association.open();
  if (!opened.ok()) return opened.error();
  auto context = association.context(UID_GETStudyRootQueryRetrieveInformationModel);
  if (!context.ok()) return context.error();
  OFCondition status = EC_Normal;
  Uint16 final = 0;
  for (const auto& request : requests) {
    DcmDataset keys;
    putRetrieveKeys(keys, studyUid, request);
    OFList<RetrieveResponse*> responses;
    status = scu.sendCGETRequest(context.value(), &keys, &responses);
    const Uint16 last = addResponses(responses, report);
    if (failed(last) || final == 0) final = last;
    if (status.bad() || scu.quotaReached() || (cancel && *cancel)) break;
  }
  for (auto& problem : scu.cache.settle()) report.problems.push_back(std::move(problem));
  for (auto& file : scu.cache.received()) report.received.push_back(std::move(file));
  const std::size_t fetched = report.received.size() - heldCount;
  if (scu.quotaReached()) {
    report.problems.push_back(node_.describe() + ": " +
                              internal::quotaReached(settings_.cacheQuotaBytes, fetched));
    return report;
  }
  if (cancel && *cancel) {
    report.problems.push_back(node_.describe() + ": retrieval cancelled after " +
                              std::to_string(fetched) + " objects");
    return report;
  }
  if (status.bad()) {
    // What arrived is kept and listed: a retry fetches the rest only.
    const int total = report.alreadyHeld + std::max(scu.expected, 0);
    report.problems.push_back(
        "study " + studyUid + " is incomplete: C-GET from " + node_.describe() +
        " interrupted after " + std::to_string(fetched) + " objects" +
        (scu.expected > 0 ? " (" + std::to_string(report.received.size()) + " of " +
                                std::to_string(total) + " here)"
                          : "") +
        ": " + status.text() + "; what arrived is kept, and the same get fetches the rest");
    return report;
  }
  if (failed(final) || report.failed > 0) {
    report.problems.push_back(node_.describe() + ": C-GET ended with " + statusText(final) + ", " +
                              std::to_string(report.failed) + " objects failed");
  }
  return report;
}

core::Result<MoveReport> PacsClient::move(const std::string& studyUid,
                                          const std::optional<std::string>& seriesUid,
                                          const std::string& destination) const {
  if (auto checked = checkRetrieveUids(studyUid, seriesUid); !checked.ok()) return checked.error();
  internal::ensureDcmtkReady();
  Scu scu;
  scu.addPresentationContext(UID_MOVEStudyRootQueryRetrieveInformationModel, uncompressed());
  Association association(scu, node_, settings_);
  auto opened = association.open();
  if (!opened.ok()) return opened.error();
  auto context = association.context(UID_MOVEStudyRootQueryRetrieveInformationModel);
  if (!context.ok()) return context.error();
  DcmDataset keys;
  putRetrieveKeys(keys, studyUid, seriesUid);
  OFList<RetrieveResponse*> responses;
  const OFCondition status =
      scu.sendMOVERequest(context.value(), destination.c_str(), &keys, &responses);
  MoveReport report;
  const Uint16 final = tallyResponses(responses, report);
  if (status.bad()) return association.failure("C-MOVE failed", status).error();
  if (failed(final) || report.failed > 0) {
    report.problems.push_back(
        node_.describe() + ": C-MOVE to " + destination + " ended with " + statusText(final) +
        ", " + std::to_string(report.failed) + " objects failed" +
        (final == 0xA801 ? " (the PACS does not know that destination)" : ""));
  }
  return report;
}

core::Result<StoreReport> PacsClient::store(const std::vector<std::filesystem::path>& files,
                                            const TransferProgress& progress) const {
  internal::ensureDcmtkReady();
  // What is to be sent: each file's SOP class and transfer syntax.
  struct Outgoing {
    std::filesystem::path file;
    std::string sopClass, syntax;
  };
  std::vector<Outgoing> outgoing;
  StoreReport report;
  std::set<std::pair<std::string, std::string>> contexts;
  for (const auto& file : files) {
    DcmFileFormat format;
    if (format
            .loadFileUntilTag(file.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                              ERM_autoDetect, DCM_PixelData)
            .bad()) {
      report.notDicom.push_back(file);
      continue;
    }
    const std::string sopClass = text(format.getDataset(), DCM_SOPClassUID);
    if (sopClass.empty()) {
      report.problems.push_back(file.string() + ": no SOP Class UID; not sent");
      continue;
    }
    const std::string syntax = DcmXfer(format.getDataset()->getOriginalXfer()).getXferID();
    outgoing.push_back({file, sopClass, syntax});
    contexts.insert({sopClass, syntax});
  }
  if (outgoing.empty()) return report;
  if (contexts.size() > 60) {
    return core::makeError(core::ErrorCode::Unsupported,
                           "more than 60 kinds of object in one sending; send them in parts");
  }
  Scu scu;
  for (const auto& [sopClass, syntax] : contexts) {
    OFList<OFString> own;
    own.push_back(syntax.c_str());
    scu.addPresentationContext(sopClass.c_str(), own);
    // Uncompressed too, should the PACS not take the file's own syntax.
    scu.addPresentationContext(sopClass.c_str(), uncompressed());
  }
  Association association(scu, node_, settings_);
  auto opened = association.open();
  if (!opened.ok()) return opened.error();
  int done = 0;
  for (const Outgoing& o : outgoing) {
    T_ASC_PresentationContextID id =
        scu.findPresentationContextID(o.sopClass.c_str(), o.syntax.c_str());
    if (id == 0) id = scu.findPresentationContextID(o.sopClass.c_str(), "");
    if (id == 0) {
      report.problems.push_back(o.file.string() + ": " + node_.describe() +
                                " does not take this kind of object");
      continue;
    }
    Uint16 status = 0;
    const OFCondition sent = scu.sendSTORERequest(id, o.file.c_str(), nullptr, status);
    if (sent.bad()) {
      report.problems.push_back(o.file.string() + ": C-STORE failed: " + sent.text());
      if (!scu.isConnected()) break;  // the association is gone: the rest cannot go
    } else if (failed(status)) {
      report.problems.push_back(o.file.string() + ": refused by " + node_.describe() + " (" +
                                statusText(status) + ")");
    } else {
      ++report.stored;
    }
    if (progress) progress(++done, static_cast<int>(outgoing.size()));
  }
  return report;
}

}  // namespace vigie::imaging
