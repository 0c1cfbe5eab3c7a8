// vigie-cli pacs (echo, find, get, move and store against a PACS over DIMSE) and
// vigie-cli listen (a storage SCP).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "../reading/CaseRegistration.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "CommandLine.h"
#include "DeidSupport.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/core/ZipArchive.h"
#include "vigie/imaging/net/PacsClient.h"
#include "vigie/imaging/net/StorageListener.h"

namespace vigie::app::cli {
namespace {

constexpr const char* kUsageHead =
    "usage: vigie-cli pacs echo  --node AET@HOST:PORT [--aet OURS] [--timeout S]\n"
    "       vigie-cli pacs find  --node AET@HOST:PORT [--level study|series] [--patient-id ID]\n"
    "                            [--patient-name NAME] [--date FROM-TO] [--modality M]\n"
    "                            [--accession A] [--study UID] [--json]\n"
    "       vigie-cli pacs get   --node AET@HOST:PORT --study UID [--series UID] --out DIR\n"
    "                            [--quota-mb N] [--store PATH]\n"
    "       vigie-cli pacs move  --node AET@HOST:PORT --study UID [--series UID] --out DIR\n"
    "                            [--port P] [--quota-mb N] [--store PATH] | --dest AET\n"
    "       vigie-cli pacs store --node AET@HOST:PORT FILE|DIR... [--deidentify [OPTIONS]]\n"
    "       vigie-cli pacs nodes\n"
    "--node is AET@HOST:PORT, a DICOMweb service's base URL (http(s)://HOST/dicom-web;\n"
    "user:password@HOST for HTTP basic authentication), or the name of a node in the nodes\n"
    "file ($VIGIE_NODES, else ~/.config/vigie/nodes.json: {\"nodes\": [{\"name\", \"aet\",\n"
    "\"host\", \"port\"} or {\"name\", \"url\"}]}), which `pacs nodes` lists.\n"
    "--tls-ca FILE [--tls-cert FILE --tls-key FILE] talks DICOM over TLS (BCP 195): the\n"
    "PACS's certificate must be signed by an authority in FILE (PEM); Vigie's certificate\n"
    "and key go to a PACS that asks for one (a nodes-file entry may carry the same as\n"
    "\"tls\": {\"ca\", \"certificate\", \"key\"}). C-MOVE to a TLS node listens over TLS.\n"
    "Over DICOMweb, echo, find, get and store are QIDO-RS, WADO-RS and STOW-RS (HTTPS\n"
    "certificates checked against the system's authorities); move is DIMSE only.\n"
    "--token-file FILE sends the OAuth 2.0 access token in FILE (its first line) as\n"
    "\"Authorization: Bearer\" with every DICOMweb request, read again for each request so that\n"
    "a token renewer may rewrite it (a nodes-file entry may name it as \"token_file\").\n"
    "Talks DICOM (DIMSE) to a PACS: C-ECHO; a Study Root C-FIND at study or series level\n"
    "(a series-level query needs --study; names may use * and ?, dates are DICOM ranges);\n"
    "C-GET of a study or a series into DIR/STUDY/SERIES/SOP.dcm (file names from the UIDs\n"
    "only when they are UIDs; nothing written over; what arrived is kept when the transfer\n"
    "breaks, and a get of a study the folder partly holds lists the study's objects by an\n"
    "IMAGE-level C-FIND (over DICOMweb, a QIDO-RS listing of its instances) and fetches\n"
    "only the missing ones, saying how many were already here); C-MOVE of the same to Vigie's own "
    "storage SCP, listening on --port (default\n"
    "11112) for the PACS's calls only while the move lasts (the PACS must know Vigie's AE\n"
    "title with this host and port), or with --dest to another node the PACS knows;\n"
    "C-STORE of DICOM files (folders searched recursively); store --deidentify sends\n"
    "de-identified copies instead, made as `vigie-cli deid` makes them in a private temporary\n"
    "folder (removed afterwards; the files named are never changed), with its options below.\n"
    "get and move --quota-mb N take no more objects once DIR holds N MB (what it held\n"
    "before included; move's listener refuses the rest with status A700): what came stays,\n"
    "the study is reported partial (exit 1). A move is also reported partial, naming the\n"
    "study and the counts, when fewer objects arrived than the PACS says it sent or it\n"
    "reports failed ones; one that breaks off (the PACS gone) names the study incomplete\n"
    "and keeps the whole objects that arrived (exit 1).\n"
    "get and move --store PATH put what arrived on that review store's worklist (each CT\n"
    "study once, each photograph), as `vigie-cli worklist add` does.\n"
    "Vigie's AE title is --aet (default VIGIE), which the PACS must know. Every wait times\n"
    "out (--timeout: default 60 s a message, 10 s to connect). Exit code 0 on success, 1\n"
    "when the PACS refused or failed.\n"
    "De-identification options of store --deidentify:\n";

/// The whole usage: the de-identification options are deid's own text.
const char* pacsUsage() {
  static const std::string text = std::string(kUsageHead) + kDeidOptions;
  return text.c_str();
}

/// DICOM over TLS from --tls-ca, --tls-cert and --tls-key (off without --tls-ca).
core::Result<imaging::TlsSettings> tlsOf(CommandLine& cl) {
  imaging::TlsSettings tls;
  if (auto ca = cl.value("--tls-ca")) {
    tls.enabled = true;
    tls.trustedCertificates = *ca;
    tls.certificate = cl.value("--tls-cert").value_or("");
    tls.privateKey = cl.value("--tls-key").value_or("");
    if (tls.certificate.empty() != tls.privateKey.empty())
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "--tls-cert and --tls-key go together");
  } else if (cl.value("--tls-cert") || cl.value("--tls-key")) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "--tls-cert and --tls-key need --tls-ca (the authorities to trust)");
  }
  return tls;
}

