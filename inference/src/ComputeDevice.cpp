#include "vigie/inference/ComputeDevice.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <thread>

namespace vigie::inference {

RuntimeInfo queryRuntime() {
  RuntimeInfo info;
  info.torchVersion = TORCH_VERSION;
  info.cudaAvailable = torch::cuda::is_available();
  info.cudaDeviceCount = info.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
  info.cpuThreads = torch::get_num_threads();
  return info;
}

ComputeDevice selectDevice(bool preferCpu, int cpuThreads) {
  // Debian's LibTorch starts with one intra-op thread; use every core unless told otherwise.
  const int threads = cpuThreads > 0
                          ? cpuThreads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (torch::get_num_threads() != threads) torch::set_num_threads(threads);
  ComputeDevice device;
  device.cpuThreads = torch::get_num_threads();
  if (!preferCpu && torch::cuda::is_available() && torch::cuda::device_count() > 0) {
    device.kind = ComputeDevice::Kind::Cuda;
    device.cudaIndex = 0;
    device.name = "cuda:0";
  } else {
    device.name = "cpu";
  }
  return device;
}

}  // namespace vigie::inference
