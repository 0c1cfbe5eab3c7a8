#include "vigie/imaging/dicom/SourceSeries.h"

#include <algorithm>

#include "vigie/imaging/dicom/CtVolumeLoader.h"

namespace vigie::imaging {

core::Result<SourceSeries> describeSourceSeries(const DicomSeriesEntry& series) {
  auto layout = CtVolumeLoader::layout(series);
  if (!layout.ok()) return layout.error();
  SourceSeries source;
  source.studyUid = series.studyInstanceUid;
  source.seriesUid = series.seriesInstanceUid;
  source.geometry = layout.value().geometry;
  if (layout.value().multiFrame) {
    // The SR and SEG writers refer to one instance per slice; frames of a
    // multi-frame source would need Referenced Frame Numbers, not written yet.
    return core::makeError(core::ErrorCode::Unsupported,
                           series.images.front().file.string() +
                               ": DICOM SR/SEG output for a multi-frame (enhanced) series is not "
                               "supported yet; the volume itself loads");
  }
  for (const SliceRef& ref : layout.value().slices) {
    const DicomImageHeader* slice = ref.header;
    if (slice->sopInstanceUid.empty() || slice->sopClassUid.empty()) {
      return core::makeError(core::ErrorCode::ParseError,
                             slice->file.string() + ": no SOP Class or SOP Instance UID");
    }
    source.slices.push_back({slice->file, slice->sopClassUid, slice->sopInstanceUid});
    if (source.frameOfReferenceUid.empty()) source.frameOfReferenceUid = slice->frameOfReferenceUid;
  }
  if (source.frameOfReferenceUid.empty()) {
    return core::makeError(core::ErrorCode::ParseError,
                           series.images.front().file.string() +
                               ": the series has no Frame of Reference UID, so no coordinates "
                               "can refer to it");
  }
  return source;
}

core::Result<SourceSeries> describeSourceImages(const DicomSeriesEntry& series) {
  SourceSeries source;
  source.studyUid = series.studyInstanceUid;
  source.seriesUid = series.seriesInstanceUid;
  std::vector<const DicomImageHeader*> images;
  for (const auto& image : series.images) images.push_back(&image);
  std::stable_sort(images.begin(), images.end(), [](const auto* a, const auto* b) {
    return a->instanceNumber < b->instanceNumber;
  });
  for (const DicomImageHeader* image : images) {
    if (image->sopInstanceUid.empty() || image->sopClassUid.empty()) {
      return core::makeError(core::ErrorCode::ParseError,
                             image->file.string() + ": no SOP Class or SOP Instance UID");
    }
    source.slices.push_back({image->file, image->sopClassUid, image->sopInstanceUid});
    if (source.frameOfReferenceUid.empty()) source.frameOfReferenceUid = image->frameOfReferenceUid;
  }
  if (source.slices.empty())
    return core::makeError(core::ErrorCode::NotFound, "the series has no images");
  return source;
}

}  // namespace vigie::imaging
