#include "vigie/imaging/net/DicomWebClient.h"

#include <curl/curl.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dctag.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "CacheFolder.h"
#include "NetSupport.h"

namespace vigie::imaging {
namespace {

namespace fs = std::filesystem;

/// A JSON answer larger than this is refused: a query's matches, not images.
constexpr std::size_t kMaxJsonBytes = 64u << 20;
/// STOW-RS sends this many files per request, so that one request's body
/// stays small and a failure names a small batch.
constexpr std::size_t kFilesPerStore = 64;

void initializeCurlOnce() {
  static const bool initialized = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)initialized;
}

/// A boundary no DICOM file is likely to hold.
std::string newBoundary() {
  std::random_device random;
  char text[48];
  std::snprintf(text, sizeof text, "vigie-%08x%08x%08x", random(), random(), random());
  return text;
}

struct HttpAnswer {
  long status = 0;
  std::string contentType;
};

/// Where a response's body goes: into text (bounded) or into a file.
struct BodySink {
  std::string* text = nullptr;
  std::FILE* file = nullptr;
  bool tooLarge = false;
  const std::atomic<bool>* cancel = nullptr;
  std::uint64_t limit = 0;  ///< a file sink stops taking bytes past this (0: no limit)
  std::uint64_t received = 0;
  bool overLimit = false;
};

size_t receive(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t bytes = size * count;
  if (sink->file) {
    if (sink->limit > 0 && sink->received + bytes > sink->limit) {
      sink->overLimit = true;
      return 0;  // ends the transfer; what came is parsed
    }
    sink->received += bytes;
    return std::fwrite(data, 1, bytes, sink->file);
  }
  if (sink->text->size() + bytes > kMaxJsonBytes) {
    sink->tooLarge = true;
    return 0;  // ends the transfer
  }
  sink->text->append(data, bytes);
  return bytes;
}

int checkCancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* sink = static_cast<BodySink*>(user);
  return sink->cancel && sink->cancel->load() ? 1 : 0;
}

/// The OAuth access token in `file`: its first line, without surrounding
/// white space. Errors name the file, never the token.
core::Result<std::string> readToken(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string token;
  if (!in || !std::getline(in, token))
    return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot read the token");
  const auto first = token.find_first_not_of(" \t\r");
  const auto last = token.find_last_not_of(" \t\r");
  if (first == std::string::npos)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": the token is empty");
  token = token.substr(first, last - first + 1);
  if (token.find_first_of(" \t") != std::string::npos)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           file.string() + ": not a bearer token (white space in it)");
  return token;
}

/// One HTTP request; the handle and header list freed with it.
class HttpRequest {
 public:
  HttpRequest(const DicomWebNode& node, const std::string& url) : node_(node), url_(url) {
    initializeCurlOnce();
    curl_ = curl_easy_init();
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, static_cast<long>(node.connectTimeoutSeconds));
    // A transfer that moves less than a byte a second for the stall time
    // fails; a large study that keeps coming does not.
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, static_cast<long>(node.stallTimeoutSeconds));
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "Vigie");
  }
  ~HttpRequest() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  HttpRequest(const HttpRequest&) = delete;
  HttpRequest& operator=(const HttpRequest&) = delete;

  void header(const std::string& line) { headers_ = curl_slist_append(headers_, line.c_str()); }

  /// A POST whose body is read from `body` (`size` bytes).
  void postFrom(std::FILE* body, curl_off_t size) {
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_READDATA, body);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, size);
  }

  core::Result<HttpAnswer> perform(BodySink& sink) {
    if (!node_.tokenFile.empty()) {
      auto token = readToken(node_.tokenFile);
      if (!token.ok()) return token.error();
      header("Authorization: Bearer " + token.value());
    }
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, receive);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, checkCancel);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &sink);
    const CURLcode code = curl_easy_perform(curl_);
    if (code == CURLE_ABORTED_BY_CALLBACK)
      return core::makeError(core::ErrorCode::Cancelled, describeUrl() + ": cancelled");
    if (sink.tooLarge)
      return core::makeError(core::ErrorCode::ParseError,
                             describeUrl() + ": the answer is larger than a query's should be");
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && sink.overLimit))
      return core::makeError(core::ErrorCode::IoError,
                             describeUrl() + ": " + curl_easy_strerror(code));
    HttpAnswer answer;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &answer.status);
    const char* type = nullptr;
    if (curl_easy_getinfo(curl_, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type)
      answer.contentType = type;
    return answer;
  }

  const std::filesystem::path& tokenFile() const { return node_.tokenFile; }

  /// The URL as messages show it: no password, and no query (it may hold a
  /// patient's name or ID, which messages never repeat).
  std::string describeUrl() const {
    DicomWebNode shown = node_;
    shown.baseUrl = url_.substr(0, url_.find('?'));
    return "DICOMweb " + shown.describe();
  }

 private:
  const DicomWebNode& node_;
  std::string url_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

