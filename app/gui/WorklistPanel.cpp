#include "WorklistPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>
#include <chrono>

#include "DisplayNames.h"
#include "ReviewSession.h"

namespace vigie::app {
namespace {

/// The columns, in English: the names the code and tests look them up by; the
/// headings translate them.
const char* const kColumnNames[] = {
    //: The case's rank in the AI's triage order.
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "#"),
    //: The worklist's triage lane (flagged, awaiting AI, AI-normal, done).
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Lane"),
    //: The AI's suspicion score.
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "AI"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Findings"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "State"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Priority"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Modality"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Date"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Patient"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Assigned"),
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Readers"),
    //: The readers, or a reader and the AI, disagree on the case.
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Disagree"),
    //: How long the case has waited, in hours.
    QT_TRANSLATE_NOOP("vigie::app::WorklistPanel", "Waiting"),
};

const QStringList kColumns = [] {
  QStringList names;
  for (const char* name : kColumnNames) names << QString::fromUtf8(name);
  return names;
}();

/// The filter box's entries, in order.
enum Filter {
  All,
  Flagged,
  AwaitingAi,
  AiNormal,
  Done,
  Unread,
  Disagreements,
  Mine,
  AwaitingSecondReading,
  ArbitrationQueue
};

/// A cell that sorts by its sort key (Qt::UserRole), not its text: ranks,
/// scores and priorities sort as numbers.
class SortedItem : public QTableWidgetItem {
 public:
  SortedItem(const QString& text, const QVariant& key) : QTableWidgetItem(text) {
    setData(Qt::UserRole, key);
    setFlags(flags() & ~Qt::ItemIsEditable);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    const QVariant a = data(Qt::UserRole), b = other.data(Qt::UserRole);
    if (a.typeId() == QMetaType::QString || b.typeId() == QMetaType::QString)
      return a.toString() < b.toString();
    return a.toDouble() < b.toDouble();
  }
};

QString laneText(WorklistLane lane) {
  switch (lane) {
    case WorklistLane::Flagged:
      //: A worklist lane: the AI flagged the case.
      return WorklistPanel::tr("flagged");
    case WorklistLane::AwaitingAi:
      //: A worklist lane: the AI has not run on the case yet.
      return WorklistPanel::tr("awaiting AI");
    case WorklistLane::AiNormal:
      //: A worklist lane: the AI found nothing.
      return WorklistPanel::tr("AI-normal");
    case WorklistLane::Done:
      //: A worklist lane: the case is read.
      return WorklistPanel::tr("done");
  }
  return {};
}

}  // namespace

