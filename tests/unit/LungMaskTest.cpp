#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "vigie/imaging/preprocess/LungMask.h"
#include "vigie/imaging/synthetic/ChestCtPhantom.h"

namespace vigie::imaging {
namespace {

TEST(LungMask, HoldsEveryNoduleAndLeavesOutTheBodyWallAndTheAirAround) {
  ChestCtPhantomOptions o;
  o.size = {192, 192, 110};
  o.spacingMm = {1.8, 1.8, 2.7};
  o.seed = 31;
  o.noduleCount = 12;  // isolated, vessel- and wall-attached ones among them
  auto phantom = ChestCtPhantomGenerator(o).generate();
  ASSERT_TRUE(phantom.ok()) << phantom.error().message;
  const auto& ct = phantom.value().volume;

  auto lungs = LungMask::segment(ct);
  ASSERT_TRUE(lungs.ok()) << lungs.error().message;
  // The phantom's lungs hold a few litres, like an adult's.
  EXPECT_GT(lungs.value().volumeMl(), 1500.0);
  EXPECT_LT(lungs.value().volumeMl(), 9000.0);

  int pleural = 0;
  for (const auto& nodule : phantom.value().nodules) {
    EXPECT_TRUE(lungs.value().contains(nodule.centerMm))
        << toString(nodule.attachment) << " nodule of " << nodule.diameterMm << " mm";
    pleural += nodule.attachment == NoduleAttachment::Pleura;
  }
  EXPECT_GT(pleural, 0) << "the seed should give a wall-attached nodule to test";
  // Its trachea opens into the lungs as a real one does: left out (with the
  // mediastinum beside it) it takes a little of the mask and no nodule (above).
  LungMaskOptions withTheAirway;
  withTheAirway.leaveOutCentralAirway = false;
  auto lungsAndAirway = LungMask::segment(ct, withTheAirway);
  ASSERT_TRUE(lungsAndAirway.ok()) << lungsAndAirway.error().message;
  const double leftOutMl = lungsAndAirway.value().volumeMl() - lungs.value().volumeMl();
  EXPECT_GT(leftOutMl, 10.0);
  EXPECT_LT(leftOutMl, 0.03 * lungsAndAirway.value().volumeMl());

  const auto& g = ct.geometry();
  auto at = [&](double i, double j, double k) { return g.indexToPhysical({i, j, k}); };
  EXPECT_FALSE(lungs.value().contains(at(2, 2, 55)));                // air outside the body
  EXPECT_FALSE(lungs.value().contains(at(96, 20, 55)));              // front chest wall
  EXPECT_FALSE(lungs.value().contains(at(96, 96 + 0.42 * 96, 55)));  // the spine, at the back
  EXPECT_FALSE(lungs.value().contains(at(96, 96, 55 + 1000)));       // off the grid
}

/// A chest reduced to what the airway needs: the trachea comes down from the
/// top of the scan and opens through two main bronchi into two ellipsoid
/// lungs, so that all the air inside the body is one region, as on a real scan.
core::CtVolume chestWithItsAirway(double sliceDirection) {
  core::VolumeGeometry g;
  g.size = {128, 128, 80};
  g.spacing = {2.5, 2.5, 2.5};
  g.direction[2] = {0, 0, sliceDirection};
  g.origin = {-160, -160, sliceDirection > 0 ? -100.0 : 97.5};
  core::CtVolume ct(g, 0);
  auto inTube = [](const core::Vec3& p, const core::Vec3& from, const core::Vec3& to, double r) {
    const core::Vec3 axis = to - from;
    const double t = std::clamp((p - from).dot(axis) / axis.dot(axis), 0.0, 1.0);
    return (p - (from + axis * t)).norm() <= r;
  };
  for (std::size_t k = 0; k < g.size.k; ++k)
    for (std::size_t j = 0; j < g.size.j; ++j)
      for (std::size_t i = 0; i < g.size.i; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        std::int16_t value = std::hypot(p.x, p.y) > 150 ? -1000 : 40;
        for (double side : {-1.0, 1.0}) {
          const core::Vec3 q = {(p.x - side * 70) / 50, p.y / 70, (p.z + 10) / 80};
          if (q.dot(q) <= 1) value = -850;
          if (inTube(p, {0, 0, 20}, {side * 45, 0, 0}, 6)) value = -1000;  // main bronchi
        }
        if (p.z >= 20 && std::hypot(p.x, p.y) <= 9) value = -1000;  // the trachea
        ct.at(i, j, k) = value;
      }
  return ct;
}

TEST(LungMask, LeavesOutTheTracheaAndTheMediastinumBesideIt) {
  for (double sliceDirection : {1.0, -1.0}) {
    SCOPED_TRACE(sliceDirection > 0 ? "slices from the feet up" : "slices from the head down");
    const core::CtVolume ct = chestWithItsAirway(sliceDirection);
    auto lungs = LungMask::segment(ct);
    LungMaskOptions withTheAirway;
    withTheAirway.leaveOutCentralAirway = false;
    auto lungsAndAirway = LungMask::segment(ct, withTheAirway);
    ASSERT_TRUE(lungs.ok()) << lungs.error().message;
    ASSERT_TRUE(lungsAndAirway.ok()) << lungsAndAirway.error().message;

    const core::Vec3 besideTheTrachea{11, 0, 50};  // 2 mm from its lumen, 26 from a lung
    EXPECT_TRUE(lungsAndAirway.value().contains(besideTheTrachea)) << "the test shows nothing";
    EXPECT_FALSE(lungs.value().contains(besideTheTrachea));
    EXPECT_FALSE(lungs.value().contains({0, 0, 80}));  // the trachea itself
    for (double side : {-1.0, 1.0}) {
      EXPECT_TRUE(lungs.value().contains({side * 70, 0, -10}));   // the middle of a lung
      EXPECT_TRUE(lungs.value().contains({side * 22, 0, -10}));   // its mediastinal edge
      EXPECT_TRUE(lungs.value().contains({side * 40, 0, 5}));     // where the bronchus enters
      EXPECT_TRUE(lungs.value().contains({side * 118, 0, -10}));  // against the chest wall
    }
    EXPECT_NEAR(lungs.value().volumeMl(), lungsAndAirway.value().volumeMl(),
                0.05 * lungsAndAirway.value().volumeMl());
  }
}

TEST(LungMask, GivesTheBoxOfTheLungsInAnotherGrid) {
  ChestCtPhantomOptions o;
  o.size = {160, 160, 90};
  o.spacingMm = {2.2, 2.2, 3.3};
  o.seed = 32;
  o.noduleCount = 8;
  auto phantom = ChestCtPhantomGenerator(o).generate();
  ASSERT_TRUE(phantom.ok()) << phantom.error().message;
  const auto& ct = phantom.value().volume;
  auto lungs = LungMask::segment(ct);
  ASSERT_TRUE(lungs.ok()) << lungs.error().message;

  const auto tight = lungs.value().boxIn(ct.geometry(), 0.0);
  const auto grown = lungs.value().boxIn(ct.geometry(), 10.0);
  ASSERT_TRUE(tight && grown);
  // Every nodule is inside; the body wall and the air around it are not.
  for (const auto& nodule : phantom.value().nodules) {
    const core::Vec3 at = ct.geometry().physicalToIndex(nodule.centerMm);
    for (int a = 0; a < 3; ++a) {
      EXPECT_GE(at[a], double(tight->first[a]));
      EXPECT_LE(at[a], double(tight->last[a]));
    }
  }
  EXPECT_GT(tight->first[0], 0u);
  EXPECT_LT(tight->last[0], o.size.i - 1);
  EXPECT_GT(tight->first[1], 0u);
  EXPECT_LT(tight->last[1], o.size.j - 1);
  EXPECT_LT(tight->voxelCount(), ct.voxelCount() * 3 / 4);
  // A margin grows it by as many voxels along each axis, clipped to the grid.
  for (int a = 0; a < 2; ++a) {
    EXPECT_NEAR(double(tight->first[a] - grown->first[a]), 10.0 / 2.2, 1.0);
    EXPECT_NEAR(double(grown->last[a] - tight->last[a]), 10.0 / 2.2, 1.0);
  }
  // Another grid: the same box in its own voxels; none where it misses the lungs.
  core::VolumeGeometry finer = ct.geometry();
  finer.spacing = {1.1, 1.1, 1.1};
  finer.size = {320, 320, 270};
  const auto inFiner = lungs.value().boxIn(finer, 0.0);
  ASSERT_TRUE(inFiner);
  EXPECT_NEAR(double(inFiner->first[0]), 2.0 * tight->first[0], 2.0);
  EXPECT_NEAR(double(inFiner->last[1]), 2.0 * tight->last[1], 2.0);
  core::VolumeGeometry elsewhere = ct.geometry();
  elsewhere.origin = elsewhere.origin + core::Vec3{0, 0, 2000.0};
  EXPECT_FALSE(lungs.value().boxIn(elsewhere, 10.0));
}

TEST(LungMask, SaysSoWhenThereAreNoLungs) {
  core::VolumeGeometry g;
  g.size = {40, 40, 20};
  g.spacing = {2, 2, 2};
  core::CtVolume water(g, 0);
  auto none = LungMask::segment(water);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no lung-sized air region"), std::string::npos);
}

}  // namespace
}  // namespace vigie::imaging
