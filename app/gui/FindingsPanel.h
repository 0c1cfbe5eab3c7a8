#pragma once

#include <QWidget>
#include <optional>
#include <vector>

#include "OverlayColors.h"
#include "vigie/core/Finding.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/core/VolumeGeometry.h"

class QLabel;
class QComboBox;
class QSlider;
class QCheckBox;
class QPushButton;
class QTableWidget;

namespace vigie::app {

/// The AI panel: which model ran (and that it is not for clinical use), the
/// heatmap controls, and the sortable table of findings as the review left
/// them (the model's, with the reader's decisions, edits and notes, and the
/// reader's own). Selecting a row asks the views to centre on that finding.
/// GUI thread only.
class FindingsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit FindingsPanel(QWidget* parent = nullptr);

  /// `card`: the model's card (inference::modelCardText), opened by the
  /// panel's "Model card" button; empty when not known (a stored run).
  void showModel(const QString& description, bool clinicalUse, const QString& card = {});
  /// Fills the table; `geometry` converts centres to axial slice numbers.
  /// The selected finding stays selected (by id) when it is still listed.
  void showReview(const std::vector<core::ReviewedFinding>& findings,
                  const core::VolumeGeometry& geometry);
  void clear();

  std::size_t findingCount() const { return findings_.size(); }
  /// Selects the next (+1) or previous (-1) row, wrapping around.
  void step(int direction);
  void select(int row);

  QCheckBox* overlayToggle() const { return overlayToggle_; }

  /// The finding of the selected row, if a row is selected.
  std::optional<core::ReviewedFinding> selectedFinding() const;
  /// Where the review left a finding ("confirmed", "rejected", "edited",
  /// "added"), empty when pending or not listed.
  QString decision(int findingId) const;

 Q_SIGNALS:
  void findingSelected(const vigie::core::Finding& finding);
  void overlayVisibilityChanged(bool visible);
  void overlayOpacityChanged(double opacity);
  void overlayColorsChanged(vigie::app::OverlayColors colors);

 private:
  QLabel* model_ = nullptr;
  QPushButton* modelCardButton_ = nullptr;
  QString modelCard_, modelName_;
  QCheckBox* overlayToggle_ = nullptr;
  QSlider* opacity_ = nullptr;
  QComboBox* colors_ = nullptr;
  QTableWidget* table_ = nullptr;
  std::vector<core::ReviewedFinding> findings_;
};

}  // namespace vigie::app
