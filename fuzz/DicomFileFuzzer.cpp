// libFuzzer target: any bytes, read as a DICOM file the way Vigie reads one
// it found on a disk or a CD. The readers must return an error or a result;
// a crash, a sanitizer report, a hang or a runaway allocation is a bug.
//
// Build and run with the `fuzz` preset (clang): see fuzz/run-fuzzer.sh.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/MeasurementReportReader.h"
#include "vigie/imaging/dicom/PixelDecoder.h"
#include "vigie/imaging/dicom/PlanarImage.h"
#include "vigie/imaging/dicom/SeriesPresentation.h"
#include "vigie/imaging/fundus/Photograph.h"

namespace {

/// One file per fuzzing process, rewritten for every input: the readers take
/// paths, as the product's do. In /dev/shm when there is one, to spare the disk.
const std::filesystem::path& inputFile() {
  static const std::filesystem::path file = [] {
    const std::filesystem::path shm = "/dev/shm";
    const auto dir =
        std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    return dir / ("vigie-fuzz-" + std::to_string(::getpid()) + ".dcm");
  }();
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(inputFile(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  using namespace vigie::imaging;
  // What `vigie-cli info` and the GUI's loader do with a file...
  auto scan = DicomScanner().scan(inputFile());
  if (scan.ok()) {
    for (const auto& series : scan.value().series) {
      (void)presentationOf(series);
      (void)CtVolumeLoader::layout(series);
      (void)CtVolumeLoader().load(series);
    }
  }
  // ...what `vigie-cli decode` does, the 2D view's reading (palettes,
  // ultrasound regions, 1- to 32-bit samples), and the fundus path's.
  (void)decodeDicomPixels(inputFile());
  (void)loadPlanarImage(inputFile());
  (void)readPhotograph(inputFile());
  // ...and what `review import-sr` does with an expert's report.
  (void)readStructuredReport(inputFile());
  return 0;
}
