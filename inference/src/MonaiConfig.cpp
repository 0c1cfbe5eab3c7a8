#include "MonaiConfig.h"

#include "FieldReader.h"

#include <cctype>

namespace vigie::inference::internal {

using nlohmann::json;

namespace {

/// References deeper than this are a cycle (or a config no one should write).
constexpr int kMaxReferenceDepth = 32;

/// "a#b::c" -> {"a", "b", "c"}: MONAI accepts both separators.
std::vector<std::string> idParts(std::string id) {
  for (std::size_t at; (at = id.find("::")) != std::string::npos;) id.replace(at, 2, "#");
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t hash; (hash = id.find('#', start)) != std::string::npos; start = hash + 1)
    parts.push_back(id.substr(start, hash - start));
  parts.push_back(id.substr(start));
  return parts;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::string monaiClassName(const std::string& target) {
  const auto dot = target.rfind('.');
  return dot == std::string::npos ? target : target.substr(dot + 1);
}

core::Result<MonaiConfig> MonaiConfig::parse(const std::string& text, const std::string& source) {
  auto root = parseJsonObject(text, source);
  if (!root.ok()) return root.error();
  return MonaiConfig(std::move(root.value()), source);
}

core::Error MonaiConfig::error(const std::string& id, const std::string& problem) const {
  return core::makeError(core::ErrorCode::Unsupported, source_ + ": entry '" + id + "' " + problem);
}

bool MonaiConfig::has(const std::string& id) const {
  const json* node = &root_;
  for (const auto& part : idParts(id)) {
    if (node->is_object() && node->contains(part)) {
      node = &(*node)[part];
    } else if (node->is_array() && !part.empty() &&
               part.find_first_not_of("0123456789") == std::string::npos && part.size() < 9 &&
               std::stoul(part) < node->size()) {
      node = &(*node)[std::stoul(part)];
    } else {
      return false;
    }
  }
  return true;
}

core::Status MonaiConfig::set(const std::string& id, json value) {
  const auto parts = idParts(id);
  json* node = &root_;
  for (std::size_t n = 0; n + 1 < parts.size(); ++n) {
    if (!node->is_object() || !node->contains(parts[n]))
      return error(id, "cannot be set: '" + parts[n] + "' is not an entry");
    node = &(*node)[parts[n]];
  }
  if (!node->is_object() || parts.back().empty())
    return error(id, "cannot be set: its parent is not an object");
  (*node)[parts.back()] = std::move(value);
  return {};
}

core::Result<json> MonaiConfig::get(const std::string& id) const { return lookup(id, 0); }

core::Result<json> MonaiConfig::lookup(const std::string& id, int depth) const {
  if (!has(id)) return error(id, "is missing");
  const json* node = &root_;
  for (const auto& part : idParts(id))
    node = node->is_object() ? &(*node)[part] : &(*node)[std::stoul(part)];
  return resolve(*node, id, depth + 1);
}

core::Result<json> MonaiConfig::resolve(const json& value, const std::string& id) const {
  return resolve(value, id, 0);
}

core::Result<json> MonaiConfig::resolve(const json& value, const std::string& id, int depth) const {
  if (depth > kMaxReferenceDepth) return error(id, "has references that never end (a cycle?)");
  if (!value.is_string()) return value;
  const std::string text = value.get<std::string>();
  if (text.rfind("@", 0) == 0) return lookup(text.substr(1), depth);
  if (text.rfind("%", 0) == 0)
    return error(id, "is a macro ('" + excerpt(text) +
                         "') into another config; Vigie reads one "
                         "config");
  if (text.rfind("$", 0) != 0) return value;

  // The expressions bundles use to enable or disable a transform:
  // "$@id", "$not @id", "$(not @id)".
  ExpressionCursor cursor(text);
  cursor.consume('$');
  const bool parenthesized = cursor.consume('(');
  const bool negated = cursor.consumeWord("not");
  std::string reference;
  if (cursor.consume('@')) reference = cursor.identifier("#:");
  const bool closed = !parenthesized || cursor.consume(')');
  if (!reference.empty() && closed && cursor.atEnd() && (negated || !parenthesized)) {
    auto operand = lookup(reference, depth);
    if (!operand.ok() || !negated) return operand;
    if (!operand.value().is_boolean())
      return error(id, "negates '@" + reference + "', which is not true or false");
    return json(!operand.value().get<bool>());
  }
  return error(id, "is a Python expression ('" + excerpt(trim(text)) +
                       "') that Vigie cannot evaluate without Python");
}

void ExpressionCursor::skipSpaces() {
  while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
}

bool ExpressionCursor::consume(char c) {
  skipSpaces();
  if (at_ < text_.size() && text_[at_] == c) return ++at_, true;
  return false;
}

bool ExpressionCursor::consumeWord(const std::string& word) {
  skipSpaces();
  if (text_.compare(at_, word.size(), word) != 0) return false;
  const std::size_t end = at_ + word.size();
  if (end < text_.size() &&
      (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'))
    return false;
  at_ = end;
  return true;
}

std::string ExpressionCursor::identifier(const std::string& extra) {
  skipSpaces();
  const std::size_t start = at_;
  while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) ||
                                text_[at_] == '_' || extra.find(text_[at_]) != std::string::npos))
    ++at_;
  return text_.substr(start, at_ - start);
}

bool ExpressionCursor::atEnd() {
  skipSpaces();
  return at_ == text_.size();
}

std::string describe(const json& value) {
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return excerpt(value.dump());
}

std::string excerpt(const std::string& text, std::size_t limit) {
  return text.size() <= limit ? text : text.substr(0, limit) + "...";
}

}  // namespace vigie::inference::internal
