#include "vigie/imaging/synthetic/ChestCtPhantom.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../ParallelFor.h"
#include "ThoraxModel.h"
#include "vigie/core/SeededRandom.h"

namespace vigie::imaging {

using core::Vec3;
using internal::Tissue;

const char* toString(NoduleType type) {
  switch (type) {
    case NoduleType::Solid:
      return "solid";
    case NoduleType::PartSolid:
      return "part-solid";
    case NoduleType::GroundGlass:
      return "ground-glass";
  }
  return "solid";
}

const char* toString(NoduleAttachment where) {
  switch (where) {
    case NoduleAttachment::Isolated:
      return "isolated";
    case NoduleAttachment::Vessel:
      return "vessel";
    case NoduleAttachment::Pleura:
      return "pleura";
    case NoduleAttachment::Diaphragm:
      return "diaphragm";
  }
  return "isolated";
}

namespace {

constexpr double kPi = 3.14159265358979323846;
/// Above this diameter a lesion is a mass, drawn less often than nodules.
constexpr double kMassDiameterMm = 15.0;

// Random-stream identifiers, so that each part of the phantom draws from its
// own sequence and adding a feature does not reshuffle the others.
enum Stream : std::uint64_t {
  kVesselStream = 1,
  kAirwayStream = 2,
  kNoduleStream = 3,
  kFissureStream = 4,
  kEmphysemaStream = 5,
  kNoiseStreamBase = 1u << 20,
};

struct Tube {
  Vec3 a;
  Vec3 b;
  double radius = 1.0;  // mm
};

/// The float working image and tissue labels the phantom is built in.
struct Canvas {
  core::VolumeGeometry geometry;
  std::vector<float> hu;
  std::vector<unsigned char> tissue;

  std::size_t offset(long i, long j, long k) const {
    return (static_cast<std::size_t>(k) * geometry.size.j + static_cast<std::size_t>(j)) *
               geometry.size.i +
           static_cast<std::size_t>(i);
  }
  bool contains(long i, long j, long k) const {
    return i >= 0 && j >= 0 && k >= 0 && i < static_cast<long>(geometry.size.i) &&
           j < static_cast<long>(geometry.size.j) && k < static_cast<long>(geometry.size.k);
  }
  unsigned char tissueAt(const Vec3& p) const {
    const Vec3 idx = geometry.physicalToIndex(p);
    const long i = std::lround(idx.x), j = std::lround(idx.y), k = std::lround(idx.z);
    return contains(i, j, k) ? tissue[offset(i, j, k)]
                             : static_cast<unsigned char>(internal::kOutside);
  }

