#include "BundleOpening.h"

#include <chrono>
#include <cstdlib>

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

}  // namespace

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
