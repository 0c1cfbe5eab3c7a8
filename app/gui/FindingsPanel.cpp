#include "FindingsPanel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

Q_DECLARE_METATYPE(vigie::core::Finding)

namespace vigie::app {
namespace {

enum Column { kId, kScore, kDiameter, kX, kY, kZ, kSlice, kDecision, kColumns };

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

}  // namespace

FindingsPanel::FindingsPanel(QWidget* parent) : QWidget(parent) {
  qRegisterMetaType<core::Finding>();
  auto* layout = new QVBoxLayout(this);
  model_ = new QLabel("No model has run on this study.\nAI > Run nodule model (Ctrl+M).", this);
  model_->setWordWrap(true);
  layout->addWidget(model_);

  auto* controls = new QHBoxLayout;
  overlayToggle_ = new QCheckBox("Heatmap (H)", this);
  overlayToggle_->setChecked(true);
  opacity_ = new QSlider(Qt::Horizontal, this);
  opacity_->setRange(0, 100);
  opacity_->setValue(70);
  opacity_->setToolTip("Heatmap opacity");
  controls->addWidget(overlayToggle_);
  controls->addWidget(new QLabel("Opacity", this));
  controls->addWidget(opacity_, 1);
  layout->addLayout(controls);
  connect(overlayToggle_, &QCheckBox::toggled, this, &FindingsPanel::overlayVisibilityChanged);
  connect(opacity_, &QSlider::valueChanged, this,
          [this](int v) { Q_EMIT overlayOpacityChanged(v / 100.0); });

  table_ = new QTableWidget(0, kColumns, this);
  table_->setObjectName("findingsTable");
  table_->setHorizontalHeaderLabels(
      {"#", "Score", "Diam. (mm)", "x (mm)", "y (mm)", "z (mm)", "Slice", "Decision"});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setSortingEnabled(true);
  layout->addWidget(table_, 1);
  connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return;
    const QVariant data = table_->item(rows.front().row(), kId)->data(Qt::UserRole);
    Q_EMIT findingSelected(data.value<core::Finding>());
  });
}

void FindingsPanel::showModel(const QString& description, bool clinicalUse) {
  QString html = description.toHtmlEscaped().replace("\n", "<br>");
  if (!clinicalUse) html += "<br><b style='color:#b00'>Not for clinical use.</b>";
  model_->setTextFormat(Qt::RichText);
  model_->setText(html);
}

void FindingsPanel::setFindings(const std::vector<core::Finding>& findings,
                                const core::VolumeGeometry& geometry) {
  findings_ = findings;
  table_->setSortingEnabled(false);
  table_->clearContents();
  table_->setRowCount(static_cast<int>(findings.size()));
  for (int r = 0; r < static_cast<int>(findings.size()); ++r) {
    const core::Finding& f = findings[r];
    auto* id = numberItem(f.id, 0);
    id->setData(Qt::UserRole, QVariant::fromValue(f));
    table_->setItem(r, kId, id);
    table_->setItem(r, kScore, numberItem(f.score, 3));
    table_->setItem(r, kDiameter, numberItem(f.diameterMm, 1));
    table_->setItem(r, kX, numberItem(f.centerMm.x, 1));
    table_->setItem(r, kY, numberItem(f.centerMm.y, 1));
    table_->setItem(r, kZ, numberItem(f.centerMm.z, 1));
    table_->setItem(r, kSlice,
                    numberItem(std::lround(geometry.physicalToIndex(f.centerMm).z) + 1, 0));
  }
  table_->setSortingEnabled(true);
  table_->sortByColumn(kScore, Qt::DescendingOrder);
}

std::optional<core::Finding> FindingsPanel::selectedFinding() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return std::nullopt;
  return table_->item(rows.front().row(), kId)->data(Qt::UserRole).value<core::Finding>();
}

void FindingsPanel::setDecision(int findingId, const QString& decision) {
  for (int r = 0; r < table_->rowCount(); ++r) {
    if (table_->item(r, kId)->data(Qt::UserRole).value<core::Finding>().id != findingId) continue;
    auto* item = new QTableWidgetItem(decision);
    item->setForeground(decision == "reject" ? QColor(180, 0, 0) : QColor(0, 130, 0));
    table_->setItem(r, kDecision, item);
  }
}

QString FindingsPanel::decision(int findingId) const {
  for (int r = 0; r < table_->rowCount(); ++r) {
    if (table_->item(r, kId)->data(Qt::UserRole).value<core::Finding>().id != findingId) continue;
    const QTableWidgetItem* item = table_->item(r, kDecision);
    return item ? item->text() : QString();
  }
  return {};
}

void FindingsPanel::clear() {
  findings_.clear();
  table_->setRowCount(0);
  model_->setText("No model has run on this study.\nAI > Run nodule model (Ctrl+M).");
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