  /// Calls visit(offset, position) for every voxel within `margin` mm of the
  /// axis-aligned box [lo, hi].
  template <typename Visit>
  void forEachVoxelIn(const Vec3& lo, const Vec3& hi, Visit visit) {
    const Vec3 a = geometry.physicalToIndex(lo);
    const Vec3 b = geometry.physicalToIndex(hi);
    const long i0 = std::max(0L, static_cast<long>(std::floor(std::min(a.x, b.x))));
    const long j0 = std::max(0L, static_cast<long>(std::floor(std::min(a.y, b.y))));
    const long k0 = std::max(0L, static_cast<long>(std::floor(std::min(a.z, b.z))));
    const long i1 =
        std::min<long>(geometry.size.i - 1, static_cast<long>(std::ceil(std::max(a.x, b.x))));
    const long j1 =
        std::min<long>(geometry.size.j - 1, static_cast<long>(std::ceil(std::max(a.y, b.y))));
    const long k1 =
        std::min<long>(geometry.size.k - 1, static_cast<long>(std::ceil(std::max(a.z, b.z))));
    for (long k = k0; k <= k1; ++k) {
      for (long j = j0; j <= j1; ++j) {
        for (long i = i0; i <= i1; ++i) {
          const Vec3 p = geometry.indexToPhysical(
              {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)});
          visit(offset(i, j, k), p);
        }
      }
    }
  }
};

double distanceToSegment(const Vec3& p, const Vec3& a, const Vec3& b) {
  const Vec3 ab = b - a;
  const double len2 = ab.dot(ab);
  const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  return distance(p, a + ab * t);
}

/// Fraction of a voxel (of size h) covered by an object whose surface lies at
/// `radius` when the voxel centre is at `dist`: a cheap partial-volume model.
double coverage(double dist, double radius, double h) {
  return std::clamp(0.5 + (radius - dist) / h, 0.0, 1.0);
}

Vec3 minCorner(const Vec3& a, const Vec3& b, double margin) {
  return {std::min(a.x, b.x) - margin, std::min(a.y, b.y) - margin, std::min(a.z, b.z) - margin};
}
Vec3 maxCorner(const Vec3& a, const Vec3& b, double margin) {
  return {std::max(a.x, b.x) + margin, std::max(a.y, b.y) + margin, std::max(a.z, b.z) + margin};
}

/// A unit vector making `angle` radians with `axis`, turned by `spin` around it.
Vec3 deviate(const Vec3& axis, double angle, double spin) {
  const Vec3 helper = std::abs(axis.z) < 0.9 ? Vec3{0, 0, 1} : Vec3{1, 0, 0};
  const Vec3 u = axis.cross(helper).normalized();
  const Vec3 v = axis.cross(u).normalized();
  const Vec3 radial = u * std::cos(spin) + v * std::sin(spin);
  return (axis * std::cos(angle) + radial * std::sin(angle)).normalized();
}

/// A direction drawn uniformly over the sphere.
Vec3 randomDirection(core::SeededRandom& rng) {
  return deviate({0, 0, 1}, std::acos(rng.uniform(-1.0, 1.0)), rng.uniform(0, 2 * kPi));
}

/// A pleural sheet (fissure) as a plane; `anteriorOf` optionally limits it to
/// the side of another plane where that plane's signed distance is negative.
struct Sheet {
  Vec3 point;
  Vec3 normal;
  float hu = -550.0f;  ///< what a voxel wholly inside the sheet would read
  const Sheet* anteriorOf = nullptr;

  double signedDistance(const Vec3& p) const { return (p - point).dot(normal); }
};

class PhantomBuilder {
 public:
  PhantomBuilder(const ChestCtPhantomOptions& options, const core::VolumeGeometry& geometry)
      : options_(options), thorax_(geometry) {
    canvas_.geometry = geometry;
    canvas_.hu.assign(geometry.size.voxelCount(), -1000.0f);
    canvas_.tissue.assign(geometry.size.voxelCount(), internal::kOutside);
    voxelSize_ = 0.5 * (geometry.spacing.x + geometry.spacing.y);
  }

  ChestCtPhantom build() {
    fillAnatomy();
    drawEmphysema();
    drawFissures();
    drawAirways();
    drawVessels();
    ChestCtPhantom phantom;
    phantom.nodules = insertNodules();
    phantom.volume = addNoiseAndQuantize();
    return phantom;
  }

 private:
  /// Runs work(k) for every slice k on several threads. Results never depend
  /// on the thread count: each slice is written by one thread only.
  template <typename Work>
  void forEachSlice(Work work) {
    internal::parallelFor(
        canvas_.geometry.size.k, [&](std::size_t k) { work(static_cast<long>(k)); },
        static_cast<unsigned>(std::max(options_.threads, 0)));
  }

  void fillAnatomy() {
    const auto& g = canvas_.geometry;
    forEachSlice([&](long k) {
      for (std::size_t j = 0; j < g.size.j; ++j) {
        for (std::size_t i = 0; i < g.size.i; ++i) {
          const Vec3 p = g.indexToPhysical(
              {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)});
          const internal::TissueSample s = thorax_.sample(p);
          const std::size_t o = canvas_.offset(i, j, k);
          canvas_.hu[o] = s.hu;
          canvas_.tissue[o] = s.tissue;
        }
      }
    });
  }

