#include "ReaderStatisticsDialog.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QDate>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QScatterSeries>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>

#include "DisplayNames.h"
#include "ReviewSession.h"

namespace vigie::app {
namespace {

/// Which cases a figure stands on, for its drill-down.
enum class Behind {
  CtCases,
  Photographs,
  TimedCases,  ///< CT cases and photographs whose reading time was measured
};

/// A figure of a reader, how the table names it, and the cases behind it.
struct Column {
  const char* name;  ///< in English: the key tests and drill-downs use; the heading translates it
  std::function<const Estimate&(const ReaderFigures&)> figure;
  Behind behind;
  /// Photographs behind the figure, by referral outcome; empty: all.
  QStringList outcomes;
};

const std::vector<Column>& columns() {
  static const std::vector<Column> all = {
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "CT sensitivity"),
       [](const ReaderFigures& f) -> const Estimate& { return f.sensitivity; },
       Behind::CtCases,
       {}},
      //: False positives per CT case.
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "FP / case"),
       [](const ReaderFigures& f) -> const Estimate& { return f.fpPerCase; },
       Behind::CtCases,
       {}},
      //: The share of the AI's findings the reader confirmed.
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Confirm rate"),
       [](const ReaderFigures& f) -> const Estimate& { return f.confirmRate; },
       Behind::CtCases,
       {}},
      //: The share of the AI's findings the reader rejected (not a nodule).
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Reject rate"),
       [](const ReaderFigures& f) -> const Estimate& { return f.rejectRate; },
       Behind::CtCases,
       {}},
      //: The share of the AI's findings the reader edited (moved or resized).
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Edit rate"),
       [](const ReaderFigures& f) -> const Estimate& { return f.editRate; },
       Behind::CtCases,
       {}},
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Referable sensitivity"),
       [](const ReaderFigures& f) -> const Estimate& { return f.referableSensitivity; },
       Behind::Photographs,
       {"TP", "FN"}},
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Referable specificity"),
       [](const ReaderFigures& f) -> const Estimate& { return f.referableSpecificity; },
       Behind::Photographs,
       {"TN", "FP"}},
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Kappa"),
       [](const ReaderFigures& f) -> const Estimate& { return f.kappa; },
       Behind::Photographs,
       {}},
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Weighted kappa"),
       [](const ReaderFigures& f) -> const Estimate& { return f.quadraticKappa; },
       Behind::Photographs,
       {}},
      //: Agreement with the reference on whether a photograph can be graded.
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Gradability"),
       [](const ReaderFigures& f) -> const Estimate& { return f.gradabilityAgreement; },
       Behind::Photographs,
       {}},
      //: Reading time per case.
      {QT_TRANSLATE_NOOP("vigie::app::ReaderStatisticsDialog", "Time / case"),
       [](const ReaderFigures& f) -> const Estimate& { return f.secondsPerCase; },
       Behind::TimedCases,
       {}},
  };
  return all;
}

QString estimateText(const Estimate& e, bool seconds) {
  if (!e.defined()) return QStringLiteral("-");
  const int decimals = seconds ? 0 : 2;
  //: A figure with its 95 % interval (low-high) and the number of cases it stands on.
  return ReaderStatisticsDialog::tr("%1 (%2-%3), n %4")
      .arg(DisplayNames::number(e.value, decimals))
      .arg(DisplayNames::number(e.low, decimals))
      .arg(DisplayNames::number(e.high, decimals))
      .arg(e.n);
}

/// An interval drawn as a line segment beside its point, kept out of the legend.
void addWhisker(QChart* chart, QPointF from, QPointF to, const QColor& color) {
  auto* whisker = new QLineSeries;
  whisker->append(from);
  whisker->append(to);
  whisker->setPen(QPen(color, 1.5));
  chart->addSeries(whisker);
  for (auto* marker : chart->legend()->markers(whisker)) marker->setVisible(false);
}

void attach(QChart* chart, QAbstractAxis* x, QAbstractAxis* y) {
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (auto* series : chart->series()) {
    series->attachAxis(x);
    series->attachAxis(y);
  }
}

/// QChartView takes the new chart but leaves the old one to its caller.
void replaceChart(QChartView* view, QChart* chart) {
  QChart* old = view->chart();
  view->setChart(chart);
  delete old;
}

const QColor kPalette[] = {QColor(31, 119, 180),  QColor(214, 39, 40), QColor(44, 160, 44),
                           QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194)};

}  // namespace