/// Vigie's AE title and the timeouts, from --aet and --timeout.
core::Result<imaging::AssociationSettings> settingsOf(CommandLine& cl) {
  imaging::AssociationSettings settings;
  settings.ourAeTitle = cl.value("--aet").value_or("VIGIE");
  if (settings.ourAeTitle.empty() || settings.ourAeTitle.size() > 16)
    return core::makeError(core::ErrorCode::InvalidArgument, "--aet: 1 to 16 characters");
  if (const auto timeout = cl.integer("--timeout", 60); timeout && *timeout > 0) {
    settings.dimseTimeoutSeconds = static_cast<int>(*timeout);
    settings.connectTimeoutSeconds =
        std::min<int>(settings.connectTimeoutSeconds, static_cast<int>(*timeout));
  } else {
    return core::makeError(core::ErrorCode::InvalidArgument, "--timeout: seconds, above 0");
  }
  if (cl.value("--quota-mb")) {
    const auto quota = cl.integer("--quota-mb", 0);
    if (!quota || *quota < 1)
      return core::makeError(core::ErrorCode::InvalidArgument, "--quota-mb: megabytes, above 0");
    settings.cacheQuotaBytes = static_cast<std::uint64_t>(*quota) * 1024 * 1024;
  }
  auto tls = tlsOf(cl);
  if (!tls.ok()) return tls.error();
  settings.tls = tls.value();
  if (auto token = cl.value("--token-file")) settings.bearerTokenFile = *token;
  return settings;
}

/// The archive --node names, over DIMSE or DICOMweb.
core::Result<std::unique_ptr<imaging::ArchiveClient>> archiveOf(CommandLine& cl) {
  const auto nodeText = cl.value("--node");
  if (!nodeText) return core::makeError(core::ErrorCode::InvalidArgument, "--node is required");
  auto settings = settingsOf(cl);
  if (!settings.ok()) return settings.error();
  return imaging::openArchive(*nodeText, settings.value());
}

/// A DIMSE node, for what only DIMSE does (C-MOVE).
core::Result<imaging::PacsClient> dimseClientOf(CommandLine& cl) {
  const auto nodeText = cl.value("--node");
  if (!nodeText) return core::makeError(core::ErrorCode::InvalidArgument, "--node is required");
  if (nodeText->rfind("http://", 0) == 0 || nodeText->rfind("https://", 0) == 0)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "pacs move is DIMSE only; over DICOMweb, pacs get retrieves");
  auto node = imaging::resolveNode(*nodeText);
  if (!node.ok()) return node.error();
  auto settings = settingsOf(cl);
  if (!settings.ok()) return settings.error();
  return imaging::PacsClient(node.value(), settings.value());
}

