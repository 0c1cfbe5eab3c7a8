#include "vigie/imaging/dicom/SegmentationWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

#include "DcmtkSetup.h"
#include "DcmtkStatus.h"
#include "DeterministicUid.h"

namespace vigie::imaging {
namespace {

std::string decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", value);
  return text;
}

core::Status check(const OFCondition& condition, const std::string& where) {
  return internal::toStatus(condition, core::ErrorCode::Internal, where);
}

/// A coded concept: value, coding scheme, meaning (DICOM's code triplet).
struct Code {
  std::string value, scheme, meaning;
};

/// What a segment is: its category and type, and where in the body.
struct SegmentCoding {
  Code category, type;
  std::optional<Code> region;
};

const Code kAnatomicalStructure{"91723000", "SCT", "Anatomical Structure"};
const Code kAlteredStructure{"49755003", "SCT", "Morphologically Altered Structure"};

SegmentCoding noduleCoding() {
  return {kAlteredStructure, {"27925004", "SCT", "Nodule"}, Code{"39607008", "SCT", "Lung"}};
}

/// The structure a segmentation model's label names, coded with SNOMED CT
/// where Vigie knows the word (the organs and lesions of MONAI's CT
/// bundles); any other name gets a code of Vigie's own private scheme
/// (99VIGIE, as DICOM allows) that keeps the model's word as its meaning.
SegmentCoding labelCoding(const std::string& name) {
  struct Known {
    const char* word;
    Code category, type;
  };
  static const Known known[] = {
      {"spleen", kAnatomicalStructure, {"78961009", "SCT", "Spleen"}},
      {"liver", kAnatomicalStructure, {"10200004", "SCT", "Liver"}},
      {"kidney", kAnatomicalStructure, {"64033007", "SCT", "Kidney"}},
      {"pancreas", kAnatomicalStructure, {"15776009", "SCT", "Pancreas"}},
      {"lung", kAnatomicalStructure, {"39607008", "SCT", "Lung"}},
      {"heart", kAnatomicalStructure, {"80891009", "SCT", "Heart"}},
      {"nodule", kAlteredStructure, {"27925004", "SCT", "Nodule"}},
      {"tumor", kAlteredStructure, {"108369006", "SCT", "Neoplasm"}},
      {"tumour", kAlteredStructure, {"108369006", "SCT", "Neoplasm"}},
  };
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const Known& k : known) {
    if (lower == k.word) return {k.category, k.type, std::nullopt};
  }
  // A code value is at most 16 characters; the meaning keeps the whole word.
  std::string value;
  for (char c : lower) {
    if (std::isalnum(static_cast<unsigned char>(c)) && value.size() < 16) value += c;
  }
  if (value.empty()) value = "label";
  return {{"segment", "99VIGIE", "Segmented structure"},
          {value, "99VIGIE", name.empty() ? "Label" : name},
          std::nullopt};
}

/// One frame of a segment: the source slice it lies on and its pixels.
struct Frame {
  std::size_t slice = 0;
  std::vector<Uint8> pixels;
};

/// Creates a SEG document (binary or fractional) around a source series and
/// adds segments and frames to it, with the functional groups that place each
/// frame on its source slice.
class SegmentationBuilder {
 public:
  SegmentationBuilder(const SourceSeries& source, const ProducerIdentity& producer,
                      std::string where)
      : source_(source), producer_(producer), where_(std::move(where)) {}