ReaderStatisticsDialog::ReaderStatisticsDialog(ReviewSession* session, QWidget* parent)
    : QDialog(parent), session_(session), job_(this) {
  setWindowTitle(tr("Reader statistics"));
  reference_ = new QLineEdit(this);
  reference_->setPlaceholderText(
      tr("a labels CSV, a truth folder, CT case folders, or experts' reports (import-sr)"));
  reference_->setText(QSettings().value(QStringLiteral("reading/reference")).toString());
  auto* folder = new QPushButton(tr("Folder..."), this);
  auto* csv = new QPushButton(tr("Labels CSV..."), this);
  connect(folder, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Reference folder"));
    if (!dir.isEmpty()) reference_->setText(dir);
  });
  connect(csv, &QPushButton::clicked, this, [this] {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Labels CSV"), {}, tr("CSV files (*.csv)"));
    if (!file.isEmpty()) reference_->setText(file);
  });
  auto* referenceRow = new QHBoxLayout;
  referenceRow->addWidget(reference_, 1);
  referenceRow->addWidget(folder);
  referenceRow->addWidget(csv);
  from_ = new QLineEdit(this);
  to_ = new QLineEdit(this);
  from_->setPlaceholderText(tr("YYYY-MM-DD (any)"));
  to_->setPlaceholderText(tr("YYYY-MM-DD (any)"));
  auto* period = new QHBoxLayout;
  period->addWidget(from_);
  period->addWidget(new QLabel(tr("to"), this));
  period->addWidget(to_);
  onlyMine_ = new QCheckBox(tr("Me by name, the others as anonymised peers"), this);
  auto* computeButton = new QPushButton(tr("&Compute"), this);
  connect(computeButton, &QPushButton::clicked, this, &ReaderStatisticsDialog::compute);
  auto* form = new QFormLayout;
  form->addRow(tr("Reference:"), referenceRow);
  form->addRow(tr("Reads from:"), period);
  form->addRow(QString(), onlyMine_);
  form->addRow(QString(), computeButton);
  status_ = new QLabel(this);
  status_->setWordWrap(true);

  table_ = new QTableWidget(this);
  table_->setObjectName("statisticsTable");
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setSelectionBehavior(QAbstractItemView::SelectItems);
  QStringList headers;
  for (const auto& c : columns()) headers << tr(c.name);
  table_->setColumnCount(static_cast<int>(headers.size()));
  table_->setHorizontalHeaderLabels(headers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  connect(table_, &QTableWidget::currentCellChanged, this, [this](int row, int column) {
    if (row >= 0 && column >= 0) drillDown(row, QString::fromUtf8(columns()[column].name));
  });
  drill_ = new QListWidget(this);
  drill_->setObjectName("statisticsCases");
  connect(drill_, &QListWidget::itemDoubleClicked, this,
          [this](QListWidgetItem* item) { openDrilledCase(drill_->row(item)); });
  auto* figures = new QSplitter(Qt::Vertical, this);
  figures->addWidget(table_);
  auto* drillBox = new QWidget(figures);
  auto* drillLayout = new QVBoxLayout(drillBox);
  drillLayout->setContentsMargins(0, 0, 0, 0);
  drillLayout->addWidget(new QLabel(tr("The cases behind the selected figure (double-click "
                                       "to open one):"),
                                    drillBox));
  drillLayout->addWidget(drill_);
  figures->addWidget(drillBox);

  froc_ = new QChartView(this);
  froc_->setRenderHint(QPainter::Antialiasing);
  agreement_ = new QChartView(this);
  agreement_->setRenderHint(QPainter::Antialiasing);
  tabs_ = new QTabWidget(this);
  tabs_->addTab(figures, tr("Figures"));
  tabs_->addTab(froc_, tr("CT: FROC"));
  tabs_->addTab(agreement_, tr("Fundus: agreement"));

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(status_);
  layout->addWidget(tabs_, 1);
  layout->addWidget(buttons);
  resize(1100, 700);
}

ReaderStatisticsDialog::~ReaderStatisticsDialog() = default;

void ReaderStatisticsDialog::setReference(const QString& path) { reference_->setText(path); }

void ReaderStatisticsDialog::setPeriod(const QString& from, const QString& to) {
  from_->setText(from);
  to_->setText(to);
}

void ReaderStatisticsDialog::setOnlyMine(bool onlyMine) { onlyMine_->setChecked(onlyMine); }

