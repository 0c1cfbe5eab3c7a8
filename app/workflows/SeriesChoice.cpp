#include "SeriesChoice.h"

namespace vigie::app {

const imaging::DicomSeriesEntry* chooseSeries(const imaging::DicomScanResult& scan,
                                              const std::optional<std::string>& wanted,
                                              const std::string& modality) {
  const imaging::DicomSeriesEntry* chosen = nullptr;
  for (const auto& s : scan.series) {
    const bool matches =
        wanted ? s.seriesInstanceUid == *wanted : modality.empty() || s.modality == modality;
    if (matches && (!chosen || s.images.size() > chosen->images.size())) chosen = &s;
  }
  return chosen;
}

}  // namespace vigie::app
