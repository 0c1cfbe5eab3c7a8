// ITK resampling, cropping and the NIfTI writer.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

#include "TestFolder.h"
#include "vigie/imaging/io/NiftiWriter.h"
#include "vigie/imaging/preprocess/Resampler.h"
#include "vigie/imaging/preprocess/VolumeCrop.h"

using namespace vigie;

namespace {

core::CtVolume rampAlongX() {
  core::VolumeGeometry g;
  g.size = {21, 11, 9};
  g.spacing = {0.5, 1.0, 2.0};
  g.origin = {10.0, -5.0, 30.0};
  core::CtVolume v(g);
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i)
        v.at(i, j, k) = static_cast<std::int16_t>(-500 + 40 * i);
  return v;
}

}  // namespace

TEST(Resampler, CoversTheSameExtentAtTheNewSpacing) {
  auto out = imaging::resampleToSpacing(rampAlongX(), {1.0, 1.0, 1.0});
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& g = out.value().geometry();
  EXPECT_EQ(g.size, (core::VolumeSize{11, 11, 17}));
  EXPECT_EQ(g.origin, (core::Vec3{10.0, -5.0, 30.0}));
  // x = 10 + 3 mm is input index 6 (-500 + 240); linear in x, so exact.
  EXPECT_EQ(out.value().at(3, 4, 5), -260);
  EXPECT_EQ(out.value().at(10, 0, 16), -500 + 40 * 20);
}

TEST(Resampler, MapsAHeatmapBackOntoTheOriginalGrid) {
  core::VolumeGeometry coarse;
  coarse.size = {5, 5, 5};
  coarse.spacing = {2.0, 2.0, 2.0};
  core::FloatVolume heat(coarse, 0.0f);
  heat.at(2, 2, 2) = 1.0f;
  core::VolumeGeometry fine = coarse;
  fine.size = {9, 9, 9};
  fine.spacing = {1.0, 1.0, 1.0};
  auto out = imaging::resampleOnto(heat, fine);
  ASSERT_TRUE(out.ok());
  EXPECT_FLOAT_EQ(out.value().at(4, 4, 4), 1.0f);  // the same physical point
  EXPECT_FLOAT_EQ(out.value().at(5, 4, 4), 0.5f);  // halfway to the next coarse voxel
  EXPECT_FLOAT_EQ(out.value().at(0, 0, 0), 0.0f);
}

namespace {

// A 4x4x4 map at 2 mm whose value is its own i index, in a 12x10x8 grid at
// 1 mm: map voxel (a, b, c) sits at target voxel (4 + 2a, 2 + 2b, 2 + 2c), so
// along x inside the map a target voxel i samples (i - 4) / 2 exactly.
core::FloatVolume mapRisingAlongI() {
  core::VolumeGeometry g;
  g.size = {4, 4, 4};
  g.spacing = {2.0, 2.0, 2.0};
  g.origin = {4.0, 2.0, 2.0};
  core::FloatVolume map(g);
  for (std::size_t k = 0; k < 4; ++k)
    for (std::size_t j = 0; j < 4; ++j)
      for (std::size_t i = 0; i < 4; ++i) map.at(i, j, k) = float(i);
  return map;
}

core::FloatVolume filledTarget(float value) {
  core::VolumeGeometry g;
  g.size = {12, 10, 8};
  return core::FloatVolume(g, value);
}

}  // namespace