  core::Status create(bool fractional, const std::string& label, const std::string& description) {
    const auto& size = source_.geometry.size;
    if (size.i > 65535 || size.j > 65535)
      return core::makeError(core::ErrorCode::Unsupported, where_ + ": image too large for SEG");
    IODGeneralEquipmentModule::EquipmentInfo equipment("Vigie project", "Vigie", "none",
                                                       producer_.softwareVersion.c_str());
    ContentIdentificationMacro content("1", label.c_str(), description.c_str(), "Vigie^Software");
    DcmSegmentation* created = nullptr;
    const auto rows = static_cast<Uint16>(size.j), columns = static_cast<Uint16>(size.i);
    OFCondition made =
        fractional
            ? DcmSegmentation::createFractionalSegmentation(
                  created, rows, columns, DcmSegTypes::SFT_PROBABILITY, 255, equipment, content)
            : DcmSegmentation::createBinarySegmentation(created, rows, columns, equipment, content);
    seg_.reset(created);
    if (auto s = check(made, where_ + ": creating the segmentation"); !s.ok()) return s;
    // Patient, study and frame of reference of the source: the SEG joins its study.
    if (auto s = check(seg_->importFromSourceImage(source_.slices.front().file.string().c_str()),
                       source_.slices.front().file.string() + ": importing patient and study");
        !s.ok())
      return s;
    if (auto s = check(seg_->getSeries().setSeriesDescription(description.c_str()), where_);
        !s.ok())
      return s;
    if (auto s = check(seg_->getSeries().setSeriesNumber(fractional ? "903" : "902"), where_);
        !s.ok())
      return s;
    return sharedGroups();
  }

  core::Result<Uint16> addSegment(const std::string& label, DcmSegTypes::E_SegmentAlgoType type,
                                  const std::string& algorithm, const std::string& trackingId,
                                  const std::string& trackingUid,
                                  const SegmentCoding& coding = noduleCoding()) {
    DcmSegment* raw = nullptr;
    CodeSequenceMacro category(coding.category.value.c_str(), coding.category.scheme.c_str(),
                               coding.category.meaning.c_str());
    CodeSequenceMacro what(coding.type.value.c_str(), coding.type.scheme.c_str(),
                           coding.type.meaning.c_str());
    auto status =
        check(DcmSegment::create(raw, label.c_str(), category, what, type, algorithm.c_str()),
              where_ + ": segment '" + label + "'");
    std::unique_ptr<DcmSegment> segment(raw);
    if (!status.ok()) return status.error();
    if (!trackingId.empty()) {
      status = check(segment->setTrackingID(trackingId.c_str()), where_ + ": tracking id");
      if (status.ok())
        status = check(segment->setTrackingUID(trackingUid.c_str()), where_ + ": tracking UID");
      if (!status.ok()) return status.error();
    }
    if (coding.region) {
      segment->getGeneralAnatomyCode().getAnatomicRegion() =
          CodeSequenceMacro(coding.region->value.c_str(), coding.region->scheme.c_str(),
                            coding.region->meaning.c_str());
    }
    if (type != DcmSegTypes::SAT_MANUAL) {
      auto& algo = segment->getSegmentationAlgorithmIdentification();
      algo.getAlgorithmFamilyCode() = CodeSequenceMacro("123110", "DCM", "Artificial Intelligence");
      status = check(algo.setAlgorithmName(algorithm.c_str()), where_ + ": algorithm name");
      if (status.ok())
        status = check(algo.setAlgorithmVersion(producer_.modelVersion.c_str()),
                       where_ + ": algorithm version");
      if (!status.ok()) return status.error();
    }
    Uint16 number = 0;
    status = check(seg_->addSegment(segment.get(), number), where_ + ": adding a segment");
    if (!status.ok()) return status.error();
    segment.release();  // the document owns it now
    return number;
  }

  core::Status addFrame(Uint16 segmentNumber, Frame& frame) {
    const core::Vec3 position =
        source_.geometry.indexToPhysical({0.0, 0.0, static_cast<double>(frame.slice)});
    std::unique_ptr<FGPlanePosPatient> plane(FGPlanePosPatient::createMinimal(
        decimal(position.x).c_str(), decimal(position.y).c_str(), decimal(position.z).c_str()));
    FGFrameContent content;
    auto status = check(content.setDimensionIndexValues(segmentNumber, 0), where_);
    if (status.ok())
      status =
          check(content.setDimensionIndexValues(static_cast<Uint32>(frame.slice + 1), 1), where_);
    if (!status.ok()) return status;
    const SourceSlice& slice = source_.slices[frame.slice];
    OFVector<ImageSOPInstanceReferenceMacro> derivedFrom(1);
    derivedFrom[0].setReferencedSOPClassUID(slice.sopClassUid.c_str());
    derivedFrom[0].setReferencedSOPInstanceUID(slice.sopInstanceUid.c_str());
    std::unique_ptr<FGDerivationImage> derivation(DcmSegmentation::createDerivationImageFG(
        derivedFrom, "Segmentation of the source CT slice"));
    if (!plane || !derivation)
      return core::makeError(core::ErrorCode::Internal, where_ + ": frame description");
    OFVector<FGBase*> groups;
    groups.push_back(plane.get());
    groups.push_back(&content);
    groups.push_back(derivation.get());
    ++frames_;
    return check(seg_->addFrame(frame.pixels.data(), segmentNumber, groups),
                 where_ + ": adding frame " + std::to_string(frames_));
  }