core::Error httpError(const HttpRequest& request, long status, const std::string& body) {
  std::string said = body.substr(0, 200);
  for (char& c : said)
    if (c == '\n' || c == '\r') c = ' ';
  std::string hint;
  if (status == 401)
    hint = request.tokenFile().empty()
               ? ": the service wants a token (--token-file, or the node's token_file)"
               : ": the token in " + request.tokenFile().string() +
                     " was refused (expired, or not for this service?)";
  return core::makeError(status == 404 ? core::ErrorCode::NotFound : core::ErrorCode::IoError,
                         request.describeUrl() + ": HTTP " + std::to_string(status) +
                             (said.empty() ? "" : " (" + said + ")") + hint);
}

/// One DICOM JSON value as text: strings as they are, numbers as written,
/// person names by their alphabetic form; several values joined by '\'.
std::string valueText(const nlohmann::json& attribute) {
  if (!attribute.is_object() || !attribute.contains("Value") || !attribute["Value"].is_array())
    return {};
  std::string text;
  for (const auto& value : attribute["Value"]) {
    std::string one;
    if (value.is_string())
      one = value.get<std::string>();
    else if (value.is_number())
      one = value.dump();
    else if (value.is_object() && value.contains("Alphabetic") && value["Alphabetic"].is_string())
      one = value["Alphabetic"].get<std::string>();
    else
      continue;  // a sequence's items: not a match's text
    text += (text.empty() ? "" : "\\") + one;
  }
  return text;
}

/// A DICOM JSON object ({"0020000D": {"vr": "UI", "Value": [...]}}) as a
/// match keyed by DICOM keyword, as the DIMSE client gives it.
PacsMatch matchOf(const nlohmann::json& object) {
  PacsMatch match;
  for (const auto& [tagText, attribute] : object.items()) {
    unsigned group = 0, element = 0;
    if (tagText.size() != 8 || std::sscanf(tagText.c_str(), "%4x%4x", &group, &element) != 2)
      continue;
    DcmTag tag(DcmTagKey(static_cast<Uint16>(group), static_cast<Uint16>(element)));
    const char* name = tag.getTagName();
    const std::string keyword =
        name && std::strcmp(name, DcmTag_ERROR_TagName) != 0 ? name : tagText;
    const std::string text = valueText(attribute);
    if (!text.empty()) match[keyword] = text;
  }
  return match;
}

/// `text` %-encoded for a URL's query.
std::string escape(const std::string& text) {
  initializeCurlOnce();
  char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
  std::string result = escaped ? escaped : "";
  curl_free(escaped);
  return result;
}

/// The boundary parameter of a multipart Content-Type, quoted or not.
std::string boundaryOf(const std::string& contentType) {
  const auto at = contentType.find("boundary=");
  if (at == std::string::npos) return {};
  std::string value = contentType.substr(at + 9);
  if (!value.empty() && value[0] == '"') {
    const auto end = value.find('"', 1);
    return end == std::string::npos ? std::string() : value.substr(1, end - 1);
  }
  return value.substr(0, value.find_first_of("; \t"));
}

/// A file mapped into memory for reading; unmapped and closed with it.
class MappedFile {
 public:
  explicit MappedFile(const fs::path& file) {
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd_ < 0 || ::fstat(fd_, &info) != 0 || info.st_size == 0) return;
    size_ = static_cast<std::size_t>(info.st_size);
    void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (mapped != MAP_FAILED) data_ = static_cast<const char*>(mapped);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const char* data() const { return data_; }
  std::size_t size() const { return data_ ? size_ : 0; }

