#pragma once

#include <filesystem>
#include <string>

#include "vigie/core/Result.h"

namespace vigie::core {

/// MD5 (RFC 1321) of a file, as 32 lowercase hex digits. Only to check
/// downloads against the digests that others publish (a MONAI bundle's
/// large_files.yml lists md5): MD5 is broken for security, so Vigie's own
/// pins are SHA-256. The error names the file.
Result<std::string> md5HexOfFile(const std::filesystem::path& file);

/// MD5 of bytes in memory, as 32 lowercase hex digits.
std::string md5Hex(const std::string& bytes);

}  // namespace vigie::core
