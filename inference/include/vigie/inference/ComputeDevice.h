#pragma once

#include <string>

namespace vigie::inference {

/// Where a model runs, and why. Chosen once per session; readers see it in
/// the GUI and in findings.json, so results can be traced to the hardware.
struct ComputeDevice {
  enum class Kind { Cpu, Cuda };
  Kind kind = Kind::Cpu;
  int cudaIndex = -1;  ///< CUDA device ordinal, -1 for CPU
  int cpuThreads = 1;  ///< intra-op threads LibTorch uses on CPU
  std::string name;    ///< "cpu" or "cuda:0"

  bool isCuda() const { return kind == Kind::Cuda; }
};

/// What the LibTorch this program is linked against can do.
struct RuntimeInfo {
  std::string torchVersion;  ///< e.g. "1.13.1"
  bool cudaAvailable = false;
  int cudaDeviceCount = 0;
  int cpuThreads = 1;
};

/// Reads the LibTorch build and hardware. Safe to call from any thread.
RuntimeInfo queryRuntime();

/// Picks CUDA device 0 when LibTorch was built with CUDA and a GPU is present,
/// unless `preferCpu`; otherwise the CPU. Sets LibTorch's intra-op thread
/// count (process-wide) to `cpuThreads`, or to the number of cores when 0.
ComputeDevice selectDevice(bool preferCpu = false, int cpuThreads = 0);

}  // namespace vigie::inference
