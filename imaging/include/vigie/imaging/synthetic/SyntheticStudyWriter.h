#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/imaging/synthetic/ChestCtPhantom.h"
#include "vigie/imaging/synthetic/FundusPhantom.h"

namespace vigie::imaging {

/// How a synthetic CT case is stored: a DICOM series (what readers open), or
/// one ct.nii.gz volume (HU, int16; what training recipes read quickly).
enum class CtCaseFormat { Dicom, Nifti };

/// Writes one synthetic chest CT case into `directory`: the DICOM series
/// (CT000001.dcm ...) or ct.nii.gz, and truth.json:
///   {"nodules":[{"center_mm":[x,y,z],"diameter_mm":d,"type":"solid|part-solid|ground-glass",
///                "attachment":"isolated|vessel|pleura|diaphragm","lobulated":bool,
///                "spiculated":bool}], ...}
/// with centres in LPS patient coordinates (mm). Returns the truth it wrote.
core::Result<std::vector<NoduleTruth>> writeSyntheticCtCase(
    const ChestCtPhantomOptions& options, const std::filesystem::path& directory,
    CtCaseFormat format = CtCaseFormat::Dicom);

struct FundusSetOptions {
  int count = 10;
  int sizePx = 768;
  std::uint64_t seed = 1;
  /// Fraction of images made ungradable (blurred or under-exposed).
  double ungradableFraction = 0.12;
};

/// Summary of one written fundus image (also in truth.json).
struct FundusSetEntry {
  std::string stem;  ///< fundus_000: .png, .jpg, .dcm and _lesions.png share it
  int grade = 0;
  bool gradable = true;
  FundusQuality quality = FundusQuality::Good;
  std::array<int, kFundusLesionClasses> lesionCounts{};
};

/// Writes `count` fundus photographs into `directory`, each as PNG, JPEG and
/// DICOM Ophthalmic Photography, with a lesion mask PNG (pixel = FundusLesion)
/// and one truth.json:
///   {"images":[{"file":"fundus_000.png","jpeg":...,"dicom":...,"lesion_mask":...,
///               "grade":g,"referable":bool,"gradable":bool,"quality":"good|blurred|underexposed",
///               "eye":"right|left","lesion_counts":{"microaneurysm":n,...}}], ...}
/// Grades are spread over 0-4 (about a third grade 0, as in screening).
core::Result<std::vector<FundusSetEntry>> writeSyntheticFundusSet(
    const FundusSetOptions& options, const std::filesystem::path& directory);

}  // namespace vigie::imaging
