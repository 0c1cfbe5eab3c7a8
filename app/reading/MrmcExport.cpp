#include "MrmcExport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "BatchPlan.h"

namespace vigie::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReaderModality = "READER";
constexpr const char* kAiModality = "AI";

core::Status closeChecked(std::ofstream& out, const fs::path& file) {
  out.close();
  if (!out) return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write");
  return {};
}

/// A score or rating as the files carry it: enough digits to keep a
/// calibrated probability's order, none of a whole number's zeros.
std::string rating(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

/// A reader's number in every file: their place in stats.readers, from 1.
int readerId(const ReadingStatistics& stats, const ReaderFigures& reader) {
  return static_cast<int>(&reader - stats.readers.data()) + 1;
}

/// One iMRMC data set: per case its truth, per reader and modality the scores.
struct ImrmcData {
  std::string description;
  std::map<int, bool> truth;  ///< case number -> abnormal
  std::set<int> readers;
  std::set<std::string> modalities;
  std::vector<std::string> rows;  ///< reader,case,modality,score

  void add(int reader, int caseNumber, const char* modality, double score) {
    readers.insert(reader);
    modalities.insert(modality);
    rows.push_back(std::to_string(reader) + "," + std::to_string(caseNumber) + "," + modality +
                   "," + rating(score));
  }
};

core::Status writeImrmc(const ImrmcData& data, const fs::path& file) {
  std::ofstream out(file);
  std::size_t abnormal = 0;
  for (const auto& [number, isAbnormal] : data.truth) abnormal += isAbnormal ? 1 : 0;
  out << data.description << "NR: " << data.readers.size()
      << "\nN0: " << data.truth.size() - abnormal << "\nN1: " << abnormal
      << "\nNM: " << data.modalities.size() << "\n\nBEGIN DATA:\n";
  for (const auto& [number, isAbnormal] : data.truth)
    out << "-1," << number << ",0," << (isAbnormal ? 1 : 0) << "\n";
  for (const auto& row : data.rows) out << row << "\n";
  return closeChecked(out, file);
}

core::Status writeFundus(const ReadingStatistics& stats, const fs::path& folder) {
  // Cases: every reference-gradable photograph some reader graded.
  std::map<std::string, std::pair<int, bool>> caseNumbers;  // uid -> (number, referable)
  std::map<std::string, std::string> names;
  for (const auto& reader : stats.readers) {
    for (const auto& p : reader.photographs) {
      if (!p.reference.gradable || caseNumbers.count(p.caseUid)) continue;
      caseNumbers[p.caseUid] = {0, p.reference.grade >= 2};
      names[p.caseUid] = p.name;
    }
  }
  ImrmcData data;
  data.description =
      "Vigie reader study: referable diabetic retinopathy (ICDR grade >= 2). Modality READER:\n"
      "the readers' ICDR grades (5: ungradable, referred); modality AI: the model's referable\n"
      "probability, repeated for each reader. Cases and readers are numbered: see\n"
      "fundus-cases.csv and readers.csv.\n";
  int number = 0;
  for (auto& [uid, entry] : caseNumbers) {
    entry.first = ++number;
    data.truth[entry.first] = entry.second;
  }
  std::map<int, double> aiScores;  // case number -> the model's probability
  for (const auto& p : stats.ai.photographs) {
    const auto found = caseNumbers.find(p.caseUid);
    if (found != caseNumbers.end() && std::isfinite(p.referableProbability))
      aiScores[found->second.first] = p.referableProbability;
  }
  for (const auto& r : stats.readers) {
    if (r.photographs.empty()) continue;
    const int reader = readerId(stats, r);
    for (const auto& p : r.photographs) {
      const auto found = caseNumbers.find(p.caseUid);
      if (found == caseNumbers.end()) continue;
      data.add(reader, found->second.first, kReaderModality, p.gradable ? p.grade : 5);
    }
    for (const auto& [caseNumber, score] : aiScores)
      data.add(reader, caseNumber, kAiModality, score);
  }
  if (auto written = writeImrmc(data, folder / "fundus-referable.imrmc"); !written.ok())
    return written;
  const fs::path casesFile = folder / "fundus-cases.csv";
  std::ofstream cases(casesFile);
  cases << "case,case_uid,name,referable\n";
  for (const auto& [uid, entry] : caseNumbers)
    cases << entry.first << "," << csvField(uid) << "," << csvField(names[uid]) << ","
          << (entry.second ? 1 : 0) << "\n";
  return closeChecked(cases, casesFile);
}

/// The CT reference cases numbered in the reference's order, as
/// ct-froc-truth.csv lists them.
std::map<std::string, int> ctCaseNumbers(const ReadingReference& reference) {
  std::map<std::string, int> numbers;
  int number = 0;
  for (const auto& [uid, nodules] : reference.ctStudies) numbers[uid] = ++number;
  return numbers;
}

/// The highest rating among a read's marks; 0 with no mark.
double caseScore(const CtCaseRead& read) {
  double best = 0.0;
  for (const auto& m : read.marks) best = std::max(best, m.rating);
  return best;
}

core::Status writeCtImrmc(const ReadingStatistics& stats, const ReadingReference& reference,
                          const fs::path& folder) {
  const auto numbers = ctCaseNumbers(reference);
  ImrmcData data;
  data.description =
      "Vigie reader study: lung nodules on CT, a case abnormal when the reference holds a\n"
      "nodule in it. Modality READER: 1 when the reader left a mark on the case (a confirmed,\n"
      "edited or added finding), 0 when none; modality AI: the model's highest finding score\n"
      "on the case (0 with none), repeated for each reader. Cases and readers are numbered:\n"
      "see ct-froc-truth.csv and readers.csv.\n";
  for (const auto& r : stats.readers)
    for (const auto& c : r.ctCases) data.truth[numbers.at(c.caseUid)] = c.nodules > 0;
  std::map<int, double> aiScores;
  for (const auto& c : stats.ai.ctCases) {
    const int number = numbers.at(c.caseUid);
    if (data.truth.count(number)) aiScores[number] = caseScore(c);
  }
  for (const auto& r : stats.readers) {
    if (r.ctCases.empty()) continue;
    const int reader = readerId(stats, r);
    for (const auto& c : r.ctCases)
      data.add(reader, numbers.at(c.caseUid), kReaderModality, caseScore(c));
    for (const auto& [caseNumber, score] : aiScores)
      data.add(reader, caseNumber, kAiModality, score);
  }
  return writeImrmc(data, folder / "ct-nodules.imrmc");
}

/// Equal weights of a case's n lesions, six decimals, the last taking the
/// rounding so that they sum to exactly 1 (RJafroc checks the sum).
std::vector<std::string> lesionWeights(std::size_t n) {
  std::vector<std::string> weights;
  const long each = std::lround(1e6 / static_cast<double>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const long micro = i + 1 == n ? 1000000 - each * static_cast<long>(n - 1) : each;
    const std::string fraction = std::to_string(micro % 1000000);
    weights.push_back(std::to_string(micro / 1000000) + "." +
                      std::string(6 - fraction.size(), '0') + fraction);
  }
  return weights;
}

core::Status writeRjafroc(const ReadingStatistics& stats, const ReadingReference& reference,
                          const fs::path& folder) {
  const auto numbers = ctCaseNumbers(reference);
  std::set<std::string> cases;  // read by some reader
  for (const auto& r : stats.readers)
    for (const auto& c : r.ctCases) cases.insert(c.caseUid);
  const fs::path truthFile = folder / "ct-rjafroc-truth.csv";
  std::ofstream truth(truthFile);
  truth << "CaseID,LesionID,Weight\n";
  for (const auto& [uid, nodules] : reference.ctStudies) {
    if (!cases.count(uid)) continue;
    if (nodules.empty()) truth << numbers.at(uid) << ",0,0\n";
    const auto weights = lesionWeights(nodules.size());
    for (std::size_t n = 0; n < nodules.size(); ++n)
      truth << numbers.at(uid) << "," << n + 1 << "," << weights[n] << "\n";
  }
  if (auto closed = closeChecked(truth, truthFile); !closed.ok()) return closed;

  const fs::path nlFile = folder / "ct-rjafroc-nl.csv", llFile = folder / "ct-rjafroc-ll.csv";
  std::ofstream nl(nlFile), ll(llFile);
  nl << "ReaderID,ModalityID,CaseID,NL_Rating\n";
  ll << "ReaderID,ModalityID,CaseID,LesionID,LL_Rating\n";
  auto writeCase = [&](int reader, const char* modality, const CtCaseRead& c) {
    if (!cases.count(c.caseUid)) return;
    const int caseNumber = numbers.at(c.caseUid);
    std::map<int, double> best;  // lesion -> the highest rating on it
    for (const auto& m : c.marks) {
      if (m.lesion == 0) {
        nl << reader << "," << modality << "," << caseNumber << "," << rating(m.rating) << "\n";
      } else {
        const auto [at, inserted] = best.emplace(m.lesion, m.rating);
        if (!inserted) at->second = std::max(at->second, m.rating);
      }
    }
    for (const auto& [lesion, r] : best)
      ll << reader << "," << modality << "," << caseNumber << "," << lesion << "," << rating(r)
         << "\n";
  };
  for (const auto& r : stats.readers) {
    if (r.ctCases.empty()) continue;
    const int reader = readerId(stats, r);
    for (const auto& c : r.ctCases) writeCase(reader, kReaderModality, c);
    for (const auto& c : stats.ai.ctCases) writeCase(reader, kAiModality, c);
  }
  if (auto closed = closeChecked(nl, nlFile); !closed.ok()) return closed;
  return closeChecked(ll, llFile);
}

core::Status writeCtFroc(const ReadingStatistics& stats, const ReadingReference& reference,
                         const fs::path& folder) {
  const auto caseNumbers = ctCaseNumbers(reference);
  const fs::path truthFile = folder / "ct-froc-truth.csv";
  std::ofstream truth(truthFile);
  truth << "case,case_uid,lesion,diameter_mm,type\n";
  for (const auto& [uid, nodules] : reference.ctStudies) {
    if (nodules.empty()) truth << caseNumbers.at(uid) << "," << uid << ",0,,\n";
    for (std::size_t n = 0; n < nodules.size(); ++n)
      truth << caseNumbers.at(uid) << "," << uid << "," << n + 1 << "," << nodules[n].diameterMm
            << "," << csvField(nodules[n].type) << "\n";
  }
  if (auto closed = closeChecked(truth, truthFile); !closed.ok()) return closed;
  const fs::path marksFile = folder / "ct-froc-marks.csv";
  std::ofstream marks(marksFile);
  marks << "reader,case,case_uid,type,lesion,rating\n";
  auto writeReader = [&](const ReaderFigures& r) {
    for (const auto& c : r.ctCases)
      for (const auto& m : c.marks)
        marks << csvField(r.reader) << "," << caseNumbers.at(c.caseUid) << "," << c.caseUid << ","
              << (m.lesion ? "LL" : "NL") << "," << m.lesion << "," << m.rating << "\n";
  };
  for (const auto& r : stats.readers) writeReader(r);
  writeReader(stats.ai);
  return closeChecked(marks, marksFile);
}

}  // namespace

core::Status writeMrmcExport(const ReadingStatistics& stats, const ReadingReference& reference,
                             const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, folder.string() + ": " + ec.message());
  for (auto write : {writeFundus(stats, folder), writeCtImrmc(stats, reference, folder),
                     writeRjafroc(stats, reference, folder), writeCtFroc(stats, reference, folder)})
    if (!write.ok()) return write;
  const fs::path readersFile = folder / "readers.csv";
  std::ofstream readers(readersFile);
  readers << "reader_id,reader\n";
  for (const auto& r : stats.readers)
    readers << readerId(stats, r) << "," << csvField(r.reader) << "\n";
  return closeChecked(readers, readersFile);
}

}  // namespace vigie::app