 private:
  int fd_ = -1;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

/// The whole bodies of a multipart/related message: (offset, length) in
/// `message`; `complete` tells whether its closing delimiter came.
std::vector<std::pair<std::size_t, std::size_t>> multipartBodies(std::string_view message,
                                                                 const std::string& boundary,
                                                                 bool& complete) {
  std::vector<std::pair<std::size_t, std::size_t>> bodies;
  const std::string delimiter = "--" + boundary;
  complete = false;
  std::size_t at = message.find(delimiter);
  while (at != std::string_view::npos) {
    std::size_t cursor = at + delimiter.size();
    if (message.substr(cursor, 2) == "--") {  // the closing delimiter
      complete = true;
      break;
    }
    const std::size_t headersEnd = message.find("\r\n\r\n", cursor);
    if (headersEnd == std::string_view::npos) break;
    const std::size_t body = headersEnd + 4;
    const std::size_t next = message.find("\r\n" + delimiter, body);
    if (next == std::string_view::npos) break;  // truncated: the part is not whole
    bodies.emplace_back(body, next - body);
    at = next + 2;
  }
  return bodies;
}

/// Whether the file is a DICOM Part 10 file (preamble and "DICM"): what
/// STOW-RS carries.
bool isPart10(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.seekg(128);
  return in.read(magic, 4) && std::memcmp(magic, "DICM", 4) == 0;
}

/// Removes a scratch file however the function leaves.
struct ScratchFile {
  fs::path path;
  ~ScratchFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

fs::path scratchName(const fs::path& folder, const char* what) {
  static std::atomic<unsigned> counter{0};
  return folder / (std::string(".vigie-") + what + "-" + std::to_string(::getpid()) + "-" +
                   std::to_string(counter++) + ".part");
}

/// The matches of a QIDO-RS query (`url`, the query in it), by keyword;
/// none when the service answers 204 No Content. `where` is how messages
/// name the request.
core::Result<std::vector<PacsMatch>> qido(const DicomWebNode& node, const std::string& url,
                                          std::string* where = nullptr) {
  HttpRequest request(node, url);
  if (where) *where = request.describeUrl();
  request.header("Accept: application/dicom+json");
  std::string body;
  BodySink sink{&body};
  auto answer = request.perform(sink);
  if (!answer.ok()) return answer.error();
  if (answer.value().status == 204) return std::vector<PacsMatch>{};
  if (answer.value().status != 200) return httpError(request, answer.value().status, body);
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_array())
    return core::makeError(core::ErrorCode::ParseError,
                           request.describeUrl() + ": the answer is not a DICOM JSON list");
  std::vector<PacsMatch> matches;
  for (const auto& object : json)
    if (object.is_object()) matches.push_back(matchOf(object));
  return matches;
}

/// One object of a study, as a WADO-RS path names it.
struct InstanceRef {
  std::string seriesUid;
  std::string sopInstanceUid;
};

/// The objects of a study (of one of its series, when given) the service
/// lists by QIDO-RS at instance level. A service may answer in pages (a cap
/// on the matches of one answer): the next page is asked from where the
/// last ended, until a page brings nothing new (the end, or a service that
/// ignores offset). Errors name the URL: a refusal (a service without
/// instance-level queries), an answer that is not DICOM JSON, no instance
/// at all (HTTP 204 or an empty list), or a UID that is not a UID (it would
/// go into a URL and a file name).
core::Result<std::vector<InstanceRef>> listInstances(const DicomWebNode& node,
                                                     const std::string& studyUid,
                                                     const std::optional<std::string>& seriesUid) {
  std::string url = node.baseUrl + "/studies/" + studyUid;
  if (seriesUid) url += "/series/" + *seriesUid;
  url += "/instances?includefield=SeriesInstanceUID&includefield=SOPInstanceUID";
  std::vector<InstanceRef> instances;
  std::set<std::string> listed;
  std::string where;
  for (;;) {
    const std::string page =
        instances.empty() ? url : url + "&offset=" + std::to_string(instances.size());
    auto matches = qido(node, page, &where);
    if (!matches.ok()) return matches.error();
    std::size_t added = 0;
    for (const auto& match : matches.value()) {
      const auto series = match.find("SeriesInstanceUID");
      const auto sop = match.find("SOPInstanceUID");
      // The path names the series when it is given: a service may leave it out.
      const std::string seriesText =
          series != match.end() ? series->second : seriesUid.value_or("");
      const std::string sopText = sop != match.end() ? sop->second : "";
      for (const std::string* uid : {&seriesText, &sopText}) {
        if (!internal::isPlainUid(*uid))
          return core::makeError(core::ErrorCode::ParseError,
                                 where + ": lists an instance whose UID '" + uid->substr(0, 80) +
                                     "' is not a DICOM UID");
      }
      if (listed.insert(sopText).second) {
        instances.push_back({seriesText, sopText});
        ++added;
      }
    }
    if (added == 0) break;
  }
  if (instances.empty())
    return core::makeError(core::ErrorCode::NotFound,
                           where + ": lists no instance of study " + studyUid);
  return instances;
}

/// A retrieval into a cache folder: the folder's rules, its quota (what
/// the folder held before counts), and what came so far.
struct Retrieval {
  internal::CacheFolder cache;
  std::uint64_t quota = 0;   ///< bytes; 0: no limit
  std::uint64_t used = 0;    ///< bytes the folder held before
  std::uint64_t placed = 0;  ///< bytes this retrieval wrote
  bool quotaReached = false;
  /// Objects the whole retrieval is to bring, for progress; 0: each
  /// answer's parts.
  int expected = 0;
  const TransferProgress& progress;
  RetrieveReport report;

