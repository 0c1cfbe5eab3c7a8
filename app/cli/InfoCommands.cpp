// vigie-cli info and vigie-cli convert.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "CliCommands.h"
#include "CliSupport.h"
#include "CommandLine.h"
#include "vigie/core/SliceImage.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/PixelDecoder.h"
#include "vigie/imaging/dicom/PlanarImage.h"
#include "vigie/imaging/dicom/SeriesPresentation.h"
#include "vigie/imaging/fundus/ImageFile.h"
#include "vigie/imaging/fundus/Photograph.h"
#include "vigie/imaging/io/NiftiWriter.h"
#include "vigie/imaging/io/VolumeFile.h"

namespace vigie::app::cli {
namespace {

nlohmann::json describeSeries(const imaging::DicomSeriesEntry& s,
                              const imaging::DicomScanResult& scan) {
  nlohmann::json j;
  j["study_uid"] = s.studyInstanceUid;
  j["series_uid"] = s.seriesInstanceUid;
  j["modality"] = s.modality;
  j["description"] = s.description;
  j["images"] = s.images.size();
  if (s.stacks > 1) j["stack"] = {{"index", s.stack}, {"of", s.stacks}};
  std::set<std::string> syntaxes;
  for (const auto& image : s.images) syntaxes.insert(image.transferSyntaxUid);
  j["transfer_syntaxes"] = syntaxes;
  j["warnings"] = nlohmann::json::array();
  const auto& first = s.images.front();
  j["rows"] = first.rows;
  j["columns"] = first.columns;
  int frames = 0;
  for (const auto& image : s.images) frames += image.frames;
  j["frames"] = frames;
  const auto presentation = imaging::presentationOf(s);
  if (!presentation.volume) {
    j["view"] = "2d";
    j["view_reason"] = scan.displayMessage(presentation.reason);
    return j;
  }
  j["view"] = "volume";
  auto layout = imaging::CtVolumeLoader::layout(s);
  const auto& g = layout.value().geometry;
  j["volume"] = {
      {"size", {g.size.i, g.size.j, g.size.k}},
      {"spacing_mm", toJson(g.spacing)},
      {"origin_mm", toJson(g.origin)},
      {"direction", {toJson(g.direction[0]), toJson(g.direction[1]), toJson(g.direction[2])}}};
  for (const auto& w : layout.value().warnings) j["warnings"].push_back(scan.displayMessage(w));
  return j;
}

/// Patients, their studies and the counts under each: the hierarchy a PACS
/// browser shows. Patients in the order of their first series.
nlohmann::json describePatients(const imaging::DicomScanResult& scan) {
  nlohmann::json patients = nlohmann::json::array();
  auto find = [](nlohmann::json& list, const char* key, const std::string& value) {
    for (auto& item : list)
      if (item[key] == value) return &item;
    return static_cast<nlohmann::json*>(nullptr);
  };
  for (const auto& s : scan.series) {
    const auto& first = s.images.front();
    nlohmann::json* patient = find(patients, "id", first.patientId);
    if (!patient) {
      patients.push_back({{"id", first.patientId},
                          {"name", first.patientName},
                          {"studies", nlohmann::json::array()}});
      patient = &patients.back();
    }
    nlohmann::json* study = find((*patient)["studies"], "study_uid", s.studyInstanceUid);
    if (!study) {
      (*patient)["studies"].push_back({{"study_uid", s.studyInstanceUid},
                                       {"date", first.studyDate},
                                       {"series", 0},
                                       {"images", 0}});
      study = &(*patient)["studies"].back();
    }
    // Stacks of one series are listed apart but counted once.
    if (s.stack == 1) (*study)["series"] = (*study)["series"].get<int>() + 1;
    (*study)["images"] = (*study)["images"].get<std::size_t>() + s.images.size();
  }
  return patients;
}

void printText(const nlohmann::json& report) {
  for (const auto& p : report["patients"]) {
    std::printf("patient %s (%s), %zu studies\n", p["name"].get<std::string>().c_str(),
                p["id"].get<std::string>().c_str(), p["studies"].size());
    for (const auto& st : p["studies"])
      std::printf("  study %s, %s: %d series, %zu images\n",
                  st["study_uid"].get<std::string>().c_str(), st["date"].get<std::string>().c_str(),
                  st["series"].get<int>(), st["images"].get<std::size_t>());
  }
  for (const auto& s : report["series"]) {
    std::printf("series %s\n  modality %s, %zu images, %dx%d, \"%s\"\n",
                s["series_uid"].get<std::string>().c_str(),
                s["modality"].get<std::string>().c_str(), s["images"].get<std::size_t>(),
                s["columns"].get<int>(), s["rows"].get<int>(),
                s["description"].get<std::string>().c_str());
    if (s.contains("volume")) {
      const auto& v = s["volume"];
      std::printf(
          "  volume %zux%zux%zu voxels, spacing %.3g x %.3g x %.3g mm, origin (%.1f, %.1f, %.1f) "
          "mm LPS\n",
          v["size"][0].get<std::size_t>(), v["size"][1].get<std::size_t>(),
          v["size"][2].get<std::size_t>(), v["spacing_mm"][0].get<double>(),
          v["spacing_mm"][1].get<double>(), v["spacing_mm"][2].get<double>(),
          v["origin_mm"][0].get<double>(), v["origin_mm"][1].get<double>(),
          v["origin_mm"][2].get<double>());
    }
    if (s["view"] == "2d") {
      std::printf("  2D images, %d frames: %s\n", s["frames"].get<int>(),
                  s["view_reason"].get<std::string>().c_str());
    }
    for (const auto& ts : s["transfer_syntaxes"])
      std::printf("  transfer syntax %s\n", ts.get<std::string>().c_str());
    for (const auto& w : s["warnings"])
      std::printf("  warning: %s\n", w.get<std::string>().c_str());
  }
  for (const auto& d : report["documents"]) {
    std::printf("document (no image): %s: %s%s\n", d["file"].get<std::string>().c_str(),
                d["kind"].get<std::string>().c_str(),
                d["modality"].get<std::string>().empty()
                    ? ""
                    : (", " + d["modality"].get<std::string>()).c_str());
  }
  for (const auto& u : report["unreadable"]) {
    std::printf("unreadable: %s: %s\n", u["file"].get<std::string>().c_str(),
                u["reason"].get<std::string>().c_str());
  }
  std::printf(
      "%zu series, %zu unreadable files, %zu non-DICOM files skipped, %zu documents without "
      "images\n",
      report["series"].size(), report["unreadable"].size(),
      report["skipped_non_dicom"].get<std::size_t>(), report["documents"].size());
}

}  // namespace

int runInfo(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli info PATH [--json]\n"
      "Lists what is under PATH (a file, a folder searched recursively, a DICOMDIR or a zip):\n"
      "patients and their studies with counts, then each series (one entry per stack when a\n"
      "series holds several): modality, image count, volume geometry (LPS, mm), transfer\n"
      "syntaxes, warnings, or why it is shown as 2D images (radiographs, ultrasound, secondary\n"
      "captures, RT Dose ...); objects without images (SR, RT Plan ...) as documents; and every\n"
      "unreadable file with the reason. Exit code 0 when at least\n"
      "one series was found, 1 otherwise.\n";
  CommandLine cl(args, {}, {"--json", "--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 1) return usage("info needs one PATH", kUsage);
  auto scan = imaging::DicomScanner().scan(cl.positional()[0]);
  if (!scan.ok()) return fail(scan.error().message);

  nlohmann::json report;
  report["path"] = cl.positional()[0];
  report["patients"] = describePatients(scan.value());
  report["series"] = nlohmann::json::array();
  for (const auto& s : scan.value().series)
    report["series"].push_back(describeSeries(s, scan.value()));
  report["documents"] = nlohmann::json::array();
  for (const auto& d : scan.value().documents) {
    report["documents"].push_back({{"file", scan.value().displayName(d.file)},
                                   {"sop_class_uid", d.sopClassUid},
                                   {"kind", d.kind},
                                   {"modality", d.modality}});
  }
  report["unreadable"] = nlohmann::json::array();
  for (const auto& u : scan.value().unreadable)
    report["unreadable"].push_back({{"file", u.file.string()}, {"reason", u.reason}});
  report["skipped_non_dicom"] = scan.value().skippedNonDicom;
  if (cl.has("--json")) {
    std::cout << report.dump(2) << '\n';
  } else {
    printText(report);
  }
  return scan.value().series.empty() ? 1 : 0;
}

namespace {

/// A JPEG, PNG or TIFF file (a fundus photograph), not DICOM.
bool isPlainPicture(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::filesystem::is_regular_file(path) &&
         (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff");
}

/// Ophthalmic or visible-light photographs: colour pictures, not slices.
bool isPhotographSeries(const imaging::DicomSeriesEntry& series) {
  return series.modality == "OP" || series.modality == "XC" || series.modality == "ES";
}

/// The images of a 2D series as one run of frames (Instance Number order):
/// those of the first image's size and kind; the others are left out with a
/// warning. Every frame is one page of the result.
core::Result<imaging::PlanarImage> loadPlanarFrames(const imaging::DicomSeriesEntry& series,
                                                    const imaging::DicomScanResult& scan) {
  std::vector<const imaging::DicomImageHeader*> images;
  for (const auto& h : series.images) images.push_back(&h);
  std::stable_sort(images.begin(), images.end(), [](const auto* a, const auto* b) {
    return a->instanceNumber < b->instanceNumber;
  });
  auto first = imaging::loadPlanarImage(images.front()->file);
  if (!first.ok())
    return core::makeError(first.error().code, scan.displayMessage(first.error().message));
  imaging::PlanarImage stacked = std::move(first.value());
  for (std::size_t i = 1; i < images.size(); ++i) {
    auto next = imaging::loadPlanarImage(images[i]->file);
    const bool fits = next.ok() && next.value().rows == stacked.rows &&
                      next.value().columns == stacked.columns &&
                      next.value().color == stacked.color;
    if (!fits) {
      warn(scan.displayName(images[i]->file) + ": left out (" +
           (next.ok() ? std::string("not the size or kind of the first image")
                      : scan.displayMessage(next.error().message)) +
           ")");
      continue;
    }
    auto& n = next.value();
    stacked.values.insert(stacked.values.end(), n.values.begin(), n.values.end());
    stacked.rgb.insert(stacked.rgb.end(), n.rgb.begin(), n.rgb.end());
    stacked.frames += n.frames;
  }
  return stacked;
}

/// Writes a 2D series: NIfTI (2D+t, no place in the patient, said in a warning)
/// or PNG of one frame or of every frame (OUT-0001.png ...).
int convertPlanar(const imaging::DicomSeriesEntry& series, const imaging::DicomScanResult& scan,
                  const std::filesystem::path& out, CommandLine& cl) {
  auto loaded = loadPlanarFrames(series, scan);
  if (!loaded.ok()) return fail(loaded.error().message);
  const imaging::PlanarImage& image = loaded.value();
  if (imaging::volumeFormatOf(out)) {
    if (out.extension() != ".nii" && out.extension() != ".gz")
      return fail(out.string() + ": a 2D image (" + series.modality +
                  ") is written as NIfTI (.nii, .nii.gz) or PNG");
    warn(out.string() + ": written as 2D images (" +
         scan.displayMessage(imaging::presentationOf(series).reason) +
         "): no position or orientation in the patient; x along a row, y down the columns" +
         std::string(image.frames > 1 ? ", the frames as time" : "") + ", spacing in " +
         image.spacing.unitLabel());
    auto written = imaging::writeNiftiPlanar(image, out);
    return written.ok() ? 0 : fail(written.error().message);
  }
  auto writeFrame = [&](int frame, const std::filesystem::path& file) {
    return imaging::writeImageFile(image.render(frame), file);
  };
  if (cl.has("--all-frames")) {
    for (int f = 0; f < image.frames; ++f) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "-%04d", f + 1);
      const auto file = out.parent_path() / (out.stem().string() + suffix + ".png");
      auto written = writeFrame(f, file);
      if (!written.ok()) return fail(written.error().message);
    }
    return 0;
  }
  const auto frame = cl.integer("--frame", 0);
  if (!frame || *frame < 0 || *frame >= image.frames)
    return fail("--frame must be 0 to " + std::to_string(image.frames - 1));
  auto written = writeFrame(static_cast<int>(*frame), out);
  return written.ok() ? 0 : fail(written.error().message);
}

/// A volume to NIfTI a batch of slices at a time, straight from the decoder
/// to the file: peak memory is a batch, not the volume (nor two copies).
int streamToNifti(const imaging::DicomSeriesEntry& series, const imaging::DicomScanResult& scan,
                  const std::filesystem::path& out) {
  auto layout = imaging::CtVolumeLoader::layout(series);
  if (!layout.ok()) return fail(scan.displayMessage(layout.error().message));
  auto writer = imaging::NiftiSliceWriter::open(out, layout.value().geometry);
  if (!writer.ok()) return fail(writer.error().message);
  auto streamed = imaging::CtVolumeLoader().stream(
      series,
      [&](std::size_t, const std::int16_t* slice) { return writer.value()->append(slice); });
  if (!streamed.ok()) return fail(scan.displayMessage(streamed.error().message));
  for (const auto& w : streamed.value()) warn(scan.displayMessage(w));
  auto closed = writer.value()->close();
  return closed.ok() ? 0 : fail(closed.error().message);
}

int convertPhotograph(const std::filesystem::path& file, const std::filesystem::path& out) {
  auto photograph = imaging::readPhotograph(file);
  if (!photograph.ok()) return fail(photograph.error().message);
  auto written = imaging::writeImageFile(photograph.value(), out);
  return written.ok() ? 0 : fail(written.error().message);
}

}  // namespace

int runConvert(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli convert PATH OUT.nii|OUT.nii.gz|OUT.nrrd|OUT.mha [--series UID]\n"
      "       vigie-cli convert PATH OUT.png [--series UID] [--plane axial|coronal|sagittal]\n"
      "                         [--slice N] [--window CENTER,WIDTH]\n"
      "       vigie-cli convert PATH OUT.png [--series UID] [--frame N | --all-frames]\n"
      "Writes a CT series as a volume (HU, int16, with its geometry: RAS in a NIfTI sform as\n"
      "NIfTI requires, LPS in NRRD and MetaImage as they declare), or renders one slice\n"
      "(default: the middle axial slice, lung window) as a PNG. A colour photograph (a DICOM\n"
      "OP/XC image, or a JPEG/TIFF) becomes a PNG as it is. PATH is a file, a folder, a\n"
      "DICOMDIR or a zip. Without --series, the series with the most images is taken.\n"
      "Images without patient geometry (radiographs, ultrasound, secondary captures, RT Dose,\n"
      "SEG, multi-frames whose frames cannot be placed) are written as 2D images: NIfTI with\n"
      "x along a row, y down the columns and the frames as time, no orientation (a warning\n"
      "says so), float32 modality values or RGB; PNG of one frame (--frame, from 0; through\n"
      "the file's own VOI LUT or window) or of every frame (--all-frames: OUT-0001.png ...).\n";
  CommandLine cl(args, {"--series", "--plane", "--slice", "--window", "--frame"},
                 {"--help", "--all-frames"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 2) return usage("convert needs PATH and OUT", kUsage);
  const std::filesystem::path out = cl.positional()[1];
  const bool asVolume = imaging::volumeFormatOf(out).has_value();
  if (!asVolume && out.extension() != ".png") {
    return usage(out.string() + ": the output must end in .nii, .nii.gz, .nrrd, .mha or .png",
                 kUsage);
  }
  core::SlicePlane plane = core::SlicePlane::Axial;
  const std::string planeName = cl.value("--plane").value_or("axial");
  if (planeName == "coronal")
    plane = core::SlicePlane::Coronal;
  else if (planeName == "sagittal")
    plane = core::SlicePlane::Sagittal;
  else if (planeName != "axial")
    return usage("unknown plane " + planeName, kUsage);
  core::HuWindow window = core::HuWindow::lung();
  if (auto text = cl.value("--window")) {
    if (std::sscanf(text->c_str(), "%lf,%lf", &window.center, &window.width) != 2 ||
        window.width <= 0) {
      return usage("--window expects CENTER,WIDTH in HU, e.g. -600,1500", kUsage);
    }
  }

  const std::filesystem::path input = cl.positional()[0];
  if (!asVolume && isPlainPicture(input)) return convertPhotograph(input, out);
  auto scan = imaging::DicomScanner().scan(input);
  if (!scan.ok()) return fail(scan.error().message);
  const imaging::DicomSeriesEntry* chosen = nullptr;
  const auto wanted = cl.value("--series");
  for (const auto& s : scan.value().series) {
    if (wanted ? s.seriesInstanceUid == *wanted
               : (!chosen || s.images.size() > chosen->images.size()))
      chosen = &s;
  }
  if (!chosen && !wanted && !scan.value().documents.empty()) {
    const auto& document = scan.value().documents.front();
    return fail(scan.value().displayName(document.file) + ": a " + document.kind +
                " object, not an image: nothing to convert");
  }
  if (!chosen) return fail(input.string() + ": no matching DICOM series");
  if (!asVolume && isPhotographSeries(*chosen) && !cl.has("--all-frames") && !cl.has("--frame"))
    return convertPhotograph(chosen->images.front().file, out);
  if (!imaging::presentationOf(*chosen).volume)
    return convertPlanar(*chosen, scan.value(), out, cl);
  if (imaging::volumeFormatOf(out) == imaging::VolumeFormat::Nifti)
    return streamToNifti(*chosen, scan.value(), out);
  auto loaded = imaging::CtVolumeLoader().load(*chosen);
  if (!loaded.ok()) return fail(scan.value().displayMessage(loaded.error().message));
  const auto& volume = loaded.value().volume;
  if (asVolume) {
    auto written = imaging::writeVolume(volume, out);
    return written.ok() ? 0 : fail(written.error().message);
  }
  const std::size_t count = core::sliceCount(volume.geometry(), plane);
  const auto slice = cl.integer("--slice", static_cast<long long>(count / 2));
  if (!slice || *slice < 0 || static_cast<std::size_t>(*slice) >= count) {
    return usage("--slice must be 0 to " + std::to_string(count - 1), kUsage);
  }
  auto image = core::renderSlice(volume, plane, static_cast<std::size_t>(*slice), window);
  auto written = imaging::writeImageFile(image, out);
  if (!written.ok()) return fail(written.error().message);
  return 0;
}

}  // namespace vigie::app::cli

namespace vigie::app::cli {

int runDecode(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: vigie-cli decode FILE OUT.raw\n"
      "Decodes a DICOM file's pixel data (every frame, as stored: samples, bit depth and\n"
      "planar configuration unchanged, little-endian) into OUT.raw, and prints a JSON header:\n"
      "rows, columns, frames, samples_per_pixel, bits_allocated, bits_stored,\n"
      "pixel_representation, photometric, transfer_syntax, lossy, bytes.\n";
  CommandLine cl(args, {}, {"--help"});
  if (auto exit = helpOrUsageError(cl, kUsage)) return *exit;
  if (cl.positional().size() != 2) return usage("decode needs FILE and OUT.raw", kUsage);
  auto decoded = imaging::decodeDicomPixels(cl.positional()[0]);
  if (!decoded.ok()) return fail(decoded.error().message);
  const auto& d = decoded.value();
  std::ofstream out(cl.positional()[1], std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(d.bytes.data()),
            static_cast<std::streamsize>(d.bytes.size()));
  out.close();
  if (!out) return fail(cl.positional()[1] + ": cannot write");
  const nlohmann::json header = {{"rows", d.rows},
                                 {"columns", d.columns},
                                 {"frames", d.frames},
                                 {"samples_per_pixel", d.samplesPerPixel},
                                 {"bits_allocated", d.bitsAllocated},
                                 {"bits_stored", d.bitsStored},
                                 {"pixel_representation", d.pixelRepresentation},
                                 {"photometric", d.photometric},
                                 {"transfer_syntax", d.transferSyntax},
                                 {"lossy", d.lossy},
                                 {"bytes", d.bytes.size()}};
  std::cout << header.dump() << '\n';
  return 0;
}

}  // namespace vigie::app::cli
