// vigie-cli bench load: how fast a CT series becomes a HU volume, against a
// named baseline measured in the same run.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "../workflows/InstallLayout.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "CommandLine.h"
#include "vigie/imaging/dicom/CtSeriesWriter.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/Transcoder.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/io/ItkSeriesReader.h"
#include "vigie/imaging/preprocess/FundusPreprocess.h"
#include "vigie/imaging/synthetic/ChestCtPhantom.h"
#include "vigie/imaging/synthetic/FundusPhantom.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"

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
/// What `bench load` times: finding the one series under `dir` and loading it
/// as a HU volume. False, with the reason in `failure`, when either fails.
bool scanAndLoad(const std::filesystem::path& dir, std::string& failure) {
  auto scan = imaging::DicomScanner().scan(dir);
  if (!scan.ok() || scan.value().series.size() != 1) {
    failure = scan.ok() ? dir.string() + ": expected one series" : scan.error().message;
    return false;
  }
  auto loaded = imaging::CtVolumeLoader().load(scan.value().series.front());
  if (!loaded.ok()) failure = loaded.error().message;
  return loaded.ok();
}

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

/// vigie-cli bench infer: the CT model's sliding-window inference against the
/// same model and window driven from Python.
namespace {

/// Resident memory of this process now, in kB (from /proc/self/statm).
long residentKb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Peak memory (MB) a loader adds, measured in a fresh process (this program
/// run again with the hidden command `bench memory`), so that nothing this
/// process allocated and freed before can hide it. -1 when it failed.
double peakMemoryMb(const std::filesystem::path& dir, const char* loader) {
  const std::string command = "'/proc/" + std::to_string(::getpid()) + "/exe' bench memory '" +
                              dir.string() + "' " + loader + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char line[256] = {};
  std::string output;
  while (std::fgets(line, sizeof line, pipe)) output += line;
  double mb = -1;
  if (pclose(pipe) != 0 || std::sscanf(output.c_str(), "peak_added_mb %lf", &mb) != 1) return -1;
  return mb;
}

/// The child side of peakMemoryMb: loads the series and prints how far the
/// peak resident memory rose above what the process held before.
int measureLoaderMemory(const std::filesystem::path& dir, const std::string& loader) {
  const long before = residentKb();
  bool ok = false;
  auto scan = imaging::DicomScanner().scan(dir);
  if (scan.ok() && !scan.value().series.empty()) {
    if (loader == "itk") {
      auto layout = imaging::CtVolumeLoader::layout(scan.value().series.front());
      std::vector<std::filesystem::path> files;
      if (layout.ok())
        for (const auto& slice : layout.value().slices) files.push_back(slice.header->file);
      ok = layout.ok() && imaging::readSeriesWithItkGdcm(files).ok();
    } else {
      ok = imaging::CtVolumeLoader().load(scan.value().series.front()).ok();
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  if (!ok) return fail("bench memory: " + dir.string() + ": loading failed");
  std::printf("peak_added_mb %.1f\n", (usage.ru_maxrss - before) / 1024.0);
  return 0;
}

/// One run of a program in a fresh process: what it printed, and what it cost
/// the system (rusage of that child alone, from wait4).
struct ChildRun {
  bool ok = false;
  std::string output;
  double seconds = -1;       ///< the "seconds S" it printed
  long minorFaults = 0;      ///< ru_minflt: pages touched anew
  double kernelSeconds = 0;  ///< ru_stime
  double peakRssMb = 0;      ///< ru_maxrss
  double wallSeconds = 0;    ///< from start to exit, measured by the parent
  int exitCode = -1;         ///< -1 when it did not exit normally
};

/// GNU time's report of its child, on a line of its own.
constexpr const char* kTimeFormat = "vigie-child-cost %M %R %S";

/// Runs argv[0] with `argv` (stdout and stderr captured), `environment`
/// entries ("NAME=VALUE") added to this process's environment.
///
/// Its costs come from /usr/bin/time when installed: a child forked from this
/// (large) process would count this process's resident pages in its own peak
/// (Linux keeps the largest RSS across exec), whereas time's child is forked
/// from a small process. Without it, from wait4.
ChildRun runMeasured(std::vector<std::string> argv,
                     const std::vector<std::string>& environment = {}) {
  ChildRun run;
  std::error_code ec;
  const bool viaTime = std::filesystem::exists("/usr/bin/time", ec);
  if (viaTime) argv.insert(argv.begin(), {"/usr/bin/time", "-f", kTimeFormat});
  const auto start = std::chrono::steady_clock::now();
  int fds[2];
  if (pipe(fds) != 0) return run;
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return run;
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    for (const auto& entry : environment) putenv(const_cast<char*>(entry.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  char buffer[512];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) run.output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return run;
  run.wallSeconds = secondsSince(start);
  if (WIFEXITED(status)) run.exitCode = WEXITSTATUS(status);
  run.minorFaults = usage.ru_minflt;
  run.kernelSeconds = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  run.peakRssMb = usage.ru_maxrss / 1024.0;
  if (const auto line = run.output.rfind("vigie-child-cost ");
      viaTime && line != std::string::npos) {
    long peakKb = 0;
    if (std::sscanf(run.output.c_str() + line, "vigie-child-cost %ld %ld %lf", &peakKb,
                    &run.minorFaults, &run.kernelSeconds) == 3)
      run.peakRssMb = peakKb / 1024.0;
  }
  const auto at = run.output.rfind("seconds ");
  run.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && at != std::string::npos &&
           std::sscanf(run.output.c_str() + at, "seconds %lf", &run.seconds) == 1;
  return run;
}

/// `runs` fresh runs; the one with the median time (its faults and memory with it).
ChildRun medianChildRun(long long runs, const std::vector<std::string>& argv,
                        const std::vector<std::string>& environment = {}) {
  std::vector<ChildRun> all;
  for (long long r = 0; r < runs; ++r) {
    all.push_back(runMeasured(argv, environment));
    if (!all.back().ok) return all.back();
  }
  std::sort(all.begin(), all.end(),
            [](const ChildRun& a, const ChildRun& b) { return a.seconds < b.seconds; });
  return all[all.size() / 2];
}

void printCostRow(const char* name, const ChildRun& run, double voxels) {
  std::printf("%-44s %8.2f s %7.2f Mvoxel/s %12ld %9.2f s %9.0f MB\n", name, run.seconds,
              voxels / run.seconds / 1e6, run.minorFaults, run.kernelSeconds, run.peakRssMb);
}

/// Runs a Python baseline `runs` times; the median of the "seconds S" it prints.
core::Result<double> pythonBaselineSeconds(const std::string& command, long long runs) {
  std::vector<double> times;
  std::string output;
  for (long long r = 0; r < runs; ++r) {
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) break;
    char line[512];
    output.clear();
    while (std::fgets(line, sizeof line, pipe)) output += line;
    double seconds = -1;
    if (pclose(pipe) == 0 && std::sscanf(output.c_str(), "seconds %lf", &seconds) == 1)
      times.push_back(seconds);
  }
  if (times.empty())
    return core::makeError(core::ErrorCode::Internal, "the Python baseline did not run: " + output);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// The fundus half of bench infer: a batch of synthetic photographs through
/// Vigie's 2D path and, on the same prepared tensors, through a Python loop.
int benchFundus(const std::string& model, bool smoke, long long runs) {
  auto bundle = inference::ModelBundle::open(model);
  if (!bundle.ok()) return fail(bundle.error().message);
  const auto& m = bundle.value().manifest();
  auto session = inference::InferenceSession::create(bundle.value());
  if (!session.ok()) return fail(session.error().message);
  const int count = smoke ? 4 : 32;
  imaging::FundusInputSpec spec{m.targetSize[0], m.targetSize[1], m.colorMean, m.colorSd,
                                m.cropFieldOfView};
  std::vector<core::Image2D> photos;
  for (int i = 0; i < count; ++i) {
    imaging::FundusPhantomOptions options;
    options.sizePx = smoke ? 256 : 768;
    options.seed = 500 + static_cast<std::uint64_t>(i);
    options.grade = i % 5;
    auto phantom = imaging::FundusPhantomGenerator(options).generate();
    if (!phantom.ok()) return fail(phantom.error().message);
    photos.push_back(std::move(phantom.value().image));
  }
  std::vector<float> prepared;
  std::string failure;
  const double prepare = medianSeconds(static_cast<int>(runs), [&] {
    prepared.clear();
    for (const auto& photo : photos) {
      auto p = imaging::preparePhotograph(photo, spec);
      if (!p.ok()) {
        failure = p.error().message;
        return false;
      }
      prepared.insert(prepared.end(), p.value().pixels.begin(), p.value().pixels.end());
    }
    return true;
  });
  if (prepare < 0) return fail("bench infer (fundus) failed: " + failure);
  const double vigie = medianSeconds(static_cast<int>(runs), [&] {
    auto predictions = session.value()->predictFundus(prepared, count);
    if (!predictions.ok()) failure = predictions.error().message;
    return predictions.ok();
  });
  if (vigie < 0) return fail("bench infer (fundus) failed: " + failure);
  std::printf("\nmodel %s on %s, %d photographs of %dx%d prepared to %dx%d, batch %d\n",
              m.id.c_str(), session.value()->device().name.c_str(), count, photos[0].width,
              photos[0].height, m.targetSize[0], m.targetSize[1], m.batchSize);
  std::printf("vigie preparation (field of view, resize, normalise): %.3f s, %.1f images/s\n",
              prepare, count / prepare);
  std::printf("vigie inference (LibTorch, batched): %.3f s, %.1f images/s\n", vigie, count / vigie);

  const auto raw = std::filesystem::temp_directory_path() /
                   ("vigie-bench-fundus-" + std::to_string(::getpid()) + ".raw");
  {
    std::ofstream out(raw, std::ios::binary);
    out.write(reinterpret_cast<const char*>(prepared.data()),
              static_cast<std::streamsize>(prepared.size() * sizeof(float)));
  }
  char command[2048];
  std::snprintf(command, sizeof command, "%s %s '%s' '%s' %d %d %d %d 2>&1", VIGIE_PYTHON3,
                VIGIE_SOURCE_DIR "/inference/training/bench_fundus_baseline.py",
                bundle.value().weightsPath().c_str(), raw.c_str(), count, m.targetSize[1],
                m.targetSize[0], session.value()->device().cpuThreads);
  auto baseline = pythonBaselineSeconds(command, runs);
  std::error_code ec;
  std::filesystem::remove(raw, ec);
  if (!baseline.ok()) return fail(baseline.error().message);
  std::printf(
      "baseline (same TorchScript, Python loop, one photograph at a time): %.3f s, %.1f "
      "images/s\n",
      baseline.value(), count / baseline.value());
  std::printf("ratio: vigie is %.2fx the baseline's speed\n", baseline.value() / vigie);
  return 0;
}

}  // namespace

namespace {

/// The child side of bench infer (hidden command `bench infer-once MODEL RAW
/// IxJxK [THREADS WINDOWS | fixed-windows]`): a session on the bundle (THREADS
/// intra-op threads shared by WINDOWS batches in flight; default every core,
/// one; fixed-windows: the manifest's patch stepped by its overlap even where
/// the manifest fits windows to the volume),
/// then one heatmap of the int16 HU volume in RAW (x fastest, at the model's
/// spacing); prints "seconds S", the inference alone.
int inferOnce(const std::string& model, const std::string& raw, const std::string& size,
              int threads = 0, int parallelWindows = 1, bool fixedWindows = false) {
  core::VolumeGeometry g;
  if (std::sscanf(size.c_str(), "%zux%zux%zu", &g.size.i, &g.size.j, &g.size.k) != 3)
    return fail("bench infer-once: size '" + size + "' is not IxJxK");
  auto bundle = inference::ModelBundle::open(model);
  if (!bundle.ok()) return fail(bundle.error().message);
  const auto& m = bundle.value().manifest();
  g.spacing = {m.spacingMm[0], m.spacingMm[1], m.spacingMm[2]};
  core::CtVolume volume(g, 0);
  std::ifstream in(raw, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(volume.data()),
               static_cast<std::streamsize>(volume.voxelCount() * sizeof(std::int16_t))))
    return fail(raw + ": cannot read " + size + " int16 voxels");
  inference::SessionOptions options;
  options.cpuThreads = threads;
  options.parallelWindows = parallelWindows;
  options.fixedWindows = fixedWindows;
  auto session = inference::InferenceSession::create(bundle.value(), options);
  if (!session.ok()) return fail(session.error().message);
  const auto start = std::chrono::steady_clock::now();
  auto heatmap = session.value()->predictHeatmap(volume);
  if (!heatmap.ok()) return fail(heatmap.error().message);
  std::printf("seconds %.4f\n", secondsSince(start));
  return 0;
}

}  // namespace

/// How the cores are spent: `threads` intra-op threads shared by `windows`
/// batches in flight.
struct ThreadLayout {
  int threads;
  int windows;
};

/// The layouts worth comparing on `cores` cores: one thread (how well the
/// network's own threads scale), every core on one batch at a time (the
/// default), then the cores split over 2, 4, ... batches in flight.
std::vector<ThreadLayout> layoutsFor(int cores) {
  std::vector<ThreadLayout> layouts;
  if (cores > 1) layouts.push_back({1, 1});
  layouts.push_back({cores, 1});
  for (int windows = 2; windows <= cores; windows *= 2) layouts.push_back({cores, windows});
  return layouts;
}

/// bench infer --layouts: each layout in a fresh process on the same voxels,
/// against the default (every core on one batch at a time) in the same run.
int benchLayouts(const std::vector<std::string>& child, double voxels, long long runs, int cores) {
  std::printf("thread layouts on %d cores, each in a fresh process, median of %lld run(s):\n",
              cores, runs);
  std::printf("%-44s %10s %16s %12s %11s %12s %8s\n", "", "time", "speed", "minor faults", "kernel",
              "peak RSS", "ratio");
  const std::vector<ThreadLayout> layouts = layoutsFor(cores);
  std::vector<ChildRun> runsOf;
  double baseline = 0;
  for (const ThreadLayout& layout : layouts) {
    std::vector<std::string> argv = child;
    argv.push_back(std::to_string(layout.threads));
    argv.push_back(std::to_string(layout.windows));
    runsOf.push_back(medianChildRun(runs, argv));
    if (!runsOf.back().ok) return fail("bench infer --layouts failed: " + runsOf.back().output);
    if (layout.threads == cores && layout.windows == 1) baseline = runsOf.back().seconds;
  }
  for (std::size_t n = 0; n < layouts.size(); ++n) {
    const ThreadLayout& layout = layouts[n];
    const ChildRun& run = runsOf[n];
    const int each = std::max(1, layout.threads / layout.windows);
    char name[64];
    std::snprintf(name, sizeof name, "%d window%s at once x %d thread%s%s", layout.windows,
                  layout.windows > 1 ? "s" : "", each, each > 1 ? "s" : "",
                  layout.threads == cores && layout.windows == 1 ? " (default)" : "");
    std::printf("%-44s %8.2f s %7.2f Mvoxel/s %12ld %9.2f s %9.0f MB %7.2fx\n", name, run.seconds,
                voxels / run.seconds / 1e6, run.minorFaults, run.kernelSeconds, run.peakRssMb,
                baseline / run.seconds);
  }
  std::printf("ratio: the default layout's time over each layout's (above 1: faster)\n");
  return 0;
}

int runBenchInfer(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli bench infer [--smoke] [--model BUNDLE] [--fundus-model BUNDLE] [--runs "
      "N]\n"
      "                             [--only ct|fundus] [--layouts]\n"
      "Runs a CT model bundle (default: the reference nodule model) over a synthetic chest CT at\n"
      "the model's spacing (288x288x240 voxels, what a 512x512x300 CT at 0.7x0.7x1.0 mm becomes\n"
      "at 1.25 mm; 96^3 with --smoke) in fresh processes on the same voxels: Vigie; Vigie with\n"
      "its caching allocator on 4 KiB pages (VIGIE_CPU_ALLOCATOR=small-pages: what the huge\n"
      "pages save); Vigie with LibTorch's default CPU allocator (VIGIE_CPU_ALLOCATOR=system: what\n"
      "the caching allocator saves); and the same TorchScript file and sliding window as a plain\n"
      "Python loop over Debian's python3-torch (the baseline). Prints each one's seconds,\n"
      "voxels/s, minor page faults, kernel time and peak resident memory, and the ratios; all\n"
      "use every CPU core.\n"
      "A model whose manifest fits its windows to the volume (inference.window_context_voxels)\n"
      "is also run with its patch stepped by its overlap, the way it would run without that.\n"
      "Then the fundus model (default: the reference DR model) over 32 synthetic 768x768\n"
      "photographs (4 with --smoke): Vigie's batched 2D path\n"
      "against the same TorchScript file in a Python loop, in images/s.\n"
      "--layouts: the CT model only, over the cores spent in each way (one thread; every core\n"
      "on one batch of windows at a time, the default and the baseline; the cores split over\n"
      "2, 4, ... batches in flight: analyze --parallel-windows), each in a fresh process.\n";
  CommandLine cl(args, {"--model", "--fundus-model", "--runs", "--only"},
                 {"--smoke", "--layouts", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const bool smoke = cl.has("--smoke");
  const auto runs = cl.integer("--runs", 1);
  if (!runs || *runs < 1) return usage("--runs must be a positive integer", kUsage);
  const std::string only = cl.value("--only").value_or("");
  if (!only.empty() && only != "ct" && only != "fundus")
    return usage("--only takes ct or fundus", kUsage);
  const std::string fundusModel =
      cl.value("--fundus-model").value_or((modelsDirectory() / "fundus-dr").string());
  if (only == "fundus") return benchFundus(fundusModel, smoke, *runs);
  const std::string model =
      cl.value("--model").value_or((modelsDirectory() / "ct-nodule-synth").string());
  auto bundle = inference::ModelBundle::open(model);
  if (!bundle.ok()) return fail(bundle.error().message);
  const auto& m = bundle.value().manifest();
  // The children run the model; this process only needs to know the device.
  const inference::ComputeDevice device = inference::selectDevice();

  imaging::ChestCtPhantomOptions options;
  options.size = smoke ? core::VolumeSize{96, 96, 96} : core::VolumeSize{288, 288, 240};
  options.spacingMm = {m.spacingMm[0], m.spacingMm[1], m.spacingMm[2]};
  options.seed = 11;
  auto phantom = imaging::ChestCtPhantomGenerator(options).generate();
  if (!phantom.ok()) return fail(phantom.error().message);
  const core::CtVolume& volume = phantom.value().volume;
  const double voxels = static_cast<double>(volume.voxelCount());

  // Vigie and the Python baseline each run in a fresh process on the same
  // voxels (a raw file), so that page faults, kernel time and peak memory are
  // theirs alone and nothing warmed up by one helps the other.
  const auto raw = std::filesystem::temp_directory_path() /
                   ("vigie-bench-infer-" + std::to_string(::getpid()) + ".raw");
  {
    std::ofstream out(raw, std::ios::binary);
    out.write(reinterpret_cast<const char*>(volume.data()),
              static_cast<std::streamsize>(volume.voxelCount() * 2));
  }
  const std::string size = std::to_string(volume.size().i) + "x" + std::to_string(volume.size().j) +
                           "x" + std::to_string(volume.size().k);
  // This executable by its real path: the child is started through GNU time,
  // for which /proc/self/exe would be time itself.
  std::error_code ec;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  const std::vector<std::string> vigieChild = {self,  "bench",      "infer-once",
                                               model, raw.string(), size};
  if (cl.has("--layouts")) {
    const int exit = benchLayouts(vigieChild, voxels, *runs, device.cpuThreads);
    std::filesystem::remove(raw, ec);
    return exit;
  }
  const ChildRun vigie = medianChildRun(*runs, vigieChild);
  const ChildRun vigieSmallPages =
      medianChildRun(*runs, vigieChild, {"VIGIE_CPU_ALLOCATOR=small-pages"});
  const ChildRun vigieSystem = medianChildRun(*runs, vigieChild, {"VIGIE_CPU_ALLOCATOR=system"});
  // A manifest that fits its windows to the volume is also run the way it
  // would without that: the patch stepped by the overlap, as the Python
  // baseline does.
  const bool fitted = m.windowContextVoxels.has_value();
  std::vector<std::string> fixedChild = vigieChild;
  fixedChild.push_back("fixed-windows");
  const std::optional<ChildRun> vigieFixed =
      fitted ? std::optional<ChildRun>(medianChildRun(*runs, fixedChild)) : std::nullopt;
  char threads[16];
  std::snprintf(threads, sizeof threads, "%d", device.cpuThreads);
  char overlap[32], low[32], high[32];
  std::snprintf(overlap, sizeof overlap, "%g", m.overlap);
  std::snprintf(low, sizeof low, "%g", m.intensityWindowHu[0]);
  std::snprintf(high, sizeof high, "%g", m.intensityWindowHu[1]);
  const ChildRun python = medianChildRun(
      *runs, {VIGIE_PYTHON3, VIGIE_SOURCE_DIR "/inference/training/bench_infer_baseline.py",
              bundle.value().weightsPath().string(), raw.string(), std::to_string(volume.size().i),
              std::to_string(volume.size().j), std::to_string(volume.size().k),
              std::to_string(m.patchSize[0]), overlap, low, high, threads});
  std::filesystem::remove(raw, ec);
  for (const ChildRun* run : {&vigie, &vigieSmallPages, &vigieSystem, &python}) {
    if (!run->ok) return fail("bench infer failed: " + run->output);
  }
  if (vigieFixed && !vigieFixed->ok) return fail("bench infer failed: " + vigieFixed->output);
  std::printf(
      "model %s on %s (%d threads), volume %zux%zux%zu at %.3g mm, patch %d, overlap %.2f\n"
      "each side in a fresh process, median of %lld run(s):\n",
      m.id.c_str(), device.name.c_str(), device.cpuThreads, volume.size().i, volume.size().j,
      volume.size().k, m.spacingMm[0], m.patchSize[0], m.overlap, *runs);
  std::printf("%-44s %10s %16s %12s %11s %12s\n", "", "time", "speed", "minor faults", "kernel",
              "peak RSS");
  if (fitted) {
    std::printf("windows fitted to the volume (context %d voxels, at most %lld voxels each)\n",
                *m.windowContextVoxels, static_cast<long long>(m.windowMaxVoxels));
  }
  printCostRow(fitted ? "vigie (LibTorch, fitted windows)" : "vigie (LibTorch, batched windows)",
               vigie, voxels);
  printCostRow("vigie with its allocator on 4 KiB pages", vigieSmallPages, voxels);
  printCostRow("vigie with LibTorch's default CPU allocator", vigieSystem, voxels);
  if (vigieFixed) printCostRow("vigie with the patch stepped by the overlap", *vigieFixed, voxels);
  printCostRow("baseline (same TorchScript, Python loop)", python, voxels);
  std::printf(
      "ratio: vigie is %.2fx the baseline's speed (%.2fx on 4 KiB pages, %.2fx with the default "
      "allocator)\n",
      python.seconds / vigie.seconds, python.seconds / vigieSmallPages.seconds,
      python.seconds / vigieSystem.seconds);
  if (vigieFixed) {
    std::printf(
        "ratio: fitted windows are %.2fx the stepped patch's speed, at %.2fx its peak memory; "
        "the stepped patch is %.2fx the baseline's speed\n",
        vigieFixed->seconds / vigie.seconds, vigie.peakRssMb / vigieFixed->peakRssMb,
        python.seconds / vigieFixed->seconds);
  }
  return only == "ct" ? 0 : benchFundus(fundusModel, smoke, *runs);
}

/// `runs` fresh runs of a program that prints no time of its own: the one
/// with the median wall time; empty when a run failed.
std::optional<ChildRun> medianWallRun(long long runs, const std::vector<std::string>& argv) {
  std::vector<ChildRun> all;
  for (long long r = 0; r < runs; ++r) {
    all.push_back(runMeasured(argv));
    if (all.back().exitCode != 0) return std::nullopt;
  }
  std::sort(all.begin(), all.end(),
            [](const ChildRun& a, const ChildRun& b) { return a.wallSeconds < b.wallSeconds; });
  return all[all.size() / 2];
}

/// Converting the series to NIfTI in a fresh process each run: vigie-cli
/// (the executable a user calls) against dcm2niix, the usual converter, when
/// installed. Wall time, peak memory (as a multiple of the volume) and faults.
void benchConvert(const std::filesystem::path& dir, double volumeMb, long long runs) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path cli = self.parent_path() / "vigie-cli";
  const std::filesystem::path out = dir.string() + "-nifti";
  std::filesystem::create_directories(out, ec);
  auto row = [&](const char* name, const std::optional<ChildRun>& run) {
    if (!run) {
      std::printf("  %-40s failed\n", name);
      return;
    }
    std::printf("  %-40s %7.2f s %8.0f MB (%.2fx the volume) %9ld minor faults\n", name,
                run->wallSeconds, run->peakRssMb, run->peakRssMb / volumeMb, run->minorFaults);
  };
  std::printf("convert to NIfTI (.nii), fresh process each, median of %lld:\n", runs);
  const auto vigie =
      medianWallRun(runs, {cli.string(), "convert", dir.string(), (out / "vigie.nii").string()});
  row("vigie-cli convert", vigie);
  const std::filesystem::path dcm2niix = "/usr/bin/dcm2niix";
  if (!std::filesystem::exists(dcm2niix, ec)) {
    std::printf("  dcm2niix not installed (apt-get install dcm2niix): no baseline\n");
  } else {
    const auto baseline = medianWallRun(runs, {dcm2niix.string(), "-z", "n", "-b", "n", "-f",
                                               "dcm2niix", "-o", out.string(), dir.string()});
    row("baseline: dcm2niix -z n", baseline);
    if (vigie && baseline) {
      std::printf("ratio: vigie takes %.2fx dcm2niix's time and %.2fx its peak memory\n",
                  vigie->wallSeconds / baseline->wallSeconds,
                  vigie->peakRssMb / baseline->peakRssMb);
    }
  }
  std::filesystem::remove_all(out, ec);
}

/// Costs of several fresh runs taken together: wall time and faults add up,
/// the peak is the largest.
ChildRun addedUp(const std::vector<ChildRun>& runs) {
  ChildRun total;
  total.ok = true;
  total.wallSeconds = 0;
  for (const auto& r : runs) {
    total.ok = total.ok && r.exitCode == 0;
    total.wallSeconds += r.wallSeconds;
    total.minorFaults += r.minorFaults;
    total.kernelSeconds += r.kernelSeconds;
    total.peakRssMb = std::max(total.peakRssMb, r.peakRssMb);
    if (r.exitCode != 0) total.output = r.output;
  }
  return total;
}

/// One kind of input (photographs or CT studies) through one `vigie-cli
/// analyze` per item, as a script without batch would, then through `batch`
/// with 1 and with 2 jobs; each a fresh process.
bool benchBatchKind(const std::string& self, const std::string& model,
                    const std::vector<std::filesystem::path>& items,
                    const std::filesystem::path& input, const std::filesystem::path& work,
                    const char* unit, double perUnit) {
  std::vector<ChildRun> loop;
  for (std::size_t i = 0; i < items.size(); ++i)
    loop.push_back(runMeasured({self, "analyze", items[i].string(), "--model", model, "--out",
                                (work / "loop" / std::to_string(i)).string()}));
  struct Row {
    std::string name;
    ChildRun run;
  };
  std::vector<Row> rows = {{"one `vigie-cli analyze` per item (baseline)", addedUp(loop)}};
  for (int jobs : {1, 2}) {
    rows.push_back({"vigie-cli batch --jobs " + std::to_string(jobs),
                    runMeasured({self, "batch", "--input", input.string(), "--model", model,
                                 "--out", (work / ("jobs-" + std::to_string(jobs))).string(),
                                 "--jobs", std::to_string(jobs)})});
  }
  for (auto& row : rows) {
    row.run.ok = row.run.ok || row.run.exitCode == 0;
    if (!row.run.ok) {
      std::fprintf(stderr, "vigie-cli: bench batch: %s failed: %s\n", row.name.c_str(),
                   row.run.output.c_str());
      return false;
    }
  }
  const double n = static_cast<double>(items.size());
  std::printf("%-46s %9s %14s %13s %10s %10s\n", "", "wall", unit, "minor faults", "kernel",
              "peak RSS");
  for (const auto& row : rows)
    std::printf("%-46s %8.1f s %14.2f %13ld %8.1f s %7.0f MB\n", row.name.c_str(),
                row.run.wallSeconds, n / row.run.wallSeconds * perUnit, row.run.minorFaults,
                row.run.kernelSeconds, row.run.peakRssMb);
  std::printf("ratio: batch is %.2fx the baseline's throughput with 1 job, %.2fx with 2 jobs\n",
              rows[0].run.wallSeconds / rows[1].run.wallSeconds,
              rows[0].run.wallSeconds / rows[2].run.wallSeconds);
  return true;
}

int runBenchBatch(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli bench batch [--smoke] [--model BUNDLE] [--fundus-model BUNDLE]\n"
      "                             [--photographs N] [--studies N] [--keep DIR]\n"
      "Throughput of vigie-cli batch: N synthetic 768x768 fundus photographs, each as PNG,\n"
      "JPEG and DICOM (3N files; default N 16; 8 of 256x256 with --smoke) through the DR\n"
      "model, and N synthetic 512x512x160 CT\n"
      "studies (default 3; 2 of 128x128x64 with --smoke) through the CT model, each way in\n"
      "fresh processes: one vigie-cli analyze per item (the baseline: a script without\n"
      "batch), then batch with --jobs 1 and --jobs 2. Prints photographs per second and\n"
      "studies per hour, minor page faults, kernel time and peak memory.\n";
  CommandLine cl(args, {"--model", "--fundus-model", "--photographs", "--studies", "--keep"},
                 {"--smoke", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const bool smoke = cl.has("--smoke");
  const auto photographs = cl.integer("--photographs", smoke ? 8 : 16);
  const auto studies = cl.integer("--studies", smoke ? 2 : 3);
  if (!photographs || !studies || *photographs < 1 || *studies < 1)
    return usage("--photographs and --studies take a positive number", kUsage);
  const std::string ctModel =
      cl.value("--model").value_or((modelsDirectory() / "ct-nodule-synth").string());
  const std::string fundusModel =
      cl.value("--fundus-model").value_or((modelsDirectory() / "fundus-dr").string());
  const std::filesystem::path dir = cl.value("--keep").value_or(
      (std::filesystem::temp_directory_path() / ("vigie-bench-batch-" + std::to_string(::getpid())))
          .string());
  std::error_code ec;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();

  const auto photos = dir / "photographs";
  const auto made =
      runMeasured({self, "synth", "fundus", "--out", photos.string(), "--count",
                   std::to_string(*photographs), "--seed", "40", "--size", smoke ? "256" : "768"});
  if (made.exitCode != 0) return fail("bench batch: " + made.output);
  const auto photoFiles = imaging::listPhotographs(photos);
  std::printf("bench batch: %zu fundus photographs (%s px), model %s, %u cores\n",
              photoFiles.size(), smoke ? "256" : "768", fundusModel.c_str(),
              std::thread::hardware_concurrency());
  if (!benchBatchKind(self, fundusModel, photoFiles, photos, dir / "fundus-results",
                      "photographs/s", 1.0))
    return 1;

  const auto cts = dir / "ct";
  const auto madeCt =
      runMeasured({self, "synth", "ct", "--out", cts.string(), "--count", std::to_string(*studies),
                   "--seed", "50", "--size", smoke ? "128x128x64" : "512x512x160", "--spacing",
                   smoke ? "2.5x2.5x2.5" : "0.7x0.7x1.25"});
  if (madeCt.exitCode != 0) return fail("bench batch: " + madeCt.output);
  std::vector<std::filesystem::path> studyFolders;
  for (const auto& entry : std::filesystem::directory_iterator(cts, ec))
    if (entry.is_directory()) studyFolders.push_back(entry.path());
  std::sort(studyFolders.begin(), studyFolders.end());
  std::printf("\n%zu CT studies (%s), model %s\n", studyFolders.size(),
              smoke ? "128x128x64" : "512x512x160 at 0.7x0.7x1.25 mm", ctModel.c_str());
  if (!benchBatchKind(self, ctModel, studyFolders, cts, dir / "ct-results", "studies/hour", 3600.0))
    return 1;
  if (!cl.value("--keep")) std::filesystem::remove_all(dir, ec);
  return 0;
}

namespace {

/// One program's row of bench startup: `review decide` in it, fresh each run.
struct StartupRow {
  const char* program;
  const char* what;
  std::optional<ChildRun> run;
};

}  // namespace

/// vigie-cli review decide, one decision written to a store, in a fresh
/// process each run: in vigie-cli (the store's program), against the same
/// command in vigie-cli-imaging (what vigie-cli was before it was split) and
/// in vigie-cli-full (the single program before that).
int runBenchStartup(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli bench startup [--smoke] [--runs N]\n"
      "Times vigie-cli review decide (one decision written to a new store) in a fresh process\n"
      "each run, median of N (default 21; 5 with --smoke): in vigie-cli, the program of the\n"
      "store's commands, against two baselines in the same run, the same command in\n"
      "vigie-cli-imaging (the imaging toolkits loaded: what vigie-cli was before) and in\n"
      "vigie-cli-full (LibTorch loaded too); with each one's minor page faults and peak\n"
      "memory. The goal: under 100 ms in vigie-cli.\n";
  CommandLine cl(args, {"--runs"}, {"--smoke", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (!cl.positional().empty()) return usage("bench startup takes no arguments", kUsage);
  const auto runs = cl.integer("--runs", cl.has("--smoke") ? 5 : 21);
  if (!runs || *runs < 1) return usage("--runs must be a positive integer", kUsage);
  const std::filesystem::path work = std::filesystem::temp_directory_path() /
                                     ("vigie-bench-startup-" + std::to_string(::getpid()));
  std::error_code ec;
  std::filesystem::create_directories(work, ec);
  std::vector<StartupRow> rows = {
      {"vigie-cli", "the store's program", std::nullopt},
      {"vigie-cli-imaging", "baseline: imaging toolkits loaded", std::nullopt},
      {"vigie-cli-full", "baseline: LibTorch loaded too", std::nullopt}};
  for (auto& row : rows) {
    const std::filesystem::path program = companionExecutable(row.program);
    const std::string store = (work / (std::string(row.program) + ".sqlite")).string();
    row.run = medianWallRun(*runs, {program.string(), "review", "decide", "--store", store,
                                    "--study", "1.2.826.0.1.3680043.10.1071.1", "--finding", "1",
                                    "--decision", "confirm", "--reader", "bench"});
    if (!row.run) {
      std::filesystem::remove_all(work, ec);
      return fail(std::string("bench startup: ") + row.program + " review decide failed");
    }
  }
  std::filesystem::remove_all(work, ec);
  std::printf("review decide, fresh process each, median of %lld:\n", *runs);
  std::printf("  %-20s %-36s %9s %13s %10s\n", "program", "", "wall", "minor faults", "peak RSS");
  for (const auto& row : rows)
    std::printf("  %-20s %-36s %6.0f ms %13ld %7.0f MB\n", row.program, row.what,
                row.run->wallSeconds * 1e3, row.run->minorFaults, row.run->peakRssMb);
  const double store = rows[0].run->wallSeconds;
  std::printf(
      "ratio: vigie-cli is %.1fx faster than vigie-cli-imaging, %.1fx than vigie-cli-full\n",
      rows[1].run->wallSeconds / store, rows[2].run->wallSeconds / store);
  std::printf("goal: under 100 ms in vigie-cli: %s (%.0f ms)\n", store < 0.1 ? "met" : "not met",
              store * 1e3);
  return 0;
}

int runBench(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "infer") return runBenchInfer({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "batch") return runBenchBatch({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "startup") return runBenchStartup({args.begin() + 1, args.end()});
  if (args.size() == 3 && args[0] == "memory") return measureLoaderMemory(args[1], args[2]);
  if (args.size() == 4 && args[0] == "infer-once") return inferOnce(args[1], args[2], args[3]);
  if (args.size() == 5 && args[0] == "infer-once" && args[4] == "fixed-windows")
    return inferOnce(args[1], args[2], args[3], 0, 1, true);
  if (args.size() == 6 && args[0] == "infer-once")
    return inferOnce(args[1], args[2], args[3], std::atoi(args[4].c_str()),
                     std::atoi(args[5].c_str()));
  constexpr const char* kUsage =
      "usage: vigie-cli bench load [--smoke] [--runs N] [--keep DIR]\n"
      "       vigie-cli bench infer --help\n"
      "       vigie-cli bench batch --help\n"
      "       vigie-cli bench startup --help\n"
      "Generates a 400-slice 512x512 CT series (64 slices of 256x256 with --smoke) and measures\n"
      "scan + load into a HU volume against two baselines in the same run: reading the files'\n"
      "bytes, and ITK's ImageSeriesReader + GDCMImageIO (the usual C++ way); median of N runs\n"
      "(default 5; 3 with --smoke), warm page cache. Also the time until the first slice is\n"
      "decoded and the peak memory each loader adds (each measured in a fresh process), and\n"
      "vigie-cli convert to NIfTI against dcm2niix (fresh processes: time, peak memory, faults).\n";
  CommandLine cl(args, {"--runs", "--keep"}, {"--smoke", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1 || cl.positional()[0] != "load")
    return usage("bench needs 'load' or 'infer'", kUsage);
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
  const double vigie =
      medianSeconds(static_cast<int>(*runs), [&] { return scanAndLoad(dir, failure); });
  if (vigie < 0) return fail("bench load failed: " + failure);

  // Time until the first slice is decoded: what the GUI could show at once.
  const double firstSlice = medianSeconds(static_cast<int>(*runs), [&] {
    const auto start = std::chrono::steady_clock::now();
    double first = -1;
    auto scan = imaging::DicomScanner().scan(dir);
    if (!scan.ok() || scan.value().series.empty()) return false;
    std::atomic<bool> stop{false};
    auto loaded = imaging::CtVolumeLoader().load(
        scan.value().series.front(),
        [&](std::size_t done, std::size_t) {
          if (done >= 1 && first < 0) {
            first = secondsSince(start);
            stop = true;  // the rest is not needed for this measurement
          }
        },
        &stop);
    (void)loaded;  // cancelled on purpose after the first slice
    return first >= 0;
  });

  // The usual C++ way, in the same run: ITK's series reader with GDCM.
  const double itk = medianSeconds(static_cast<int>(*runs), [&] {
    auto volume = imaging::readSeriesWithItkGdcm(files.value());
    if (!volume.ok()) failure = volume.error().message;
    return volume.ok();
  });
  if (itk < 0) return fail("bench load (ITK/GDCM baseline) failed: " + failure);

  const double vigieMemory = peakMemoryMb(dir, "vigie");
  const double itkMemory = peakMemoryMb(dir, "itk");

  // The same slices as JPEG-LS Lossless, as many PACS store CT: both loaders
  // again. Beside the series, not inside it (same UIDs: one scan would see both).
  const std::filesystem::path jlsDir = dir.string() + "-jpeg-ls";
  auto jls = imaging::transcodeLossless(files.value(), jlsDir, imaging::LosslessSyntax::JpegLs);
  if (!jls.ok()) return fail(jls.error().message);
  std::size_t jlsBytes = 0;
  readAllBytes(jls.value(), jlsBytes);  // warm the page cache
  const double vigieJls =
      medianSeconds(static_cast<int>(*runs), [&] { return scanAndLoad(jlsDir, failure); });
  if (vigieJls < 0) return fail("bench load (JPEG-LS) failed: " + failure);
  const double itkJls = medianSeconds(static_cast<int>(*runs), [&] {
    auto volume = imaging::readSeriesWithItkGdcm(jls.value());
    if (!volume.ok()) failure = volume.error().message;
    return volume.ok();
  });
  if (itkJls < 0) return fail("bench load (JPEG-LS, ITK/GDCM) failed: " + failure);

  std::printf("series: %zu files, %.1f MB on disk, volume %.1f MB\n", files.value().size(),
              bytes / 1e6, volumeMb);
  std::printf("baseline (read file bytes, like cat): %.3f s median of %lld\n", baseline, *runs);
  std::printf(
      "baseline (ITK ImageSeriesReader + GDCMImageIO): %.3f s median of %lld, peak memory "
      "+%.0f MB (%.2fx the volume)\n",
      itk, *runs, itkMemory, itkMemory / volumeMb);
  std::printf(
      "vigie (scan + decode + HU volume): %.3f s median of %lld, peak memory +%.0f "
      "MB (%.2fx the volume)\n",
      vigie, *runs, vigieMemory, vigieMemory / volumeMb);
  std::printf("vigie first slice ready after %.3f s (scan included)\n", firstSlice);
  std::printf(
      "ratio: vigie is %.1fx faster than ITK/GDCM; %.1fx the time of reading the bytes; "
      "%.0f slices/s\n",
      itk / vigie, vigie / std::max(baseline, 1e-9), options.size.k / vigie);
  std::printf(
      "JPEG-LS Lossless series (%.1f MB on disk, %.2fx smaller): vigie %.3f s, ITK/GDCM %.3f s "
      "(median of %lld); vigie is %.1fx faster\n",
      jlsBytes / 1e6, double(bytes) / std::max<double>(1.0, double(jlsBytes)), vigieJls, itkJls,
      *runs, itkJls / vigieJls);
  benchConvert(dir, volumeMb, *runs);
  std::error_code ec;
  std::filesystem::remove_all(jlsDir, ec);
  if (!cl.has("--keep")) std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace vigie::app::cli
