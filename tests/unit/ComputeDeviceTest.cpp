// The inference runtime's device choice (builds with core + LibTorch only).
#include <gtest/gtest.h>

#include "vigie/inference/ComputeDevice.h"

using namespace vigie::inference;

TEST(ComputeDevice, ReportsTheLinkedLibTorch) {
  const RuntimeInfo info = queryRuntime();
  EXPECT_FALSE(info.torchVersion.empty());
  EXPECT_GE(info.cpuThreads, 1);
  EXPECT_EQ(info.cudaAvailable, info.cudaDeviceCount > 0);
}

TEST(ComputeDevice, UsesTheCpuWhenAskedAndSetsItsThreads) {
  const ComputeDevice device = selectDevice(/*preferCpu=*/true, /*cpuThreads=*/2);
  EXPECT_FALSE(device.isCuda());
  EXPECT_EQ(device.name, "cpu");
  EXPECT_EQ(device.cpuThreads, 2);
}

TEST(ComputeDevice, PicksCudaExactlyWhenLibTorchHasIt) {
  const ComputeDevice device = selectDevice();
  EXPECT_EQ(device.isCuda(), queryRuntime().cudaAvailable);
  EXPECT_EQ(device.name, device.isCuda() ? "cuda:0" : "cpu");
}
