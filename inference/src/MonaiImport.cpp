// Reads MONAI bundles from disk and writes them as Vigie bundles
// (readMonaiBundle, looksLikeMonaiBundle, importMonaiBundle).

#include "vigie/inference/MonaiImport.h"

#include <torch/script.h>
#include <torch/version.h>

#include <fstream>
#include <sstream>

#include "SessionImpl.h"
#include "vigie/core/Md5.h"
#include "vigie/core/Sha256.h"
#include "vigie/core/ZipArchive.h"

namespace vigie::inference {

namespace fs = std::filesystem;

namespace {

/// Configs are small; anything larger is not a config.
constexpr std::uint64_t kMaxConfigBytes = 16u << 20;

core::Result<std::string> readText(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return core::makeError(core::ErrorCode::NotFound, file.string() + ": cannot open");
  if (size > kMaxConfigBytes)
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": too large for a bundle config");
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof())
    return core::makeError(core::ErrorCode::IoError, file.string() + ": read error");
  return text.str();
}

/// The TorchScript zip's member "<archive>/extra/<name>", if there is one.
std::optional<std::string> extraFileEntry(const core::ZipArchive& zip, const std::string& name) {
  const std::string suffix = "/extra/" + name;
  for (const auto& entry : zip.entries()) {
    const auto& n = entry.name;
    if (n.size() > suffix.size() &&
        n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        n.find('/') == n.size() - suffix.size())
      return n;
  }
  return std::nullopt;
}

/// metadata.json and inference.json embedded in a TorchScript file by
/// `monai.bundle ckpt_export`; fails when the file has none.
core::Status readEmbeddedConfigs(const fs::path& torchScript, MonaiBundleFiles& files) {
  auto zip = core::ZipArchive::open(torchScript);
  if (!zip.ok()) return zip.error();
  const auto metadata = extraFileEntry(zip.value(), "metadata.json");
  const auto inference = extraFileEntry(zip.value(), "inference.json");
  if (!metadata || !inference) {
    return core::makeError(core::ErrorCode::NotFound,
                           torchScript.string() +
                               ": a TorchScript file without the metadata.json and inference.json "
                               "that `monai.bundle ckpt_export` embeds; import the bundle folder");
  }
  auto m = zip.value().read(*metadata, kMaxConfigBytes);
  if (!m.ok()) return m.error();
  auto i = zip.value().read(*inference, kMaxConfigBytes);
  if (!i.ok()) return i.error();
  files.metadataJson = std::move(m.value());
  files.inferenceJson = std::move(i.value());
  files.configSource = torchScript.string() + "!extra";
  files.notes.push_back("configs read from the TorchScript file's embedded extra files");
  return {};
}

/// large_files.yml's md5 for `member` ("models/model.ts"), if listed. The file
/// is a YAML list of {path, url, hash_val, hash_type}; this reads that shape only.
std::optional<std::string> md5FromLargeFiles(const fs::path& yml, const std::string& member) {
  std::ifstream in(yml);
  if (!in) return std::nullopt;
  auto valueOf = [](std::string line) {
    line = line.substr(line.find(':') + 1);
    line.erase(0, line.find_first_not_of(" \t\"'"));
    line.erase(line.find_last_not_of(" \t\"'\r") + 1);
    return line;
  };
  std::string line, path, hash, type;
  std::optional<std::string> found;
  auto finishEntry = [&] {
    if (path == member && type == "md5" && hash.size() == 32) found = hash;
    path.clear(), hash.clear(), type.clear();
  };
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    std::string key = line.substr(start);
    if (key.rfind("- ", 0) == 0) {
      finishEntry();
      key = key.substr(2);
      key.erase(0, key.find_first_not_of(' '));
    }
    if (key.rfind("path:", 0) == 0) path = valueOf(key);
    if (key.rfind("hash_val:", 0) == 0) hash = valueOf(key);
    if (key.rfind("hash_type:", 0) == 0) type = valueOf(key);
  }
  finishEntry();
  return found;
}

/// A licence file's first two non-blank lines ("Apache License Version 2.0,
/// January 2004"), or nothing.
std::string licenseHeading(const fs::path& file) {
  std::ifstream in(file);
  std::string line, heading;
  for (int kept = 0; kept < 2 && std::getline(in, line);) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    heading += (kept++ ? " " : "") + line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
  }
  return heading.size() > 200 ? heading.substr(0, 200) : heading;
}