int listNodes() {
  const auto file = imaging::defaultNodesFile();
  auto nodes = imaging::readNodes(file);
  if (!nodes.ok()) return fail(nodes.error().message);
  for (const auto& named : nodes.value())
    std::printf("%-16s %s\n", named.name.c_str(),
                named.url.empty() ? named.node.describe().c_str() : named.url.c_str());
  std::printf("%zu nodes in %s\n", nodes.value().size(), file.c_str());
  return 0;
}

int echo(const imaging::ArchiveClient& client) {
  auto answered = client.echo();
  if (!answered.ok()) return fail(answered.error().message);
  std::printf("%s answered\n", client.describe().c_str());
  return 0;
}

int find(const imaging::ArchiveClient& client, CommandLine& cl) {
  imaging::PacsQuery query;
  const std::string level = cl.value("--level").value_or("study");
  if (level != "study" && level != "series")
    return usage("--level is study or series", pacsUsage());
  query.level = level == "study" ? imaging::QueryLevel::Study : imaging::QueryLevel::Series;
  query.patientId = cl.value("--patient-id").value_or("");
  query.patientName = cl.value("--patient-name").value_or("");
  query.studyDate = cl.value("--date").value_or("");
  query.modality = cl.value("--modality").value_or("");
  query.accessionNumber = cl.value("--accession").value_or("");
  query.studyUid = cl.value("--study").value_or("");
  auto matches = client.find(query);
  if (!matches.ok()) return fail(matches.error().message);
  if (cl.has("--json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& match : matches.value()) {
      nlohmann::json entry;
      for (const auto& [keyword, value] : match) entry[keyword] = value;
      // The names scripts use, beside DICOM's keywords.
      entry["study_uid"] = match.count("StudyInstanceUID") ? match.at("StudyInstanceUID") : "";
      if (query.level == imaging::QueryLevel::Series)
        entry["series_uid"] = match.count("SeriesInstanceUID") ? match.at("SeriesInstanceUID") : "";
      list.push_back(entry);
    }
    std::cout << list.dump(2) << '\n';
    return 0;
  }
  auto field = [](const imaging::PacsMatch& m, const char* key) {
    const auto it = m.find(key);
    return it == m.end() ? std::string() : it->second;
  };
  for (const auto& m : matches.value()) {
    if (query.level == imaging::QueryLevel::Study) {
      std::printf("%s  %s  %s (%s)  %s  %s series, %s images\n",
                  field(m, "StudyInstanceUID").c_str(), field(m, "StudyDate").c_str(),
                  field(m, "PatientName").c_str(), field(m, "PatientID").c_str(),
                  field(m, "ModalitiesInStudy").c_str(),
                  field(m, "NumberOfStudyRelatedSeries").c_str(),
                  field(m, "NumberOfStudyRelatedInstances").c_str());
    } else {
      std::printf("%s  %s  %s  \"%s\"  %s images\n", field(m, "SeriesInstanceUID").c_str(),
                  field(m, "Modality").c_str(), field(m, "SeriesNumber").c_str(),
                  field(m, "SeriesDescription").c_str(),
                  field(m, "NumberOfSeriesRelatedInstances").c_str());
    }
  }
  std::printf("%zu matches\n", matches.value().size());
  return 0;
}

/// With --store PATH: puts the studies that objects arrived in on that review
/// store's worklist, as `worklist add` would (each CT study once, each
/// photograph), opening from where they arrived. Returns 1 when the store
/// cannot be opened or refuses a case, else 0.
int registerReceived(const std::vector<std::filesystem::path>& received,
                     const std::filesystem::path& storePath, const std::string& registeredBy) {
  std::set<std::filesystem::path> studies;  // FOLDER/STUDY of each FOLDER/STUDY/SERIES/SOP.dcm
  for (const auto& file : received) studies.insert(file.parent_path().parent_path());
  if (studies.empty()) return 0;
  auto store = core::ReviewStore::open(storePath.string());
  if (!store.ok()) return fail(store.error().message);
  std::size_t cases = 0, added = 0;
  for (const auto& study : studies) {
    auto found = findCases(study, registeredBy);
    if (!found.ok()) return fail(found.error().message);
    for (const auto& record : found.value().cases) {
      auto registered = store.value()->registerCase(record);
      if (!registered.ok()) return fail(registered.error().message);
      ++cases;
      added += registered.value() ? 1 : 0;
    }
  }
  std::printf("%zu cases on the worklist of %s, %zu of them new\n", cases, storePath.c_str(),
              added);
  return 0;
}

