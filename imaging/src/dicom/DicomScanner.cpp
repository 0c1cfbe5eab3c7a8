#include "vigie/imaging/dicom/DicomScanner.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>

#include "../ParallelFor.h"
#include "AttributeReader.h"
#include "DcmtkSetup.h"
#include "DicomFileSniffer.h"
#include "FastHeaderReader.h"

namespace vigie::imaging {
namespace {

/// A Media Storage Directory (DICOMDIR) file, by its SOP class.
bool isDicomDir(const std::filesystem::path& file) {
  if (!internal::hasPart10Preamble(file)) return false;
  try {
    DcmFileFormat format;
    if (format
            .loadFileUntilTag(file.string().c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                              ERM_autoDetect, DCM_DirectoryRecordSequence)
            .bad())
      return false;
    OFString sopClass;
    format.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, sopClass);
    return sopClass == UID_MediaStorageDirectoryStorage;
  } catch (const std::exception&) {
    return false;  // malformed: then it is scanned as an ordinary file and reported there
  }
}

/// A path a DICOMDIR names (components in capitals, as on a CD), found
/// whatever the case of the real names on this file system.
std::filesystem::path resolveCaseInsensitive(const std::filesystem::path& base,
                                             const std::vector<std::string>& components) {
  std::filesystem::path current = base;
  for (const std::string& wanted : components) {
    std::error_code ec;
    std::filesystem::path next = current / wanted;
    if (!std::filesystem::exists(next, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(current, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() == wanted.size() &&
            std::equal(name.begin(), name.end(), wanted.begin(), [](char a, char b) {
              return std::toupper(static_cast<unsigned char>(a)) ==
                     std::toupper(static_cast<unsigned char>(b));
            })) {
          next = entry.path();
          break;
        }
      }
    }
    current = next;
  }
  return current;
}

/// Every file the records of a DICOMDIR refer to (Referenced File ID), at any
/// depth of its patient / study / series / image hierarchy. A reference to a
/// missing file is listed as unreadable; the others are scanned.
core::Result<std::vector<std::filesystem::path>> filesOfDicomDirUnguarded(
    const std::filesystem::path& dicomdir, std::vector<UnreadableFile>& unreadable) {
  DcmFileFormat format;
  OFCondition status = format.loadFile(dicomdir.string().c_str());
  if (status.bad())
    return core::makeError(core::ErrorCode::ParseError, dicomdir.string() + ": " + status.text());
  std::vector<std::filesystem::path> files;
  DcmStack stack;
  while (
      format.getDataset()->search(DCM_ReferencedFileID, stack, ESM_afterStackTop, OFTrue).good()) {
    auto* element = static_cast<DcmElement*>(stack.top());
    std::vector<std::string> components;
    for (unsigned long i = 0; i < element->getVM(); ++i) {
      OFString component;
      if (element->getOFString(component, i).good()) components.emplace_back(component.c_str());
    }
    if (components.empty()) continue;
    const auto file = resolveCaseInsensitive(dicomdir.parent_path(), components);
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) {
      files.push_back(file);
    } else {
      unreadable.push_back({file, "named in " + dicomdir.string() + " but missing"});
    }
  }
  return files;
}

core::Result<std::vector<std::filesystem::path>> filesOfDicomDir(
    const std::filesystem::path& dicomdir, std::vector<UnreadableFile>& unreadable) {
  return internal::guardAgainstDcmtkExceptions(
      dicomdir.string(), [&] { return filesOfDicomDirUnguarded(dicomdir, unreadable); });
}

std::string getString(DcmItem* item, const DcmTagKey& tag) {
  OFString value;
  if (item->findAndGetOFString(tag, value).good()) return std::string(value.c_str());
  return {};
}

bool getVec3(DcmItem* item, const DcmTagKey& tag, unsigned long first, core::Vec3& out) {
  for (unsigned long i = 0; i < 3; ++i) {
    Float64 v = 0;
    if (item->findAndGetFloat64(tag, v, first + i).bad()) return false;
    out[static_cast<int>(i)] = v;
  }
  return true;
}

