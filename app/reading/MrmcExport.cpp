#include "MrmcExport.h"

#include <fstream>
#include <map>

#include "BatchPlan.h"

namespace vigie::app {
namespace {

namespace fs = std::filesystem;

core::Status closeChecked(std::ofstream& out, const fs::path& file) {
  out.close();
  if (!out) return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write");
  return {};
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
  int number = 0, normal = 0, abnormal = 0;
  for (auto& [uid, entry] : caseNumbers) {
    entry.first = ++number;
    (entry.second ? abnormal : normal)++;
  }
  const fs::path imrmc = folder / "fundus-referable.imrmc";
  std::ofstream out(imrmc);
  out << "Vigie reader study: referable diabetic retinopathy (ICDR grade >= 2), scores are the\n"
         "readers' ICDR grades (5: ungradable, referred). Cases and readers are numbered: see\n"
         "fundus-cases.csv and readers.csv.\n";
  std::size_t readersWithPhotographs = 0;
  for (const auto& r : stats.readers) readersWithPhotographs += r.photographs.empty() ? 0 : 1;
  out << "NR: " << readersWithPhotographs << "\nN0: " << normal << "\nN1: " << abnormal
      << "\nNM: 1\n\nBEGIN DATA:\n";
  for (const auto& [uid, entry] : caseNumbers)
    out << "-1," << entry.first << ",0," << (entry.second ? 1 : 0) << "\n";
  int readerNumber = 0;
  for (const auto& r : stats.readers) {
    if (r.photographs.empty()) continue;
    ++readerNumber;
    for (const auto& p : r.photographs) {
      const auto found = caseNumbers.find(p.caseUid);
      if (found == caseNumbers.end()) continue;
      out << readerNumber << "," << found->second.first << ",1," << (p.gradable ? p.grade : 5)
          << "\n";
    }
  }
  if (auto closed = closeChecked(out, imrmc); !closed.ok()) return closed;
  const fs::path casesFile = folder / "fundus-cases.csv";
  std::ofstream cases(casesFile);
  cases << "case,case_uid,name,referable\n";
  for (const auto& [uid, entry] : caseNumbers)
    cases << entry.first << "," << csvField(uid) << "," << csvField(names[uid]) << ","
          << (entry.second ? 1 : 0) << "\n";
  return closeChecked(cases, casesFile);
}

core::Status writeCtFroc(const ReadingStatistics& stats, const ReadingReference& reference,
                         const fs::path& folder) {
  std::map<std::string, int> caseNumbers;
  int number = 0;
  for (const auto& [uid, nodules] : reference.ctStudies) caseNumbers[uid] = ++number;
  const fs::path truthFile = folder / "ct-froc-truth.csv";
  std::ofstream truth(truthFile);
  truth << "case,case_uid,lesion,diameter_mm,type\n";
  for (const auto& [uid, nodules] : reference.ctStudies) {
    if (nodules.empty()) truth << caseNumbers[uid] << "," << uid << ",0,,\n";
    for (std::size_t n = 0; n < nodules.size(); ++n)
      truth << caseNumbers[uid] << "," << uid << "," << n + 1 << "," << nodules[n].diameterMm << ","
            << csvField(nodules[n].type) << "\n";
  }
  if (auto closed = closeChecked(truth, truthFile); !closed.ok()) return closed;
  const fs::path marksFile = folder / "ct-froc-marks.csv";
  std::ofstream marks(marksFile);
  marks << "reader,case,case_uid,type,lesion,rating\n";
  auto writeReader = [&](const ReaderFigures& r) {
    for (const auto& c : r.ctCases)
      for (const auto& m : c.marks)
        marks << csvField(r.reader) << "," << caseNumbers[c.caseUid] << "," << c.caseUid << ","
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
  if (auto written = writeFundus(stats, folder); !written.ok()) return written;
  if (auto written = writeCtFroc(stats, reference, folder); !written.ok()) return written;
  const fs::path readersFile = folder / "readers.csv";
  std::ofstream readers(readersFile);
  readers << "imrmc_reader,reader\n";
  int number = 0;
  for (const auto& r : stats.readers)
    if (!r.photographs.empty()) readers << ++number << "," << csvField(r.reader) << "\n";
  return closeChecked(readers, readersFile);
}

}  // namespace vigie::app
