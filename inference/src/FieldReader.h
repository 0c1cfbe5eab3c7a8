#pragma once

// Internal: reads a JSON document's fields with errors that name the file and
// the field's dotted path (manifest.json, a MONAI bundle's configs).

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::inference::internal {

using nlohmann::json;

/// A JSON number as an int, saturated at int's range (NaN gives 0): casting
/// a double outside the range is undefined behaviour, and a manifest or a
/// config can hold any number. Range checks on the result then say what is wrong.
inline int saturatedInt(double v) {
  if (!(v == v)) return 0;
  if (v >= 2147483647.0) return 2147483647;
  if (v <= -2147483648.0) return -2147483647 - 1;
  return static_cast<int>(v);
}

/// How deep JSON may nest: a copy or a comparison of a value walks it
/// recursively, so a hostile file nesting thousands of arrays would overflow
/// the stack. Real manifests and MONAI configs nest fewer than ten levels.
constexpr int kMaxJsonNesting = 64;

/// Whether `text`'s arrays and objects nest at most kMaxJsonNesting deep
/// (brackets inside strings do not count).
inline bool nestingWithinLimit(const std::string& text) {
  int depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonNesting) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

/// `text` parsed as a JSON object; the error names `source` and the problem.
inline core::Result<json> parseJsonObject(const std::string& text, const std::string& source) {
  if (!nestingWithinLimit(text))
    return core::makeError(
        core::ErrorCode::ParseError,
        source + ": nested more than " + std::to_string(kMaxJsonNesting) + " levels deep");
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    // Not only syntax errors: a number too large for a double is out_of_range
    // (found by fuzz.ModelBundle).
    return core::makeError(core::ErrorCode::ParseError, source + ": not valid JSON: " + e.what());
  }
  if (!root.is_object())
    return core::makeError(core::ErrorCode::ParseError, source + ": must be a JSON object");
  return root;
}

/// Reads fields with errors that name the file and the field's path.
class FieldReader {
 public:
  FieldReader(const json& root, std::string source) : root_(root), source_(std::move(source)) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  const json* find(const std::string& path, bool required) {
    const json* node = &root_;
    std::stringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '.')) {
      if (!node->is_object() || !node->contains(part)) {
        if (required) fail(path, "is missing");
        return nullptr;
      }
      node = &(*node)[part];
    }
    return node;
  }

  std::string text(const std::string& path, bool required, std::string fallback = {}) {
    const json* node = find(path, required);
    if (!node) return fallback;
    if (!node->is_string()) return fail(path, "must be a string"), fallback;
    return node->get<std::string>();
  }

  double number(const std::string& path, bool required, double fallback) {
    const json* node = find(path, required);
    if (!node) return fallback;
    if (!node->is_number()) return fail(path, "must be a number"), fallback;
    return node->get<double>();
  }

  bool boolean(const std::string& path, bool fallback) {
    const json* node = find(path, false);
    if (!node) return fallback;
    if (!node->is_boolean()) return fail(path, "must be true or false"), fallback;
    return node->get<bool>();
  }

  template <typename T, std::size_t N>
  std::array<T, N> numbers(const std::string& path, bool required, std::array<T, N> fallback,
                           bool positive) {
    const json* node = find(path, required);
    if (!node) return fallback;
    const std::string wanted = std::to_string(N) + (positive ? " positive numbers" : " numbers");
    if (!node->is_array() || node->size() != N)
      return fail(path, "must be an array of " + wanted), fallback;
    std::array<T, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
      const json& v = (*node)[i];
      if (!v.is_number() || (positive && v.get<double>() <= 0))
        return fail(path, "must be an array of " + wanted), fallback;
      if constexpr (std::is_integral_v<T>) {
        out[i] = static_cast<T>(saturatedInt(v.get<double>()));
      } else {
        out[i] = v.get<T>();
      }
    }
    return out;
  }

  /// An array of at most `most` numbers (a bound: manifests come from users).
  std::vector<double> numberList(const std::string& path, bool required, std::size_t most) {
    std::vector<double> out;
    const json* node = find(path, required);
    if (!node) return out;
    const std::string wanted = "an array of at most " + std::to_string(most) + " numbers";
    if (!node->is_array() || node->size() > most) return fail(path, "must be " + wanted), out;
    for (const auto& v : *node) {
      if (!v.is_number()) return fail(path, "must be " + wanted), std::vector<double>{};
      out.push_back(v.get<double>());
    }
    return out;
  }

  std::vector<std::string> texts(const std::string& path) {
    std::vector<std::string> out;
    const json* node = find(path, false);
    if (!node) return out;
    if (!node->is_array()) return fail(path, "must be an array of strings"), out;
    for (const auto& v : *node) {
      if (!v.is_string()) return fail(path, "must be an array of strings"), out;
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  std::map<std::string, double> numberMap(const std::string& path) {
    std::map<std::string, double> out;
    const json* node = find(path, false);
    if (!node) return out;
    if (!node->is_object()) return fail(path, "must be an object of numbers"), out;
    for (const auto& [key, value] : node->items()) {
      if (!value.is_number()) return fail(path + "." + key, "must be a number"), out;
      out[key] = value.get<double>();
    }
    return out;
  }

  void fail(const std::string& path, const std::string& problem) {
    if (error_.empty()) error_ = source_ + ": field '" + path + "' " + problem;
  }

 private:
  const json& root_;
  std::string source_;
  std::string error_;
};

}  // namespace vigie::inference::internal