void ReaderStatisticsDialog::compute() {
  const QString path = reference_->text().trimmed();
  if (path.isEmpty()) {
    status_->setText(tr("Choose a reference first: what readers and the AI are judged against."));
    Q_EMIT failed(status_->text());
    return;
  }
  StatisticsOptions options;
  for (auto [edit, date] : {std::pair{from_, &options.fromDate}, std::pair{to_, &options.toDate}}) {
    const QString text = edit->text().trimmed();
    if (!text.isEmpty() && !QDate::fromString(text, Qt::ISODate).isValid()) {
      status_->setText(tr("%1: not a date (YYYY-MM-DD)").arg(text));
      Q_EMIT failed(status_->text());
      return;
    }
    *date = text.toStdString();
  }
  if (onlyMine_->isChecked()) options.reader = session_->reader().toStdString();
  auto records = session_->reviewRecords();
  if (!records.ok()) {
    status_->setText(QString::fromStdString(records.error().message));
    Q_EMIT failed(status_->text());
    return;
  }
  records_ = records.value();
  // Remembered: the next session starts from it, and educational mode
  // scores a blind read against it.
  QSettings().setValue(QStringLiteral("reading/reference"), path);
  status_->setText(tr("Computing..."));
  job_.start([this, records = records_, path = path.toStdString(), options](const auto& token) {
    auto reference = loadReadingReference(path);
    if (!reference.ok()) {
      token.post([this, message = QString::fromStdString(reference.error().message)] {
        job_.finished();
        status_->setText(message);
        Q_EMIT failed(message);
      });
      return;
    }
    auto statistics = computeReadingStatistics(records, reference.value(), options);
    token.post([this, statistics = std::move(statistics)]() mutable {
      job_.finished();
      showStatistics(std::move(statistics));
    });
  });
}

void ReaderStatisticsDialog::showStatistics(ReadingStatistics statistics) {
  statistics_ = std::move(statistics);
  status_->setText(tr("%n readers; %1 CT reference cases, %2 reference photographs. Intervals: "
                      "95 % (Wilson for proportions, bootstrap over cases otherwise).",
                      nullptr, static_cast<int>(statistics_->readers.size()))
                       .arg(statistics_->ctReferenceCases)
                       .arg(statistics_->referencePhotographs));
  fillTable();
  drawFroc();
  drawAgreement();
  Q_EMIT computed();
}

const ReaderFigures* ReaderStatisticsDialog::figuresOfRow(int row) const {
  if (!statistics_ || row < 0) return nullptr;
  const auto readers = static_cast<int>(statistics_->readers.size());
  if (row < readers) return &statistics_->readers[static_cast<std::size_t>(row)];
  return row == readers ? &statistics_->ai : nullptr;
}

void ReaderStatisticsDialog::fillTable() {
  const int rows = static_cast<int>(statistics_->readers.size()) + 1;
  table_->clearContents();
  table_->setRowCount(rows);
  QStringList names;
  for (int row = 0; row < rows; ++row) {
    const ReaderFigures& f = *figuresOfRow(row);
    names << QString::fromStdString(f.reader);
    for (std::size_t c = 0; c < columns().size(); ++c) {
      const bool seconds = columns()[c].behind == Behind::TimedCases;
      table_->setItem(row, static_cast<int>(c),
                      new QTableWidgetItem(estimateText(columns()[c].figure(f), seconds)));
    }
  }
  table_->setVerticalHeaderLabels(names);
  drill_->clear();
}