  /// Centrilobular emphysema, in some patients: rounded lucencies of 4-18 mm
  /// without walls, commoner towards the apices, emptying about 1-6 % of the
  /// lungs. Real lungs are wider-spread
  /// in density than a uniform parenchyma, and their darkest parts are these.
  void drawEmphysema() {
    core::SeededRandom rng = core::SeededRandom::derive(options_.seed, kEmphysemaStream);
    if (!rng.chance(0.4)) return;
    const int count = rng.uniformInt(50, 400);
    const double zLow = thorax_.zAt(0.0), zHigh = thorax_.zAt(1.0);
    for (int n = 0; n < count; ++n) {
      const Vec3 center = randomLungPoint(rng);
      const double radius = rng.uniform(2.0, 9.0);
      const double height = (center.z - zLow) / std::max(zHigh - zLow, 1.0);
      if (!rng.chance(0.25 + 0.75 * height)) continue;
      const Vec3 reach{radius + voxelSize_, radius + voxelSize_, radius + voxelSize_};
      canvas_.forEachVoxelIn(center - reach, center + reach, [&](std::size_t o, const Vec3& p) {
        if (canvas_.tissue[o] != internal::kLung) return;
        const double c = coverage(distance(p, center), radius, voxelSize_);
        if (c <= 0.0) return;
        canvas_.hu[o] =
            std::min(canvas_.hu[o], static_cast<float>(canvas_.hu[o] * (1 - c) - 985.0 * c));
      });
    }
  }

