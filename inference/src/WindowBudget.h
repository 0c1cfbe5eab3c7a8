#pragma once

// Internal: how large a sliding window may be so that a network's activations
// fit in the memory the machine has. Torch-free, so that it is tested alone.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace vigie::inference::internal {

using WindowShape = std::array<std::int64_t, 3>;

/// Bytes of memory the system can give without swapping now (Linux's
/// MemAvailable), or nothing when it cannot tell.
std::optional<std::size_t> availableMemoryBytes();

/// The largest window at most `window` whose voxels are at most `maxVoxels`,
/// shrinking the longest axis first. Every axis stays a multiple of its
/// `divisor` and MONAI's window interval (int(size x (1 - overlap))) stays
/// one too, so that windows start on every feature map's stride; no axis
/// goes below `floor` voxels (or its full size when smaller): past the floor
/// the window is returned larger than asked, and the caller says so.
WindowShape capWindow(WindowShape window, const std::array<int, 3>& divisor, double overlap,
                      std::int64_t maxVoxels, std::int64_t floor = 64);

/// "512x512x192": a window for messages.
std::string describeWindow(const WindowShape& window);

}  // namespace vigie::inference::internal