  std::size_t frames() const { return frames_; }

  /// RLE Lossless for fractional SEGs: their 8-bit frames are mostly zeros
  /// (a 512x512x300 heatmap shrinks from 57 MB to about 1 MB), and RLE is the
  /// compression every DICOM reader supports. Binary SEGs are bit-packed
  /// already and stay uncompressed.
  core::Result<WrittenSegmentation> save(const std::filesystem::path& file,
                                         E_TransferSyntax syntax) {
    IODReferences references;
    for (const SourceSlice& slice : source_.slices) {
      references.add(new IODImageReference("", source_.studyUid.c_str(), source_.seriesUid.c_str(),
                                           slice.sopInstanceUid.c_str(),
                                           slice.sopClassUid.c_str()));
    }
    seg_->getCommonInstanceReference().addReferences(references, source_.studyUid.c_str());
    DcmFileFormat out;
    DcmDataset& ds = *out.getDataset();
    auto status = check(seg_->writeDataset(ds), file.string() + ": the segmentation is not valid");
    if (status.ok() && syntax != EXS_LittleEndianExplicit) {
      status = check(ds.chooseRepresentation(syntax, nullptr), file.string() + ": compressing");
    }
    if (status.ok())
      status = check(out.saveFile(file.string().c_str(), syntax), file.string() + ": writing");
    if (!status.ok()) return status.error();
    WrittenSegmentation written;
    OFString uid;
    ds.findAndGetOFString(DCM_SOPInstanceUID, uid);
    written.sopInstanceUid = uid.c_str();
    ds.findAndGetOFString(DCM_SeriesInstanceUID, uid);
    written.seriesUid = uid.c_str();
    written.frames = frames_;
    return written;
  }

 private:
  core::Status sharedGroups() {
    const auto& g = source_.geometry;
    FGPixelMeasures measures;
    auto status = check(
        measures.setPixelSpacing((decimal(g.spacing.y) + "\\" + decimal(g.spacing.x)).c_str()),
        where_ + ": pixel spacing");
    if (status.ok())
      status = check(measures.setSliceThickness(decimal(g.spacing.z).c_str()), where_);
    if (status.ok())
      status = check(measures.setSpacingBetweenSlices(decimal(g.spacing.z).c_str()), where_);
    if (status.ok()) status = check(seg_->addForAllFrames(measures), where_ + ": pixel measures");
    if (!status.ok()) return status;
    const auto& row = g.direction[0];
    const auto& column = g.direction[1];
    std::unique_ptr<FGPlaneOrientationPatient> orientation(FGPlaneOrientationPatient::createMinimal(
        decimal(row.x).c_str(), decimal(row.y).c_str(), decimal(row.z).c_str(),
        decimal(column.x).c_str(), decimal(column.y).c_str(), decimal(column.z).c_str()));
    if (!orientation)
      return core::makeError(core::ErrorCode::Internal, where_ + ": plane orientation");
    status = check(seg_->addForAllFrames(*orientation), where_ + ": plane orientation");
    if (!status.ok()) return status;
    const std::string dimensions =
        internal::uidFromText("vigie seg dimensions " + source_.seriesUid);
    auto& dims = seg_->getDimensions();
    status =
        check(dims.addDimensionIndex(DCM_ReferencedSegmentNumber, dimensions.c_str(),
                                     DCM_SegmentIdentificationSequence, "ReferencedSegmentNumber"),
              where_ + ": dimensions");
    if (status.ok())
      status = check(dims.addDimensionIndex(DCM_ImagePositionPatient, dimensions.c_str(),
                                            DCM_PlanePositionSequence, "ImagePositionPatient"),
                     where_ + ": dimensions");
    return status;
  }

