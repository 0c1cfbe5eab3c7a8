#include "BatchPlan.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace vigie::app {
namespace {

core::Error shardError(const std::string& message) {
  return core::makeError(core::ErrorCode::InvalidArgument, message);
}

std::optional<long long> wholeNumber(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(text);
}

core::Result<Shard> checkedShard(long long index, long long count, const std::string& from) {
  if (count < 1 || index < 0 || index >= count)
    return shardError(from + ": task " + std::to_string(index) + " of " + std::to_string(count) +
                      " does not exist (tasks are numbered 0 to count - 1)");
  return Shard{static_cast<int>(index), static_cast<int>(count)};
}

/// FNV-1a, 64 bits: a stable short hash (the same on every machine and run).
std::uint64_t stableHash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// Splits one CSV record starting at `pos` in `text`; quoted fields may hold
/// commas, doubled quotes and line breaks. Advances `pos` past the record.
core::Result<std::vector<std::string>> nextRecord(const std::string& text, std::size_t& pos) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, wasQuoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        field += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !wasQuoted) {
      quoted = wasQuoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      wasQuoted = false;
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) return core::makeError(core::ErrorCode::ParseError, "a quoted field is not closed");
  fields.push_back(std::move(field));
  return fields;
}

}  // namespace

core::Result<Shard> chooseShard(const std::optional<std::string>& option,
                                const std::function<const char*(const char*)>& environment) {
  if (option) {
    const auto slash = option->find('/');
    const auto index = wholeNumber(option->substr(0, slash));
    const auto count =
        slash == std::string::npos ? std::nullopt : wholeNumber(option->substr(slash + 1));
    if (!index || !count) return shardError("--shard takes I/N, e.g. 0/4 (task 0 of 4)");
    return checkedShard(*index, *count, "--shard " + *option);
  }
  const char* id = environment("SLURM_ARRAY_TASK_ID");
  const char* count = environment("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return Shard{};
  const char* min = environment("SLURM_ARRAY_TASK_MIN");
  const auto taskId = wholeNumber(id);
  const auto taskCount = wholeNumber(count);
  const auto taskMin = min ? wholeNumber(min) : std::optional<long long>(0);
  if (!taskId || !taskCount || !taskMin)
    return shardError(std::string("SLURM_ARRAY_TASK_ID=") + id +
                      ", SLURM_ARRAY_TASK_COUNT=" + count + ": not task numbers");
  // An array such as --array=1-4 numbers its tasks from its minimum; one with
  // gaps (--array=0,2,5) cannot be shared out by number and is refused here.
  return checkedShard(*taskId - *taskMin, *taskCount,
                      std::string("Slurm array task ") + id + " (of " + count + ")");
}

std::vector<std::size_t> shareOf(const std::vector<std::string>& sortedKeys, const Shard& shard) {
  std::vector<std::size_t> share;
  for (std::size_t i = static_cast<std::size_t>(shard.index); i < sortedKeys.size();
       i += static_cast<std::size_t>(shard.count))
    share.push_back(i);
  return share;
}

std::string itemFolderName(const std::string& key) {
  std::string name = key;
  bool replaced = name.empty() || name[0] == '.';
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    if (!plain) {
      c = '_';
      replaced = true;
    }
  }
  if (name.size() > 120) {
    name.resize(120);
    replaced = true;
  }
  if (!replaced) return name;
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(stableHash(key)));
  return (name.empty() || name[0] == '.' ? "_" + name : name) + "-" + std::string(hash, 8);
}

const std::vector<std::string>& summaryColumns() {
  static const std::vector<std::string> columns = {
      "key",        "kind",     "status",        "reason",    "folder", "study_uid",
      "series_uid", "file",     "findings",      "max_score", "grade",  "referable_probability",
      "referable",  "gradable", "quality_score", "seconds",   "sent"};
  return columns;
}

std::string csvField(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

core::Status writeSummary(const std::filesystem::path& file, const std::vector<SummaryRow>& rows) {
  const auto& columns = summaryColumns();
  std::ostringstream csv;
  for (std::size_t c = 0; c < columns.size(); ++c) csv << (c ? "," : "") << columns[c];
  csv << '\n';
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto it = row.find(columns[c]);
      csv << (c ? "," : "") << csvField(it == row.end() ? std::string() : it->second);
    }
    csv << '\n';
  }
  const std::filesystem::path partial = file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc | std::ios::binary);
    out << csv.str();
    out.close();
    if (!out) return core::makeError(core::ErrorCode::IoError, partial.string() + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(partial, file, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, file.string() + ": " + ec.message());
  return {};
}

core::Result<std::vector<SummaryRow>> readSummary(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return core::makeError(core::ErrorCode::NotFound, file.string() + ": cannot read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::size_t pos = 0;
  auto header = nextRecord(text, pos);
  if (!header.ok() || header.value().empty() ||
      std::find(header.value().begin(), header.value().end(), "key") == header.value().end())
    return core::makeError(core::ErrorCode::ParseError,
                           file.string() + ": not a batch summary (no 'key' column)");
  std::vector<SummaryRow> rows;
  int line = 1;
  while (pos < text.size()) {
    ++line;
    auto record = nextRecord(text, pos);
    if (!record.ok())
      return core::makeError(
          core::ErrorCode::ParseError,
          file.string() + ":" + std::to_string(line) + ": " + record.error().message);
    if (record.value().size() == 1 && record.value()[0].empty()) continue;
    if (record.value().size() != header.value().size())
      return core::makeError(core::ErrorCode::ParseError,
                             file.string() + ":" + std::to_string(line) + ": " +
                                 std::to_string(record.value().size()) +
                                 " fields, the header has " +
                                 std::to_string(header.value().size()));
    SummaryRow row;
    for (std::size_t c = 0; c < header.value().size(); ++c)
      row[header.value()[c]] = record.value()[c];
    rows.push_back(std::move(row));
  }
  return rows;
}

bool isFinished(const SummaryRow& row) {
  const auto status = row.find("status");
  return status != row.end() && status->second == kStatusOk;
}

namespace {

/// How much of an item a row says is done: ok above partial above the rest.
int statusRank(const SummaryRow& row) {
  const auto status = row.find("status");
  if (status == row.end()) return 0;
  return status->second == kStatusOk ? 2 : status->second == kStatusPartial ? 1 : 0;
}

}  // namespace

std::vector<SummaryRow> mergeSummaries(const std::vector<std::vector<SummaryRow>>& summaries,
                                       const std::vector<std::string>& folderPrefix,
                                       std::size_t& duplicates) {
  std::map<std::string, SummaryRow> byKey;
  duplicates = 0;
  for (std::size_t s = 0; s < summaries.size(); ++s) {
    for (SummaryRow row : summaries[s]) {
      if (s < folderPrefix.size() && !row["folder"].empty())
        row["folder"] = folderPrefix[s] + "/" + row["folder"];
      auto [it, inserted] = byKey.try_emplace(row["key"], row);
      if (inserted) continue;
      ++duplicates;
      if (statusRank(row) >= statusRank(it->second)) it->second = std::move(row);
    }
  }
  std::vector<SummaryRow> rows;
  rows.reserve(byKey.size());
  for (auto& [key, row] : byKey) rows.push_back(std::move(row));
  return rows;
}

}  // namespace vigie::app
