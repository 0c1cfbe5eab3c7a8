#pragma once

// Small helpers every vigie-cli command uses, so that errors and usage
// messages look the same everywhere.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "CommandLine.h"

#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/core/Vec3.h"

namespace vigie::app::cli {

/// Prints "vigie-cli: MESSAGE" on stderr; returns the failure exit code 1.
inline int fail(const std::string& message) {
  std::cerr << "vigie-cli: " << message << '\n';
  return 1;
}

/// Prints "vigie-cli: warning: MESSAGE" on stderr; the command goes on.
inline void warn(const std::string& message) {
  std::cerr << "vigie-cli: warning: " << message << '\n';
}

/// Prints the problem and the command's usage on stderr; returns exit code 2.
inline int usage(const std::string& message, const char* text) {
  std::cerr << "vigie-cli: " << message << "\n\n" << text;
  return 2;
}

/// "--help" prints the usage (exit code 0); an unparsable command line prints
/// the problem and the usage (exit code 2). Otherwise nothing: the command goes on.
inline std::optional<int> helpOrUsageError(const CommandLine& cl, const char* usageText) {
  if (cl.has("--help")) {
    std::cout << usageText;
    return 0;
  }
  if (!cl.ok()) return usage(cl.error(), usageText);
  return std::nullopt;
}

inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline nlohmann::json toJson(const core::Vec3& v) { return {v.x, v.y, v.z}; }

/// A date as DICOM writes it (YYYYMMDD), from YYYYMMDD or YYYY-MM-DD;
/// nothing when it is neither.
inline std::optional<std::string> dicomDate(const std::string& text) {
  std::string digits;
  for (char c : text)
    if (c != '-') digits += c;
  if (digits.size() != 8 || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return digits;
}

/// A trainer's comment as every JSON output writes it.
inline nlohmann::json toJson(const core::CaseComment& c) {
  return {{"id", c.id},
          {"case_uid", c.caseUid},
          {"finding_id", c.findingId ? nlohmann::json(*c.findingId) : nlohmann::json()},
          {"text", c.text},
          {"author", c.author},
          {"recorded_at", c.recordedAt}};
}

/// The review store the command works on: --store, or the per-user default.
inline core::Result<std::unique_ptr<core::ReviewStore>> openStore(const CommandLine& cl) {
  return core::ReviewStore::open(
      cl.value("--store").value_or(core::ReviewStore::defaultLocation().string()));
}

/// Writes `json` (indented) to `dir`/`name`, creating `dir`; the error names the file.
inline core::Status writeJsonFile(const std::filesystem::path& dir, const std::string& name,
                                  const nlohmann::json& json) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::makeError(core::ErrorCode::IoError, dir.string() + ": " + ec.message());
  std::ofstream file(dir / name, std::ios::trunc);
  file << json.dump(2) << '\n';
  file.close();
  if (!file)
    return core::makeError(core::ErrorCode::IoError, (dir / name).string() + ": cannot write");
  return {};
}

}  // namespace vigie::app::cli