  Retrieval(const fs::path& folder, std::uint64_t quotaBytes, const TransferProgress& progress)
      : cache(folder),
        quota(quotaBytes),
        used(quotaBytes > 0 ? internal::folderBytes(folder) : 0),
        progress(progress) {}

  bool full() const { return quota > 0 && used + placed >= quota; }
  /// How much more the folder may take (0: no limit); only asked when not full().
  std::uint64_t room() const { return quota > 0 ? quota - used - placed : 0; }
};

/// One WADO-RS request (`url`: a study, a series or one instance): the
/// multipart answer goes to a scratch file beside the cache first, then
/// part by part into the cache, so that a study of any size never sits in
/// memory. The download stops once what it brings could not fit the quota.
/// An error when the request fails (the network, an HTTP status, cancel)
/// or the answer is not multipart; a part that is not DICOM, and an answer
/// cut off, are problems in the report.
core::Status fetchInto(const DicomWebNode& node, const std::string& url, Retrieval& retrieval,
                       const std::atomic<bool>* cancel) {
  RetrieveReport& report = retrieval.report;
  ScratchFile download{scratchName(retrieval.cache.root(), "wado")};
  std::FILE* file = std::fopen(download.path.c_str(), "wb");
  if (!file)
    return core::makeError(core::ErrorCode::IoError, download.path.string() + ": cannot write");
  HttpRequest request(node, url);
  request.header("Accept: multipart/related; type=\"application/dicom\"");
  BodySink sink{nullptr, file, false, cancel, retrieval.room()};
  auto answer = request.perform(sink);
  const bool written = std::fclose(file) == 0;
  if (!answer.ok()) return answer.error();
  if (!written)
    return core::makeError(core::ErrorCode::IoError, download.path.string() + ": cannot write");
  if (answer.value().status != 200) {
    std::ifstream in(download.path);
    std::string said(200, '\0');
    in.read(said.data(), 200);
    said.resize(static_cast<std::size_t>(in.gcount()));
    return httpError(request, answer.value().status, said);
  }
  const std::string boundary = boundaryOf(answer.value().contentType);
  if (boundary.empty())
    return core::makeError(core::ErrorCode::ParseError, request.describeUrl() +
                                                            ": the answer is not multipart (" +
                                                            answer.value().contentType + ")");
  MappedFile message(download.path);
  const std::string_view view(message.data() ? message.data() : "", message.size());
  bool complete = false;
  const auto bodies = multipartBodies(view, boundary, complete);
  retrieval.quotaReached = retrieval.quotaReached || sink.overLimit;
  const int total = retrieval.expected > 0 ? retrieval.expected : static_cast<int>(bodies.size());
  int part = 0;
  for (const auto& [offset, length] : bodies) {
    if (retrieval.quota > 0 && retrieval.used + retrieval.placed + length > retrieval.quota) {
      retrieval.quotaReached = true;
      break;
    }
    ++part;
    DcmInputBufferStream stream;
    stream.setBuffer(message.data() + offset, static_cast<offile_off_t>(length));
    stream.setEos();
    DcmFileFormat format;
    format.transferInit();
    const OFCondition read = format.read(stream);
    format.transferEnd();
    DcmDataset* dataset = format.getDataset();
    const std::string sop = internal::text(dataset, DCM_SOPInstanceUID);
    if (read.bad() || sop.empty()) {
      ++report.failed;
      report.problems.push_back(request.describeUrl() + ": part " + std::to_string(part) +
                                " is not a DICOM object" +
                                (read.bad() ? std::string(" (") + read.text() + ")" : ""));
      continue;
    }
    const fs::path target =
        retrieval.cache.place(internal::text(dataset, DCM_StudyInstanceUID),
                              internal::text(dataset, DCM_SeriesInstanceUID), sop);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(message.data() + offset, static_cast<std::streamsize>(length));
    out.close();
    if (!out) {
      ++report.failed;
      report.problems.push_back(target.string() + ": cannot write");
      continue;
    }
    ++report.completed;
    retrieval.placed += length;
    if (retrieval.progress) retrieval.progress(report.completed, total);
  }
  if (!complete && !retrieval.quotaReached)
    report.problems.push_back(request.describeUrl() + ": the answer was cut off after " +
                              std::to_string(bodies.size()) + " whole parts");
  return {};
}

}  // namespace

