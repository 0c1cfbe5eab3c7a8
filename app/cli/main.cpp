// vigie-cli: the headless face of Vigie, for scripts, tests and servers.
//
// Built twice from this table: vigie-cli-full has every command; vigie-cli
// links no LibTorch and hands the commands that run a model to
// vigie-cli-full by exec, so that reading, converting and de-identifying
// start in a small process.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "../workflows/InstallLayout.h"
#include "CliCommands.h"
#if VIGIE_CLI_WITH_MODELS
#include "vigie/inference/ComputeDevice.h"
#endif

namespace {

namespace cli = vigie::app::cli;

#if VIGIE_CLI_WITH_MODELS
int printVersion(const std::vector<std::string>&) {
  const auto runtime = vigie::inference::queryRuntime();
  std::printf("vigie-cli %s\nLibTorch %s, CUDA %s (%d devices), %d CPU threads\n", VIGIE_VERSION,
              runtime.torchVersion.c_str(), runtime.cudaAvailable ? "available" : "not available",
              runtime.cudaDeviceCount, runtime.cpuThreads);
  std::printf("Models: %s\n", vigie::app::modelsDirectory().c_str());
  return 0;
}
// A command that needs the inference runtime: run here.
#define VIGIE_MODEL_COMMAND(function) function
#else
// Not linked into this executable: main() execs vigie-cli-full for it.
#define VIGIE_MODEL_COMMAND(function) nullptr
#endif

/// Every command once: its name, what runs it, and its lines of the help.
struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>& args);  ///< null: in vigie-cli-full
  const char* usage;                                 ///< how it is called, as the help shows it
  const char* what;                                  ///< what it does, in a line
};

const Command kCommands[] = {
    {"synth", cli::runSynth, "synth ct|fundus --out DIR",
     "write deterministic synthetic studies with ground truth"},
    {"demo", cli::runDemo, "demo --out DIR",
     "write the demo study (a chest CT and fundus photographs)"},
    {"info", cli::runInfo, "info PATH [--json]",
     "list the DICOM series under PATH, with geometry and problems"},
    {"convert", cli::runConvert, "convert PATH OUT",
     "a CT series as NIfTI (.nii, .nii.gz) or one slice as PNG"},
    {"decode", cli::runDecode, "decode FILE OUT.raw",
     "one DICOM file's decoded pixel data, raw, with a JSON header"},
    {"analyze", VIGIE_MODEL_COMMAND(cli::runAnalyze), "analyze PATH --model BUNDLE --out DIR",
     "run a model: findings.json and the heatmap (CT or fundus)"},
    {"bundle", VIGIE_MODEL_COMMAND(cli::runBundle), "bundle info|create|import",
     "inspect, package or import (MONAI) a model bundle"},
    {"eval", VIGIE_MODEL_COMMAND(cli::runEval),
     "eval nodules|dr --data DIR --model BUNDLE --out DIR",
     "FROC of a CT model; AUC, kappa, gradability of a DR model"},
    {"batch", VIGIE_MODEL_COMMAND(cli::runBatch),
     "batch --input DIR --model BUNDLE --out DIR | batch merge",
     "a model over many studies or photographs: resumable, shardable (Slurm)"},
    {"review", cli::runReview, "review decide|add|grade|list|export|stats|case|import-sr",
     "record and read reader decisions; readers' statistics"},
    {"worklist", cli::runWorklist, "worklist [list|add|assign|state|next]",
     "the reading list in AI triage order; assignment and reading states"},
    {"export", VIGIE_MODEL_COMMAND(cli::runExport), "export PATH --out DIR",
     "a reviewed study as DICOM: TID 1500 SR and nodule SEG"},
    {"teach", VIGIE_MODEL_COMMAND(cli::runTeach), "teach export --study UID --out DIR",
     "a case as a de-identified teaching file: DICOM, key images, HTML, PDF"},
    {"pacs", cli::runPacs, "pacs echo|find|get|move|store --node N",
     "query a PACS, retrieve from it, send to it (DICOM DIMSE)"},
    {"listen", cli::runListen, "listen --out DIR --allow AET",
     "a storage SCP: receive what a PACS or modality sends"},
    {"deid", cli::runDeid, "deid IN OUT", "de-identify DICOM files (PS3.15 Annex E basic profile)"},
    {"audit", cli::runAudit, "audit verify", "check the review store's hash-chained audit log"},
    {"bench", VIGIE_MODEL_COMMAND(cli::runBench), "bench load|infer|batch [--smoke]",
     "measure CT loading, model inference or batch throughput against a baseline"},
    {"version", VIGIE_MODEL_COMMAND(printVersion), "version",
     "print the version, the inference runtime and where the models are"},
};

void printHelp(std::ostream& out) {
  out << "usage: vigie-cli COMMAND [ARGS]\n\nCommands:\n";
  constexpr std::size_t kColumn = 30;  // where the descriptions start
  for (const Command& c : kCommands) {
    const std::string usage = c.usage;
    if (usage.size() + 4 <= kColumn) {  // two spaces before the description
      out << "  " << usage << std::string(kColumn - 2 - usage.size(), ' ') << c.what << "\n";
    } else {
      out << "  " << usage << "\n" << std::string(kColumn, ' ') << c.what << "\n";
    }
  }
  out << "\nRun 'vigie-cli COMMAND --help' for a command's options.\n"
         "Synthetic data and models are not for clinical use.\n";
}

/// Replaces this process with vigie-cli-full (beside this executable in the
/// build tree, in libexec/vigie/ when installed), with the same arguments;
/// returns only when that fails.
int runInFullExecutable(char** argv) {
  const std::filesystem::path full = vigie::app::companionExecutable("vigie-cli-full");
  argv[0] = const_cast<char*>(full.c_str());
  ::execv(full.c_str(), argv);
  std::cerr << "vigie-cli: '" << argv[1] << "' runs models and needs " << full.string() << ": "
            << std::strerror(errno) << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines appear at once, also in logs
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    printHelp(std::cout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1] == std::string("--version") ? "version" : argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const Command& c : kCommands) {
    if (command == c.name) return c.run ? c.run(args) : runInFullExecutable(argv);
  }
  std::cerr << "vigie-cli: unknown command '" << command << "'\n\n";
  printHelp(std::cerr);
  return 2;
}
