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

void StudyBrowser::setCatalog(const std::vector<SeriesCard>& cards, const SeriesKey& shown) {
  clear();
  cards_ = cards;
  shown_ = shown;
  for (std::size_t i = 0; i < cards_.size(); ++i) {
    const SeriesCard& card = cards_[i];
    QTreeWidgetItem* patient = childWithKey(nullptr, this, card.patient);
    patient->setText(0, card.patient);
    QTreeWidgetItem* study = childWithKey(patient, this, card.studyUid);
    int seriesInStudy = study->childCount() + 1;
    if (card.studyDate.isEmpty()) {
      study->setText(0, tr("Study without date (%n series)", nullptr, seriesInStudy));
    } else {
      //: %1: the study's date (YYYY-MM-DD).
      study->setText(0, tr("Study %1 (%n series)", nullptr, seriesInStudy).arg(card.studyDate));
    }
    auto* row = new QTreeWidgetItem(study);
    row->setData(0, kCardRole, static_cast<int>(i));
    // The series' description, then its modality and how many images it has.
    const QString text =
        card.planar ? (card.images == 1 ? tr("%1\n%2, 1 image (2D)")
                                        : tr("%1\n%2, %n frames (2D)", nullptr, card.images))
                    : (card.images == 1 ? tr("%1\n%2, 1 image")
                                        : tr("%1\n%2, %n slices", nullptr, card.images));
    row->setText(0, text.arg(card.description.isEmpty() ? tr("(no description)") : card.description,
                             card.modality));
    if (!card.thumbnail.isNull()) row->setIcon(0, QIcon(QPixmap::fromImage(card.thumbnail)));
    row->setToolTip(0, card.planar     ? tr("Double-click to show these images in the 2D view")
                       : card.loadable ? tr("Double-click to show this series")
                                       : tr("A single slice: nothing to stack into a volume"));
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
