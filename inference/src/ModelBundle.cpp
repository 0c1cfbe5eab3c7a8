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

/// Refuses a network file whose SHA-256 is not the manifest's: changed
/// weights are never loaded silently.
core::Result<void> checkDigest(const std::filesystem::path& file, const std::string& expected) {
  auto digest = core::Sha256::hexOfFile(file);
  if (!digest.ok()) return digest.error();
  if (digest.value() != expected) {
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": SHA-256 " + digest.value() +
                               " does not match the manifest's " + expected +
                               "; refusing to load changed weights");
  }
  return {};
}

/// Copies `file` into `folder` (unless it is already there); returns its SHA-256.
core::Result<std::string> copyIn(const std::filesystem::path& file,
                                 const std::filesystem::path& folder) {
  auto digest = core::Sha256::hexOfFile(file);
  if (!digest.ok()) return digest.error();
  std::error_code ec;
  const std::filesystem::path target = folder / file.filename();
  if (!std::filesystem::equivalent(file, target, ec)) {
    std::filesystem::copy_file(file, target, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return core::makeError(core::ErrorCode::IoError, target.string() + ": " + ec.message());
  }
  return digest.value();
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
  const ModelManifest& m = manifest.value();
  if (auto checked = checkDigest(folder / m.weightsFile, m.weightsSha256); !checked.ok())
    return checked.error();
  if (m.candidateClassifier) {
    auto checked = checkDigest(folder / m.candidateClassifier->file, m.candidateClassifier->sha256);
    if (!checked.ok()) return checked.error();
  }
  return ModelBundle(std::move(manifest.value()), folder);
}

core::Result<ModelBundle> ModelBundle::create(const std::filesystem::path& torchScriptFile,
                                              ModelManifest manifest,
                                              const std::filesystem::path& folder,
                                              const std::filesystem::path& classifierFile) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, folder.string() + ": " + ec.message());
  if (!classifierFile.empty() && manifest.task != ModelManifest::Task::CtNoduleDetection) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           classifierFile.string() + ": a candidate classifier is for CT models; " +
                               manifest.id + " is a " + toString(manifest.task) + " model");
  }
  if (!classifierFile.empty() && classifierFile.filename() == torchScriptFile.filename()) {
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        classifierFile.string() + ": the candidate classifier needs a file name of its own");
  }
  auto digest = copyIn(torchScriptFile, folder);
  if (!digest.ok()) return digest.error();
  manifest.weightsFile = torchScriptFile.filename().string();
  manifest.weightsSha256 = digest.value();
  if (!classifierFile.empty()) {
    auto classifierDigest = copyIn(classifierFile, folder);
    if (!classifierDigest.ok()) return classifierDigest.error();
    CandidateClassifier c = manifest.candidateClassifier.value_or(CandidateClassifier{});
    c.file = classifierFile.filename().string();
    c.sha256 = classifierDigest.value();
    manifest.candidateClassifier = c;
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