int get(const imaging::ArchiveClient& client, CommandLine& cl) {
  const auto study = cl.value("--study");
  const auto out = cl.value("--out");
  if (!study || !out) return usage("pacs get needs --study and --out", pacsUsage());
  auto report = client.get(*study, cl.value("--series"), *out, [](int done, int total) {
    if (total > 0)
      std::fprintf(stderr, "\rretrieving: %d of %d", done, total);
    else
      std::fprintf(stderr, "\rretrieving: %d", done);
  });
  std::fprintf(stderr, "\n");
  if (!report.ok()) return fail(report.error().message);
  const auto& r = report.value();
  if (r.alreadyHeld > 0)
    std::printf("%d objects of the study already here in %s: not fetched again\n", r.alreadyHeld,
                out->c_str());
  std::printf("retrieved %zu objects into %s (the PACS reports %d completed, %d failed)\n",
              r.received.size() - static_cast<std::size_t>(r.alreadyHeld), out->c_str(),
              r.completed, r.failed);
  for (const auto& problem : r.problems) std::fprintf(stderr, "vigie-cli: %s\n", problem.c_str());
  // What arrived is registered even when the study is partial: a reader sees it.
  const auto store = cl.value("--store");
  const int registered = store ? registerReceived(r.received, *store, "vigie-cli pacs") : 0;
  return r.problems.empty() && registered == 0 ? 0 : 1;
}

