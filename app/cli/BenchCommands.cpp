// vigie-cli bench load: how fast a CT series becomes a HU volume, against a
// named baseline measured in the same run.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <vector>

#include "../common/CommandLine.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "vigie/imaging/dicom/CtSeriesWriter.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/synthetic/ChestCtPhantom.h"

namespace vigie::app::cli {
namespace {

double medianSeconds(int runs, const std::function<bool()>& body) {
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    if (!body()) return -1.0;
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// Baseline: the cost of just reading the files' bytes (what `cat` does).
bool readAllBytes(const std::vector<std::filesystem::path>& files, std::size_t& bytes) {
  bytes = 0;
  std::vector<char> buffer(1 << 20);
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      bytes += static_cast<std::size_t>(in.gcount());
    }
  }
  return bytes > 0;
}

}  // namespace

int runBench(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli bench load [--smoke] [--runs N] [--keep DIR]\n"
      "Generates a 400-slice 512x512 CT series (64 slices of 256x256 with --smoke) and measures\n"
      "scan + load into a HU volume, against the baseline of reading the files' bytes, median of\n"
      "N runs (default 5; 3 with --smoke) with a warm page cache.\n";
  CommandLine cl(args, {"--runs", "--keep"}, {"--smoke", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1 || cl.positional()[0] != "load")
    return usage("bench needs 'load'", kUsage);
  const bool smoke = cl.has("--smoke");
  const auto runs = cl.integer("--runs", smoke ? 3 : 5);
  if (!runs || *runs < 1) return usage("--runs must be a positive integer", kUsage);

  std::filesystem::path dir = cl.value("--keep").value_or(
      (std::filesystem::temp_directory_path() / ("vigie-bench-" + std::to_string(::getpid())))
          .string());
  imaging::ChestCtPhantomOptions options;
  options.size = smoke ? core::VolumeSize{256, 256, 64} : core::VolumeSize{512, 512, 400};
  options.spacingMm = smoke ? core::Vec3{1.4, 1.4, 2.0} : core::Vec3{0.7, 0.7, 0.8};
  options.seed = 7;
  std::printf("bench load: generating a %zux%zux%zu CT series in %s ...\n", options.size.i,
              options.size.j, options.size.k, dir.string().c_str());
  auto phantom = imaging::ChestCtPhantomGenerator(options).generate();
  if (!phantom.ok()) return fail(phantom.error().message);
  auto files = imaging::CtSeriesWriter().write(phantom.value().volume, dir);
  if (!files.ok()) return fail(files.error().message);
  const double volumeMb = phantom.value().volume.voxelCount() * sizeof(std::int16_t) / 1e6;
  phantom = core::makeError(core::ErrorCode::Cancelled, "released");  // free the generator's copy

  std::size_t bytes = 0;
  readAllBytes(files.value(), bytes);  // warm the page cache
  const double baseline =
      medianSeconds(static_cast<int>(*runs), [&] { return readAllBytes(files.value(), bytes); });
  std::string failure;
  const double vigie = medianSeconds(static_cast<int>(*runs), [&] {
    auto scan = imaging::DicomScanner().scan(dir);
    if (!scan.ok() || scan.value().series.size() != 1) {
      failure = scan.ok() ? "expected one series" : scan.error().message;
      return false;
    }
    auto loaded = imaging::CtVolumeLoader().load(scan.value().series.front());
    if (!loaded.ok()) failure = loaded.error().message;
    return loaded.ok();
  });
  if (vigie < 0) return fail("bench load failed: " + failure);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("series: %zu files, %.1f MB on disk, volume %.1f MB\n", files.value().size(),
              bytes / 1e6, volumeMb);
  std::printf("baseline (read file bytes, like cat): %.3f s median of %lld\n", baseline, *runs);
  std::printf("vigie (scan + DCMTK decode + HU volume): %.3f s median of %lld\n", vigie, *runs);
  std::printf("ratio vigie/baseline: %.1fx; throughput %.0f slices/s\n",
              vigie / std::max(baseline, 1e-9), *runs > 0 ? options.size.k / vigie : 0.0);
  std::printf("peak resident memory of this process: %.1f MB (includes generating the series)\n",
              usage.ru_maxrss / 1024.0);
  if (!cl.has("--keep")) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace vigie::app::cli