WorklistPanel::WorklistPanel(ReviewSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  filter_ = new QComboBox(this);
  filter_->setObjectName("worklistFilter");
  filter_->addItems({tr("All cases"), tr("Flagged by the AI"), tr("Awaiting the AI"),
                     tr("AI-normal"), tr("Done"), tr("Unread"), tr("Reader/AI disagreements"),
                     tr("Assigned to me"), tr("Awaiting a second reading"),
                     tr("Arbitration queue")});
  hideNames_ = new QCheckBox(tr("Hide names"), this);
  hideNames_->setObjectName("worklistHideNames");
  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  auto* mine = new QPushButton(tr("Assign to me"), this);
  //: Marks the selected case as read (past participle).
  auto* read = new QPushButton(tr("Mark read"), this);
  // Two short rows: the dock shares its side with the study panel and must
  // not widen it.
  controls->addWidget(filter_, 1);
  controls->addWidget(hideNames_);
  layout->addLayout(controls);
  // Refinements on top of the lane: the AI's score, a reader, the modality, dates.
  auto* refine = new QHBoxLayout;
  minScore_ = new QDoubleSpinBox(this);
  minScore_->setObjectName("worklistMinScore");
  minScore_->setRange(0.0, 1.0);
  minScore_->setSingleStep(0.05);
  minScore_->setDecimals(2);
  //: The worklist's score filter, before the score ("AI >= 0.50").
  minScore_->setPrefix(tr("AI >= "));
  //: The worklist's score filter when it is off.
  minScore_->setSpecialValueText(tr("Any AI score"));
  readerShown_ = new QComboBox(this);
  readerShown_->setObjectName("worklistReader");
  readerShown_->addItem(tr("Any reader"), QString());
  modalityShown_ = new QComboBox(this);
  modalityShown_->setObjectName("worklistModality");
  modalityShown_->addItem(tr("Any modality"), QString());
  refine->addWidget(minScore_);
  refine->addWidget(readerShown_, 1);
  refine->addWidget(modalityShown_);
  layout->addLayout(refine);
  auto* dates = new QHBoxLayout;
  datesShown_ = new QCheckBox(tr("Study date from"), this);
  datesShown_->setObjectName("worklistDates");
  fromDate_ = new QDateEdit(QDate::currentDate().addMonths(-1), this);
  toDate_ = new QDateEdit(QDate::currentDate(), this);
  for (QDateEdit* edit : {fromDate_, toDate_}) {
    edit->setCalendarPopup(true);
    edit->setDisplayFormat("yyyy-MM-dd");
    edit->setEnabled(false);
  }
  dates->addWidget(datesShown_);
  dates->addWidget(fromDate_);
  //: Between the worklist's two study dates ("from 2026-11-01 to 2026-11-30").
  dates->addWidget(new QLabel(tr("to"), this));
  dates->addWidget(toDate_);
  dates->addStretch(1);
  layout->addLayout(dates);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(mine);
  buttons->addWidget(read);
  buttons->addWidget(refreshButton);
  buttons->addStretch(1);
  layout->addLayout(buttons);
  table_ = new QTableWidget(0, kColumns.size(), this);
  table_->setObjectName("worklistTable");
  QStringList headings;
  for (const char* name : kColumnNames) headings << tr(name);
  table_->setHorizontalHeaderLabels(headings);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionsMovable(true);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setSortingEnabled(true);
  table_->sortByColumn(0, Qt::AscendingOrder);
  table_->setMinimumWidth(200);
  table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustIgnored);
  layout->addWidget(table_, 1);
  count_ = new QLabel(this);
  count_->setObjectName("worklistCount");
  layout->addWidget(count_);

  connect(filter_, &QComboBox::currentIndexChanged, this, &WorklistPanel::rebuildRows);
  connect(hideNames_, &QCheckBox::toggled, this, &WorklistPanel::rebuildRows);
  connect(minScore_, &QDoubleSpinBox::valueChanged, this, &WorklistPanel::rebuildRows);
  connect(readerShown_, &QComboBox::currentIndexChanged, this, &WorklistPanel::rebuildRows);
  connect(modalityShown_, &QComboBox::currentIndexChanged, this, &WorklistPanel::rebuildRows);
  connect(datesShown_, &QCheckBox::toggled, this, [this](bool on) {
    fromDate_->setEnabled(on);
    toDate_->setEnabled(on);
    rebuildRows();
  });
  connect(fromDate_, &QDateEdit::dateChanged, this, &WorklistPanel::rebuildRows);
  connect(toDate_, &QDateEdit::dateChanged, this, &WorklistPanel::rebuildRows);
  connect(refreshButton, &QPushButton::clicked, this, &WorklistPanel::refresh);
  connect(mine, &QPushButton::clicked, this, &WorklistPanel::assignSelectedToMe);
  connect(read, &QPushButton::clicked, this,
          [this] { setSelectedState(core::ReadingState::Read); });
  connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openRow(row); });
  auto* header = table_->horizontalHeader();
  connect(header, &QHeaderView::sectionMoved, this, &WorklistPanel::rememberLayout);
  connect(header, &QHeaderView::sectionResized, this, &WorklistPanel::rememberLayout);
  connect(header, &QHeaderView::sortIndicatorChanged, this, &WorklistPanel::rememberLayout);
}

WorklistPanel::~WorklistPanel() = default;

int WorklistPanel::column(const QString& name) const { return kColumns.indexOf(name); }

QString WorklistPanel::layoutKey() const {
  return "worklist/columns/" + (session_->reader().isEmpty() ? "-" : session_->reader());
}

void WorklistPanel::rememberLayout() {
  if (restoring_ || restoredFor_ != session_->reader()) return;
  QSettings().setValue(layoutKey(), table_->horizontalHeader()->saveState());
}

void WorklistPanel::restoreLayout() {
  restoredFor_ = session_->reader();
  const QByteArray state = QSettings().value(layoutKey()).toByteArray();
  fittedColumns_ = !state.isEmpty();  // a reader's own widths are kept
  if (state.isEmpty()) return;
  restoring_ = true;
  table_->horizontalHeader()->restoreState(state);
  restoring_ = false;
}

void WorklistPanel::refresh() {
  if (restoredFor_ != session_->reader()) restoreLayout();
  auto records = session_->reviewRecords();
  if (!records.ok()) {
    Q_EMIT problem(QString::fromStdString(records.error().message));
    return;
  }
  entries_ = buildWorklist(records.value(), std::chrono::system_clock::now());
  // A blind second reader must not learn the first grade from the list.
  hideBlindGradesFrom(entries_, session_->reader().toStdString(),
                      policyFromSettings(records.value().settings));
  stale_ = false;
  offerReadersAndModalities();
  rebuildRows();
}

void WorklistPanel::storeChanged() {
  if (isVisible())
    refresh();
  else
    stale_ = true;
}

void WorklistPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) refresh();
}

