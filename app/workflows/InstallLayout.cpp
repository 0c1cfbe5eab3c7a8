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
  const fs::path helpers = installPrefix() / "libexec" / "vigie";
  std::error_code ec;
  for (const fs::path& candidate :
       {executableDirectory() / name, helpers / name, installPrefix() / "bin" / name})
    if (fs::exists(candidate, ec)) return candidate;
  return helpers / name;  // where the package puts it, for the error message
}

}  // namespace vigie::app