/// Waits (up to `seconds`) until something accepts connections on the port:
/// the listener's socket is open.
bool waitForPort(int port, int seconds) {
  for (int tries = 0; tries < seconds * 20; ++tries) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (open) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Whether a C-MOVE into our listener brought the whole study. It is partial
/// when fewer objects arrived than the PACS says it sent, when it reports
/// failed sub-operations, or when it ended the move with a failure after
/// some objects came (a PACS may stop at the first object refused, past the
/// quota say, and count it nowhere); warnings alone do not make it partial
/// (those objects arrived, changed by the PACS). The message names the study
/// and the counts; nothing when the study is whole or nothing came at all
/// (the PACS's own failure then says why).
std::optional<std::string> partialStudy(const std::string& study, std::size_t received,
                                        const imaging::MoveReport& moved) {
  const bool fewer = received < static_cast<std::size_t>(moved.completed);
  const bool stopped = !moved.problems.empty();  // a failure status, or failed sub-operations
  if (!fewer && moved.failed == 0 && !(stopped && received > 0)) return std::nullopt;
  return "study " + study + " is partial: " + std::to_string(received) +
         " objects arrived; the PACS reports " + std::to_string(moved.completed) + " sent, " +
         std::to_string(moved.failed) + " failed and " + std::to_string(moved.warnings) +
         " with warnings" + (stopped ? ", and ended the move with a failure" : "");
}

int move(const imaging::PacsClient& client, CommandLine& cl,
         const imaging::AssociationSettings& association) {
  const std::string& ourAeTitle = association.ourAeTitle;
  const auto study = cl.value("--study");
  const auto out = cl.value("--out");
  const std::string destination = cl.value("--dest").value_or(ourAeTitle);
  if (destination != ourAeTitle) {
    // To another node the PACS knows: nothing comes here; the PACS's counts say how it went.
    if (!study) return usage("pacs move needs --study", pacsUsage());
    auto moved = client.move(*study, cl.value("--series"), destination);
    if (!moved.ok()) return fail(moved.error().message);
    std::printf("%s sent %d objects to %s (%d failed)\n", client.node().describe().c_str(),
                moved.value().completed, destination.c_str(), moved.value().failed);
    for (const auto& problem : moved.value().problems)
      std::fprintf(stderr, "vigie-cli: %s\n", problem.c_str());
    return moved.value().problems.empty() ? 0 : 1;
  }
  if (!study || !out) return usage("pacs move needs --study and --out", pacsUsage());
  const auto port = cl.integer("--port", 11112);
  if (!port || *port < 1 || *port > 65535) return usage("--port: 1 to 65535", pacsUsage());
  imaging::ListenerSettings settings;
  settings.port = static_cast<int>(*port);
  settings.aeTitle = ourAeTitle;
  settings.allowedCallers = {client.node().aeTitle};
  settings.folder = *out;
  // The listener refuses objects past --quota-mb (A700): the PACS counts them failed.
  settings.quotaBytes = association.cacheQuotaBytes;
  // Over TLS when the node is: the PACS connects back with its own certificate.
  settings.tls = client.node().tls;
  std::atomic<bool> stop{false};
  std::atomic<int> arrived{0};
  core::Result<imaging::ListenerReport> listened = imaging::ListenerReport{};
  std::thread listener([&] {
    listened = imaging::StorageListener(settings).run(stop, [&](const std::filesystem::path&) {
      std::fprintf(stderr, "\rreceived: %d", ++arrived);
    });
  });
  if (!waitForPort(settings.port, 10)) {
    stop = true;
    listener.join();
    return fail(listened.ok()
                    ? "port " + std::to_string(settings.port) + ": the listener did not open"
                    : listened.error().message);
  }
  auto moved = client.move(*study, cl.value("--series"), ourAeTitle);
  // The PACS answers the C-MOVE once its sub-operations are acknowledged:
  // what it sent has arrived.
  stop = true;
  listener.join();
  std::fprintf(stderr, "\n");
  if (!listened.ok()) return fail(listened.error().message);
  const auto& l = listened.value();
  if (!moved.ok() && l.received.empty()) return fail(moved.error().message);
  bool failedAny = false;
  if (!moved.ok()) {
    // The move broke off (the PACS went away, say) after objects came: they
    // are whole (the listener writes an object once all of it is here) and
    // kept; a move again brings the study, what is here kept once.
    std::printf("moved %zu objects into %s before the C-MOVE broke off\n", l.received.size(),
                out->c_str());
    std::fprintf(stderr,
                 "vigie-cli: study %s is incomplete: %s; the %zu objects that arrived are "
                 "kept, and the same move brings the rest\n",
                 study->c_str(), moved.error().message.c_str(), l.received.size());
    failedAny = true;
  } else {
    const auto& m = moved.value();
    std::printf("moved %zu objects into %s (the PACS reports %d completed, %d failed)\n",
                l.received.size(), out->c_str(), m.completed, m.failed);
    if (const auto partial = partialStudy(*study, l.received.size(), m)) {
      std::fprintf(stderr, "vigie-cli: %s\n", partial->c_str());
      failedAny = true;
    }
    for (const auto& problem : m.problems) {
      std::fprintf(stderr, "vigie-cli: %s\n", problem.c_str());
      failedAny = true;
    }
  }
  for (const auto& problem : l.problems) {
    std::fprintf(stderr, "vigie-cli: %s\n", problem.c_str());
    failedAny = true;
  }
  const auto store = cl.value("--store");
  if (store && registerReceived(l.received, *store, "vigie-cli pacs") != 0) failedAny = true;
  return failedAny ? 1 : 0;
}

/// De-identifies the DICOM files under `paths` (files or folders) into
/// `folder` with one Deidentifier, so that the copies refer consistently to
/// each other (an SR to its series, a SEG to its slices); the copies to send.
/// A named file that is not DICOM, or one that cannot be de-identified, is
/// an error printed here (`failedAny` set); the others still go.
std::vector<std::filesystem::path> deidentifiedCopies(const std::vector<std::string>& paths,
                                                      const CommandLine& cl,
                                                      const std::filesystem::path& folder,
                                                      bool& failedAny) {
  const imaging::Deidentifier deidentifier(deidOptions(cl));
  imaging::DeidentificationReport all;
  for (const auto& path : paths) {
    auto report = deidentifier.deidentifyTree(path, folder);
    if (!report.ok()) {
      fail(report.error().message);
      failedAny = true;
      continue;
    }
    auto& r = report.value();
    std::error_code ec;
    if (r.skipped > 0 && std::filesystem::is_regular_file(path, ec)) {
      std::fprintf(stderr, "vigie-cli: %s: not a DICOM file; not sent\n", path.c_str());
      failedAny = true;
    }
    all.files += r.files;
    all.removed += r.removed;
    all.emptiedOrReplaced += r.emptiedOrReplaced;
    all.uidsReplaced += r.uidsReplaced;
    all.skipped += r.skipped;
    all.unreadable.insert(all.unreadable.end(), r.unreadable.begin(), r.unreadable.end());
    all.written.insert(all.written.end(), r.written.begin(), r.written.end());
  }
  if (reportDeidentification(all, folder) != 0) failedAny = true;
  return all.written;
}

int store(const imaging::ArchiveClient& client, CommandLine& cl) {
  std::vector<std::filesystem::path> files;
  std::set<std::filesystem::path> named;  // given by the user, not found in a folder
  // The first positional argument is the verb, "store".
  const std::vector<std::string> paths(cl.positional().begin() + 1, cl.positional().end());
  const bool deidentify = cl.has("--deidentify");
  if (!deidentify &&
      (cl.has("--retain-dates") || cl.has("--retain-patient-characteristics") || cl.has("--key")))
    return usage("--retain-dates, --retain-patient-characteristics and --key go with --deidentify",
                 pacsUsage());
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec)) files.push_back(it->path());
    } else if (std::filesystem::is_regular_file(path, ec)) {
      files.push_back(path);
      named.insert(path);
    } else {
      return fail(path + ": no such file or folder");
    }
  }
  if (files.empty()) return usage("pacs store needs files or folders to send", pacsUsage());
  std::sort(files.begin(), files.end());
  bool failedAny = false;
  std::shared_ptr<const core::ScratchFolder> copies;  // private (0700), removed when done
  if (deidentify) {
    // The copies, not the user's files, are what is sent.
    auto created = core::ScratchFolder::create("vigie-deidentified");
    if (!created.ok()) return fail(created.error().message);
    copies = created.value();
    files = deidentifiedCopies(paths, cl, copies->path(), failedAny);
    named.clear();  // each named file that is not DICOM has been said already
    if (files.empty()) return fail("nothing to send: no DICOM file could be de-identified");
  }
  auto report = client.store(files);
  if (!report.ok()) return fail(report.error().message);
  const auto& r = report.value();
  std::printf("stored %d of %zu %sDICOM files on %s", r.stored, files.size() - r.notDicom.size(),
              deidentify ? "de-identified " : "", client.describe().c_str());
  if (!r.notDicom.empty())
    std::printf(" (%zu files that are not DICOM left out)", r.notDicom.size());
  std::printf("\n");
  failedAny = failedAny || !r.problems.empty();
  for (const auto& problem : r.problems) std::fprintf(stderr, "vigie-cli: %s\n", problem.c_str());
  for (const auto& file : r.notDicom) {
    if (!named.count(file)) continue;  // a folder's other files are no error
    std::fprintf(stderr, "vigie-cli: %s: not a DICOM file; not sent\n", file.c_str());
    failedAny = true;
  }
  return failedAny ? 1 : 0;
}

}  // namespace