/// Splits a series' images into stacks that can each be one volume: same
/// orientation (to 1e-3) and same rows and columns. Largest stack first; a
/// series of one stack comes back unchanged.
std::vector<DicomSeriesEntry> splitIntoStacks(DicomSeriesEntry series) {
  auto sameStack = [](const DicomImageHeader& a, const DicomImageHeader& b) {
    return a.rows == b.rows && a.columns == b.columns &&
           (a.rowDirection - b.rowDirection).norm() < 1e-3 &&
           (a.columnDirection - b.columnDirection).norm() < 1e-3;
  };
  std::vector<std::vector<DicomImageHeader>> stacks;
  for (auto& image : series.images) {
    auto it = std::find_if(stacks.begin(), stacks.end(),
                           [&](const auto& stack) { return sameStack(stack.front(), image); });
    if (it == stacks.end())
      stacks.push_back({std::move(image)});
    else
      it->push_back(std::move(image));
  }
  if (stacks.size() <= 1) {
    series.images = stacks.empty() ? std::vector<DicomImageHeader>{} : std::move(stacks.front());
    return {std::move(series)};
  }
  std::stable_sort(stacks.begin(), stacks.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::vector<DicomSeriesEntry> out;
  for (std::size_t s = 0; s < stacks.size(); ++s) {
    DicomSeriesEntry entry = series;
    entry.images = std::move(stacks[s]);
    entry.stack = static_cast<int>(s + 1);
    entry.stacks = static_cast<int>(stacks.size());
    entry.description = series.description + " (stack " + std::to_string(s + 1) + " of " +
                        std::to_string(stacks.size()) + ")";
    out.push_back(std::move(entry));
  }
  return out;
}

struct FileOutcome {
  enum Kind { Image, NotDicom, Unreadable, NotImage } kind = NotDicom;
  DicomImageHeader header;
  std::string reason;
};

/// The item of functional group `sequence` that applies to a frame: the
/// frame's own (Per-frame Functional Groups) or else the shared one.
DcmItem* functionalGroup(DcmItem* perFrame, DcmItem* shared, const DcmTagKey& sequence) {
  DcmItem* item = nullptr;
  if (perFrame && perFrame->findAndGetSequenceItem(sequence, item, 0).good() && item) return item;
  item = nullptr;
  if (shared && shared->findAndGetSequenceItem(sequence, item, 0).good() && item) return item;
  return nullptr;
}

/// Places the frames of a multi-frame image from its functional groups
/// (Enhanced CT, MR, PET ...): position per frame, orientation and pixel
/// spacing (usually shared), rescale (shared or per frame, else the
/// top-level attributes, already in `h`). Frames that cannot all be placed in
/// one orientation leave framePlanes empty and say why in framesProblem; a
/// frame's rescale that cannot be read is its pixelProblem.
void readFramePlanes(DcmDataset* ds, DicomImageHeader& h) {
  DcmItem* shared = nullptr;
  ds->findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
  DcmSequenceOfItems* perFrame = nullptr;
  if (ds->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame).bad() || !perFrame ||
      perFrame->card() != static_cast<unsigned long>(h.frames)) {
    h.framesProblem =
        "multi-frame image without a Per-frame Functional Groups item for each of "
        "its " +
        std::to_string(h.frames) + " frames, so its frames cannot be placed";
    return;
  }
  std::vector<FramePlane> planes;
  for (unsigned long f = 0; f < perFrame->card(); ++f) {
    DcmItem* frame = perFrame->getItem(f);
    FramePlane plane;
    DcmItem* position = functionalGroup(frame, shared, DCM_PlanePositionSequence);
    if (!position || !getVec3(position, DCM_ImagePositionPatient, 0, plane.position)) {
      h.framesProblem = "frame " + std::to_string(f + 1) + " has no Plane Position (Patient)";
      return;
    }
    if (DcmItem* orientation = functionalGroup(frame, shared, DCM_PlaneOrientationSequence)) {
      core::Vec3 row, column;
      if (getVec3(orientation, DCM_ImageOrientationPatient, 0, row) &&
          getVec3(orientation, DCM_ImageOrientationPatient, 3, column)) {
        row = row.normalized();
        column = column.normalized();
        if (f == 0) {
          h.rowDirection = row;
          h.columnDirection = column;
        } else if ((row - h.rowDirection).norm() > 1e-4 ||
                   (column - h.columnDirection).norm() > 1e-4) {
          h.framesProblem = "frame " + std::to_string(f + 1) +
                            " is oriented differently from frame 1: not one volume";
          return;
        }
      }
    }
    if (f == 0) {
      if (DcmItem* measures = functionalGroup(frame, shared, DCM_PixelMeasuresSequence)) {
        Float64 spacing = 0;
        if (measures->findAndGetFloat64(DCM_PixelSpacing, spacing, 0).good() && spacing > 0)
          h.rowSpacing = spacing;
        if (measures->findAndGetFloat64(DCM_PixelSpacing, spacing, 1).good() && spacing > 0)
          h.columnSpacing = spacing;
      }
    }
    plane.rescaleSlope = h.rescaleSlope;
    plane.rescaleIntercept = h.rescaleIntercept;
    if (DcmItem* rescale = functionalGroup(frame, shared, DCM_PixelValueTransformationSequence)) {
      internal::AttributeReader read(*rescale, h.file.string());
      plane.rescaleSlope = read.float64(DCM_RescaleSlope, h.rescaleSlope);
      plane.rescaleIntercept = read.float64(DCM_RescaleIntercept, h.rescaleIntercept);
      if (!read.ok() && h.pixelProblem.empty())
        h.pixelProblem = "frame " + std::to_string(f + 1) + ": " + read.problem();
    }
    if (plane.rescaleSlope == 0.0) plane.rescaleSlope = 1.0;
    planes.push_back(plane);
  }
  h.framePlanes = std::move(planes);
  h.hasPosition = true;
  h.imagePosition = h.framePlanes.front().position;
}

