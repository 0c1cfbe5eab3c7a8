#include "CommandLine.h"

#include <algorithm>
#include <cstdlib>

namespace vigie::app {

CommandLine::CommandLine(std::vector<std::string> args, std::vector<std::string> valueOptions,
                         std::vector<std::string> flagOptions) {
  auto contains = [](const std::vector<std::string>& list, const std::string& s) {
    return std::find(list.begin(), list.end(), s) != list.end();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a;
      std::string inlineValue;
      const auto eq = a.find('=');
      const bool hasInline = eq != std::string::npos;
      if (hasInline) {
        name = a.substr(0, eq);
        inlineValue = a.substr(eq + 1);
      }
      if (contains(flagOptions, name) && !hasInline) {
        values_[name] = "1";
      } else if (contains(valueOptions, name)) {
        if (hasInline) {
          values_[name] = inlineValue;
        } else if (i + 1 < args.size()) {
          values_[name] = args[++i];
        } else {
          error_ = "option " + name + " needs a value";
          return;
        }
        repeated_[name].push_back(values_[name]);
      } else {
        error_ = "unknown option " + name;
        return;
      }
    } else {
      positional_.push_back(a);
    }
  }
}

std::optional<std::string> CommandLine::value(const std::string& option) const {
  auto it = values_.find(option);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> CommandLine::values(const std::string& option) const {
  auto it = repeated_.find(option);
  return it == repeated_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<long long> CommandLine::integer(const std::string& option, long long fallback) {
  auto text = value(option);
  if (!text) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0') {
    error_ = "option " + option + " expects an integer, got '" + *text + "'";
    return std::nullopt;
  }
  return v;
}

std::optional<double> CommandLine::number(const std::string& option, double fallback) {
  auto text = value(option);
  if (!text) return fallback;
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0') {
    error_ = "option " + option + " expects a number, got '" + *text + "'";
    return std::nullopt;
  }
  return v;
}

}  // namespace vigie::app
