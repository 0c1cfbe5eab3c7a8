#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigie::app {

/// Splits "cmd sub POSITIONAL --key value --flag" style arguments. Options
/// take their value from the next argument unless declared as flags.
/// Unknown options are errors, so a typo never silently changes behaviour.
class CommandLine {
 public:
  /// `valueOptions` take a value (--out DIR); `flagOptions` do not (--json).
  CommandLine(std::vector<std::string> args, std::vector<std::string> valueOptions,
              std::vector<std::string> flagOptions);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  const std::vector<std::string>& positional() const { return positional_; }
  bool has(const std::string& option) const { return values_.count(option) > 0; }
  /// The option's value; given more than once, the last one.
  std::optional<std::string> value(const std::string& option) const;
  /// Every value of an option that may be repeated (--set A=1 --set B=2), in order.
  std::vector<std::string> values(const std::string& option) const;

  /// The option parsed as an integer/number; `error()` explains a bad value.
  std::optional<long long> integer(const std::string& option, long long fallback);
  std::optional<double> number(const std::string& option, double fallback);

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> repeated_;
  std::string error_;
};

}  // namespace vigie::app
