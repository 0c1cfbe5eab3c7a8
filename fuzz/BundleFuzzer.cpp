// libFuzzer target: any bytes, read as the parts of a model bundle a user
// downloaded from anywhere: a Vigie manifest.json, a MONAI inference.json or
// metadata.json, and a zip (a zipped bundle, or a TorchScript file's extra
// files). Each reader must return an error or a result; a crash, a sanitizer
// report, a hang or a runaway allocation is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "vigie/core/ZipArchive.h"
#include "vigie/inference/ModelManifest.h"
#include "vigie/inference/MonaiImport.h"

namespace {

std::string readSeedConfig(const char* relative) {
  std::ifstream in(std::filesystem::path(VIGIE_SOURCE_DIR) / relative, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The Model Zoo's real configs: the half of a bundle that is not fuzzed.
const std::string& realMetadata() {
  static const std::string text =
      readSeedConfig("tests/data/monai/lung_nodule_ct_detection/configs/metadata.json");
  return text;
}
const std::string& realInference() {
  static const std::string text =
      readSeedConfig("tests/data/monai/lung_nodule_ct_detection/configs/inference.json");
  return text;
}

const std::filesystem::path& inputFile() {
  static const std::filesystem::path file = [] {
    const std::filesystem::path shm = "/dev/shm";
    const auto dir =
        std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    return dir / ("vigie-bundle-fuzz-" + std::to_string(::getpid()) + ".zip");
  }();
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigie;
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)inference::ModelManifest::parse(text, "manifest.json");
  (void)inference::manifestFromMonaiConfigs(realMetadata(), text, "fuzz");
  (void)inference::manifestFromMonaiConfigs(text, realInference(), "fuzz");

  if (size >= 4 && data[0] == 'P' && data[1] == 'K') {
    {
      std::ofstream out(inputFile(), std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(size));
    }
    auto zip = core::ZipArchive::open(inputFile());
    if (zip.ok()) {
      for (const auto& entry : zip.value().entries()) (void)zip.value().read(entry.name, 1 << 20);
      // Unpacking, bounded as a hostile archive must be.
      core::ZipLimits limits;
      limits.maxEntryBytes = 4 << 20;
      limits.maxTotalBytes = 16 << 20;
      limits.maxEntries = 256;
      (void)core::extractArchive(inputFile(), limits);
    }
  }
  return 0;
}