int runPacs(const std::vector<std::string>& args) {
  CommandLine cl(
      args,
      {"--node",       "--aet",      "--timeout",   "--level",    "--patient-id", "--patient-name",
       "--date",       "--modality", "--accession", "--study",    "--series",     "--out",
       "--port",       "--dest",     "--tls-ca",    "--tls-cert", "--tls-key",    "--quota-mb",
       "--token-file", "--key",      "--store"},
      {"--json", "--help", "--deidentify", "--retain-dates", "--retain-patient-characteristics"});
  if (auto exit = helpOrUsageError(cl, pacsUsage())) return *exit;
  if (cl.positional().empty())
    return usage("pacs needs echo, find, get, move, store or nodes", pacsUsage());
  const std::string verb = cl.positional().front();
  if (verb == "nodes") return listNodes();
  if (cl.has("--store") && verb != "get" && verb != "move")
    return usage("--store (the review store retrieved studies go on) is for get and move",
                 pacsUsage());
  if (verb == "move") {
    auto client = dimseClientOf(cl);
    if (!client.ok()) return usage(client.error().message, pacsUsage());
    // dimseClientOf has checked the settings: they parse.
    return move(client.value(), cl, settingsOf(cl).value());
  }
  if (verb != "echo" && verb != "find" && verb != "get" && verb != "store")
    return usage("unknown pacs command '" + verb + "'", pacsUsage());
  auto client = archiveOf(cl);
  if (!client.ok()) return usage(client.error().message, pacsUsage());
  if (verb == "echo") return echo(*client.value());
  if (verb == "find") return find(*client.value(), cl);
  if (verb == "get") return get(*client.value(), cl);
  return store(*client.value(), cl);
}

