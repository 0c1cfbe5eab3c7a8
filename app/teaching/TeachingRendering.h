#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "TeachingPage.h"
#include "vigie/core/Image2D.h"
#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/core/Volume.h"

namespace vigie::app {

/// Qt's painting (images with text, PDF) without a screen, for the command
/// line: while it lives, a QGuiApplication on the offscreen platform, unless
/// the program already has one.
class OffscreenPainting {
 public:
  OffscreenPainting();
  ~OffscreenPainting();
  OffscreenPainting(const OffscreenPainting&) = delete;
  OffscreenPainting& operator=(const OffscreenPainting&) = delete;

 private:
  struct Application;
  std::unique_ptr<Application> application_;
};

/// At most this many key images per case: a teaching file is read, not
/// scrolled.
inline constexpr std::size_t kMaxKeyImages = 12;

/// The plane a volume's slices (its voxel planes k) were acquired in, named
/// from the slice normal's largest patient component: "axial" (along S-I),
/// "coronal" (A-P) or "sagittal" (R-L); "oblique " before it when the normal
/// is more than 30 degrees off that axis.
std::string acquisitionPlaneOf(const core::VolumeGeometry& geometry);

/// The patient direction a vector points to most, as DICOM's letter: "L" or
/// "R", "P" or "A", "S" or "I" (LPS: +x is the patient's left).
std::string patientDirectionLetter(const core::Vec3& direction);

/// Writes a CT case's key images into `packageDir`/images: for each finding
/// (the model's, then the readers' own) and each reference nodule the model
/// missed, the slice of the stack through its centre (named by its
/// acquisitionPlaneOf, the patient's directions lettered on the image's
/// edges: a volume acquired coronally is not shown as axial) in a lung
/// window, the finding
/// circled and numbered (yellow: the model's; cyan: a reader's; green: a
/// reference nodule the model missed), the other marks on that slice drawn
/// thinner. `unknown` (a quiz): the same slices once each, in order, unmarked.
/// `review` is a teachingView. Needs an OffscreenPainting (or a GUI).
core::Result<std::vector<KeyImage>> writeCtKeyImages(const core::CtVolume& volume,
                                                     const CaseReview& review, bool unknown,
                                                     const std::filesystem::path& packageDir);

/// Writes a photograph as the case's key image (images/photograph.png, at
/// most 1024 pixels across), re-encoded so that none of its file's metadata
/// (EXIF, DICOM attributes) follows it, with the readers' standing lesion
/// marks circled in their kind's colour (none in a quiz: pass no marks); the
/// caption counts them by kind. With the model's answer (none in a quiz), its
/// lesion regions are outlined too, dashed in kAiRegionColor so that they are
/// not taken for a reader's marks, and the caption counts them; a result
/// recorded before the store kept their places is only counted.
core::Result<KeyImage> writePhotographKeyImage(
    const core::Image2D& photograph, const std::filesystem::path& packageDir,
    const std::vector<core::FundusLesionMark>& marks = {},
    const core::FundusAiResult* model = nullptr);

/// The colour of the model's lesion regions on a photograph's key image
/// (violet: no reader's lesion kind has it, and it stands out on the retina).
struct AiRegionColor {
  int red, green, blue;
  const char* name;
};
inline constexpr AiRegionColor kAiRegionColor{150, 90, 255, "dashed violet"};

/// Prints the summary to a PDF (A4), its images read from `packageDir`.
core::Status writeTeachingPdf(const std::string& html, const std::vector<KeyImage>& images,
                              const std::filesystem::path& packageDir,
                              const std::filesystem::path& pdf);

}  // namespace vigie::app