core::Result<MonaiBundleFiles> readBundleFolder(const fs::path& folder) {
  MonaiBundleFiles files;
  files.torchScript = folder / "models" / "model.ts";
  std::error_code ec;
  if (!fs::is_regular_file(files.torchScript, ec)) {
    const bool stateDict = fs::exists(folder / "models" / "model.pt", ec);
    return core::makeError(
        core::ErrorCode::NotFound,
        files.torchScript.string() + ": missing" +
            (stateDict ? std::string("; the bundle has models/model.pt, a state dict that needs "
                                     "Python: export it with `python -m monai.bundle ckpt_export`")
                       : std::string("; download it as large_files.yml says")));
  }
  const fs::path configs = folder / "configs";
  if (fs::exists(configs / "metadata.json", ec)) {
    if (!fs::exists(configs / "inference.json", ec)) {
      const bool yaml = fs::exists(configs / "inference.yaml", ec);
      return core::makeError(
          core::ErrorCode::Unsupported,
          (configs / "inference.json").string() + ": missing" +
              (yaml ? "; Vigie reads JSON configs (convert inference.yaml)" : ""));
    }
    auto metadata = readText(configs / "metadata.json");
    if (!metadata.ok()) return metadata.error();
    auto inference = readText(configs / "inference.json");
    if (!inference.ok()) return inference.error();
    files.metadataJson = std::move(metadata.value());
    files.inferenceJson = std::move(inference.value());
    files.configSource = configs.string();
  } else if (auto embedded = readEmbeddedConfigs(files.torchScript, files); !embedded.ok()) {
    return core::makeError(
        core::ErrorCode::NotFound,
        folder.string() + ": no configs/metadata.json, and " + embedded.error().message);
  }
  files.expectedMd5 = md5FromLargeFiles(folder / "large_files.yml", "models/model.ts");
  files.license = licenseHeading(folder / "LICENSE");
  return files;
}

/// The bundle folder inside an unpacked zip: its root or its one top-level folder.
fs::path bundleRootIn(const fs::path& root) {
  if (fs::exists(root / "configs") || fs::exists(root / "models")) return root;
  std::vector<fs::path> children;
  for (const auto& child : fs::directory_iterator(root)) children.push_back(child);
  return children.size() == 1 && fs::is_directory(children.front()) ? children.front() : root;
}

/// Why LibTorch could not load a TorchScript file, for `shown`. An operator
/// newer than this LibTorch is named with where the archive's code calls it
/// (c10's message starts with a blank line and gives the call site further
/// down); anything else by its first non-blank line.
core::Error loadFailure(const std::string& shown, const std::string& what) {
  const std::string version = TORCH_VERSION;
  const std::string unknownOp = "Unknown builtin op: ";
  if (const auto at = what.find(unknownOp); at != std::string::npos) {
    const auto start = at + unknownOp.size();
    std::string op = what.substr(start, what.find_first_of(" \n", start) - start);
    while (!op.empty() && op.back() == '.') op.pop_back();
    std::string site;
    if (const auto file = what.find("File \""); file != std::string::npos) {
      const auto end = what.find('\n', file);
      site = what.substr(file + 6, end == std::string::npos ? end : end - file - 6);
      if (const auto quote = site.find('"'); quote != std::string::npos) site.erase(quote, 1);
      site = " (" + site + " in the archive)";
    }
    return core::makeError(core::ErrorCode::Unsupported,
                           shown + ": calls operator " + op + site + ", which LibTorch " + version +
                               " lacks (added in a later PyTorch); export the model with "
                               "PyTorch 1.13 or use an earlier version of the bundle");
  }
  std::string line;
  std::istringstream lines(what);
  while (std::getline(lines, line) && line.find_first_not_of(" \t\r") == std::string::npos) {
  }
  return core::makeError(
      core::ErrorCode::Unsupported,
      shown + ": LibTorch " + version + " cannot load this TorchScript: " + line);
}

bool isTorchScriptName(const fs::path& p) {
  return p.extension() == ".ts" || p.extension() == ".pt";
}

}  // namespace