void ReaderStatisticsDialog::drawFroc() {
  auto* chart = new QChart;
  chart->setTitle(tr("CT: the AI's FROC curve and each reader's operating point (95 % intervals)"));
  auto* ai = new QLineSeries;
  ai->setName(tr("AI"));
  ai->setPen(QPen(QColor(60, 60, 60), 2.0));
  double maxFp = 1.0;
  for (const auto& p : statistics_->aiFroc.curve) {
    ai->append(p.falsePositivesPerScan, p.sensitivity);
    maxFp = std::max(maxFp, p.falsePositivesPerScan);
  }
  chart->addSeries(ai);
  std::size_t color = 0;
  for (const auto& reader : statistics_->readers) {
    if (!reader.sensitivity.defined() || !reader.fpPerCase.defined()) continue;
    const QColor c = kPalette[color++ % std::size(kPalette)];
    auto* point = new QScatterSeries;
    point->setName(QString::fromStdString(reader.reader));
    point->setColor(c);
    point->setMarkerSize(11);
    point->append(reader.fpPerCase.value, reader.sensitivity.value);
    chart->addSeries(point);
    addWhisker(chart, {reader.fpPerCase.low, reader.sensitivity.value},
               {reader.fpPerCase.high, reader.sensitivity.value}, c);
    addWhisker(chart, {reader.fpPerCase.value, reader.sensitivity.low},
               {reader.fpPerCase.value, reader.sensitivity.high}, c);
    maxFp = std::max(maxFp, reader.fpPerCase.high);
  }
  auto* x = new QValueAxis;
  x->setTitleText(tr("false positives per case"));
  // A little room left of 0, where a careful reader's point often sits.
  const double right = std::min(8.0, maxFp * 1.1);
  x->setRange(-0.03 * right, right);
  x->setTickType(QValueAxis::TicksDynamic);
  x->setTickAnchor(0.0);
  x->setTickInterval(right <= 1.2 ? 0.25 : right <= 4.0 ? 0.5 : 1.0);
  x->setLabelFormat(QStringLiteral("%.2f"));
  auto* y = new QValueAxis;
  y->setTitleText(tr("sensitivity"));
  y->setRange(0.0, 1.05);
  y->setTickCount(8);
  y->setLabelFormat(QStringLiteral("%.2f"));
  attach(chart, x, y);
  replaceChart(froc_, chart);
}

void ReaderStatisticsDialog::drawAgreement() {
  auto* chart = new QChart;
  chart->setTitle(
      tr("Fundus: referable sensitivity, specificity and weighted kappa (95 % intervals)"));
  struct Metric {
    QString name;
    const Estimate& (*of)(const ReaderFigures&);
    double offset;
    QColor color;
  };
  const Metric metrics[] = {
      {tr("referable sensitivity"),
       [](const ReaderFigures& f) -> const Estimate& { return f.referableSensitivity; }, -0.2,
       kPalette[0]},
      {tr("referable specificity"),
       [](const ReaderFigures& f) -> const Estimate& { return f.referableSpecificity; }, 0.0,
       kPalette[1]},
      {tr("weighted kappa"),
       [](const ReaderFigures& f) -> const Estimate& { return f.quadraticKappa; }, 0.2,
       kPalette[2]},
  };
  std::vector<const ReaderFigures*> shown;
  for (const auto& r : statistics_->readers) shown.push_back(&r);
  shown.push_back(&statistics_->ai);
  auto* x = new QCategoryAxis;
  x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  for (std::size_t i = 0; i < shown.size(); ++i)
    x->append(QString::fromStdString(shown[i]->reader), static_cast<double>(i));
  x->setRange(-0.5, static_cast<double>(shown.size()) - 0.5);
  for (const auto& metric : metrics) {
    auto* points = new QScatterSeries;
    points->setName(metric.name);
    points->setColor(metric.color);
    points->setMarkerSize(10);
    chart->addSeries(points);
    for (std::size_t i = 0; i < shown.size(); ++i) {
      const Estimate& e = metric.of(*shown[i]);
      if (!e.defined()) continue;
      const double at = static_cast<double>(i) + metric.offset;
      points->append(at, e.value);
      addWhisker(chart, {at, e.low}, {at, e.high}, metric.color);
    }
  }
  auto* y = new QValueAxis;
  y->setRange(-0.2, 1.0);
  y->setTickCount(7);
  y->setLabelFormat(QStringLiteral("%.1f"));
  y->setTitleText(tr("value"));
  attach(chart, x, y);
  replaceChart(agreement_, chart);
}

QStringList ReaderStatisticsDialog::rowNames() const {
  QStringList names;
  for (int row = 0; row < table_->rowCount(); ++row)
    names << table_->verticalHeaderItem(row)->text();
  return names;
}

int ReaderStatisticsDialog::columnOf(const QString& name) const {
  for (std::size_t c = 0; c < columns().size(); ++c)
    if (name == QString::fromUtf8(columns()[c].name)) return static_cast<int>(c);
  return -1;
}

QString ReaderStatisticsDialog::cellText(int row, const QString& column) const {
  const auto* item = table_->item(row, columnOf(column));
  return item ? item->text() : QString();
}

