#pragma once

#include <QTreeWidget>
#include <vector>

#include "StudyLoader.h"

namespace vigie::app {

/// The study browser: patient, study and series of what was opened, each
/// series with its thumbnail, modality and slice count; the series shown is
/// in bold. Double-click (or Enter) on a series opens it in the views;
/// series shown as 2D images (radiographs, ultrasound, captures) say so;
/// a CT or MR series of a single slice is listed but greyed (nothing to stack).
/// GUI thread only.
class StudyBrowser : public QTreeWidget {
  Q_OBJECT
 public:
  explicit StudyBrowser(QWidget* parent = nullptr);

  void setCatalog(const std::vector<SeriesCard>& cards, const SeriesKey& shown);
  /// The series rows, in tree order (patients and studies left out).
  int seriesCount() const { return static_cast<int>(cards_.size()); }
  const SeriesCard& card(int index) const { return cards_.at(static_cast<std::size_t>(index)); }
  /// The series the views show (bold in the list).
  const SeriesKey& shownKey() const { return shown_; }
  /// Asks for the series at `index` as if the reader had double-clicked it.
  void activate(int index);

 Q_SIGNALS:
  void seriesActivated(const vigie::app::SeriesKey& key);

 private:
  std::vector<SeriesCard> cards_;
  SeriesKey shown_;
};

}  // namespace vigie::app
