#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "TestFolder.h"
#include "vigie/imaging/io/VolumeFile.h"

namespace vigie::imaging {
namespace {

/// An oblique volume with unequal spacing and a ramp of values: any axis swap,
/// flip or LPS/RAS confusion in a writer changes what comes back.
core::CtVolume obliqueRamp() {
  core::VolumeGeometry g;
  g.size = {7, 5, 4};
  g.origin = {-120.5, 33.25, 410.0};
  g.spacing = {0.7, 0.9, 2.5};
  const double c = std::cos(0.3), s = std::sin(0.3);
  g.direction = {core::Vec3{c, s, 0}, core::Vec3{-s, c, 0}, core::Vec3{0, 0, 1}};
  core::CtVolume volume(g);
  for (std::size_t n = 0; n < volume.voxelCount(); ++n)
    volume.data()[n] = static_cast<std::int16_t>(-1000 + 17 * static_cast<int>(n));
  return volume;
}

TEST(VolumeFile, NamesItsFormatsByExtension) {
  EXPECT_EQ(volumeFormatOf("a/b.nii.gz"), VolumeFormat::Nifti);
  EXPECT_EQ(volumeFormatOf("b.nii"), VolumeFormat::Nifti);
  EXPECT_EQ(volumeFormatOf("c.nrrd"), VolumeFormat::Nrrd);
  EXPECT_EQ(volumeFormatOf("d.mha"), VolumeFormat::MetaImage);
  EXPECT_FALSE(volumeFormatOf("e.png").has_value());
  EXPECT_FALSE(writeVolume(obliqueRamp(), "out.vtk").ok());
}

TEST(VolumeFile, EveryFormatKeepsTheVoxelsAndTheGeometry) {
  test::TestFolder dir("volume-file");
  const core::CtVolume original = obliqueRamp();
  const auto& g = original.geometry();
  for (const std::string name : {"v.nii", "v.nii.gz", "v.nrrd", "v.mha"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(writeVolume(original, dir / name).ok());
    auto back = readVolumeWithItk(dir / name);
    ASSERT_TRUE(back.ok()) << back.error().message;
    const auto& b = back.value().geometry();
    ASSERT_TRUE(b.size == g.size);
    EXPECT_NEAR(b.origin.x, g.origin.x, 1e-3);
    EXPECT_NEAR(b.origin.y, g.origin.y, 1e-3);
    EXPECT_NEAR(b.origin.z, g.origin.z, 1e-3);
    EXPECT_NEAR(b.spacing.x, g.spacing.x, 1e-5);
    EXPECT_NEAR(b.spacing.y, g.spacing.y, 1e-5);
    EXPECT_NEAR(b.spacing.z, g.spacing.z, 1e-5);
    for (int axis = 0; axis < 3; ++axis) {
      EXPECT_NEAR(b.direction[axis].x, g.direction[axis].x, 1e-5);
      EXPECT_NEAR(b.direction[axis].y, g.direction[axis].y, 1e-5);
      EXPECT_NEAR(b.direction[axis].z, g.direction[axis].z, 1e-5);
    }
    EXPECT_TRUE(
        std::equal(original.data(), original.data() + original.voxelCount(), back.value().data()));
  }
  // NRRD states its space, so readers that are not ITK cannot flip it.
  std::ifstream nrrd(dir / "v.nrrd", std::ios::binary);
  std::string header(400, '\0');
  nrrd.read(header.data(), static_cast<std::streamsize>(header.size()));
  EXPECT_NE(header.find("space: left-posterior-superior"), std::string::npos) << header;
  EXPECT_NE(header.find("encoding: gzip"), std::string::npos) << header;
}

TEST(VolumeFile, ReadingAMissingOrDamagedFileNamesIt) {
  test::TestFolder dir("volume-file-bad");
  std::ofstream(dir / "bad.nrrd") << "NRRD0004\ntype: short\n";
  auto bad = readVolumeWithItk(dir / "bad.nrrd");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad.nrrd"), std::string::npos);
  EXPECT_FALSE(readVolumeWithItk(dir / "missing.mha").ok());
}

}  // namespace
}  // namespace vigie::imaging
