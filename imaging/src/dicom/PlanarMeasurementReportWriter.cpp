#include "vigie/imaging/dicom/PlanarMeasurementReportWriter.h"

#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/ucum.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <algorithm>

#include "DcmtkSetup.h"
#include "SrSupport.h"

namespace vigie::imaging {
namespace {

using internal::kContains;
using internal::TreeBuilder;

const DSRCodedEntryValue kImagingProcedure("363679005", "SCT", "Imaging");
const DSRCodedEntryValue kLength("410668003", "SCT", "Length");
const DSRCodedEntryValue kPixels("{pixels}", "UCUM", "pixels");

void addLength(TreeBuilder& b, const SourceSeries& source, const SourceSlice& image,
               const core::Measurement& m) {
  b.openMeasurementGroup(m.reader, source.studyUid, m.id);
  const bool inMillimeters = m.unit == "mm";
  b.numWith(kContains, kLength, m.value,
            inMillimeters ? DSRCodedEntryValue(CODE_UCUM_Millimeter) : kPixels, [&] {
              b.leafWith(
                  DSRTypes::RT_inferredFrom, DSRTypes::VT_SCoord, CODE_DCM_ImageRegion,
                  [&](DSRContentItem& i) {
                    // Vigie's pixel points and SCOORD share their origin: the
                    // top left corner of the top left pixel.
                    DSRSpatialCoordinatesValue line(DSRTypes::GT_Polyline);
                    for (const core::PixelPoint& p : m.pixelPoints)
                      line.getGraphicDataList().addItem(static_cast<Float32>(p.column),
                                                        static_cast<Float32>(p.row));
                    return i.setSpatialCoordinates(line);
                  },
                  [&] {
                    b.leaf(DSRTypes::RT_selectedFrom, DSRTypes::VT_Image, DSRCodedEntryValue(),
                           [&](DSRContentItem& i) {
                             DSRImageReferenceValue reference(image.sopClassUid.c_str(),
                                                              image.sopInstanceUid.c_str());
                             reference.getFrameList().addItem(static_cast<Sint32>(m.image->frame));
                             return i.setImageReference(reference);
                           });
                  });
            });
  if (!m.note.empty()) b.text(kContains, CODE_DCM_Comment, m.note);
  b.close();
}

}  // namespace

core::Result<std::string> writePlanarMeasurementReport(const SourceSeries& source,
                                                       const PlanarMeasurementReport& report,
                                                       const std::filesystem::path& file) {
  internal::ensureDcmtkReady();
  std::vector<const SourceSlice*> images;
  for (const core::Measurement& m : report.lengths) {
    const auto found = std::find_if(source.slices.begin(), source.slices.end(), [&](const auto& s) {
      return m.image && s.sopInstanceUid == m.image->sopInstanceUid;
    });
    if (!m.image || found == source.slices.end() || m.pixelPoints.size() != 2) {
      return core::makeError(core::ErrorCode::InvalidArgument,
                             file.string() + ": measurement " + std::to_string(m.id) +
                                 " is not a length on an image of series " + source.seriesUid);
    }
    images.push_back(&*found);
  }
  internal::Tid1500Document doc;
  auto status = doc.begin(source, "Vigie review: measurements on images", report.producer,
                          report.exportingReader, kImagingProcedure, file.string());
  if (!status.ok()) return status.error();
  doc.openMeasurements();
  for (std::size_t n = 0; n < report.lengths.size(); ++n)
    addLength(doc.builder(), source, *images[n], report.lengths[n]);
  return doc.save(file);
}

}  // namespace vigie::imaging
