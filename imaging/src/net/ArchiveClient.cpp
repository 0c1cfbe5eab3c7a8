#include "vigie/imaging/net/ArchiveClient.h"

#include "vigie/imaging/net/DicomWebClient.h"
#include "vigie/imaging/net/PacsClient.h"

namespace vigie::imaging {
namespace {

bool isUrl(const std::string& text) {
  return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

core::Result<std::unique_ptr<ArchiveClient>> webArchive(
    const std::string& url, const AssociationSettings& settings,
    const std::filesystem::path& nodesTokenFile = {}) {
  auto node = DicomWebNode::parse(url);
  if (!node.ok()) return node.error();
  node.value().connectTimeoutSeconds = settings.connectTimeoutSeconds;
  node.value().stallTimeoutSeconds = settings.dimseTimeoutSeconds;
  node.value().cacheQuotaBytes = settings.cacheQuotaBytes;
  node.value().tokenFile =
      settings.bearerTokenFile.empty() ? nodesTokenFile : settings.bearerTokenFile;
  return std::unique_ptr<ArchiveClient>(std::make_unique<DicomWebClient>(node.value()));
}

}  // namespace

core::Result<std::unique_ptr<ArchiveClient>> openArchive(const std::string& text,
                                                         const AssociationSettings& settings,
                                                         const std::filesystem::path& nodesFile) {
  if (isUrl(text)) return webArchive(text, settings);
  if (text.find('@') == std::string::npos) {
    // A name: the nodes file says which protocol.
    auto nodes = readNodes(nodesFile);
    if (!nodes.ok()) return nodes.error();
    for (const auto& named : nodes.value())
      if (named.name == text && !named.url.empty())
        return webArchive(named.url, settings, named.tokenFile);
  }
  auto node = resolveNode(text, nodesFile);
  if (!node.ok()) return node.error();
  return std::unique_ptr<ArchiveClient>(std::make_unique<PacsClient>(node.value(), settings));
}

}  // namespace vigie::imaging
