#pragma once
// Where Vigie's shipped files are at run time. The same executables run from
// the build tree, installed under /usr by the Debian package, or unpacked
// anywhere (dpkg -x): every path is found from the running executable, so an
// unpacked package never reaches back into the source tree it was built from.
#include <filesystem>
#include <string>

namespace vigie::app {

/// The folder of the running executable (/proc/self/exe), empty when unknown.
std::filesystem::path executableDirectory();

/// The folder of the shipped model bundles: $VIGIE_MODELS_DIR when set;
/// <prefix>/share/vigie/models when installed; else the source tree's
/// resources/models (a program run from its build tree).
std::filesystem::path modelsDirectory();

/// True when the running program is an installed (or unpacked) copy, with
/// its share/vigie/ beside it; false in its build tree, the only place it
/// may use what the build made, such as the demo study.
bool runningInstalled();

/// Another of Vigie's programs: beside the running executable (build tree),
/// else in the package's <prefix>/libexec/vigie/ (the helpers) or
/// <prefix>/bin/ (vigie-cli itself).
std::filesystem::path companionExecutable(const std::string& name);

}  // namespace vigie::app
