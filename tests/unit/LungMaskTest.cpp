#include <gtest/gtest.h>

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

  const auto& g = ct.geometry();
  auto at = [&](double i, double j, double k) { return g.indexToPhysical({i, j, k}); };
  EXPECT_FALSE(lungs.value().contains(at(2, 2, 55)));                // air outside the body
  EXPECT_FALSE(lungs.value().contains(at(96, 20, 55)));              // front chest wall
  EXPECT_FALSE(lungs.value().contains(at(96, 96 + 0.42 * 96, 55)));  // the spine, at the back
  EXPECT_FALSE(lungs.value().contains(at(96, 96, 55 + 1000)));       // off the grid
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