void WorklistPanel::setFilterIndex(int index) { filter_->setCurrentIndex(index); }
void WorklistPanel::setNamesHidden(bool hidden) { hideNames_->setChecked(hidden); }

void WorklistPanel::setMinimumScore(double score) { minScore_->setValue(score); }

void WorklistPanel::setReaderShown(const QString& reader) {
  const int index = readerShown_->findData(reader);
  readerShown_->setCurrentIndex(std::max(index, 0));
}

void WorklistPanel::setModalityShown(const QString& modality) {
  const int index = modalityShown_->findData(modality);
  modalityShown_->setCurrentIndex(std::max(index, 0));
}

void WorklistPanel::setStudyDates(const QDate& from, const QDate& to) {
  if (from.isValid()) fromDate_->setDate(from);
  if (to.isValid()) toDate_->setDate(to);
  datesShown_->setChecked(from.isValid() || to.isValid());
}

void WorklistPanel::offerReadersAndModalities() {
  auto offer = [](QComboBox* box, QStringList choices) {
    choices.removeAll(QString());
    choices.removeDuplicates();
    choices.sort();
    const QString chosen = box->currentData().toString();
    const QSignalBlocker quiet(box);
    while (box->count() > 1) box->removeItem(1);  // the first: any
    for (const QString& choice : choices) box->addItem(choice, choice);
    box->setCurrentIndex(std::max(box->findData(chosen), 0));
  };
  QStringList readers{session_->reader()}, modalities;
  for (const WorklistEntry& e : entries_) {
    readers << QString::fromStdString(e.assignedReader);
    for (const auto& r : e.readers) readers << QString::fromStdString(r);
    modalities << QString::fromStdString(e.record.modality);
  }
  offer(readerShown_, readers);
  offer(modalityShown_, modalities);
}

WorklistFilter WorklistPanel::refinement() const {
  WorklistFilter f;
  if (minScore_->value() > 0) f.minSuspicion = minScore_->value();
  if (const QString reader = readerShown_->currentData().toString(); !reader.isEmpty())
    f.reader = reader.toStdString();
  if (const QString modality = modalityShown_->currentData().toString(); !modality.isEmpty())
    f.modality = modality.toStdString();
  if (datesShown_->isChecked()) {
    f.fromDate = fromDate_->date().toString("yyyyMMdd").toStdString();
    f.toDate = toDate_->date().toString("yyyyMMdd").toStdString();
  }
  return f;
}

bool WorklistPanel::passesFilter(const WorklistEntry& e) const {
  switch (filter_->currentIndex()) {
    case Flagged:
      return e.lane == WorklistLane::Flagged;
    case AwaitingAi:
      return e.lane == WorklistLane::AwaitingAi;
    case AiNormal:
      return e.lane == WorklistLane::AiNormal;
    case Done:
      return e.lane == WorklistLane::Done;
    case Unread:
      return e.state == core::ReadingState::Unread;
    case Disagreements:
      return e.disagreement;
    case Mine:
      return e.assignedReader == session_->reader().toStdString();
    case AwaitingSecondReading:
      return e.grading && e.grading->stage == GradingStage::Secondary;
    case ArbitrationQueue:
      return e.grading && e.grading->stage == GradingStage::Arbitration;
    default:
      return true;
  }
}