FileOutcome readHeaderUnguarded(const std::filesystem::path& file) {
  FileOutcome outcome;
  const bool part10 = internal::hasPart10Preamble(file);
  if (!part10 && !internal::looksLikeRawDataset(file)) return outcome;  // NotDicom
  if (part10) {
    if (auto fast = internal::readHeaderFast(file)) {
      outcome.kind = FileOutcome::Image;
      outcome.header = std::move(*fast);
      return outcome;
    }
  }
  DcmFileFormat format;
  const OFCondition status =
      format.loadFileUntilTag(file.string().c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                              part10 ? ERM_autoDetect : ERM_dataset, DCM_PixelData);
  if (status.bad()) {
    outcome.kind = part10 ? FileOutcome::Unreadable : FileOutcome::NotDicom;
    outcome.reason = std::string("cannot parse DICOM header: ") + status.text();
    return outcome;
  }
  DcmDataset* ds = format.getDataset();
  DicomImageHeader& h = outcome.header;
  h.file = file;
  h.sopClassUid = getString(ds, DCM_SOPClassUID);
  h.sopInstanceUid = getString(ds, DCM_SOPInstanceUID);
  h.studyInstanceUid = getString(ds, DCM_StudyInstanceUID);
  h.seriesInstanceUid = getString(ds, DCM_SeriesInstanceUID);
  h.frameOfReferenceUid = getString(ds, DCM_FrameOfReferenceUID);
  h.modality = getString(ds, DCM_Modality);
  h.seriesDescription = getString(ds, DCM_SeriesDescription);
  h.patientName = getString(ds, DCM_PatientName);
  h.patientId = getString(ds, DCM_PatientID);
  h.studyDate = getString(ds, DCM_StudyDate);
  h.transferSyntaxUid = DcmXfer(ds->getOriginalXfer()).getXferID();
  // No Rows or Columns: not an image. Unreadable ones: a file that cannot
  // even be sized, so it cannot join a series.
  internal::AttributeReader size(*ds, file.string());
  const Uint16 rows = size.uint16(DCM_Rows, 0);
  const Uint16 columns = size.uint16(DCM_Columns, 0);
  if (!size.ok()) {
    outcome.kind = FileOutcome::Unreadable;
    outcome.reason = size.problem();
    return outcome;
  }
  if (rows == 0 || columns == 0) {
    outcome.kind = FileOutcome::NotImage;  // SR, presentation state, DICOMDIR ...
    return outcome;
  }
  h.rows = rows;
  h.columns = columns;
  Sint32 number = 0;
  if (ds->findAndGetSint32(DCM_InstanceNumber, number).good()) h.instanceNumber = number;
  // The attributes that make stored values into HU: a malformed one is kept
  // as the image's pixelProblem (see DicomImageHeader), never replaced by a default.
  internal::AttributeReader pixels(*ds, file.string());
  const Sint32 frames = pixels.sint32(DCM_NumberOfFrames, 1);
  if (frames > 0) h.frames = frames;
  h.hasPosition = getVec3(ds, DCM_ImagePositionPatient, 0, h.imagePosition);
  core::Vec3 row, column;
  if (getVec3(ds, DCM_ImageOrientationPatient, 0, row) &&
      getVec3(ds, DCM_ImageOrientationPatient, 3, column)) {
    h.rowDirection = row.normalized();
    h.columnDirection = column.normalized();
  }
  Float64 spacing = 0;
  if (ds->findAndGetFloat64(DCM_PixelSpacing, spacing, 0).good() && spacing > 0)
    h.rowSpacing = spacing;
  if (ds->findAndGetFloat64(DCM_PixelSpacing, spacing, 1).good() && spacing > 0)
    h.columnSpacing = spacing;
  h.samplesPerPixel = pixels.uint16(DCM_SamplesPerPixel, 1);
  h.bitsAllocated = pixels.requiredUint16(DCM_BitsAllocated);
  h.bitsStored = pixels.uint16(DCM_BitsStored, 0);
  h.pixelRepresentation = pixels.uint16(DCM_PixelRepresentation, 0);
  const Float64 slope = pixels.float64(DCM_RescaleSlope, 1.0);
  if (slope != 0.0) h.rescaleSlope = slope;
  h.rescaleIntercept = pixels.float64(DCM_RescaleIntercept, 0.0);
  h.pixelProblem = pixels.problem();
  if (h.frames > 1) readFramePlanes(ds, h);
  outcome.kind = FileOutcome::Image;
  return outcome;
}