namespace {

std::atomic<bool> gStopListening{false};

extern "C" void stopListening(int) { gStopListening = true; }

}  // namespace

int runListen(const std::vector<std::string>& args) {
  constexpr const char* kListenUsage =
      "usage: vigie-cli listen --out DIR --allow AET[,AET...] [--port P] [--aet OURS]\n"
      "                        [--quota-mb N] [--idle-exit S] [--timeout S]\n"
      "                        [--tls-ca FILE --tls-cert FILE --tls-key FILE] [--store PATH]\n"
      "A storage SCP: accepts C-ECHO and C-STORE on --port (default 11112) as --aet (default\n"
      "VIGIE) from the calling AE titles of --allow only, and writes each object into\n"
      "DIR/STUDY/SERIES/SOP.dcm (names from the UIDs only when they are UIDs; nothing written\n"
      "over). Past --quota-mb in DIR, objects are refused (status A700) rather than filling\n"
      "the disk. Runs until Ctrl+C (or SIGTERM), or --idle-exit seconds without a sender;\n"
      "then lists what arrived and what was refused. Exit code 1 when anything was refused.\n"
      "With --tls-ca, only DICOM over TLS (BCP 195): Vigie shows --tls-cert and a sender must\n"
      "show a certificate from the authorities in --tls-ca.\n"
      "--store PATH puts what arrived on that review store's worklist when the listener\n"
      "stops (each CT study once, each photograph), as `vigie-cli worklist add` does.\n";
  CommandLine cl(args,
                 {"--out", "--allow", "--port", "--aet", "--quota-mb", "--idle-exit", "--timeout",
                  "--tls-ca", "--tls-cert", "--tls-key", "--store"},
                 {"--help"});
  if (auto exit = helpOrUsageError(cl, kListenUsage)) return *exit;
  const auto out = cl.value("--out");
  const auto allow = cl.value("--allow");
  if (!out || !allow) return usage("listen needs --out and --allow", kListenUsage);
  imaging::ListenerSettings settings;
  settings.folder = *out;
  settings.aeTitle = cl.value("--aet").value_or("VIGIE");
  for (std::size_t start = 0; start <= allow->size();) {
    const auto comma = std::min(allow->find(',', start), allow->size());
    if (comma > start) settings.allowedCallers.push_back(allow->substr(start, comma - start));
    start = comma + 1;
  }
  const auto port = cl.integer("--port", 11112);
  const auto quota = cl.integer("--quota-mb", 0);
  const auto idle = cl.integer("--idle-exit", 0);
  const auto timeout = cl.integer("--timeout", 60);
  if (!port || *port < 1 || *port > 65535) return usage("--port: 1 to 65535", kListenUsage);
  if (!quota || *quota < 0 || !idle || *idle < 0 || !timeout || *timeout < 1)
    return usage("--quota-mb, --idle-exit and --timeout take whole numbers", kListenUsage);
  settings.port = static_cast<int>(*port);
  settings.quotaBytes = static_cast<std::uint64_t>(*quota) * 1024 * 1024;
  settings.idleSecondsToStop = static_cast<int>(*idle);
  settings.timeoutSeconds = static_cast<int>(*timeout);
  auto tls = tlsOf(cl);
  if (!tls.ok()) return usage(tls.error().message, kListenUsage);
  settings.tls = tls.value();
  std::signal(SIGINT, stopListening);
  std::signal(SIGTERM, stopListening);
  std::printf("listening as %s on port %d%s for %s\n", settings.aeTitle.c_str(), settings.port,
              settings.tls.enabled ? " (TLS)" : "", allow->c_str());
  auto report = imaging::StorageListener(settings).run(
      gStopListening, [](const auto& file) { std::printf("received %s\n", file.c_str()); });
  if (!report.ok()) return fail(report.error().message);
  const auto& r = report.value();
  std::printf("%zu objects received, %d associations and %d objects refused\n", r.received.size(),
              r.refusedAssociations, r.refusedObjects);
  for (const auto& problem : r.problems) std::fprintf(stderr, "vigie-cli: %s\n", problem.c_str());
  const auto store = cl.value("--store");
  const int registered = store ? registerReceived(r.received, *store, "vigie-cli listen") : 0;
  return r.refusedAssociations + r.refusedObjects > 0 || registered != 0 ? 1 : 0;
}

}  // namespace vigie::app::cli
