#include "BundleOpening.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "vigie/core/Sha256.h"
#include "vigie/inference/MonaiImport.h"

namespace vigie::app {

namespace fs = std::filesystem;

fs::path defaultImportedBundleCache() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return fs::path(xdg) / "vigie" / "monai-bundles";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".cache" / "vigie" / "monai-bundles";
  return fs::temp_directory_path() / "vigie-monai-bundles";
}

namespace {

/// A cache entry's name: the source's absolute path and its last change, so
/// that a re-downloaded bundle is imported again.
std::string cacheKey(const fs::path& source) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(source, ec);
  fs::path stamped = source;
  if (fs::is_directory(source, ec)) stamped = source / "models" / "model.ts";
  const auto changed = fs::last_write_time(stamped, ec);
  const auto ticks = ec ? 0 : changed.time_since_epoch().count();
  return core::Sha256::hex(absolute.string() + "|" + std::to_string(ticks)).substr(0, 16);
}

/// The id a bundle's manifest gives; empty when it cannot be read.
std::string manifestId(const fs::path& folder) {
  std::ifstream in(folder / "manifest.json");
  if (!in) return {};
  const auto manifest = nlohmann::json::parse(in, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) return {};
  const auto id = manifest.find("id");
  return id != manifest.end() && id->is_string() ? id->get<std::string>() : std::string();
}

}  // namespace

core::Result<fs::path> resolveModel(const std::string& nameOrPath, const fs::path& modelsDir) {
  std::error_code ec;
  if (fs::exists(nameOrPath, ec)) return fs::path(nameOrPath);
  std::vector<std::pair<fs::path, std::string>> installed;
  for (const auto& entry : fs::directory_iterator(modelsDir, ec)) {
    if (!entry.is_directory(ec) || !fs::exists(entry.path() / "manifest.json", ec)) continue;
    installed.emplace_back(entry.path(), manifestId(entry.path()));
  }
  std::sort(installed.begin(), installed.end());
  std::string ids;
  for (const auto& [folder, id] : installed) {
    if (id == nameOrPath || folder.filename() == nameOrPath) return folder;
    if (!id.empty()) ids += (ids.empty() ? "" : ", ") + id;
  }
  return core::makeError(core::ErrorCode::NotFound,
                         nameOrPath +
                             ": no such file or folder, and no installed model has that "
                             "id (installed in " +
                             modelsDir.string() + ": " + (ids.empty() ? "none" : ids) + ")");
}

core::Result<inference::ModelBundle> openOrImportBundle(const fs::path& path,
                                                        const fs::path& cache) {
  if (!inference::looksLikeMonaiBundle(path)) return inference::ModelBundle::open(path);
  const fs::path folder = cache / cacheKey(path);
  std::error_code ec;
  if (fs::exists(folder / "manifest.json", ec)) {
    auto cached = inference::ModelBundle::open(folder);
    if (cached.ok()) return cached;
  }
  fs::remove_all(folder, ec);
  std::vector<std::string> notes;
  return inference::importMonaiBundle(path, folder, notes);
}

}  // namespace vigie::app
