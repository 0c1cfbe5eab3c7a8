#include "WindowBudget.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace vigie::inference::internal {
namespace {

std::int64_t voxelsOf(const WindowShape& w) { return w[0] * w[1] * w[2]; }

/// Whether windows of `size` voxels tile an axis on its stride: the size and
/// MONAI's interval between window starts are multiples of `divisor`.
bool tilesOnStride(std::int64_t size, std::int64_t divisor, double overlap) {
  const auto interval = static_cast<std::int64_t>(double(size) * (1.0 - overlap));
  return size % divisor == 0 && interval > 0 && interval % divisor == 0;
}

}  // namespace

std::optional<std::size_t> availableMemoryBytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream fields(line);
    std::string key;
    std::size_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  const long pages = ::sysconf(_SC_AVPHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0) return std::size_t(pages) * std::size_t(pageSize);
  return std::nullopt;
}

std::optional<double> windowBudgetBytes(std::optional<std::size_t> userBudget) {
  if (userBudget) return double(*userBudget);
  if (const auto available = availableMemoryBytes()) return 0.5 * double(*available);
  return std::nullopt;
}

WindowShape capWindow(WindowShape window, const std::array<int, 3>& divisor, double overlap,
                      std::int64_t maxVoxels, std::int64_t floor) {
  std::array<bool, 3> exhausted{false, false, false};
  while (voxelsOf(window) > maxVoxels) {
    int axis = -1;
    for (int a = 0; a < 3; ++a)
      if (!exhausted[a] && (axis < 0 || window[a] > window[axis])) axis = a;
    if (axis < 0) break;  // every axis at its floor
    const std::int64_t d = std::max(1, divisor[axis]);
    const std::int64_t lowest = std::min(window[axis], floor);
    // Half the axis, or the nearest size below it that tiles on the stride.
    std::int64_t next = 0;
    for (std::int64_t size = std::max(window[axis] / 2, lowest) / d * d; size >= lowest && size > 0;
         size -= d) {
      if (size < window[axis] && tilesOnStride(size, d, overlap)) {
        next = size;
        break;
      }
    }
    if (next == 0) {
      exhausted[axis] = true;
    } else {
      window[axis] = next;
    }
  }
  return window;
}

std::string describeWindow(const WindowShape& window) {
  return std::to_string(window[0]) + "x" + std::to_string(window[1]) + "x" +
         std::to_string(window[2]);
}

std::string describeMegabytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f MB", bytes / double(1 << 20));
  return text;
}

}  // namespace vigie::inference::internal
