#include "InstallLayout.h"

#include <cstdlib>
#include <system_error>

namespace fs = std::filesystem;

namespace vigie::app {

fs::path executableDirectory() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path();
}

namespace {

/// The prefix the package installed into (/usr): above bin/ for vigie and
/// vigie-cli, two levels above libexec/vigie/ for vigie-cli-full.
fs::path installPrefix() {
  const fs::path bin = executableDirectory();
  if (bin.filename() == "vigie" && bin.parent_path().filename() == "libexec")
    return bin.parent_path().parent_path();
  return bin.parent_path();
}

}  // namespace

fs::path modelsDirectory() {
  if (const char* configured = std::getenv("VIGIE_MODELS_DIR"); configured && *configured)
    return configured;
  if (runningInstalled()) return installPrefix() / "share" / "vigie" / "models";
  return VIGIE_SOURCE_MODELS_DIR;
}

bool runningInstalled() {
  std::error_code ec;
  return fs::is_directory(installPrefix() / "share" / "vigie", ec);
}

fs::path companionExecutable(const std::string& name) {
  const fs::path bin = executableDirectory();
  std::error_code ec;
  if (const fs::path beside = bin / name; fs::exists(beside, ec)) return beside;
  return (bin / ".." / "libexec" / "vigie" / name).lexically_normal();
}

}  // namespace vigie::app