  const SourceSeries& source_;
  const ProducerIdentity& producer_;
  std::string where_;
  std::unique_ptr<DcmSegmentation> seg_;
  std::size_t frames_ = 0;
};

/// The frames of a sphere on the source grid, one per slice it touches.
std::vector<Frame> sphereFrames(const core::VolumeGeometry& g, const core::Vec3& centerMm,
                                double diameterMm) {
  const double radius = std::max(diameterMm / 2.0, 0.5 * g.spacing.x);
  const core::Vec3 c = g.physicalToIndex(centerMm);
  const double ri = radius / g.spacing.x, rj = radius / g.spacing.y, rk = radius / g.spacing.z;
  auto range = [](double center, double r, std::size_t n) {
    const double lo = std::max(0.0, std::ceil(center - r));
    const double hi = std::min(static_cast<double>(n) - 1.0, std::floor(center + r));
    return std::pair<long, long>(static_cast<long>(lo), static_cast<long>(hi));
  };
  const auto [i0, i1] = range(c.x, ri, g.size.i);
  const auto [j0, j1] = range(c.y, rj, g.size.j);
  const auto [k0, k1] = range(c.z, rk, g.size.k);
  std::vector<Frame> frames;
  for (long k = k0; k <= k1; ++k) {
    Frame frame{static_cast<std::size_t>(k), std::vector<Uint8>(g.size.i * g.size.j, 0)};
    bool any = false;
    for (long j = j0; j <= j1; ++j) {
      for (long i = i0; i <= i1; ++i) {
        const double di = (i - c.x) * g.spacing.x, dj = (j - c.y) * g.spacing.y,
                     dk = (k - c.z) * g.spacing.z;
        if (di * di + dj * dj + dk * dk <= radius * radius) {
          frame.pixels[static_cast<std::size_t>(j) * g.size.i + static_cast<std::size_t>(i)] = 1;
          any = true;
        }
      }
    }
    if (any) frames.push_back(std::move(frame));
  }
  return frames;
}

/// Adds a frame for each source slice where `pixelOf` (a voxel -> the SEG's
/// pixel) gives anything but 0; a slice the segment does not touch has none.
template <typename Voxel, typename PixelOf>
core::Status addSliceFrames(SegmentationBuilder& builder, Uint16 segment,
                            const core::Volume<Voxel>& volume, PixelOf pixelOf) {
  const std::size_t plane = volume.size().i * volume.size().j;
  for (std::size_t k = 0; k < volume.size().k; ++k) {
    Frame frame{k, std::vector<Uint8>(plane, 0)};
    bool any = false;
    const Voxel* p = volume.slice(k);
    for (std::size_t n = 0; n < plane; ++n) {
      frame.pixels[n] = pixelOf(p[n]);
      any = any || frame.pixels[n] != 0;
    }
    if (!any) continue;
    if (auto status = builder.addFrame(segment, frame); !status.ok()) return status;
  }
  return {};
}

core::Status checkSource(const SourceSeries& source, const std::string& where) {
  if (source.slices.empty() || source.slices.size() != source.geometry.size.k) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           where + ": the source series' slices do not match its geometry");
  }
  return {};
}

}  // namespace