TEST(Resampler, CombinesSamplesWithinTheMapAndLeavesTheRestAsItWas) {
  const core::FloatVolume map = mapRisingAlongI();
  core::FloatVolume higher = filledTarget(0.25f);
  ASSERT_TRUE(imaging::resampleInto(map, higher, imaging::Combine::KeepHigher).ok());
  core::FloatVolume replaced = filledTarget(0.25f);
  ASSERT_TRUE(imaging::resampleInto(map, replaced, imaging::Combine::Replace).ok());

  EXPECT_FLOAT_EQ(replaced.at(4, 4, 4), 0.0f);  // map index 0: the map's own value
  EXPECT_FLOAT_EQ(higher.at(4, 4, 4), 0.25f);   // ... lower than what was there
  EXPECT_FLOAT_EQ(replaced.at(5, 4, 4), 0.5f);
  EXPECT_FLOAT_EQ(higher.at(5, 4, 4), 0.5f);
  EXPECT_FLOAT_EQ(higher.at(10, 8, 8 - 1), 3.0f);
  // Outside the map's extent (x below 3 mm, y above 9 mm): untouched by both.
  for (const core::FloatVolume* out : {&higher, &replaced}) {
    EXPECT_FLOAT_EQ(out->at(0, 4, 4), 0.25f);
    EXPECT_FLOAT_EQ(out->at(2, 4, 4), 0.25f);
    EXPECT_FLOAT_EQ(out->at(6, 9, 4), 0.25f);
    EXPECT_FLOAT_EQ(out->at(6, 4, 0), 0.25f);
  }
}

TEST(Resampler, LeavesATargetTheMapDoesNotMeetAsItWas) {
  core::FloatVolume map = mapRisingAlongI();
  core::VolumeGeometry far = map.geometry();
  far.origin = {500.0, 0.0, 0.0};
  core::FloatVolume away(far, 1.0f);
  core::FloatVolume target = filledTarget(0.25f);
  ASSERT_TRUE(imaging::resampleInto(away, target, imaging::Combine::Replace).ok());
  for (std::size_t n = 0; n < target.voxelCount(); ++n) ASSERT_EQ(target.data()[n], 0.25f);
}

TEST(Resampler, CarriesALargeMapSlabBySlabWithoutASeam) {
  // 256 x 256 x 300 voxels: more than one slab of 16 M; the map rises along
  // k, so every slice must carry its own value across the slabs' border.
  core::VolumeGeometry g;
  g.size = {256, 256, 300};
  core::FloatVolume map(g);
  for (std::size_t k = 0; k < g.size.k; ++k)
    std::fill(map.data() + k * 256 * 256, map.data() + (k + 1) * 256 * 256, float(k));
  core::FloatVolume target(g, -1.0f);
  ASSERT_TRUE(imaging::resampleInto(map, target, imaging::Combine::Replace).ok());
  for (std::size_t k : {0u, 255u, 256u, 299u}) {
    EXPECT_FLOAT_EQ(target.at(0, 0, k), float(k)) << "slice " << k;
    EXPECT_FLOAT_EQ(target.at(255, 255, k), float(k)) << "slice " << k;
  }
}

TEST(Resampler, RefusesToCarryAMapIntoAnInvalidGrid) {
  core::FloatVolume target = filledTarget(0.0f);
  core::VolumeGeometry bad = mapRisingAlongI().geometry();
  bad.spacing = {0.0, 1.0, 1.0};
  core::FloatVolume map(bad, 1.0f);
  auto done = imaging::resampleInto(map, target, imaging::Combine::Replace);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, core::ErrorCode::InvalidArgument);
}

TEST(Resampler, RejectsANonPositiveSpacing) {
  auto out = imaging::resampleToSpacing(rampAlongX(), {1.0, 0.0, 1.0});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, core::ErrorCode::InvalidArgument);
}

TEST(VolumeCrop, CopiesTheBoxVoxelForVoxelWithItsOriginMoved) {
  const core::CtVolume ramp = rampAlongX();
  const imaging::IndexBox box{{4, 2, 1}, {9, 10, 3}};
  auto crop = imaging::cropToBox(ramp, box);
  ASSERT_TRUE(crop.ok()) << crop.error().message;
  const auto& g = crop.value().geometry();
  EXPECT_EQ(g.size, (core::VolumeSize{6, 9, 3}));
  EXPECT_EQ(box.voxelCount(), 6u * 9u * 3u);
  EXPECT_EQ(g.spacing, ramp.geometry().spacing);
  EXPECT_EQ(g.origin, (core::Vec3{10.0 + 4 * 0.5, -5.0 + 2 * 1.0, 30.0 + 1 * 2.0}));
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i)
        ASSERT_EQ(crop.value().at(i, j, k), ramp.at(i + 4, j + 2, k + 1));
  // The same patient position in both grids.
  const core::Vec3 p = g.indexToPhysical({5, 8, 2});
  EXPECT_EQ(p, ramp.geometry().indexToPhysical({9, 10, 3}));
}

