#pragma once

#include <string>
#include <vector>

namespace vigie::inference {
class InferenceSession;
}

namespace vigie::app::cli {

/// Each command takes the arguments after its name and returns the process
/// exit code: 0 success, 1 failure (message on stderr), 2 usage error.
///
/// Or, in the store's program (vigie-cli), kHandToImagingProgram, before
/// doing anything, for a request that needs the imaging toolkits (worklist
/// add scans folders; review stats, case and import-sr read references):
/// main() then execs vigie-cli-imaging with the same arguments.
constexpr int kHandToImagingProgram = -1000;

int runSynth(const std::vector<std::string>& args);
int runDemo(const std::vector<std::string>& args);
int runInfo(const std::vector<std::string>& args);
int runConvert(const std::vector<std::string>& args);
int runDecode(const std::vector<std::string>& args);
int runBench(const std::vector<std::string>& args);
int runAnalyze(const std::vector<std::string>& args);
int runBatch(const std::vector<std::string>& args);
int runBundle(const std::vector<std::string>& args);
int runEval(const std::vector<std::string>& args);
int runReview(const std::vector<std::string>& args);
int runAudit(const std::vector<std::string>& args);
int runExport(const std::vector<std::string>& args);
int runTeach(const std::vector<std::string>& args);
int runDeid(const std::vector<std::string>& args);
int runPacs(const std::vector<std::string>& args);
int runListen(const std::vector<std::string>& args);
int runWorklist(const std::vector<std::string>& args);

// Pieces of commands that live in their own files.
int runEvalDr(const std::vector<std::string>& args);
int runReviewStats(const std::vector<std::string>& args);
int runReviewCase(const std::vector<std::string>& args);
int runReviewComment(const std::vector<std::string>& args);
int runReviewImportSr(const std::vector<std::string>& args);
struct StoreTarget;
/// `store`: where each photograph and the model's answer are recorded; may be null.
int runAnalyzeFundus(const std::string& path, const std::string& outDir,
                     inference::InferenceSession& session, const StoreTarget* store);

}  // namespace vigie::app::cli