void WorklistPanel::rebuildRows() {
  const WorklistFilter refined = refinement();
  const QString selected = selectedCase();
  const int sortColumn = table_->horizontalHeader()->sortIndicatorSection();
  const Qt::SortOrder sortOrder = table_->horizontalHeader()->sortIndicatorOrder();
  table_->setSortingEnabled(false);  // rows go in whole, then sort once
  table_->setRowCount(0);
  int rank = 0;
  for (const auto& e : entries_) {
    ++rank;
    if (!passesFilter(e) || !matches(e, refined)) continue;
    const int row = table_->rowCount();
    table_->insertRow(row);
    auto put = [&](const QString& name, const QString& text, const QVariant& key) {
      table_->setItem(row, column(name), new SortedItem(text, key));
    };
    put("#", QString::number(rank), rank);
    table_->item(row, 0)->setData(Qt::UserRole + 1, QString::fromStdString(e.record.caseUid));
    table_->item(row, 0)->setData(Qt::UserRole + 2, QString::fromStdString(e.record.source));
    put("Lane", laneText(e.lane), static_cast<int>(e.lane));
    put("AI", e.analyzed ? DisplayNames::number(e.suspicion, 2) : "-",
        e.analyzed ? e.suspicion : -1.0);
    const QString findings =
        e.aiGrade ? tr("grade %1").arg(*e.aiGrade) : QString::number(e.aiFindings);
    put("Findings", findings, e.aiFindings);
    // A photograph awaiting its second reading or arbitration says so.
    const bool awaiting = e.grading && (e.grading->stage == GradingStage::Secondary ||
                                        e.grading->stage == GradingStage::Arbitration);
    put("State",
        awaiting ? DisplayNames::gradingStage(e.grading->stage)
                 : DisplayNames::readingState(e.state),
        static_cast<int>(e.state));
    put("Priority", DisplayNames::priority(e.priority), static_cast<int>(e.priority));
    put("Modality", QString::fromStdString(e.record.modality),
        QString::fromStdString(e.record.modality));
    QString date = QString::fromStdString(e.record.studyDate);
    if (date.size() == 8) date = date.left(4) + "-" + date.mid(4, 2) + "-" + date.mid(6, 2);
    put("Date", date, date);
    const QString patient =
        hideNames_->isChecked() ? tr("(hidden)") : QString::fromStdString(e.record.patientName);
    put("Patient", patient, patient);
    put("Assigned", QString::fromStdString(e.assignedReader),
        QString::fromStdString(e.assignedReader));
    QStringList readers;
    for (const auto& r : e.readers) readers << QString::fromStdString(r);
    put("Readers", readers.join(", "), readers.join(", "));
    put("Disagree", e.disagreement ? tr("yes") : QString(), e.disagreement ? 1 : 0);
    table_->item(row, column("Disagree"))->setToolTip(QString::fromStdString(e.disagreementDetail));
    //: Hours the case has waited.
    put("Waiting", tr("%1 h").arg(DisplayNames::number(e.waitingHours, 1)), e.waitingHours);
  }
  table_->setSortingEnabled(true);
  table_->sortByColumn(sortColumn, sortOrder);
  if (!fittedColumns_ && table_->rowCount() > 0) {
    // Once, to what the first rows need; the reader's resizing is remembered.
    restoring_ = true;
    table_->resizeColumnsToContents();
    restoring_ = false;
    fittedColumns_ = true;
  }
  for (int row = 0; row < table_->rowCount(); ++row) {
    if (table_->item(row, 0)->data(Qt::UserRole + 1).toString() == selected) {
      table_->selectRow(row);
      break;
    }
  }
  //: %1: the cases the filter shows, of %n.
  count_->setText(
      tr("%1 of %n cases", nullptr, static_cast<int>(entries_.size())).arg(table_->rowCount()));
}

QStringList WorklistPanel::shownCases() const {
  QStringList uids;
  for (int row = 0; row < table_->rowCount(); ++row)
    uids << table_->item(row, 0)->data(Qt::UserRole + 1).toString();
  return uids;
}

QString WorklistPanel::selectedCase() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return {};
  return table_->item(rows.front().row(), 0)->data(Qt::UserRole + 1).toString();
}

QString WorklistPanel::cellText(int row, const QString& name) const {
  const auto* item = table_->item(row, column(name));
  return item ? item->text() : QString();
}

void WorklistPanel::openRow(int row) {
  if (row < 0 || row >= table_->rowCount()) return;
  table_->selectRow(row);
  const QString source = table_->item(row, 0)->data(Qt::UserRole + 2).toString();
  const QString uid = table_->item(row, 0)->data(Qt::UserRole + 1).toString();
  if (source.isEmpty()) {
    Q_EMIT problem(
        tr("The case %1 has no local copy to open (retrieve it from the PACS)").arg(uid));
    return;
  }
  Q_EMIT openRequested(source, uid);
}

void WorklistPanel::step(int direction) {
  if (table_->rowCount() == 0) return;
  const auto rows = table_->selectionModel()->selectedRows();
  const int current = rows.isEmpty() ? -1 : rows.front().row();
  const int next = current < 0 ? (direction > 0 ? 0 : table_->rowCount() - 1) : current + direction;
  if (next < 0 || next >= table_->rowCount()) return;  // the ends do not wrap
  openRow(next);
}

void WorklistPanel::assignSelectedToMe() {
  const QString uid = selectedCase();
  if (uid.isEmpty()) return;
  core::CaseEvent event;
  event.caseUid = uid.toStdString();
  event.kind = core::CaseEventKind::Assign;
  event.value = session_->reader().toStdString();
  if (auto recorded = session_->recordCaseEvent(event); !recorded.ok()) {
    Q_EMIT problem(QString::fromStdString(recorded.error().message));
    return;
  }
  refresh();
}

void WorklistPanel::setSelectedState(core::ReadingState state) {
  const QString uid = selectedCase();
  if (uid.isEmpty()) return;
  core::CaseEvent event;
  event.caseUid = uid.toStdString();
  event.kind = core::CaseEventKind::State;
  event.value = core::toString(state);
  if (auto recorded = session_->recordCaseEvent(event); !recorded.ok()) {
    Q_EMIT problem(QString::fromStdString(recorded.error().message));
    return;
  }
  refresh();
}

}  // namespace vigie::app
