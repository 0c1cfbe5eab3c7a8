#pragma once

#include <string>
#include <utility>
#include <variant>

namespace vigie::core {

/// What went wrong, in categories a caller can act on.
enum class ErrorCode {
  InvalidArgument,  ///< a value given by the caller is out of range or malformed
  NotFound,         ///< a file, series or entry does not exist
  IoError,          ///< reading or writing bytes failed
  ParseError,       ///< the bytes exist but are not what they claim to be
  Unsupported,      ///< valid input that this build cannot handle (e.g. a codec)
  Cancelled,        ///< the caller asked to stop; an ordinary outcome, not a failure
  Internal,         ///< a toolkit reported an error we did not expect
};

/// Human-readable name of an error code, for messages and logs.
const char* toString(ErrorCode code);

/// An error code plus a message that names the file or value at fault.
struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;

  /// "ParseError: /data/ct/1.dcm: missing Image Position (Patient)"
  std::string describe() const;
};

/// Either a value or an Error. Toolkit exceptions and status codes are
/// converted into this at each layer's boundary, so nothing is ignored silently.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  /// Precondition: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }

  /// Precondition: !ok().
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// Result of an operation that returns nothing but can fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

/// Shorthand for building an Error in a return statement.
inline Error makeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace vigie::core
