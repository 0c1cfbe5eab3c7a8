#include "vigie/imaging/synthetic/SyntheticStudyWriter.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vigie/core/SeededRandom.h"
#include "vigie/imaging/dicom/CtSeriesWriter.h"
#include "vigie/imaging/dicom/OphthalmicPhotoWriter.h"
#include "vigie/imaging/fundus/ImageFile.h"
#include "vigie/imaging/io/NiftiWriter.h"

namespace vigie::imaging {
namespace {

constexpr const char* kIntendedUse =
    "synthetic phantom data for testing and training; not for clinical use";

core::Status writeJson(const nlohmann::json& json, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << json.dump(2) << '\n';
  out.close();
  if (!out) return core::makeError(core::ErrorCode::IoError, file.string() + ": cannot write");
  return {};
}

core::Status makeDirectory(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    return core::makeError(core::ErrorCode::IoError, directory.string() + ": " + ec.message());
  return {};
}

}  // namespace

core::Result<std::vector<NoduleTruth>> writeSyntheticCtCase(const ChestCtPhantomOptions& options,
                                                            const std::filesystem::path& directory,
                                                            CtCaseFormat format) {
  auto phantom = ChestCtPhantomGenerator(options).generate();
  if (!phantom.ok()) return phantom.error();
  if (format == CtCaseFormat::Dicom) {
    CtSeriesDescription description;
    description.uidSeed = options.seed;
    auto files = CtSeriesWriter(description).write(phantom.value().volume, directory);
    if (!files.ok()) return files.error();
  } else {
    auto made = makeDirectory(directory);
    if (!made.ok()) return made.error();
    auto written = writeNifti(phantom.value().volume, directory / "ct.nii.gz");
    if (!written.ok()) return written.error();
  }

  nlohmann::json truth;
  truth["generator"] = "vigie ChestCtPhantom";
  truth["intended_use"] = kIntendedUse;
  truth["seed"] = options.seed;
  const auto& g = phantom.value().volume.geometry();
  truth["size"] = {g.size.i, g.size.j, g.size.k};
  truth["spacing_mm"] = {g.spacing.x, g.spacing.y, g.spacing.z};
  truth["coordinates"] = "LPS patient coordinates, mm";
  truth["nodules"] = nlohmann::json::array();
  for (const NoduleTruth& n : phantom.value().nodules) {
    truth["nodules"].push_back({{"center_mm", {n.centerMm.x, n.centerMm.y, n.centerMm.z}},
                                {"diameter_mm", n.diameterMm},
                                {"type", toString(n.type)},
                                {"attachment", toString(n.attachment)},
                                {"lobulated", n.lobulated},
                                {"spiculated", n.spiculated}});
  }
  auto written = writeJson(truth, directory / "truth.json");
  if (!written.ok()) return written.error();
  return phantom.value().nodules;
}

core::Result<std::vector<FundusSetEntry>> writeSyntheticFundusSet(
    const FundusSetOptions& options, const std::filesystem::path& directory) {
  if (options.count < 1) {
    return core::makeError(core::ErrorCode::InvalidArgument, "fundus count must be at least 1");
  }
  auto made = makeDirectory(directory);
  if (!made.ok()) return made.error();

  nlohmann::json truth;
  truth["generator"] = "vigie FundusPhantom";
  truth["intended_use"] = kIntendedUse;
  truth["seed"] = options.seed;
  truth["lesion_mask_values"] = {{"0", "none"},
                                 {"1", toString(FundusLesion::Microaneurysm)},
                                 {"2", toString(FundusLesion::Haemorrhage)},
                                 {"3", toString(FundusLesion::HardExudate)},
                                 {"4", toString(FundusLesion::CottonWoolSpot)},
                                 {"5", toString(FundusLesion::Neovascularization)}};
  truth["images"] = nlohmann::json::array();

  std::vector<FundusSetEntry> entries;
  core::SeededRandom planner = core::SeededRandom::derive(options.seed, 0xF5);
  for (int n = 0; n < options.count; ++n) {
    FundusPhantomOptions o;
    o.sizePx = options.sizePx;
    o.seed = core::SeededRandom::derive(options.seed, 1000 + n).nextU64();
    // Every grade appears in a set of five or more; the rest follow a screening-like mix.
    const double draw = planner.uniform();
    o.grade = n < 5 ? n
                    : (draw < 0.35   ? 0
                       : draw < 0.52 ? 1
                       : draw < 0.72 ? 2
                       : draw < 0.86 ? 3
                                     : 4);
    if (planner.chance(options.ungradableFraction)) {
      o.quality = planner.chance(0.5) ? FundusQuality::Blurred : FundusQuality::Underexposed;
    }
    auto phantom = FundusPhantomGenerator(o).generate();
    if (!phantom.ok()) return phantom.error();
    const FundusPhantom& p = phantom.value();

    char stem[32];
    std::snprintf(stem, sizeof stem, "fundus_%03d", n);
    const std::string base(stem);
    for (const auto* ext : {".png", ".jpg"}) {
      auto status = writeImageFile(p.image, directory / (base + ext));
      if (!status.ok()) return status.error();
    }
    auto status = writeImageFile(p.lesionMask, directory / (base + "_lesions.png"));
    if (!status.ok()) return status.error();
    OphthalmicPhotoDescription description;
    description.rightEye = p.rightEye;
    description.uidSeed = options.seed;
    description.imageIndex = static_cast<std::uint64_t>(n);
    status = OphthalmicPhotoWriter().write(p.image, description, directory / (base + ".dcm"));
    if (!status.ok()) return status.error();

    nlohmann::json counts;
    for (int c = 1; c < kFundusLesionClasses; ++c)
      counts[toString(static_cast<FundusLesion>(c))] = p.lesionCounts[c];
    truth["images"].push_back({{"file", base + ".png"},
                               {"jpeg", base + ".jpg"},
                               {"dicom", base + ".dcm"},
                               {"lesion_mask", base + "_lesions.png"},
                               {"grade", p.grade},
                               {"referable", p.referable()},
                               {"gradable", p.gradable()},
                               {"quality", toString(p.quality)},
                               {"eye", p.rightEye ? "right" : "left"},
                               {"lesion_counts", counts}});
    entries.push_back({base, p.grade, p.gradable(), p.quality, p.lesionCounts});
  }
  auto written = writeJson(truth, directory / "truth.json");
  if (!written.ok()) return written.error();
  return entries;
}

}  // namespace vigie::imaging
