#pragma once

// Internal: reads a MONAI bundle config (inference.json) the way MONAI's
// ConfigParser would for the entries Vigie needs, without Python: "@id"
// references (nested ids with '#' or '::'), and the two Python expressions
// that bundles use to switch transforms on and off ("$@id", "$not @id",
// "$(not @id)"). Any other "$" expression or "%" macro is refused with the
// entry's id, since evaluating it would need a Python interpreter.

#include <nlohmann/json.hpp>
#include <string>

#include "vigie/core/Result.h"

namespace vigie::inference::internal {

class MonaiConfig {
 public:
  /// `source` names the config in errors ("bundle/configs/inference.json").
  static core::Result<MonaiConfig> parse(const std::string& text, const std::string& source);

  const std::string& source() const { return source_; }
  /// Replaces (or adds) the entry `id` with `value`, as MONAI's command-line
  /// overrides do ("--whether_raw_luna16 true"); its parent must exist.
  core::Status set(const std::string& id, nlohmann::json value);
  bool has(const std::string& id) const;
  /// The entry `id` ("preprocessing#transforms#3") with references and the
  /// supported expressions resolved at its top level (objects and arrays are
  /// returned as written: resolve their members with resolve()).
  core::Result<nlohmann::json> get(const std::string& id) const;
  /// `value`, found at `id`, with a reference or expression resolved.
  core::Result<nlohmann::json> resolve(const nlohmann::json& value, const std::string& id) const;
  /// An error that names the config and the entry: "source: entry 'id' problem".
  core::Error error(const std::string& id, const std::string& problem) const;

 private:
  MonaiConfig(nlohmann::json root, std::string source)
      : root_(std::move(root)), source_(std::move(source)) {}
  core::Result<nlohmann::json> resolve(const nlohmann::json& value, const std::string& id,
                                       int depth) const;
  core::Result<nlohmann::json> lookup(const std::string& id, int depth) const;

  nlohmann::json root_;
  std::string source_;
};

/// Reads the few shapes of "$..." expressions Vigie evaluates, character by
/// character (no regular expressions: a config may hold a string of any length).
class ExpressionCursor {
 public:
  explicit ExpressionCursor(const std::string& text) : text_(text) {}
  /// Skips spaces, then takes `c` if it is next.
  bool consume(char c);
  /// Skips spaces, then takes `word` if it is next and a whole word.
  bool consumeWord(const std::string& word);
  /// Skips spaces, then takes a run of letters, digits, '_' and `extra`.
  std::string identifier(const std::string& extra = {});
  /// Whether only spaces are left.
  bool atEnd();
  /// What is left, from here.
  std::string rest() const { return text_.substr(at_); }

 private:
  void skipSpaces();
  const std::string& text_;
  std::size_t at_ = 0;
};

/// At most `limit` characters of `text`, for quoting it in a message.
std::string excerpt(const std::string& text, std::size_t limit = 80);

/// A config value as a message quotes it: a string, number or boolean as
/// written (shortened), "an array" or "an object" otherwise (never dumped:
/// a hostile config can nest them deeper than the stack).
std::string describe(const nlohmann::json& value);

/// A MONAI class name without its module path: "monai.transforms.Spacingd" -> "Spacingd".
std::string monaiClassName(const std::string& target);

}  // namespace vigie::inference::internal