TEST(VolumeCrop, RefusesABoxThatIsEmptyOrReachesOutside) {
  const core::CtVolume ramp = rampAlongX();
  for (const imaging::IndexBox& box :
       {imaging::IndexBox{{0, 0, 0}, {21, 10, 8}}, imaging::IndexBox{{0, 5, 0}, {20, 4, 8}}}) {
    auto crop = imaging::cropToBox(ramp, box);
    ASSERT_FALSE(crop.ok());
    EXPECT_EQ(crop.error().code, core::ErrorCode::InvalidArgument);
    EXPECT_NE(crop.error().message.find("cannot crop"), std::string::npos);
  }
}

TEST(NiftiWriter, WritesAHeaderWithTheGeometryInRas) {
  test::TestFolder dir("nifti");
  const core::CtVolume v = rampAlongX();
  ASSERT_TRUE(imaging::writeNifti(v, dir / "ct.nii.gz").ok());
  gzFile in = gzopen((dir / "ct.nii.gz").c_str(), "rb");
  ASSERT_NE(in, nullptr);
  std::vector<char> bytes(352 + v.voxelCount() * 2);
  ASSERT_EQ(gzread(in, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(in);
  auto at = [&](std::size_t offset, auto value) {
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
  };
  EXPECT_EQ(at(0, std::int32_t{}), 348);
  EXPECT_EQ(at(40, std::int16_t{}), 3);          // dim[0]
  EXPECT_EQ(at(42, std::int16_t{}), 21);         // dim[1] = columns
  EXPECT_EQ(at(46, std::int16_t{}), 9);          // dim[3] = slices
  EXPECT_EQ(at(70, std::int16_t{}), 4);          // datatype int16
  EXPECT_FLOAT_EQ(at(80, float{}), 0.5f);        // pixdim[1]
  EXPECT_EQ(at(254, std::int16_t{}), 1);         // sform_code
  EXPECT_FLOAT_EQ(at(280, float{}), -0.5f);      // srow_x[0]: LPS x flipped to RAS
  EXPECT_FLOAT_EQ(at(292, float{}), -10.0f);     // srow_x[3]
  EXPECT_FLOAT_EQ(at(296 + 12, float{}), 5.0f);  // srow_y[3] = -(-5)
  EXPECT_FLOAT_EQ(at(312 + 8, float{}), 2.0f);   // srow_z[2]
  EXPECT_EQ(std::string(bytes.data() + 344, 3), "n+1");
  EXPECT_EQ(at(352 + 2 * 5, std::int16_t{}), -500 + 40 * 5);  // voxel (5, 0, 0)
}

TEST(NiftiWriter, StoresProbabilitiesAsBytesWithASlope) {
  test::TestFolder dir("nifti-prob");
  core::VolumeGeometry g;
  g.size = {4, 1, 1};
  core::FloatVolume p(g, 0.0f);
  p.at(1, 0, 0) = 1.0f;
  p.at(2, 0, 0) = 0.5f;
  ASSERT_TRUE(imaging::writeNiftiProbabilities(p, dir / "p.nii").ok());
  std::ifstream in(dir / "p.nii", std::ios::binary);
  std::vector<char> bytes(356);
  in.read(bytes.data(), 356);
  float slope = 0;
  std::memcpy(&slope, bytes.data() + 112, 4);
  EXPECT_FLOAT_EQ(slope, 1.0f / 255.0f);
  EXPECT_EQ(static_cast<unsigned char>(bytes[353]), 255);
  EXPECT_EQ(static_cast<unsigned char>(bytes[354]), 128);
  EXPECT_FALSE(imaging::writeNifti(p, dir / "p.mha").ok());
}
