// vigie-cli: the headless face of Vigie, for scripts, tests and servers.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "CliCommands.h"
#include "vigie/inference/ComputeDevice.h"

namespace {

constexpr const char* kHelp =
    "usage: vigie-cli COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  synth ct|fundus --out DIR   write deterministic synthetic studies with ground truth\n"
    "  demo --out DIR              write the demo study (a chest CT and fundus photographs)\n"
    "  info PATH [--json]          list the DICOM series under PATH, with geometry and problems\n"
    "  convert PATH OUT            a CT series as NIfTI (.nii, .nii.gz) or one slice as PNG\n"
    "  decode FILE OUT.raw         one DICOM file's decoded pixel data, raw, with a JSON header\n"
    "  analyze PATH --model BUNDLE --out DIR\n"
    "                              run a model: findings.json and the heatmap (CT or fundus)\n"
    "  bundle info|create          inspect or package a model bundle\n"
    "  eval nodules --data DIR --model BUNDLE --out DIR\n"
    "                              FROC of a CT model on cases with ground truth\n"
    "  eval dr --data DIR --model BUNDLE --out DIR\n"
    "                              AUC, kappa, gradability of a DR model on photographs\n"
    "  review decide|add|grade|list|export\n"
    "                              record and read reader decisions (the review store)\n"
    "  export PATH --out DIR       a reviewed study as DICOM: TID 1500 SR and nodule SEG\n"
    "  deid IN OUT                 de-identify DICOM files (PS3.15 Annex E basic profile)\n"
    "  audit verify                check the review store's hash-chained audit log\n"
    "  bench load|infer [--smoke]  measure CT loading or model inference against a baseline\n"
    "  version                     print the version and the inference runtime\n"
    "\n"
    "Run 'vigie-cli COMMAND --help' for a command's options.\n"
    "Synthetic data and models are not for clinical use.\n";

int printVersion() {
  const auto runtime = vigie::inference::queryRuntime();
  std::printf("vigie-cli %s\nLibTorch %s, CUDA %s (%d devices), %d CPU threads\n", VIGIE_VERSION,
              runtime.torchVersion.c_str(), runtime.cudaAvailable ? "available" : "not available",
              runtime.cudaDeviceCount, runtime.cpuThreads);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines appear at once, also in logs
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kHelp;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  namespace cli = vigie::app::cli;
  if (command == "synth") return cli::runSynth(args);
  if (command == "demo") return cli::runDemo(args);
  if (command == "info") return cli::runInfo(args);
  if (command == "convert") return cli::runConvert(args);
  if (command == "decode") return cli::runDecode(args);
  if (command == "bench") return cli::runBench(args);
  if (command == "analyze") return cli::runAnalyze(args);
  if (command == "bundle") return cli::runBundle(args);
  if (command == "eval") return cli::runEval(args);
  if (command == "review") return cli::runReview(args);
  if (command == "audit") return cli::runAudit(args);
  if (command == "export") return cli::runExport(args);
  if (command == "deid") return cli::runDeid(args);
  if (command == "version" || command == "--version") return printVersion();
  std::cerr << "vigie-cli: unknown command '" << command << "'\n\n" << kHelp;
  return 2;
}
