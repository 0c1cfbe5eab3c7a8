// vigie-cli synth ct|fundus, and vigie-cli demo.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "CliCommands.h"
#include "CliSupport.h"
#include "CommandLine.h"
#include "vigie/core/SeededRandom.h"
#include "vigie/imaging/synthetic/SyntheticStudyWriter.h"

namespace vigie::app::cli {
namespace {

constexpr const char* kSynthUsage =
    "usage: vigie-cli synth ct --out DIR [--seed N] [--count N] [--size IxJxK] [--spacing XxYxZ]\n"
    "                          [--nodules N] [--format dicom|nifti]\n"
    "       vigie-cli synth fundus --out DIR [--seed N] [--count N] [--size PIXELS]\n"
    "\n"
    "Writes deterministic synthetic studies (synthetic, not for clinical use).\n"
    "  ct      chest CT cases DIR/case_000, DIR/case_001, ...: a DICOM CT series (or ct.nii.gz\n"
    "          with --format nifti) and truth.json each\n"
    "          (defaults: 512x512x300 voxels at 0.7x0.7x1.0 mm, 3-8 nodules of 3-30 mm)\n"
    "  fundus  colour fundus photographs in DIR (PNG, JPEG, DICOM OP, lesion masks) and "
    "truth.json\n"
    "          (default 768 pixels square)\n";

bool parseTriple(const std::string& text, double out[3]) {
  char x1 = 0, x2 = 0;
  char tail = 0;
  return std::sscanf(text.c_str(), "%lf%c%lf%c%lf%c", &out[0], &x1, &out[1], &x2, &out[2], &tail) ==
             5 &&
         (x1 == 'x' || x1 == 'X') && (x2 == 'x' || x2 == 'X');
}

int writeCtCases(const imaging::ChestCtPhantomOptions& base, int count,
                 const std::filesystem::path& out, imaging::CtCaseFormat format) {
  for (int n = 0; n < count; ++n) {
    imaging::ChestCtPhantomOptions options = base;
    // Case 0 uses the seed itself, so "--seed N --count 1" is the same as case 0 of any count.
    options.seed = n == 0 ? base.seed : core::SeededRandom::derive(base.seed, n).nextU64();
    char name[32];
    std::snprintf(name, sizeof name, "case_%03d", n);
    const auto start = std::chrono::steady_clock::now();
    auto written = imaging::writeSyntheticCtCase(options, out / name, format);
    if (!written.ok()) return fail(written.error().message);
    std::printf("%s: %zu slices, %zu nodules, %.1f s\n", (out / name).string().c_str(),
                options.size.k, written.value().size(), secondsSince(start));
  }
  return 0;
}

}  // namespace

int runSynth(const std::vector<std::string>& args) {
  CommandLine cl(args,
                 {"--out", "--seed", "--count", "--size", "--spacing", "--nodules", "--format"},
                 {"--help"});
  if (auto exit = helpOrUsageError(cl, kSynthUsage)) return *exit;
  if (cl.positional().size() != 1) return usage("synth needs 'ct' or 'fundus'", kSynthUsage);
  const std::string kind = cl.positional()[0];
  const auto out = cl.value("--out");
  if (!out) return usage("synth needs --out DIR", kSynthUsage);
  const auto seed = cl.integer("--seed", 1);
  const auto count = cl.integer("--count", 1);
  if (!seed || !count) return usage(cl.error(), kSynthUsage);
  if (*count < 1 || *count > 10000) return usage("--count must be 1 to 10000", kSynthUsage);

  if (kind == "ct") {
    imaging::ChestCtPhantomOptions options;
    options.seed = static_cast<std::uint64_t>(*seed);
    if (auto size = cl.value("--size")) {
      double v[3];
      if (!parseTriple(*size, v) || v[0] < 1 || v[1] < 1 || v[2] < 1) {
        return usage("--size expects IxJxK, e.g. 512x512x300", kSynthUsage);
      }
      options.size = {static_cast<std::size_t>(v[0]), static_cast<std::size_t>(v[1]),
                      static_cast<std::size_t>(v[2])};
    }
    if (auto spacing = cl.value("--spacing")) {
      double v[3];
      if (!parseTriple(*spacing, v))
        return usage("--spacing expects XxYxZ in mm, e.g. 0.7x0.7x1.0", kSynthUsage);
      options.spacingMm = {v[0], v[1], v[2]};
    }
    const auto nodules = cl.integer("--nodules", -1);
    if (!nodules) return usage(cl.error(), kSynthUsage);
    options.noduleCount = static_cast<int>(*nodules);
    const std::string format = cl.value("--format").value_or("dicom");
    if (format != "dicom" && format != "nifti")
      return usage("--format must be dicom or nifti", kSynthUsage);
    return writeCtCases(
        options, static_cast<int>(*count), *out,
        format == "nifti" ? imaging::CtCaseFormat::Nifti : imaging::CtCaseFormat::Dicom);
  }
  if (kind == "fundus") {
    imaging::FundusSetOptions options;
    options.seed = static_cast<std::uint64_t>(*seed);
    options.count = static_cast<int>(*count);
    const auto size = cl.integer("--size", 768);
    if (!size) return usage(cl.error(), kSynthUsage);
    options.sizePx = static_cast<int>(*size);
    const auto start = std::chrono::steady_clock::now();
    auto written = imaging::writeSyntheticFundusSet(options, *out);
    if (!written.ok()) return fail(written.error().message);
    std::printf("%s: %d fundus photographs, %.1f s\n", out->c_str(), options.count,
                secondsSince(start));
    return 0;
  }
  return usage("unknown synth kind '" + kind + "' (expected ct or fundus)", kSynthUsage);
}

int runDemo(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli demo --out DIR [--small]\n"
      "Writes the demo study: DIR/ct (a 512x512x300 synthetic chest CT, or 192x192x96 with "
      "--small)\n"
      "and DIR/fundus (6 synthetic fundus photographs). Synthetic, not for clinical use.\n";
  CommandLine cl(args, {"--out"}, {"--small", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  const auto out = cl.value("--out");
  if (!out) return usage("demo needs --out DIR", kUsage);
  const std::filesystem::path root(*out);

  imaging::ChestCtPhantomOptions ct;
  ct.seed = 2026;
  ct.noduleCount = 6;
  if (cl.has("--small")) {
    ct.size = {192, 192, 96};
    ct.spacingMm = {1.875, 1.875, 3.0};
  }
  const auto start = std::chrono::steady_clock::now();
  auto nodules = imaging::writeSyntheticCtCase(ct, root / "ct");
  if (!nodules.ok()) return fail(nodules.error().message);
  imaging::FundusSetOptions fundus;
  fundus.seed = 2026;
  fundus.count = 6;
  auto photos = imaging::writeSyntheticFundusSet(fundus, root / "fundus");
  if (!photos.ok()) return fail(photos.error().message);
  std::printf("demo study in %s: CT %zux%zux%zu with %zu nodules, %d fundus photographs (%.1f s)\n",
              root.string().c_str(), ct.size.i, ct.size.j, ct.size.k, nodules.value().size(),
              fundus.count, secondsSince(start));
  return 0;
}

}  // namespace vigie::app::cli