FileOutcome readHeader(const std::filesystem::path& file) {
  try {
    return readHeaderUnguarded(file);
  } catch (const std::exception& e) {
    FileOutcome outcome;
    outcome.kind = FileOutcome::Unreadable;
    outcome.reason = std::string("malformed DICOM (the DICOM toolkit gave up: ") + e.what() + ")";
    return outcome;
  }
}

}  // namespace

core::Result<DicomScanResult> DicomScanner::scan(const std::filesystem::path& path) const {
  internal::ensureDcmtkReady();
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && core::ZipArchive::looksLikeZip(path)) {
    auto extracted = core::extractArchive(path);
    if (!extracted.ok()) return extracted.error();
    auto result = scanFiles(extracted.value().folder->path());
    if (!result.ok()) return result.error();
    for (auto& bad : result.value().unreadable) bad.file = extracted.value().displayName(bad.file);
    result.value().archive = std::move(extracted.value());
    return result;
  }
  return scanFiles(path);
}

core::Result<DicomScanResult> DicomScanner::scanFiles(const std::filesystem::path& path) const {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  DicomScanResult result;
  if (std::filesystem::is_regular_file(path, ec) && isDicomDir(path)) {
    // A DICOMDIR (a CD or a PACS export): the files its records refer to.
    auto referenced = filesOfDicomDir(path, result.unreadable);
    if (!referenced.ok()) return referenced.error();
    files = std::move(referenced.value());
  } else if (std::filesystem::is_regular_file(path, ec)) {
    files.push_back(path);
  } else if (std::filesystem::is_directory(path, ec)) {
    for (std::filesystem::recursive_directory_iterator it(path, ec), end; it != end && !ec;
         it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) return core::makeError(core::ErrorCode::IoError, path.string() + ": " + ec.message());
  } else {
    return core::makeError(core::ErrorCode::NotFound, path.string() + ": no such file or folder");
  }
  std::sort(files.begin(), files.end());

  std::vector<FileOutcome> outcomes(files.size());
  internal::parallelFor(files.size(), [&](std::size_t i) { outcomes[i] = readHeader(files[i]); });

  std::map<std::pair<std::string, std::string>, DicomSeriesEntry> bySeries;
  for (std::size_t i = 0; i < files.size(); ++i) {
    FileOutcome& o = outcomes[i];
    switch (o.kind) {
      case FileOutcome::NotDicom:
        ++result.skippedNonDicom;
        break;
      case FileOutcome::NotImage: {
        const char* name = dcmFindNameOfUID(o.header.sopClassUid.c_str(), nullptr);
        result.documents.push_back(
            {files[i], o.header.sopClassUid,
             name ? name
                  : (o.header.sopClassUid.empty() ? "no SOP Class UID" : o.header.sopClassUid),
             o.header.modality, o.header.seriesInstanceUid});
        break;
      }
      case FileOutcome::Unreadable:
        result.unreadable.push_back({files[i], o.reason});
        break;
      case FileOutcome::Image: {
        auto& entry = bySeries[{o.header.studyInstanceUid, o.header.seriesInstanceUid}];
        if (entry.images.empty()) {
          entry.studyInstanceUid = o.header.studyInstanceUid;
          entry.seriesInstanceUid = o.header.seriesInstanceUid;
          entry.modality = o.header.modality;
          entry.description = o.header.seriesDescription;
        }
        entry.images.push_back(std::move(o.header));
        break;
      }
    }
  }
  for (auto& [key, entry] : bySeries) {
    for (auto& stack : splitIntoStacks(std::move(entry))) result.series.push_back(std::move(stack));
  }
  return result;
}

}  // namespace vigie::imaging
