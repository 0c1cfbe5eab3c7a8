#include "vigie/core/Result.h"

namespace vigie::core {

const char* toString(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
      return "InvalidArgument";
    case ErrorCode::NotFound:
      return "NotFound";
    case ErrorCode::IoError:
      return "IoError";
    case ErrorCode::ParseError:
      return "ParseError";
    case ErrorCode::Unsupported:
      return "Unsupported";
    case ErrorCode::Cancelled:
      return "Cancelled";
    case ErrorCode::Internal:
      return "Internal";
  }
  return "Unknown";
}

std::string Error::describe() const { return std::string(toString(code)) + ": " + message; }

}  // namespace vigie::core
