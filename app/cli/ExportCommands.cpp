// vigie-cli export (a reviewed study as DICOM SR + SEG) and vigie-cli deid.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "../workflows/ReviewExport.h"
#include "../workflows/SeriesChoice.h"
#include "CliCommands.h"
#include "CliSupport.h"
#include "DeidSupport.h"
#include "ModelSupport.h"
#include "ReadingRoles.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/Deidentifier.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/SeriesPresentation.h"
#include "vigie/imaging/dicom/SourceSeries.h"

namespace vigie::app::cli {

int runExport(const std::vector<std::string>& args) {
  const std::string usageText =
      std::string(
          "usage: vigie-cli export PATH --out DIR [--series UID] [--store PATH] [--reader NAME]\n"
          "                        [--model BUNDLE (fundus)]\n"
          "                        [--deidentify [--retain-dates] "
          "[--retain-patient-characteristics] [--key TEXT]]\n"
          "Writes the review of the CT series under PATH (the largest, or --series) as standard\n"
          "DICOM: DIR/sr.dcm, a TID 1500 Measurement Report (Comprehensive 3D SR) of the latest\n"
          "model run's findings with every reader decision, and DIR/seg-nodules.dcm, a binary\n"
          "SEG of the findings the reader confirmed, edited or added. For a series of fundus\n"
          "photographs (DICOM OP, when PATH has no CT), DIR/sr.dcm holds the readers' grades\n"
          "(review grade) and, with --model BUNDLE, the DR model's assessment of each photograph.\n"
          "For a series of 2D images (radiographs, ultrasound, a scout: --series, or the largest\n"
          "series when PATH has neither), DIR/sr.dcm holds the readers' lengths on its images,\n"
          "each on its image and frame.\n"
          "With --deidentify, the source series (DIR/series/) and the objects are de-identified\n"
          "together (DICOM PS3.15 Annex E), their references kept consistent:\n") +
      kDeidOptions;
  CommandLine cl(args, {"--out", "--series", "--store", "--reader", "--key", "--model"},
                 {"--deidentify", "--retain-dates", "--retain-patient-characteristics", "--help"});
  if (auto exit = helpOrUsageError(cl, usageText.c_str())) return *exit;
  if (cl.positional().size() != 1) return usage("export needs one PATH", usageText.c_str());
  const auto out = cl.value("--out");
  if (!out) return usage("export needs --out DIR", usageText.c_str());
  const bool deidentify = cl.has("--deidentify");
  if (!deidentify && (cl.has("--retain-dates") || cl.has("--retain-patient-characteristics") ||
                      cl.value("--key"))) {
    return usage("the de-identification options need --deidentify", usageText.c_str());
  }

  auto scan = imaging::DicomScanner().scan(cl.positional()[0]);
  if (!scan.ok()) return fail(scan.error().message);
  // A CT study by default; a study of fundus photographs (OP) when it has no CT.
  const auto* series = chooseSeries(scan.value(), cl.value("--series"));
  if (!series && !cl.value("--series")) series = chooseSeries(scan.value(), std::nullopt, "OP");
  if (!series && !cl.value("--series")) series = chooseSeries(scan.value(), std::nullopt, "");
  if (!series) return fail(cl.positional()[0] + ": no image series found");
  const bool fundus = series->modality == "OP";
  const bool planar = !fundus && !imaging::presentationOf(*series).volume;
  auto source = fundus || planar ? imaging::describeSourceImages(*series)
                                 : imaging::describeSourceSeries(*series);
  if (!source.ok()) return fail(source.error().message);
  auto store = openStore(cl);
  if (!store.ok()) return fail(store.error().message);
  const std::string reader = readerOf(cl);

  const std::filesystem::path outDir(*out);
  // De-identified exports are first written identified to a private folder
  // inside DIR, then de-identified beside it, then that folder is removed.
  const std::filesystem::path writeDir = deidentify ? outDir / ".identified" : outDir;
  // A fundus report can carry the DR model's assessment, run now.
  std::unique_ptr<inference::InferenceSession> session;
  if (auto model = cl.value("--model")) {
    if (!fundus) return usage("--model is for a series of fundus photographs", usageText.c_str());
    auto bundle = inference::ModelBundle::open(*model);
    if (!bundle.ok()) return fail(bundle.error().message);
    auto opened = openSession(bundle.value(), false, 0);
    if (!opened.ok()) return fail(opened.error().message);
    session = std::move(opened.value());
  }
  // Each grade's role and whether it is final, as the site's double reading has them.
  std::map<std::string, FundusReadingRoles> roles;
  if (fundus) {
    auto found = readingRolesIn(*store.value(), source.value());
    if (!found.ok()) return fail(found.error().message);
    roles = std::move(found.value());
  }
  auto exported =
      fundus   ? exportFundusReview(source.value(), *store.value(), reader, writeDir, VIGIE_VERSION,
                                    session.get(), /*storedAiResults=*/false, roles)
      : planar ? exportPlanarReview(source.value(), *store.value(), reader, writeDir, VIGIE_VERSION)
               : exportReview(source.value(), *store.value(), reader, writeDir, VIGIE_VERSION);
  if (!exported.ok()) return fail(exported.error().message);
  const ReviewExport& e = exported.value();
  if (planar) {
    std::printf("%zu lengths on the series' 2D images\n", e.measurements);
  } else if (fundus) {
    std::printf("%zu photographs, %zu graded by a reader\n", e.findings, e.accepted);
  } else {
    std::printf("%zu findings (%zu accepted by the reader) from %s; %zu measurements\n", e.findings,
                e.accepted, e.model.c_str(), e.measurements);
  }
  if (!deidentify) {
    std::printf("wrote %s\n", e.report.string().c_str());
    if (!e.segmentation.empty()) std::printf("wrote %s\n", e.segmentation.string().c_str());
    return 0;
  }

  const imaging::Deidentifier deidentifier(deidOptions(cl));
  imaging::DeidentificationReport report;
  const int exit = deidentifyWithSeries(
      deidentifier, {{e.report, outDir / "sr.dcm"}, {e.segmentation, outDir / "seg-nodules.dcm"}},
      source.value(), outDir / "series", report);
  std::error_code ec;
  std::filesystem::remove_all(writeDir, ec);
  auto logged = store.value()->audit(reader, "de-identification",
                                     "export of " + std::to_string(report.files) + " files");
  if (!logged.ok()) return fail(logged.error().message);
  const int deidExit = reportDeidentification(report, outDir);
  return exit != 0 ? exit : deidExit;
}

}  // namespace vigie::app::cli