core::Result<DicomWebNode> DicomWebNode::parse(const std::string& url) {
  const bool web = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  if (!web || url.find("://") + 3 >= url.size() ||
      url.find_first_of(" \t\r\n") != std::string::npos)
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "'" + url + "': a DICOMweb service is http(s)://HOST[:PORT]/PATH");
  DicomWebNode node;
  node.baseUrl = url;
  while (!node.baseUrl.empty() && node.baseUrl.back() == '/') node.baseUrl.pop_back();
  return node;
}

std::string DicomWebNode::describe() const {
  const auto scheme = baseUrl.find("://");
  if (scheme == std::string::npos) return baseUrl;
  const auto hostStart = scheme + 3;
  const auto pathStart = baseUrl.find('/', hostStart);
  const auto at = baseUrl.rfind('@', pathStart == std::string::npos ? baseUrl.size() : pathStart);
  if (at == std::string::npos || at < hostStart) return baseUrl;
  return baseUrl.substr(0, hostStart) + baseUrl.substr(at + 1);  // no user:password
}

core::Status DicomWebClient::echo() const {
  HttpRequest request(node_, node_.baseUrl + "/studies?limit=1");
  request.header("Accept: application/dicom+json");
  std::string body;
  BodySink sink{&body};
  auto answer = request.perform(sink);
  if (!answer.ok()) return answer.error();
  if (answer.value().status != 200 && answer.value().status != 204)
    return httpError(request, answer.value().status, body);
  return {};
}

