#include "vigie/inference/ModelBundle.h"

#include <fstream>

#include "vigie/core/Sha256.h"

namespace vigie::inference {

core::Result<ModelBundle> ModelBundle::open(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return core::makeError(core::ErrorCode::NotFound,
                           folder.string() + ": not a model bundle folder");
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
