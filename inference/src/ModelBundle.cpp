#include "vigie/inference/ModelBundle.h"

#include <fstream>

#include "vigie/core/Sha256.h"

namespace vigie::inference {

namespace {

/// The limits for unpacking a bundle: models are small, so an archive that
/// claims gigabytes is refused before anything is written.
core::ZipLimits bundleLimits() {
  core::ZipLimits limits;
  limits.maxEntryBytes = std::uint64_t{2} << 30;
  limits.maxTotalBytes = std::uint64_t{4} << 30;
  limits.maxEntries = 1000;
  return limits;
}

}  // namespace

core::Result<ModelBundle> ModelBundle::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && core::ZipArchive::looksLikeZip(path))
    return openZip(path);
  return openFolder(path);
}

core::Result<ModelBundle> ModelBundle::openZip(const std::filesystem::path& zip) {
  auto unpacked = core::extractArchive(zip, bundleLimits());
  if (!unpacked.ok()) return unpacked.error();
  const std::filesystem::path root = unpacked.value().folder->path();
  // Zipping a folder usually stores it as the archive's one top-level entry.
  std::filesystem::path folder = root;
  if (!std::filesystem::exists(root / "manifest.json")) {
    std::vector<std::filesystem::path> children;
    for (const auto& child : std::filesystem::directory_iterator(root)) children.push_back(child);
    if (children.size() == 1 && std::filesystem::is_directory(children.front()))
      folder = children.front();
  }
  if (!std::filesystem::exists(folder / "manifest.json")) {
    return core::makeError(
        core::ErrorCode::ParseError,
        zip.string() +
            ": a zip without manifest.json, so not a model bundle (a bare TorchScript file is a "
            "zip too: package it with `vigie-cli bundle create`)");
  }
  auto bundle = openFolder(folder);
  if (!bundle.ok()) {
    // Name the zip, not the scratch folder the user never saw.
    auto error = bundle.error();
    error.message = unpacked.value().displayMessage(error.message);
    return error;
  }
  bundle.value().source_ = zip;
  bundle.value().unpacked_ = unpacked.value().folder;
  return bundle;
}

core::Result<ModelBundle> ModelBundle::openFolder(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return core::makeError(core::ErrorCode::NotFound,
                           folder.string() + ": not a model bundle (a folder or a zip of one)");
  }
  auto manifest = ModelManifest::load(folder / "manifest.json");
  if (!manifest.ok()) return manifest.error();
  const std::filesystem::path weights = folder / manifest.value().weightsFile;
  auto digest = core::Sha256::hexOfFile(weights);
  if (!digest.ok()) return digest.error();
  if (digest.value() != manifest.value().weightsSha256) {
    return core::makeError(core::ErrorCode::ParseError,
                           weights.string() + ": SHA-256 " + digest.value() +
                               " does not match the manifest's " + manifest.value().weightsSha256 +
                               "; refusing to load changed weights");
  }
  return ModelBundle(std::move(manifest.value()), folder);
}

core::Result<ModelBundle> ModelBundle::create(const std::filesystem::path& torchScriptFile,
                                              ModelManifest manifest,
                                              const std::filesystem::path& folder) {
  auto digest = core::Sha256::hexOfFile(torchScriptFile);
  if (!digest.ok()) return digest.error();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, folder.string() + ": " + ec.message());
  manifest.weightsFile = torchScriptFile.filename().string();
  manifest.weightsSha256 = digest.value();
  const std::filesystem::path target = folder / manifest.weightsFile;
  if (!std::filesystem::equivalent(torchScriptFile, target, ec)) {
    std::filesystem::copy_file(torchScriptFile, target,
                               std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return core::makeError(core::ErrorCode::IoError, target.string() + ": " + ec.message());
  }
  // Round-trip through the parser so a bundle is never written that open() would refuse.
  auto checked = ModelManifest::parse(manifest.toJson(), (folder / "manifest.json").string());
  if (!checked.ok()) return checked.error();
  std::ofstream out(folder / "manifest.json", std::ios::binary | std::ios::trunc);
  out << manifest.toJson() << '\n';
  out.close();
  if (!out)
    return core::makeError(core::ErrorCode::IoError,
                           (folder / "manifest.json").string() + ": cannot write");
  return open(folder);
}

}  // namespace vigie::inference