core::Result<std::vector<PacsMatch>> DicomWebClient::find(const PacsQuery& query) const {
  const bool series = query.level == QueryLevel::Series;
  if (series && query.studyUid.empty())
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "a series-level query needs the study's Study Instance UID");
  if (!query.studyUid.empty() && !internal::isPlainUid(query.studyUid))
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "'" + query.studyUid + "': not a DICOM UID");
  std::string url = node_.baseUrl + "/studies";
  std::vector<std::pair<std::string, std::string>> keys;
  if (series) {
    url += "/" + query.studyUid + "/series";
    keys = {{"Modality", query.modality}};
    for (const char* field : {"SeriesNumber", "SeriesDescription", "NumberOfSeriesRelatedInstances",
                              "StudyInstanceUID"})
      keys.emplace_back("includefield", field);
  } else {
    keys = {{"PatientID", query.patientId},
            {"PatientName", query.patientName},
            {"StudyDate", query.studyDate},
            {"ModalitiesInStudy", query.modality},
            {"AccessionNumber", query.accessionNumber},
            {"StudyInstanceUID", query.studyUid}};
    for (const char* field : {"StudyDescription", "NumberOfStudyRelatedSeries",
                              "NumberOfStudyRelatedInstances", "ModalitiesInStudy"})
      keys.emplace_back("includefield", field);
  }
  char separator = '?';
  for (const auto& [key, value] : keys) {
    if (value.empty()) continue;
    url += separator + key + "=" + escape(value);
    separator = '&';
  }
  auto matches = qido(node_, url);
  if (!matches.ok()) return matches.error();
  // A service may leave out what the path already says.
  if (series)
    for (auto& match : matches.value())
      if (!match.count("StudyInstanceUID")) match["StudyInstanceUID"] = query.studyUid;
  return matches;
}

core::Result<RetrieveReport> DicomWebClient::get(const std::string& studyUid,
                                                 const std::optional<std::string>& seriesUid,
                                                 const fs::path& cacheFolder,
                                                 const TransferProgress& progress,
                                                 const std::atomic<bool>* cancel) const {
  for (const std::string* uid : {&studyUid, seriesUid ? &*seriesUid : nullptr}) {
    if (uid && !internal::isPlainUid(*uid))
      return core::makeError(core::ErrorCode::InvalidArgument, "'" + *uid + "': not a DICOM UID");
  }
  std::error_code ec;
  fs::create_directories(cacheFolder, ec);
  if (ec)
    return core::makeError(core::ErrorCode::IoError, cacheFolder.string() + ": " + ec.message());
  Retrieval retrieval(cacheFolder, node_.cacheQuotaBytes, progress);
  RetrieveReport& report = retrieval.report;
  if (retrieval.full()) {
    report.problems.push_back(describe() + ": " + internal::quotaReached(retrieval.quota, 0));
    return report;
  }
  std::string url = node_.baseUrl + "/studies/" + studyUid;
  if (seriesUid) url += "/series/" + *seriesUid;
  // Resuming: when the folder already holds objects of the study, the
  // service lists the study's objects (QIDO-RS) and only the missing ones
  // are fetched, one WADO-RS request each. A service that does not list
  // instances gets the whole study asked for, as a first retrieval does;
  // the copies of what was held are then dropped (settle). The files
  // already held count as received (first): the caller has the study's
  // objects either way.
  std::optional<std::vector<InstanceRef>> missing;
  if (const auto held = retrieval.cache.heldInstances(studyUid, seriesUid.value_or(""));
      !held.empty()) {
    if (auto listed = listInstances(node_, studyUid, seriesUid); listed.ok()) {
      missing.emplace();
      for (const auto& instance : listed.value()) {
        if (const auto file = held.find(instance.sopInstanceUid); file != held.end())
          report.received.push_back(file->second);
        else
          missing->push_back(instance);
      }
      report.alreadyHeld = static_cast<int>(report.received.size());
    }
  }
  const std::size_t heldCount = report.received.size();
  if (!missing) {
    if (auto fetched = fetchInto(node_, url, retrieval, cancel); !fetched.ok())
      return fetched.error();
  } else {
    retrieval.expected = static_cast<int>(missing->size());
    for (const auto& instance : *missing) {
      if (retrieval.full()) retrieval.quotaReached = true;
      if (retrieval.quotaReached) break;
      const std::string one = node_.baseUrl + "/studies/" + studyUid + "/series/" +
                              instance.seriesUid + "/instances/" + instance.sopInstanceUid;
      auto fetched = fetchInto(node_, one, retrieval, cancel);
      if (fetched.ok()) continue;
      const std::string after = std::to_string(retrieval.cache.received().size()) + " objects";
      if (fetched.error().code == core::ErrorCode::NotFound) {
        // Gone since it was listed: the others still come.
        ++report.failed;
        report.problems.push_back(fetched.error().message);
        continue;
      }
      if (fetched.error().code == core::ErrorCode::Cancelled) {
        report.problems.push_back(describe() + ": retrieval cancelled after " + after);
        break;
      }
      // What arrived is kept and listed: a retry fetches the rest only.
      report.problems.push_back("study " + studyUid + " is incomplete: WADO-RS interrupted after " +
                                after + ": " + fetched.error().message +
                                "; what arrived is kept, and the same get fetches the rest");
      break;
    }
  }
  for (auto& problem : retrieval.cache.settle()) report.problems.push_back(std::move(problem));
  for (auto& file : retrieval.cache.received()) report.received.push_back(std::move(file));
  if (retrieval.quotaReached)
    report.problems.push_back(
        describe() + ": " +
        internal::quotaReached(retrieval.quota, report.received.size() - heldCount));
  return report;
}

