#include "DrLabels.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace vigie::app {
namespace {

constexpr std::array<const char*, kLesionKinds> kMaskColumns = {"mask_ma", "mask_he", "mask_ex",
                                                                "mask_se"};

/// One CSV line's fields: commas separate, double quotes protect commas.
std::vector<std::string> splitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  for (auto& f : fields) {
    f.erase(0, f.find_first_not_of(" \t"));
    f.erase(f.find_last_not_of(" \t") + 1);
  }
  return fields;
}

bool parseInt(const std::string& text, int low, int high, int& out) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(text, &used);
    if (used != text.size() || v < low || v > high) return false;
    out = v;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

const char* toString(LesionKind kind) {
  switch (kind) {
    case LesionKind::Microaneurysm:
      return "microaneurysm";
    case LesionKind::Haemorrhage:
      return "haemorrhage";
    case LesionKind::HardExudate:
      return "hard_exudate";
    case LesionKind::CottonWoolSpot:
      return "cotton_wool_spot";
  }
  return "";
}

core::Result<std::vector<DrLabel>> readDrLabels(const std::filesystem::path& csv,
                                                const std::filesystem::path& dataDir) {
  std::ifstream in(csv);
  if (!in) return core::makeError(core::ErrorCode::NotFound, csv.string() + ": cannot read");
  auto problem = [&](std::size_t line, const std::string& what) {
    return core::makeError(core::ErrorCode::ParseError,
                           csv.string() + ":" + std::to_string(line) + ": " + what);
  };
  std::string text;
  if (!std::getline(in, text)) return problem(1, "empty; expected a header row");
  std::map<std::string, std::size_t> column;
  const auto header = splitCsvLine(text);
  for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  if (!column.count("file")) return problem(1, "no 'file' column");
  if (!column.count("grade") && !column.count("referable"))
    return problem(1, "needs a 'grade' (ICDR 0-4) or a 'referable' (0/1) column");

  std::vector<DrLabel> labels;
  for (std::size_t line = 2; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto fields = splitCsvLine(text);
    auto field = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it != column.end() && it->second < fields.size() ? fields[it->second] : "";
    };
    DrLabel label;
    const std::string file = field("file");
    if (file.empty()) return problem(line, "empty 'file'");
    label.file = dataDir / file;
    if (!std::filesystem::is_regular_file(label.file))
      return problem(line, label.file.string() + " does not exist");
    int value = 0;
    if (!field("grade").empty()) {
      if (!parseInt(field("grade"), 0, 4, value))
        return problem(line, "grade '" + field("grade") + "' is not an ICDR grade 0-4");
      label.grade = value;
      label.gradeKnown = true;
    } else {
      if (!parseInt(field("referable"), 0, 1, value))
        return problem(line, "referable '" + field("referable") + "' is not 0 or 1");
      label.grade = value ? 2 : 0;
    }
    if (!field("gradable").empty()) {
      if (!parseInt(field("gradable"), 0, 1, value))
        return problem(line, "gradable '" + field("gradable") + "' is not 0 or 1");
      label.gradable = value == 1;
    }
    for (std::size_t k = 0; k < kLesionKinds; ++k) {
      const std::string mask = field(kMaskColumns[k]);
      if (mask.empty()) continue;
      label.masks[k] = dataDir / mask;
      if (!std::filesystem::is_regular_file(label.masks[k]))
        return problem(line, label.masks[k].string() + " does not exist");
    }
    labels.push_back(std::move(label));
  }
  if (labels.empty()) return problem(2, "no photographs listed");
  return labels;
}

}  // namespace vigie::app