core::Result<WrittenSegmentation> writeNoduleSegmentation(
    const SourceSeries& source, const std::vector<core::ReviewedFinding>& findings,
    const ProducerIdentity& producer, const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  const std::string where = file.string();
  if (auto s = checkSource(source, where); !s.ok()) return s.error();
  std::vector<const core::ReviewedFinding*> accepted;
  for (const auto& f : findings) {
    if (f.acceptedByReader() && f.diameterMm > 0) accepted.push_back(&f);
  }
  if (accepted.empty()) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           where +
                               ": no finding was confirmed, edited or added, so there is "
                               "nothing to segment");
  }
  SegmentationBuilder builder(source, producer, where);
  auto status =
      builder.create(false, "NODULES", "Vigie review: nodules the reader confirmed or added");
  if (!status.ok()) return status.error();
  std::map<int, int> segmentOfFinding;
  for (const core::ReviewedFinding* f : accepted) {
    const bool readersOwn = f->state == core::ReviewState::Added;
    const std::string label = "Nodule " + std::to_string(f->id);
    auto number = builder.addSegment(
        label, readersOwn ? DcmSegTypes::SAT_MANUAL : DcmSegTypes::SAT_SEMIAUTOMATIC,
        readersOwn ? "" : producer.modelId, "Vigie finding " + std::to_string(f->id),
        internal::uidFromText("vigie tracking " + source.studyUid + " " + producer.modelId + " " +
                              std::to_string(f->id)));
    if (!number.ok()) return number.error();
    for (Frame& frame : sphereFrames(source.geometry, f->centerMm, f->diameterMm)) {
      status = builder.addFrame(number.value(), frame);
      if (!status.ok()) return status.error();
    }
    segmentOfFinding[f->id] = number.value();
  }
  auto written = builder.save(file, EXS_LittleEndianExplicit);
  if (!written.ok()) return written.error();
  written.value().segmentOfFinding = std::move(segmentOfFinding);
  return written;
}

core::Result<WrittenSegmentation> writeProbabilitySegmentation(const SourceSeries& source,
                                                               const core::FloatVolume& heatmap,
                                                               const ProducerIdentity& producer,
                                                               const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  const std::string where = file.string();
  if (auto s = checkSource(source, where); !s.ok()) return s.error();
  if (!(heatmap.size() == source.geometry.size)) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           where + ": the heatmap is not on the source series' grid");
  }
  SegmentationBuilder builder(source, producer, where);
  auto status = builder.create(true, "HEATMAP", "Vigie model heatmap: nodule probability");
  if (!status.ok()) return status.error();
  auto number = builder.addSegment("Nodule probability", DcmSegTypes::SAT_AUTOMATIC,
                                   producer.modelId, "", "");
  if (!number.ok()) return number.error();
  status = addSliceFrames(builder, number.value(), heatmap, [](float p) {
    return static_cast<Uint8>(std::clamp(p, 0.0f, 1.0f) * 255.0f + 0.5f);
  });
  if (!status.ok()) return status.error();
  if (builder.frames() == 0) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           where + ": the heatmap stays below 1/255 everywhere; nothing to write");
  }
  return builder.save(file, EXS_RLELossless);
}

core::Result<WrittenSegmentation> writeLabelSegmentation(const SourceSeries& source,
                                                         const core::Volume<std::uint8_t>& label,
                                                         const std::string& labelName,
                                                         const ProducerIdentity& producer,
                                                         const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  const std::string where = file.string();
  if (auto s = checkSource(source, where); !s.ok()) return s.error();
  if (!(label.size() == source.geometry.size)) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           where + ": the label is not on the source series' grid");
  }
  const std::string name = labelName.empty() ? "Label" : labelName;
  SegmentationBuilder builder(source, producer, where);
  auto status = builder.create(false, "LABEL", "Vigie model label: " + name);
  if (!status.ok()) return status.error();
  auto number = builder.addSegment(name, DcmSegTypes::SAT_AUTOMATIC, producer.modelId, "", "",
                                   labelCoding(labelName));
  if (!number.ok()) return number.error();
  status = addSliceFrames(builder, number.value(), label,
                          [](std::uint8_t p) { return static_cast<Uint8>(p != 0 ? 1 : 0); });
  if (!status.ok()) return status.error();
  if (builder.frames() == 0) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           where + ": the label is empty; nothing to write");
  }
  return builder.save(file, EXS_LittleEndianExplicit);
}

}  // namespace vigie::imaging