core::Result<StoreReport> DicomWebClient::store(const std::vector<fs::path>& files,
                                                const TransferProgress& progress) const {
  StoreReport report;
  std::vector<fs::path> dicom;
  for (const auto& file : files) (isPart10(file) ? dicom : report.notDicom).push_back(file);
  for (std::size_t first = 0; first < dicom.size(); first += kFilesPerStore) {
    const std::size_t last = std::min(first + kFilesPerStore, dicom.size());
    // The body (each file a part) is written to a scratch file and streamed.
    ScratchFile body{scratchName(fs::temp_directory_path(), "stow")};
    const std::string boundary = newBoundary();
    {
      std::ofstream out(body.path, std::ios::binary | std::ios::trunc);
      for (std::size_t i = first; i < last; ++i) {
        std::ifstream in(dicom[i], std::ios::binary);
        out << "--" << boundary << "\r\nContent-Type: application/dicom\r\n\r\n"
            << in.rdbuf() << "\r\n";
      }
      out << "--" << boundary << "--\r\n";
      out.close();
      if (!out)
        return core::makeError(core::ErrorCode::IoError, body.path.string() + ": cannot write");
    }
    std::FILE* in = std::fopen(body.path.c_str(), "rb");
    if (!in) return core::makeError(core::ErrorCode::IoError, body.path.string() + ": cannot read");
    HttpRequest request(node_, node_.baseUrl + "/studies");
    request.header("Content-Type: multipart/related; type=\"application/dicom\"; boundary=" +
                   boundary);
    request.header("Accept: application/dicom+json");
    request.postFrom(in, static_cast<curl_off_t>(fs::file_size(body.path)));
    std::string answerText;
    BodySink sink{&answerText};
    auto answer = request.perform(sink);
    std::fclose(in);
    if (!answer.ok()) return answer.error();
    const long status = answer.value().status;
    // 200: all stored; 202: some; 409: none. Each says which in DICOM JSON.
    if (status != 200 && status != 202 && status != 409)
      return httpError(request, status, answerText);
    const nlohmann::json json = nlohmann::json::parse(answerText, nullptr, false);
    const auto sequence = [&](const char* tag) {
      return json.is_object() && json.contains(tag) && json[tag].contains("Value") &&
                     json[tag]["Value"].is_array()
                 ? json[tag]["Value"]
                 : nlohmann::json::array();
    };
    const std::size_t referenced = sequence("00081199").size();
    // A service that answers 200 with no body stored them all.
    report.stored +=
        static_cast<int>(status == 200 && !json.is_object() ? last - first : referenced);
    for (const auto& failed : sequence("00081198")) {
      const PacsMatch item = failed.is_object() ? matchOf(failed) : PacsMatch{};
      const auto sop = item.find("ReferencedSOPInstanceUID");
      const auto reason = item.find("FailureReason");
      report.problems.push_back(
          describe() + ": did not store " + (sop == item.end() ? "an object" : sop->second) +
          (reason == item.end() ? "" : " (failure reason " + reason->second + ")"));
    }
    if (status == 409 && sequence("00081198").empty())
      report.problems.push_back(describe() + ": stored none of " + std::to_string(last - first) +
                                " objects (HTTP 409)");
    if (progress) progress(static_cast<int>(last), static_cast<int>(dicom.size()));
  }
  return report;
}

}  // namespace vigie::imaging
