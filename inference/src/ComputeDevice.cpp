#include "vigie/inference/ComputeDevice.h"

#include <torch/torch.h>
#include <torch/version.h>

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
  if (cpuThreads > 0) torch::set_num_threads(cpuThreads);
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
