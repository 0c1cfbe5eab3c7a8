#include "StudyBrowser.h"

#include <QHeaderView>
#include <QPixmap>

namespace vigie::app {
namespace {

constexpr int kCardRole = Qt::UserRole + 1;  ///< index into cards_, on series rows

QTreeWidgetItem* childWithKey(QTreeWidgetItem* parent, QTreeWidget* tree, const QString& key) {
  const int count = parent ? parent->childCount() : tree->topLevelItemCount();
  for (int i = 0; i < count; ++i) {
    QTreeWidgetItem* item = parent ? parent->child(i) : tree->topLevelItem(i);
    if (item->data(0, Qt::UserRole).toString() == key) return item;
  }
  auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree);
  item->setData(0, Qt::UserRole, key);
  item->setExpanded(true);
  return item;
}

}  // namespace

StudyBrowser::StudyBrowser(QWidget* parent) : QTreeWidget(parent) {
  setObjectName("studyBrowser");
  setColumnCount(1);
  header()->setVisible(false);
  setIconSize(QSize(64, 64));
  setRootIsDecorated(true);
  setUniformRowHeights(false);
  connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item, int) {
    const QVariant index = item->data(0, kCardRole);
    if (index.isValid()) activate(index.toInt());
  });
}

void StudyBrowser::setCatalogue(const std::vector<SeriesCard>& cards, const SeriesKey& shown) {
  clear();
  cards_ = cards;
  shown_ = shown;
  for (std::size_t i = 0; i < cards_.size(); ++i) {
    const SeriesCard& card = cards_[i];
    QTreeWidgetItem* patient = childWithKey(nullptr, this, card.patient);
    patient->setText(0, card.patient);
    QTreeWidgetItem* study = childWithKey(patient, this, card.studyUid);
    int seriesInStudy = study->childCount() + 1;
    study->setText(0, QString("Study %1 (%2 series)")
                          .arg(card.studyDate.isEmpty() ? "without date" : card.studyDate)
                          .arg(seriesInStudy));
    auto* row = new QTreeWidgetItem(study);
    row->setData(0, kCardRole, static_cast<int>(i));
    row->setText(0, QString("%1\n%2, %3 %4")
                        .arg(card.description.isEmpty() ? "(no description)" : card.description,
                             card.modality)
                        .arg(card.images)
                        .arg(card.planar ? (card.images == 1 ? "image (2D)" : "frames (2D)")
                                         : (card.images == 1 ? "image" : "slices")));
    if (!card.thumbnail.isNull()) row->setIcon(0, QIcon(QPixmap::fromImage(card.thumbnail)));
    row->setToolTip(0, card.planar     ? "Double-click to show these images in the 2D view"
                       : card.loadable ? "Double-click to show this series"
                                       : "A single slice: nothing to stack into a volume");
    if (!card.loadable) row->setDisabled(true);
    if (card.key == shown) {
      QFont bold = row->font(0);
      bold.setBold(true);
      row->setFont(0, bold);
      setCurrentItem(row);
    }
  }
}

void StudyBrowser::activate(int index) {
  if (index < 0 || index >= seriesCount() || !cards_[static_cast<std::size_t>(index)].loadable)
    return;
  Q_EMIT seriesActivated(cards_[static_cast<std::size_t>(index)].key);
}

}  // namespace vigie::app
