// vigie-cli: the headless face of Vigie, for scripts, tests and servers.
//
// Built three times from this table, each program a step up in what it
// loads (VIGIE_CLI_TIER): vigie-cli has the review store's commands only
// (review, worklist, audit: SQLite, no imaging toolkit); vigie-cli-imaging
// adds reading, converting, de-identifying and the network (DCMTK, ITK,
// OpenCV, libcurl); vigie-cli-full adds the commands that run a model
// (LibTorch). A program replaces itself (exec) by the one a command needs,
// so that each command starts in the smallest process that can run it.
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
#if VIGIE_CLI_TIER >= 2
#include "vigie/inference/ComputeDevice.h"
#endif

namespace {

namespace cli = vigie::app::cli;

/// What a command needs loaded, in the order the programs add it.
enum class Needs { Store = 0, Imaging = 1, Models = 2 };

#if VIGIE_CLI_TIER >= 1
#define VIGIE_IMAGING_COMMAND(function) function
#else
#define VIGIE_IMAGING_COMMAND(function) nullptr
#endif

#if VIGIE_CLI_TIER >= 2
int printVersion(const std::vector<std::string>&) {
  const auto runtime = vigie::inference::queryRuntime();
  std::printf("vigie-cli %s\nLibTorch %s, CUDA %s (%d devices), %d CPU threads\n", VIGIE_VERSION,
              runtime.torchVersion.c_str(), runtime.cudaAvailable ? "available" : "not available",
              runtime.cudaDeviceCount, runtime.cpuThreads);
  std::printf("Models: %s\n", vigie::app::modelsDirectory().c_str());
  return 0;
}
#define VIGIE_MODEL_COMMAND(function) function
#else
#define VIGIE_MODEL_COMMAND(function) nullptr
#endif

/// Every command once: its name, what it needs, what runs it (null when this
/// program does not have it: main() execs the one that does), and its lines
/// of the help.
struct Command {
  const char* name;
  Needs needs;
  int (*run)(const std::vector<std::string>& args);
  const char* usage;  ///< how it is called, as the help shows it
  const char* what;   ///< what it does, in a line
};

const Command kCommands[] = {
    {"synth", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runSynth), "synth ct|fundus --out DIR",
     "write deterministic synthetic studies with ground truth"},
    {"demo", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runDemo), "demo --out DIR",
     "write the demo study (a chest CT and fundus photographs)"},
    {"info", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runInfo), "info PATH [--json]",
     "list the DICOM series under PATH, with geometry and problems"},
    {"convert", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runConvert), "convert PATH OUT",
     "a CT series as NIfTI (.nii, .nii.gz) or one slice as PNG"},
    {"decode", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runDecode), "decode FILE OUT.raw",
     "one DICOM file's decoded pixel data, raw, with a JSON header"},
    {"analyze", Needs::Models, VIGIE_MODEL_COMMAND(cli::runAnalyze),
     "analyze PATH --out DIR [--model BUNDLE|ID]",
     "run a model: findings.json and the heatmap (CT or fundus)"},
    {"bundle", Needs::Models, VIGIE_MODEL_COMMAND(cli::runBundle), "bundle info|create|import",
     "inspect, package or import (MONAI) a model bundle"},
    {"eval", Needs::Models, VIGIE_MODEL_COMMAND(cli::runEval),
     "eval nodules|dr --data DIR --out DIR [--model BUNDLE|ID]",
     "FROC of a CT model; AUC, kappa, gradability of a DR model"},
    {"batch", Needs::Models, VIGIE_MODEL_COMMAND(cli::runBatch),
     "batch --input DIR --model BUNDLE --out DIR | batch merge",
     "a model over many studies or photographs: resumable, shardable (Slurm)"},
    {"review", Needs::Store, cli::runReview,
     "review decide|add|grade|list|export|stats|case|import-sr",
     "record and read reader decisions; readers' statistics"},
    {"worklist", Needs::Store, cli::runWorklist,
     "worklist [list|add|assign|state|priority|next|history|policy]",
     "the reading list in AI triage order; assignment and reading states"},
    {"export", Needs::Models, VIGIE_MODEL_COMMAND(cli::runExport), "export PATH --out DIR",
     "a reviewed study as DICOM: TID 1500 SR and nodule SEG"},
    {"teach", Needs::Models, VIGIE_MODEL_COMMAND(cli::runTeach),
     "teach export --study UID --out DIR",
     "a case as a de-identified teaching file: DICOM, key images, HTML, PDF"},
    {"pacs", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runPacs),
     "pacs echo|find|get|move|store --node N",
     "query a PACS, retrieve from it, send to it (DICOM DIMSE)"},
    {"listen", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runListen),
     "listen --out DIR --allow AET", "a storage SCP: receive what a PACS or modality sends"},
    {"deid", Needs::Imaging, VIGIE_IMAGING_COMMAND(cli::runDeid), "deid IN OUT",
     "de-identify DICOM files (PS3.15 Annex E basic profile)"},
    {"audit", Needs::Store, cli::runAudit, "audit verify",
     "check the review store's hash-chained audit log"},
    {"bench", Needs::Models, VIGIE_MODEL_COMMAND(cli::runBench),
     "bench load|infer|batch|startup [--smoke]",
     "measure loading, inference, batch throughput or start-up against a baseline"},
    {"version", Needs::Models, VIGIE_MODEL_COMMAND(printVersion), "version",
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

/// Replaces this process with the program that has what `needs` names
/// (beside this executable in the build tree, in libexec/vigie/ when
/// installed), with the same arguments; returns only when that fails.
int runInProgramFor(Needs needs, char** argv) {
  const std::filesystem::path program = vigie::app::companionExecutable(
      needs == Needs::Models ? "vigie-cli-full" : "vigie-cli-imaging");
  argv[0] = const_cast<char*>(program.c_str());
  ::execv(program.c_str(), argv);
  std::cerr << "vigie-cli: '" << argv[1] << "' needs " << program.string() << ": "
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
    if (command != c.name) continue;
    if (!c.run) return runInProgramFor(c.needs, argv);
    const int exit = c.run(args);
    return exit == cli::kHandToImagingProgram ? runInProgramFor(Needs::Imaging, argv) : exit;
  }
  std::cerr << "vigie-cli: unknown command '" << command << "'\n\n";
  printHelp(std::cerr);
  return 2;
}
