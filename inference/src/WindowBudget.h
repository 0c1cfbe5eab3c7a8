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

/// The memory a run's windows may take: the budget the user set or, without
/// one, half of what the system has available when the run starts (the rest
/// is the volume's, the heatmap's and everything else the machine runs);
/// nothing when the system cannot tell.
std::optional<double> windowBudgetBytes(std::optional<std::size_t> userBudget);

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

/// "1200 MB": memory for messages, in the megabytes (2^20 bytes) that
/// --memory-budget takes.
std::string describeMegabytes(double bytes);

}  // namespace vigie::inference::internal