  /// The interlobar fissures: a major (oblique) fissure in each lung, high at
  /// the back and low at the front, through the hilum, and the right lung's
  /// minor (horizontal) fissure in front of it. A sheet far thinner than a
  /// voxel reads as a faint line; where a vessel crosses it, a detector that
  /// never saw one may see a nodule.
  void drawFissures() {
    const double s = thorax_.inPlaneScale();
    core::SeededRandom rng = core::SeededRandom::derive(options_.seed, kFissureStream);
    std::vector<Sheet> sheets;
    sheets.reserve(3);  // the minor fissure points at the right major one
    for (int side : {-1, 1}) {
      const double tilt = rng.uniform(0.75, 1.05);  // radians from the horizontal
      Sheet major;
      major.point = thorax_.hilum(side) + Vec3{0, rng.uniform(-8, 8) * s, rng.uniform(-10, 10)};
      major.normal = Vec3{rng.uniform(-0.15, 0.15), std::sin(tilt), -std::cos(tilt)}.normalized();
      major.hu = static_cast<float>(rng.uniform(-650.0, -450.0));
      sheets.push_back(major);
      if (side < 0) {
        Sheet minor;
        minor.point = thorax_.hilum(side) + Vec3{0, 0, rng.uniform(0.0, 15.0)};
        minor.normal = Vec3{0, rng.uniform(-0.1, 0.1), 1}.normalized();
        minor.hu = static_cast<float>(rng.uniform(-650.0, -450.0));
        minor.anteriorOf = &sheets.front();
        sheets.push_back(minor);
      }
    }
    const auto& g = canvas_.geometry;
    const double halfThickness = 0.25;  // mm
    forEachSlice([&](long k) {
      for (std::size_t j = 0; j < g.size.j; ++j) {
        for (std::size_t i = 0; i < g.size.i; ++i) {
          const std::size_t o = canvas_.offset(i, j, k);
          if (canvas_.tissue[o] != internal::kLung) continue;
          const Vec3 p = g.indexToPhysical(
              {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)});
          for (const Sheet& sheet : sheets) {
            if (sheet.anteriorOf && sheet.anteriorOf->signedDistance(p) >= 0) continue;
            const double c = coverage(std::abs(sheet.signedDistance(p)), halfThickness, voxelSize_);
            if (c <= 0.0) continue;
            canvas_.hu[o] =
                std::max(canvas_.hu[o], static_cast<float>(canvas_.hu[o] * (1 - c) + sheet.hu * c));
          }
        }
      }
    });
  }

  /// Draws a tube with a wall: air inside `lumenRadius`, soft-tissue wall
  /// outside it up to `tube.radius`. `lungOnly` keeps it inside the lungs.
  void drawAirway(const Tube& tube, double lumenRadius, bool lungOnly) {
    airways_.push_back(tube);
    const double margin = tube.radius + voxelSize_;
    canvas_.forEachVoxelIn(
        minCorner(tube.a, tube.b, margin), maxCorner(tube.a, tube.b, margin),
        [&](std::size_t o, const Vec3& p) {
          const auto tissue = canvas_.tissue[o];
          if (lungOnly && tissue != internal::kLung && tissue != internal::kAirway) return;
          if (tissue == internal::kBone) return;
          const double d = distanceToSegment(p, tube.a, tube.b);
          const double wall = coverage(d, tube.radius, voxelSize_);
          if (wall <= 0.0) return;
          const double lumen = coverage(d, lumenRadius, voxelSize_);
          const float wallHu = static_cast<float>(canvas_.hu[o] * (1 - wall) + 10.0 * wall);
          canvas_.hu[o] = static_cast<float>(wallHu * (1 - lumen) - 1000.0 * lumen);
          if (lumen > 0.5) canvas_.tissue[o] = internal::kAirway;
        });
  }

  void drawAirways() {
    const double s = thorax_.inPlaneScale();
    core::SeededRandom rng = core::SeededRandom::derive(options_.seed, kAirwayStream);
    for (int side : {-1, 1}) {
      const Vec3 end = thorax_.mainBronchusEnd(side);
      drawAirway({thorax_.carina(), end, 7.0 * s}, 5.5 * s, false);
      // Lobar and segmental bronchi: three generations of thinning branches.
      std::vector<Tube> level{{thorax_.carina(), end, 7.0 * s}};
      for (int generation = 0; generation < 3; ++generation) {
        std::vector<Tube> next;
        for (const Tube& parent : level) {
          const Vec3 axis = (parent.b - parent.a).normalized();
          for (int child = 0; child < 2; ++child) {
            const Vec3 dir = deviate(axis, rng.uniform(0.35, 0.8), rng.uniform(0, 2 * kPi));
            const double length = rng.uniform(18.0, 30.0) * s;
            Tube t{parent.b, parent.b + dir * length, parent.radius * 0.72};
            if (!thorax_.isLung(t.b)) continue;
            drawAirway(t, t.radius * 0.7, true);
            next.push_back(t);
          }
        }
        level = std::move(next);
      }
    }
  }

  void growVessel(const Vec3& start, const Vec3& direction, double length, double radius, int depth,
                  core::SeededRandom& rng) {
    if (radius < 0.35 || depth > 9) return;
    Vec3 end = start + direction * length;
    // Bend away from the pleura: retry a few directions before giving up.
    Vec3 dir = direction;
    for (int attempt = 0; attempt < 4 && !thorax_.isLung(end); ++attempt) {
      dir = deviate(direction, rng.uniform(0.3, 1.0), rng.uniform(0, 2 * kPi));
      end = start + dir * (length * 0.7);
    }
    if (!thorax_.isLung(end)) return;
    vessels_.push_back({start, end, radius});
    const int children = depth < 2 ? 3 : 2;
    for (int c = 0; c < children; ++c) {
      const Vec3 childDir = deviate(dir, rng.uniform(0.3, 0.75), rng.uniform(0, 2 * kPi));
      growVessel(end, childDir, length * rng.uniform(0.68, 0.88), radius * rng.uniform(0.66, 0.8),
                 depth + 1, rng);
    }
  }

  void drawVessels() {
    const double s = thorax_.inPlaneScale();
    core::SeededRandom rng = core::SeededRandom::derive(options_.seed, kVesselStream);
    for (int side : {-1, 1}) {
      const Vec3 hilum = thorax_.hilum(side);
      // Main pulmonary branches: up, lateral, down, front, back.
      const Vec3 starts[] = {{0.15 * side, 0.05, 1.0},
                             {1.0 * side, 0.0, 0.1},
                             {0.3 * side, 0.2, -1.0},
                             {0.5 * side, -1.0, -0.2},
                             {0.5 * side, 1.0, -0.3}};
      for (const Vec3& d : starts) {
        growVessel(hilum, d.normalized(), rng.uniform(32.0, 42.0) * s, rng.uniform(4.0, 5.0) * s, 0,
                   rng);
      }
    }
    for (const Tube& v : vessels_) {
      const double margin = v.radius + voxelSize_;
      canvas_.forEachVoxelIn(
          minCorner(v.a, v.b, margin), maxCorner(v.a, v.b, margin),
          [&](std::size_t o, const Vec3& p) {
            if (canvas_.tissue[o] != internal::kLung) return;
            const double c = coverage(distanceToSegment(p, v.a, v.b), v.radius, voxelSize_);
            if (c <= 0.0) return;
            canvas_.hu[o] =
                std::max(canvas_.hu[o], static_cast<float>(canvas_.hu[o] * (1 - c) + 40.0 * c));
          });
    }
  }

  /// True when a sphere of `radius` at `center` lies in lung at its centre and
  /// at the six axis-aligned points of its surface (`requiredInside` of them).
  bool fitsInLung(const Vec3& center, double radius, int requiredInside) const {
    if (canvas_.tissueAt(center) != internal::kLung) return false;
    int inside = 0;
    const Vec3 axes[] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (const Vec3& a : axes) inside += canvas_.tissueAt(center + a * radius) == internal::kLung;
    return inside >= requiredInside;
  }

  Vec3 randomLungPoint(core::SeededRandom& rng) const {
    const auto& g = canvas_.geometry;
    for (int attempt = 0; attempt < 100000; ++attempt) {
      const Vec3 idx{rng.uniform(0, g.size.i - 1.0), rng.uniform(0, g.size.j - 1.0),
                     rng.uniform(0, g.size.k - 1.0)};
      const Vec3 p = g.indexToPhysical(idx);
      if (canvas_.tissueAt(p) == internal::kLung) return p;
    }
    return thorax_.hilum(-1);
  }

  /// Whether a nodule of radius r at `center` keeps clear of every vessel and
  /// airway but `host` (the vessel it is attached to). A small nodule drawn
  /// over a vessel takes the vessel's density and disappears into it, so it
  /// could not be seen and must not be in the ground truth; a large one may
  /// have a vessel at its edge, as real ones do, and still be seen.
  bool clearOfTubes(const Vec3& center, double r, const Tube* host) const {
    const double gap = std::min(r + 1.0, 0.5 * r + 3.5);
    auto clear = [&](const Tube& t) {
      return &t == host || distanceToSegment(center, t.a, t.b) >= t.radius + gap;
    };
    return std::all_of(vessels_.begin(), vessels_.end(), clear) &&
           std::all_of(airways_.begin(), airways_.end(), clear);
  }

  /// Chooses a centre for a nodule of radius r with the wanted attachment;
  /// returns false when no place was found (the nodule is then redrawn).
  bool placeNodule(NoduleAttachment where, double r, core::SeededRandom& rng, Vec3& center) const {
    switch (where) {
      case NoduleAttachment::Isolated:
        center = randomLungPoint(rng);
        return fitsInLung(center, r + 3.0, 6) && clearOfTubes(center, r, nullptr);
      case NoduleAttachment::Pleura: {
        const Vec3 start = randomLungPoint(rng);
        const double side = start.x < 0 ? -1.0 : 1.0;
        const Vec3 dir = Vec3{side, rng.uniform(-0.6, 0.6), rng.uniform(-0.2, 0.2)}.normalized();
        Vec3 p = start;
        for (int step = 0; step < 400 && canvas_.tissueAt(p) == internal::kLung; ++step) {
          p = p + dir * 0.5;
        }
        center = p - dir * (0.6 * r);  // slightly embedded: it touches the chest wall
        return fitsInLung(center, 0.5 * r, 4) && clearOfTubes(center, r, nullptr);
      }
      case NoduleAttachment::Diaphragm: {
        const Vec3 start = randomLungPoint(rng);
        const Vec3 dir =
            Vec3{rng.uniform(-0.35, 0.35), rng.uniform(-0.35, 0.35), -1.0}.normalized();
        Vec3 p = start;
        for (int step = 0; step < 1000 && canvas_.tissueAt(p) == internal::kLung; ++step) {
          p = p + dir * 0.5;
        }
        // Only the lung base: a walk down that ends on the heart is not the diaphragm.
        if (p.z > thorax_.zAt(0.32)) return false;
        center = p - dir * (0.6 * r);  // resting on the dome, slightly embedded
        return fitsInLung(center, 0.5 * r, 4) && clearOfTubes(center, r, nullptr);
      }
      case NoduleAttachment::Vessel: {
        std::vector<const Tube*> candidates;
        for (const Tube& v : vessels_) {
          if (v.radius >= 0.8 && v.radius <= 3.0) candidates.push_back(&v);
        }
        if (candidates.empty()) return false;
        const Tube& v = *candidates[rng.uniformInt(0, static_cast<int>(candidates.size()) - 1)];
        const Vec3 axis = (v.b - v.a).normalized();
        const Vec3 onAxis = v.a + (v.b - v.a) * rng.uniform(0.25, 0.75);
        const Vec3 side = deviate(axis, kPi / 2, rng.uniform(0, 2 * kPi));
        center = onAxis + side * (v.radius + 0.6 * r);
        return fitsInLung(center, r, 5) && clearOfTubes(center, r, &v);
      }
    }
    return false;
  }

  void drawNodule(const NoduleTruth& n, core::SeededRandom& rng) {
    const double r = 0.5 * n.diameterMm;
    const double lobulation = n.lobulated ? rng.uniform(0.12, 0.2) : 0.0;
    const double phase1 = rng.uniform(0, 2 * kPi), phase2 = rng.uniform(0, 2 * kPi);
    const double solidHu = rng.uniform(15.0, 55.0);
    const double glassHu = rng.uniform(-650.0, -450.0);
    const double coreFraction = rng.uniform(0.35, 0.6);  // part-solid: solid core radius
    const double margin = r * (1 + lobulation) + voxelSize_;
    const Vec3 m{margin, margin, margin};
    canvas_.forEachVoxelIn(n.centerMm - m, n.centerMm + m, [&](std::size_t o, const Vec3& p) {
      const auto tissue = canvas_.tissue[o];
      if (tissue != internal::kLung) return;
      const Vec3 d = p - n.centerMm;
      const double dist = d.norm();
      double surface = r;
      if (lobulation > 0 && dist > 1e-6) {
        const double azimuth = std::atan2(d.y, d.x);
        const double elevation = std::acos(std::clamp(d.z / dist, -1.0, 1.0));
        surface *=
            1.0 + lobulation * std::sin(3 * azimuth + phase1) * std::sin(2 * elevation + phase2);
      }
      const double c = coverage(dist, surface, voxelSize_);
      if (c <= 0.0) return;
      double target = solidHu;
      if (n.type == NoduleType::GroundGlass) target = glassHu;
      if (n.type == NoduleType::PartSolid) {
        const double core = coverage(dist, surface * coreFraction, voxelSize_);
        target = glassHu * (1 - core) + solidHu * core;
      }
      const float blended = static_cast<float>(canvas_.hu[o] * (1 - c) + target * c);
      canvas_.hu[o] = std::max(canvas_.hu[o], blended);  // vessels stay visible through glass
    });
    if (n.spiculated) drawSpicules(n, solidHu, rng);
  }

  /// Spicules: 8-18 strands of 0.5-1 mm radius, thinning outwards, from
  /// inside the surface to 2 mm plus up to 90 % of the radius beyond it.
  void drawSpicules(const NoduleTruth& n, double hu, core::SeededRandom& rng) {
    const double r = 0.5 * n.diameterMm;
    const int count = rng.uniformInt(8, 18);
    for (int s = 0; s < count; ++s) {
      const Vec3 dir = randomDirection(rng);
      const Vec3 a = n.centerMm + dir * (0.7 * r);
      const Vec3 b = n.centerMm + dir * (r + 2.0 + rng.uniform(0.3, 0.9) * r);
      const double radius = rng.uniform(0.5, 1.0);
      const double length = distance(a, b);
      const double margin = radius + voxelSize_;
      canvas_.forEachVoxelIn(
          minCorner(a, b, margin), maxCorner(a, b, margin), [&](std::size_t o, const Vec3& p) {
            if (canvas_.tissue[o] != internal::kLung) return;
            const double along = std::clamp((p - a).dot(dir) / length, 0.0, 1.0);
            const double c =
                coverage(distanceToSegment(p, a, b), radius * (1.0 - 0.6 * along), voxelSize_);
            if (c <= 0.0) return;
            canvas_.hu[o] =
                std::max(canvas_.hu[o], static_cast<float>(canvas_.hu[o] * (1 - c) + hu * c));
          });
    }
  }

  /// Log-uniform nodules up to 15 mm and, one time in seven, a larger mass.
  double drawDiameter(core::SeededRandom& rng) const {
    const double lo = options_.minNoduleDiameterMm;
    const double hi = std::max(options_.maxNoduleDiameterMm, lo);
    const bool mass = rng.chance(1.0 / 7.0);
    double d = 0;
    if (lo >= kMassDiameterMm || (mass && hi > kMassDiameterMm)) {
      d = rng.uniform(std::max(lo, kMassDiameterMm), hi);
    } else {
      d = std::exp(rng.uniform(std::log(lo), std::log(std::min(hi, kMassDiameterMm))));
    }
    return std::round(d * 10.0) / 10.0;
  }

  std::vector<NoduleTruth> insertNodules() {
    core::SeededRandom rng = core::SeededRandom::derive(options_.seed, kNoduleStream);
    const int count = options_.noduleCount >= 0 ? options_.noduleCount : rng.uniformInt(3, 8);
    std::vector<NoduleTruth> nodules;
    for (int n = 0; n < count; ++n) {
      NoduleTruth nodule;
      nodule.diameterMm = drawDiameter(rng);
      const double typeDraw = rng.uniform();
      nodule.type = typeDraw < 0.6
                        ? NoduleType::Solid
                        : (typeDraw < 0.8 ? NoduleType::PartSolid : NoduleType::GroundGlass);
      if (nodule.type == NoduleType::PartSolid)
        nodule.diameterMm = std::max(nodule.diameterMm, 6.0);
      const double whereDraw = rng.uniform();
      nodule.attachment = whereDraw < 0.45   ? NoduleAttachment::Isolated
                          : whereDraw < 0.7  ? NoduleAttachment::Vessel
                          : whereDraw < 0.85 ? NoduleAttachment::Pleura
                                             : NoduleAttachment::Diaphragm;
      nodule.lobulated = rng.chance(0.3);
      // Spiculation marks solid lesions of some size (and, in patients, malignancy).
      nodule.spiculated =
          rng.chance(0.3) && nodule.type != NoduleType::GroundGlass && nodule.diameterMm >= 6.0;
      bool placed = false;
      for (int attempt = 0; attempt < 200 && !placed; ++attempt) {
        Vec3 c;
        if (!placeNodule(nodule.attachment, 0.5 * nodule.diameterMm, rng, c)) continue;
        placed = std::none_of(nodules.begin(), nodules.end(), [&](const NoduleTruth& other) {
          return distance(other.centerMm, c) < 0.5 * (other.diameterMm + nodule.diameterMm) + 8.0;
        });
        if (placed) nodule.centerMm = c;
      }
      if (!placed) continue;  // a tiny grid may have no room; the truth lists what was drawn
      // Round the truth to 0.01 mm so the JSON is exact, and draw at that centre.
      for (int a = 0; a < 3; ++a)
        nodule.centerMm[a] = std::round(nodule.centerMm[a] * 100.0) / 100.0;
      drawNodule(nodule, rng);
      nodules.push_back(nodule);
    }
    return nodules;
  }

  core::CtVolume addNoiseAndQuantize() {
    const auto& g = canvas_.geometry;
    core::CtVolume volume(g);
    const double sd = options_.noiseSdHu;
    forEachSlice([&](long k) {
      // Correlated noise: white noise smoothed by a 3x3 box, rescaled to sd.
      core::SeededRandom rng = core::SeededRandom::derive(options_.seed, kNoiseStreamBase + k);
      const std::size_t ni = g.size.i, nj = g.size.j;
      std::vector<float> white(ni * nj);
      for (auto& w : white) w = static_cast<float>(rng.normal());
      std::vector<float> rows(ni * nj, 0.0f);
      for (std::size_t j = 0; j < nj; ++j) {
        for (std::size_t i = 0; i < ni; ++i) {
          float sum = 0;
          for (long di = -1; di <= 1; ++di) {
            const long ii = std::clamp<long>(static_cast<long>(i) + di, 0, ni - 1);
            sum += white[j * ni + ii];
          }
          rows[j * ni + i] = sum;
        }
      }
      std::int16_t* out = volume.slice(k);
      const std::size_t base = canvas_.offset(0, 0, k);
      for (std::size_t j = 0; j < nj; ++j) {
        for (std::size_t i = 0; i < ni; ++i) {
          float sum = 0;
          for (long dj = -1; dj <= 1; ++dj) {
            const long jj = std::clamp<long>(static_cast<long>(j) + dj, 0, nj - 1);
            sum += rows[jj * ni + i];
          }
          // The mean of 9 unit normals has SD 1/3.
          const double value = canvas_.hu[base + j * ni + i] + sum / 3.0 * sd;
          out[j * ni + i] =
              static_cast<std::int16_t>(std::clamp(std::lround(value), -1024L, 3071L));
        }
      }
    });
    return volume;
  }

  ChestCtPhantomOptions options_;
  internal::ThoraxModel thorax_;
  Canvas canvas_;
  std::vector<Tube> vessels_;
  std::vector<Tube> airways_;  ///< bronchi, with their walls
  double voxelSize_ = 1.0;
};

}  // namespace