core::Result<MonaiBundleFiles> readMonaiBundle(
    const fs::path& path, std::shared_ptr<const core::ScratchFolder>& scratch) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return readBundleFolder(path);
  if (!fs::is_regular_file(path, ec))
    return core::makeError(core::ErrorCode::NotFound, path.string() + ": no such file or folder");
  if (!core::ZipArchive::looksLikeZip(path))
    return core::makeError(
        core::ErrorCode::ParseError,
        path.string() + ": neither a bundle folder, a zip nor a TorchScript file");
  // A TorchScript file is a zip too: it has "<name>/data.pkl" and no configs/.
  auto zip = core::ZipArchive::open(path);
  if (!zip.ok()) return zip.error();
  if (extraFileEntry(zip.value(), "metadata.json") || isTorchScriptName(path)) {
    MonaiBundleFiles files;
    files.torchScript = path;
    if (auto s = readEmbeddedConfigs(path, files); !s.ok()) return s.error();
    return files;
  }
  auto unpacked = core::extractArchive(path);
  if (!unpacked.ok()) return unpacked.error();
  scratch = unpacked.value().folder;
  auto files = readBundleFolder(bundleRootIn(scratch->path()));
  if (!files.ok()) {
    auto error = files.error();
    error.message = unpacked.value().displayMessage(error.message);
    return error;
  }
  files.value().configSource = unpacked.value().displayName(files.value().configSource);
  return files;
}

bool looksLikeMonaiBundle(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return fs::exists(path / "configs" / "metadata.json", ec) &&
           !fs::exists(path / "manifest.json", ec);
  if (!core::ZipArchive::looksLikeZip(path)) return false;
  auto zip = core::ZipArchive::open(path);
  if (!zip.ok()) return false;
  if (extraFileEntry(zip.value(), "metadata.json")) return true;
  for (const auto& entry : zip.value().entries()) {
    const auto& n = entry.name;
    if (n == "manifest.json" || n.find("/manifest.json") != std::string::npos) return false;
  }
  for (const auto& entry : zip.value().entries())
    if (entry.name.find("configs/metadata.json") != std::string::npos) return true;
  return false;
}

core::Result<ModelBundle> importMonaiBundle(const fs::path& source, const fs::path& outFolder,
                                            std::vector<std::string>& notes,
                                            const MonaiImportOptions& options) {
  std::shared_ptr<const core::ScratchFolder> scratch;
  auto files = readMonaiBundle(source, scratch);
  if (!files.ok()) return files.error();
  const MonaiBundleFiles& f = files.value();
  notes.insert(notes.end(), f.notes.begin(), f.notes.end());
  auto manifest =
      manifestFromMonaiConfigs(f.metadataJson, f.inferenceJson, f.configSource, options, &notes);
  if (!manifest.ok()) return manifest.error();

  const std::string shown = source.string() + (fs::is_directory(source) ? "/models/model.ts" : "");
  if (f.expectedMd5) {
    auto md5 = core::md5HexOfFile(f.torchScript);
    if (!md5.ok()) return md5.error();
    if (md5.value() != *f.expectedMd5)
      return core::makeError(core::ErrorCode::ParseError,
                             shown + ": md5 " + md5.value() + " is not large_files.yml's " +
                                 *f.expectedMd5 + " (a partial or different download)");
    notes.push_back("md5 of models/model.ts matches large_files.yml");
  } else {
    notes.push_back("no md5 for models/model.ts in large_files.yml: integrity not checked");
  }
  if (!f.license.empty())
    manifest.value().card.knownLimitations.push_back("Licence of the bundle: " + f.license +
                                                     " (its LICENSE file)");
  auto sha = core::Sha256::hexOfFile(f.torchScript);
  if (!sha.ok()) return sha.error();
  manifest.value().monai->sourceSha256 = sha.value();

  // Refused now rather than at the first scan: operators newer than LibTorch 1.13.
  try {
    torch::jit::load(f.torchScript.string(), torch::kCPU);
  } catch (const std::exception& e) {
    return loadFailure(shown, e.what());
  }
  return ModelBundle::create(f.torchScript, std::move(manifest.value()), outFolder);
}

}  // namespace vigie::inference