void ReaderStatisticsDialog::drillDown(int row, const QString& column) {
  drill_->clear();
  const int c = columnOf(column);
  const ReaderFigures* f = figuresOfRow(row);
  if (!f || c < 0) return;
  const Column& figure = columns()[static_cast<std::size_t>(c)];
  if (figure.behind == Behind::TimedCases) {
    auto addTimed = [this](const std::string& uid, const std::string& name, double seconds) {
      if (!std::isfinite(seconds)) return;  // not measured: not behind the median
      //: %1: the case or photograph; %2: the seconds the reader spent on it.
      const QString text = tr("%1: %2 s")
                               .arg(QString::fromStdString(name.empty() ? uid : name))
                               .arg(DisplayNames::number(seconds, 0));
      auto* item = new QListWidgetItem(text, drill_);
      item->setData(Qt::UserRole, QString::fromStdString(uid));
    };
    for (const auto& read : f->ctCases) addTimed(read.caseUid, read.name, read.seconds);
    for (const auto& read : f->photographs) addTimed(read.caseUid, read.name, read.seconds);
    return;
  }
  if (figure.behind == Behind::CtCases) {
    for (const auto& read : f->ctCases) {
      const QString name = QString::fromStdString(read.name.empty() ? read.caseUid : read.name);
      const int nodules = static_cast<int>(read.nodules);
      QString text;
      if (read.missedLesions.empty()) {
        //: %1: the case; %2: the nodules the reader found, of %n; %3: false positives.
        text = tr("%1: %2 of %n nodules found, %3 false positives", nullptr, nodules)
                   .arg(name)
                   .arg(read.hits)
                   .arg(read.falsePositives);
      } else {
        QStringList missed;
        for (int lesion : read.missedLesions) missed << QString::number(lesion);
        //: %1: the case; %2: the nodules the reader found, of %n; %3: false positives;
        //: %4: the numbers of the nodules missed, separated by ", ".
        text =
            tr("%1: %2 of %n nodules found, %3 false positives; missed nodule %4", nullptr, nodules)
                .arg(name)
                .arg(read.hits)
                .arg(read.falsePositives)
                .arg(missed.join(", "));
      }
      auto* item = new QListWidgetItem(text, drill_);
      item->setData(Qt::UserRole, QString::fromStdString(read.caseUid));
    }
    return;
  }
  for (const auto& read : f->photographs) {
    const QString outcome = QString::fromStdString(read.outcome);
    if (!figure.outcomes.isEmpty() && !figure.outcomes.contains(outcome)) continue;
    const QString name = QString::fromStdString(read.name.empty() ? read.caseUid : read.name);
    const QString grade = read.gradable ? QString::number(read.grade) : tr("ungradable");
    const QString reference =
        read.reference.gradable
            ? (read.reference.gradeKnown ? QString::number(read.reference.grade) : tr("gradable"))
            : tr("ungradable");
    const QString text =
        outcome.isEmpty()
            //: %1: the photograph; %2: the reader's grade; %3: the reference's grade.
            ? tr("%1: grade %2, reference %3").arg(name, grade, reference)
            //: %1: the photograph; %2: the reader's grade; %3: the reference's grade;
            //: %4: the referral outcome (TP, FN, TN, FP).
            : tr("%1: grade %2, reference %3 (%4)")
                  .arg(name, grade, reference, DisplayNames::referralOutcome(outcome));
    auto* item = new QListWidgetItem(text, drill_);
    item->setData(Qt::UserRole, QString::fromStdString(read.caseUid));
  }
}

QStringList ReaderStatisticsDialog::drillDownCases() const {
  QStringList cases;
  for (int i = 0; i < drill_->count(); ++i) cases << drill_->item(i)->data(Qt::UserRole).toString();
  return cases;
}

QStringList ReaderStatisticsDialog::chartSeries(const QString& chart) const {
  QStringList names;
  const QChartView* view = chart == QStringLiteral("FROC") ? froc_ : agreement_;
  if (!view->chart()) return names;
  for (const auto* series : view->chart()->series())
    if (!series->name().isEmpty()) names << series->name();
  return names;
}

void ReaderStatisticsDialog::openDrilledCase(int index) {
  if (index < 0 || index >= drill_->count()) return;
  const QString uid = drill_->item(index)->data(Qt::UserRole).toString();
  for (const auto& c : records_.cases) {
    if (QString::fromStdString(c.caseUid) == uid) {
      Q_EMIT openRequested(QString::fromStdString(c.source), uid);
      return;
    }
  }
  status_->setText(tr("%1: the store does not say where this case's images are").arg(uid));
}

}  // namespace vigie::app
