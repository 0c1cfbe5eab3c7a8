// vigie-cli pacs: echo, find, get and store against a PACS over DIMSE.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "../common/CommandLine.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "vigie/imaging/net/PacsClient.h"

namespace vigie::app::cli {
namespace {

constexpr const char* kUsage =
    "usage: vigie-cli pacs echo  --node AET@HOST:PORT [--aet OURS] [--timeout S]\n"
    "       vigie-cli pacs find  --node AET@HOST:PORT [--level study|series] [--patient-id ID]\n"
    "                            [--patient-name NAME] [--date FROM-TO] [--modality M]\n"
    "                            [--accession A] [--study UID] [--json]\n"
    "       vigie-cli pacs get   --node AET@HOST:PORT --study UID [--series UID] --out DIR\n"
    "       vigie-cli pacs store --node AET@HOST:PORT FILE|DIR...\n"
    "Talks DICOM (DIMSE) to a PACS: C-ECHO; a Study Root C-FIND at study or series level\n"
    "(a series-level query needs --study; names may use * and ?, dates are DICOM ranges);\n"
    "C-GET of a study or a series into DIR/STUDY/SERIES/SOP.dcm (file names from the UIDs\n"
    "only when they are UIDs; nothing written over; what arrived is kept when the transfer\n"
    "breaks); C-STORE of DICOM files (folders searched recursively). Vigie's AE title is\n"
    "--aet (default VIGIE), which the PACS must know. Every wait times out (--timeout:\n"
    "default 60 s a message, 10 s to connect). Exit code 0 on success, 1 when the PACS\n"
    "refused or failed.\n";

core::Result<imaging::PacsClient> clientOf(CommandLine& cl) {
  const auto nodeText = cl.value("--node");
  if (!nodeText) return core::makeError(core::ErrorCode::InvalidArgument, "--node is required");
  auto node = imaging::DicomNode::parse(*nodeText);
  if (!node.ok()) return node.error();
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
  return imaging::PacsClient(node.value(), settings);
}

int echo(const imaging::PacsClient& client) {
  auto answered = client.echo();
  if (!answered.ok()) return fail(answered.error().message);
  std::printf("%s answered the C-ECHO\n", client.node().describe().c_str());
  return 0;
}

int find(const imaging::PacsClient& client, CommandLine& cl) {
  imaging::PacsQuery query;
  const std::string level = cl.value("--level").value_or("study");
  if (level != "study" && level != "series") return usage("--level is study or series", kUsage);
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

int get(const imaging::PacsClient& client, CommandLine& cl) {
  const auto study = cl.value("--study");
  const auto out = cl.value("--out");
  if (!study || !out) return usage("pacs get needs --study and --out", kUsage);
  auto report = client.get(*study, cl.value("--series"), *out, [](int done, int total) {
    if (total > 0)
      std::fprintf(stderr, "\rretrieving: %d of %d", done, total);
    else
      std::fprintf(stderr, "\rretrieving: %d", done);
  });
  std::fprintf(stderr, "\n");
  if (!report.ok()) return fail(report.error().message);
  const auto& r = report.value();
  std::printf("retrieved %zu objects into %s (the PACS reports %d completed, %d failed)\n",
              r.received.size(), out->c_str(), r.completed, r.failed);
  for (const auto& problem : r.problems) std::fprintf(stderr, "vigie-cli: %s\n", problem.c_str());
  return r.problems.empty() ? 0 : 1;
}

int store(const imaging::PacsClient& client, CommandLine& cl) {
  std::vector<std::filesystem::path> files;
  std::set<std::filesystem::path> named;  // given by the user, not found in a folder
  // The first positional argument is the verb, "store".
  const std::vector<std::string> paths(cl.positional().begin() + 1, cl.positional().end());
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
  if (files.empty()) return usage("pacs store needs files or folders to send", kUsage);
  std::sort(files.begin(), files.end());
  auto report = client.store(files);
  if (!report.ok()) return fail(report.error().message);
  const auto& r = report.value();
  std::printf("stored %d of %zu DICOM files on %s", r.stored, files.size() - r.notDicom.size(),
              client.node().describe().c_str());
  if (!r.notDicom.empty())
    std::printf(" (%zu files that are not DICOM left out)", r.notDicom.size());
  std::printf("\n");
  bool failedAny = !r.problems.empty();
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
  CommandLine cl(args,
                 {"--node", "--aet", "--timeout", "--level", "--patient-id", "--patient-name",
                  "--date", "--modality", "--accession", "--study", "--series", "--out"},
                 {"--json", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().empty()) return usage("pacs needs echo, find, get or store", kUsage);
  const std::string verb = cl.positional().front();
  auto client = clientOf(cl);
  if (!client.ok()) return usage(client.error().message, kUsage);
  if (verb == "echo") return echo(client.value());
  if (verb == "find") return find(client.value(), cl);
  if (verb == "get") return get(client.value(), cl);
  if (verb == "store") return store(client.value(), cl);
  return usage("unknown pacs command '" + verb + "'", kUsage);
}

}  // namespace vigie::app::cli