ChestCtPhantomGenerator::ChestCtPhantomGenerator(ChestCtPhantomOptions options)
    : options_(std::move(options)) {}

core::Result<ChestCtPhantom> ChestCtPhantomGenerator::generate() const {
  const auto& o = options_;
  if (o.size.i < 32 || o.size.j < 32 || o.size.k < 16) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "phantom size must be at least 32x32x16 voxels");
  }
  if (o.size.i > 2048 || o.size.j > 2048 || o.size.k > 2048) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "phantom size above 2048 voxels per axis");
  }
  if (!(o.spacingMm.x > 0 && o.spacingMm.y > 0 && o.spacingMm.z > 0)) {
    return core::makeError(core::ErrorCode::InvalidArgument, "phantom spacing must be positive");
  }
  if (!(o.minNoduleDiameterMm > 0 && o.maxNoduleDiameterMm >= o.minNoduleDiameterMm)) {
    return core::makeError(core::ErrorCode::InvalidArgument, "nodule diameter range is empty");
  }
  core::VolumeGeometry g;
  g.size = o.size;
  g.spacing = o.spacingMm;
  // Centre the field of view on the patient axis; slice 0 is the most inferior.
  g.origin = {-0.5 * (o.size.i - 1) * o.spacingMm.x, -0.5 * (o.size.j - 1) * o.spacingMm.y,
              -0.5 * (o.size.k - 1) * o.spacingMm.z};
  PhantomBuilder builder(o, g);
  return builder.build();
}

}  // namespace vigie::imaging
