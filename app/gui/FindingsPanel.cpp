#include "FindingsPanel.h"

#include "DisplayNames.h"
#include "ModelCardDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

Q_DECLARE_METATYPE(vigie::core::Finding)
Q_DECLARE_METATYPE(vigie::core::ReviewedFinding)

namespace vigie::app {
namespace {

// The reader's verdict next to the score: the narrow dock shows the first
// columns without scrolling.
enum Column { kId, kScore, kDecision, kDiameter, kSlice, kNote, kX, kY, kZ, kColumns };

QTableWidgetItem* numberItem(double value, int decimals) {
  auto* item = new QTableWidgetItem;
  // Numbers as numbers, so sorting by a column orders 10 after 9.
  item->setData(Qt::DisplayRole, decimals == 0
                                     ? QVariant(static_cast<int>(value))
                                     : QVariant(std::round(value * std::pow(10, decimals)) /
                                                std::pow(10, decimals)));
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

QColor decisionColor(core::ReviewState state) {
  switch (state) {
    case core::ReviewState::Rejected:
      return QColor(180, 0, 0);
    case core::ReviewState::Confirmed:
    case core::ReviewState::Edited:
      return QColor(0, 130, 0);
    case core::ReviewState::Added:
      return QColor(0, 70, 170);
    case core::ReviewState::Pending:
      break;
  }
  return QColor(90, 90, 90);
}

/// What the views need to centre on and mark a finding.
core::Finding asFinding(const core::ReviewedFinding& r) {
  return {r.id, r.modelScore.value_or(0.0), r.centerMm, r.diameterMm, std::nullopt, {}, {}, {}};
}

core::ReviewedFinding rowFinding(const QTableWidget* table, int row) {
  return table->item(row, kId)->data(Qt::UserRole).value<core::ReviewedFinding>();
}

}  // namespace

FindingsPanel::FindingsPanel(QWidget* parent) : QWidget(parent) {
  qRegisterMetaType<core::Finding>();
  qRegisterMetaType<core::ReviewedFinding>();
  auto* layout = new QVBoxLayout(this);
  model_ = new QLabel(tr("No model has run on this study.\nAI > Run nodule model (Ctrl+M)."), this);
  model_->setObjectName("modelDescription");
  model_->setWordWrap(true);
  layout->addWidget(model_);
  modelCardButton_ = new QPushButton(tr("Model card"), this);
  modelCardButton_->setObjectName("ctModelCardButton");
  modelCardButton_->setToolTip(
      tr("What the model is for, what it was trained and evaluated on, its limits"));
  modelCardButton_->setEnabled(false);
  layout->addWidget(modelCardButton_, 0, Qt::AlignLeft);
  connect(modelCardButton_, &QPushButton::clicked, this,
          [this] { showModelCard(this, modelName_, modelCard_); });

  auto* controls = new QHBoxLayout;
  overlayToggle_ = new QCheckBox(tr("Heatmap (H)"), this);
  overlayToggle_->setChecked(true);
  opacity_ = new QSlider(Qt::Horizontal, this);
  opacity_->setRange(0, 100);
  opacity_->setValue(70);
  opacity_->setToolTip(tr("Heatmap opacity"));
  colors_ = new QComboBox(this);
  colors_->setObjectName("heatmapColours");
  colors_->addItem(tr("Yellow to red"), static_cast<int>(OverlayColors::YellowRed));
  colors_->addItem(tr("Rainbow"), static_cast<int>(OverlayColors::Rainbow));
  colors_->addItem(tr("Green"), static_cast<int>(OverlayColors::Green));
  colors_->setToolTip(tr("Heatmap colour map"));
  controls->addWidget(overlayToggle_);
  controls->addWidget(colors_, 1);
  layout->addLayout(controls);
  auto* opacityRow = new QHBoxLayout;
  opacityRow->addWidget(new QLabel(tr("Opacity"), this));
  opacityRow->addWidget(opacity_, 1);
  layout->addLayout(opacityRow);
  connect(overlayToggle_, &QCheckBox::toggled, this, &FindingsPanel::overlayVisibilityChanged);
  connect(colors_, &QComboBox::currentIndexChanged, this, [this] {
    Q_EMIT overlayColorsChanged(static_cast<OverlayColors>(colors_->currentData().toInt()));
  });
  connect(opacity_, &QSlider::valueChanged, this,
          [this](int v) { Q_EMIT overlayOpacityChanged(v / 100.0); });

  table_ = new QTableWidget(0, kColumns, this);
  table_->setObjectName("findingsTable");
  table_->setHorizontalHeaderLabels({tr("#"), tr("Score"), tr("Decision"), tr("Diam. (mm)"),
                                     tr("Slice"), tr("Note"), tr("x (mm)"), tr("y (mm)"),
                                     tr("z (mm)")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  // Columns sized once per refill (showReview), not on every cell: with
  // ResizeToContents each setItem measured the whole column again.
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  table_->setSortingEnabled(true);
  layout->addWidget(table_, 1);
  connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return;
    Q_EMIT findingSelected(asFinding(rowFinding(table_, rows.front().row())));
  });
}

void FindingsPanel::showModel(const QString& description, bool clinicalUse, const QString& card) {
  modelCard_ = card;
  modelName_ = description.section('\n', 0, 0);
  modelCardButton_->setEnabled(!card.isEmpty());
  QString html = description.toHtmlEscaped().replace("\n", "<br>");
  if (!clinicalUse) html += "<br><b style='color:#b00'>" + tr("Not for clinical use.") + "</b>";
  model_->setTextFormat(Qt::RichText);
  model_->setText(html);
  // A dock does not always grow a wrapped label to its new height: say it.
  model_->setMinimumHeight(model_->heightForWidth(std::max(model_->width(), 200)));
}

void FindingsPanel::showReview(const std::vector<core::ReviewedFinding>& findings,
                               const core::VolumeGeometry& geometry) {
  const auto previouslySelected = selectedFinding();
  const bool firstFill = findings_.empty();
  findings_ = findings;
  table_->blockSignals(true);  // a refill is not a new selection
  table_->setSortingEnabled(false);
  table_->clearContents();
  table_->setRowCount(static_cast<int>(findings.size()));
  //: In the Score column: a finding a reader added (no AI score).
  const QString byReader = tr("reader");
  for (int r = 0; r < static_cast<int>(findings.size()); ++r) {
    const core::ReviewedFinding& f = findings[r];
    auto* id = numberItem(f.id, 0);
    id->setData(Qt::UserRole, QVariant::fromValue(f));
    table_->setItem(r, kId, id);
    table_->setItem(r, kScore,
                    f.modelScore ? numberItem(*f.modelScore, 3) : new QTableWidgetItem(byReader));
    table_->setItem(r, kDiameter, numberItem(f.diameterMm, 1));
    table_->setItem(r, kX, numberItem(f.centerMm.x, 1));
    table_->setItem(r, kY, numberItem(f.centerMm.y, 1));
    table_->setItem(r, kZ, numberItem(f.centerMm.z, 1));
    table_->setItem(r, kSlice,
                    numberItem(std::lround(geometry.physicalToIndex(f.centerMm).z) + 1, 0));
    auto* decision = new QTableWidgetItem(
        f.state == core::ReviewState::Pending ? QString() : DisplayNames::reviewState(f.state));
    decision->setForeground(decisionColor(f.state));
    table_->setItem(r, kDecision, decision);
    QString note = QString::fromStdString(f.note);
    if (!f.category.empty())
      note = QString("[%1] %2").arg(
          DisplayNames::findingCategory(QString::fromStdString(f.category)), note);
    table_->setItem(r, kNote, new QTableWidgetItem(note));
  }
  table_->setSortingEnabled(true);
  table_->resizeColumnsToContents();
  if (firstFill) table_->sortByColumn(kScore, Qt::DescendingOrder);
  if (previouslySelected) {
    for (int r = 0; r < table_->rowCount(); ++r) {
      if (rowFinding(table_, r).id == previouslySelected->id) table_->selectRow(r);
    }
  }
  table_->blockSignals(false);
}

std::optional<core::ReviewedFinding> FindingsPanel::selectedFinding() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return std::nullopt;
  return rowFinding(table_, rows.front().row());
}

QString FindingsPanel::decision(int findingId) const {
  for (const auto& f : findings_) {
    if (f.id == findingId)
      return f.state == core::ReviewState::Pending ? QString() : QString(core::toString(f.state));
  }
  return {};
}

void FindingsPanel::clear() {
  findings_.clear();
  table_->setRowCount(0);
  model_->setText(tr("No model has run on this study.\nAI > Run nodule model (Ctrl+M)."));
}

void FindingsPanel::select(int row) {
  if (row < 0 || row >= table_->rowCount()) return;
  table_->selectRow(row);
  table_->scrollToItem(table_->item(row, kId));
}

void FindingsPanel::step(int direction) {
  const int rows = table_->rowCount();
  if (rows == 0) return;
  const auto selected = table_->selectionModel()->selectedRows();
  const int current = selected.isEmpty() ? (direction > 0 ? -1 : 0) : selected.front().row();
  select(((current + direction) % rows + rows) % rows);
}

}  // namespace vigie::app
