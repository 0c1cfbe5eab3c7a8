#include "CaseReviewDialog.h"

#include <QBrush>
#include <QColor>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <optional>

#include "DisplayNames.h"
#include "ReadingReference.h"
#include "ReviewSession.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::app {
namespace {

const QColor kDisputed(255, 215, 215);
const QColor kFalsePositive(255, 236, 190);

QString text(const std::string& s) { return QString::fromStdString(s); }

/// A reader's call as the window says it ("Confirm", "-" for none).
QString callText(const std::string& call) {
  if (call.empty()) return QStringLiteral("-");
  const auto kind = core::decisionKindFromString(call);
  return kind ? DisplayNames::decision(*kind) : text(call);
}

/// The reference nodule a mark lies on: its number, "none", or "" without a reference.
QString lesionText(int lesion) {
  if (lesion < 0) return {};
  return lesion == 0 ? CaseReviewDialog::tr("none") : QString::number(lesion);
}

QString gradeText(int grade, bool gradable) {
  return gradable ? QString::number(grade) : CaseReviewDialog::tr("ungradable");
}

/// Whether `reference` knows the case.
bool knows(const ReadingReference& reference, const std::string& caseUid) {
  return reference.ctStudies.count(caseUid) > 0 || reference.photographs.count(caseUid) > 0;
}

void fill(QTableWidget* table, const QStringList& columns, const std::vector<QStringList>& rows) {
  table->clear();
  table->setColumnCount(static_cast<int>(columns.size()));
  table->setHorizontalHeaderLabels(columns);
  table->setRowCount(static_cast<int>(rows.size()));
  for (int r = 0; r < static_cast<int>(rows.size()); ++r)
    for (int c = 0; c < rows[static_cast<std::size_t>(r)].size(); ++c)
      table->setItem(r, c, new QTableWidgetItem(rows[static_cast<std::size_t>(r)][c]));
  table->resizeColumnsToContents();
}

QTableWidget* readOnlyTable(QWidget* parent, const QString& name) {
  auto* table = new QTableWidget(parent);
  table->setObjectName(name);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->verticalHeader()->setVisible(false);
  table->horizontalHeader()->setStretchLastSection(true);
  return table;
}

}  // namespace

CaseReviewDialog::CaseReviewDialog(ReviewSession* session, QWidget* parent)
    : QDialog(parent), session_(session), job_(this) {
  setWindowTitle(tr("Compare the readers"));
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  table_ = readOnlyTable(splitter, "caseReviewTable");
  lesions_ = readOnlyTable(splitter, "caseReviewLesions");
  comments_ = new QListWidget(splitter);
  comments_->setObjectName("caseReviewComments");
  splitter->addWidget(table_);
  splitter->addWidget(lesions_);
  splitter->addWidget(comments_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setStretchFactor(2, 1);
  layout->addWidget(splitter, 1);
  auto* buttons = new QHBoxLayout;
  auto* next = new QPushButton(tr("&Next to review"), this);
  next->setObjectName("caseReviewNext");
  next->setToolTip(tr("The next disputed finding or false positive; the views go to it"));
  auto* onCase = new QPushButton(tr("Comment on the &case..."), this);
  auto* onFinding = new QPushButton(tr("Comment on the selected &finding..."), this);
  buttons->addWidget(next);
  buttons->addStretch(1);
  buttons->addWidget(onCase);
  buttons->addWidget(onFinding);
  layout->addLayout(buttons);
  connect(next, &QPushButton::clicked, this, [this] { selectNextToReview(); });
  connect(onCase, &QPushButton::clicked, this, [this] { askForComment(false); });
  connect(onFinding, &QPushButton::clicked, this, [this] { askForComment(true); });
  connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    if (row < 0 || row >= static_cast<int>(findings_.size())) return;
    const FindingReview& f = findings_[static_cast<std::size_t>(row)];
    Q_EMIT findingActivated(f.centerMm, f.diameterMm);
  });
  connect(lesions_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    if (row < 0 || row >= static_cast<int>(lesionRows_.size())) return;
    const LesionReview& l = lesionRows_[static_cast<std::size_t>(row)];
    Q_EMIT findingActivated(l.nodule.centerMm, l.nodule.diameterMm);
  });
  resize(820, 560);
}

CaseReviewDialog::~CaseReviewDialog() = default;

void CaseReviewDialog::showCase(const QString& caseUid, const QStringList& referenceFolders) {
  caseUid_ = caseUid;
  referenceFolders_ = referenceFolders;
  auto records = session_->reviewRecords();
  if (!records.ok()) {
    summary_->setText(text(records.error().message));
    Q_EMIT failed(summary_->text());
    return;
  }
  summary_->setText(tr("Reading the case and its reference..."));
  job_.start([this, records = records.value(), uid = caseUid.toStdString(),
              folders = referenceFolders](const auto& token) {
    // The first reference that knows the case; an unreadable one is skipped
    // (a study folder without truth.json is no reference, not an error).
    std::optional<ReadingReference> reference;
    for (const QString& folder : folders) {
      if (folder.isEmpty()) continue;
      auto loaded = loadReadingReference(folder.toStdString());
      if (loaded.ok() && knows(loaded.value(), uid)) {
        reference = std::move(loaded.value());
        break;
      }
    }
    auto review = reviewCase(records, reference ? &*reference : nullptr, uid);
    token.post([this, review = std::move(review)] {
      job_.finished();
      if (!review.ok()) {
        summary_->setText(text(review.error().message));
        Q_EMIT failed(summary_->text());
        return;
      }
      showReview(review.value());
      Q_EMIT shown();
    });
  });
}

void CaseReviewDialog::showReview(const CaseReview& review) {
  QStringList readers;
  for (const auto& name : review.readers) readers << text(name);
  const bool photograph = review.record.kind == core::CaseKind::Fundus;
  //: %1: a CT study or a photograph; %2: the readers' names; %3: whether a
  //: reference knows the case.
  summary_->setText(
      tr("%1, read by %2. %3")
          .arg(photograph ? tr("Photograph") : tr("CT study"))
          .arg(readers.isEmpty() ? tr("nobody yet") : readers.join(", "))
          .arg(review.hasReference
                   ? tr("Judged against the reference.")
                   : tr("No reference knows this case (a truth.json beside it, or "
                        "experts' reports chosen in Worklist > Reader statistics).")));
  findings_.clear();
  disputed_.clear();
  falsePositive_.clear();
  if (photograph) {
    showPhotograph(review);
  } else {
    showCt(review);
  }
  showComments(review);
}

void CaseReviewDialog::showCt(const CaseReview& review) {
  QStringList columns{tr("Finding"), tr("From"), tr("Diam. (mm)")};
  if (review.hasReference) columns << tr("Reference nodule");
  for (const auto& reader : review.readers) columns << text(reader);
  std::vector<QStringList> rows;
  for (const FindingReview& f : review.findings) {
    QStringList row{QString::number(f.findingId),
                    f.fromAi ? tr("AI, score %1").arg(DisplayNames::number(f.score, 2))
                             : tr("added by %1").arg(text(f.addedBy)),
                    DisplayNames::number(f.diameterMm, 1)};
    if (review.hasReference) row << lesionText(f.lesion);
    for (const auto& reader : review.readers) {
      QString call = QStringLiteral("-");
      for (const ReaderCall& c : f.calls) {
        if (c.reader != reader) continue;
        call = callText(c.call);
        if (c.call == "edit" && c.lesion >= 0 && c.lesion != f.lesion)
          call += " " + (c.lesion ? tr("(moved onto nodule %1)").arg(c.lesion)
                                  : tr("(moved off the nodule)"));
      }
      row << call;
    }
    rows.push_back(row);
    findings_.push_back(f);
    disputed_.push_back(f.disputed);
    falsePositive_.push_back(f.fromAi && f.lesion == 0);
  }
  fill(table_, columns, rows);
  for (int r = 0; r < table_->rowCount(); ++r) {
    const auto i = static_cast<std::size_t>(r);
    if (disputed_[i]) {
      markRow(r, kDisputed,
              tr("Disputed: the readers disagree, or a call goes against the reference"));
    } else if (falsePositive_[i]) {
      markRow(r, kFalsePositive,
              tr("False positive: the AI's finding lies on no reference nodule"));
    }
  }

  std::vector<QStringList> lesionRows;
  lesionRows_ = review.lesions;
  for (const LesionReview& l : review.lesions) {
    QStringList foundBy, missedBy;
    for (const auto& who : l.foundBy) foundBy << text(who);
    for (const auto& who : l.missedBy) missedBy << text(who);
    lesionRows.push_back({QString::number(l.lesion), DisplayNames::number(l.nodule.diameterMm, 1),
                          DisplayNames::noduleType(l.nodule.type),
                          l.foundByAi ? tr("found") : tr("MISSED"), foundBy.join(", "),
                          missedBy.join(", ")});
  }
  fill(lesions_,
       {tr("Reference nodule"), tr("Diam. (mm)"), tr("Type"), tr("AI"), tr("Found by"),
        tr("Missed by")},
       lesionRows);
  // A miss stands out: the AI's, or a reader's.
  for (int r = 0; r < lesions_->rowCount(); ++r) {
    const LesionReview& l = lesionRows_[static_cast<std::size_t>(r)];
    if (!l.foundByAi) lesions_->item(r, 3)->setBackground(kDisputed);
    if (!l.missedBy.empty()) lesions_->item(r, 5)->setBackground(kDisputed);
  }
  lesions_->setVisible(review.hasReference);
}

void CaseReviewDialog::showPhotograph(const CaseReview& review) {
  std::vector<QStringList> rows;
  if (review.fundusAi) {
    const auto& ai = *review.fundusAi;
    rows.push_back({tr("AI"), gradeText(ai.grade, ai.gradable),
                    tr("p = %1").arg(DisplayNames::number(ai.referableProbability, 2)) +
                        (ai.referable ? " " + tr("(refer)") : QString()),
                    QString()});
  }
  for (const auto& g : review.grades)
    rows.push_back({text(g.reader), gradeText(g.grade, g.gradable),
                    g.gradable ? (g.grade >= 2 ? tr("yes") : tr("no")) : QString(), text(g.note)});
  if (review.referenceGrade)
    rows.push_back({tr("Reference"),
                    gradeText(review.referenceGrade->grade, review.referenceGrade->gradable),
                    QString(), QString()});
  if (review.grading && review.grading->finalGrade)
    rows.push_back({tr("Final (%1)").arg(DisplayNames::gradingStage(review.grading->stage)),
                    QString::number(*review.grading->finalGrade), QString(), QString()});
  fill(table_, {tr("Who"), tr("Grade"), tr("Referable DR"), tr("Note")}, rows);
  // A referral against the reference's is disputed; without a reference,
  // against any other reader's or the AI's.
  std::vector<std::optional<bool>> referrals;  // per row; unset: no referral said
  if (review.fundusAi) referrals.push_back(review.fundusAi->referable);
  for (const auto& g : review.grades)
    referrals.push_back(g.gradable ? std::optional<bool>(g.grade >= 2) : std::nullopt);
  const std::size_t calls = referrals.size();  // the AI's and the readers' rows
  std::optional<bool> reference;
  if (review.referenceGrade && review.referenceGrade->gradable)
    reference = review.referenceGrade->grade >= 2;
  disputed_.assign(rows.size(), false);
  falsePositive_.assign(rows.size(), false);
  for (std::size_t r = 0; r < calls; ++r) {
    if (!referrals[r]) continue;
    if (reference) {
      disputed_[r] = *referrals[r] != *reference;
    } else {
      for (std::size_t other = 0; other < calls; ++other)
        if (referrals[other] && *referrals[other] != *referrals[r]) disputed_[r] = true;
    }
    if (disputed_[r])
      markRow(static_cast<int>(r), kDisputed,
              reference ? tr("Disputed: this referral goes against the reference grade's")
                        : tr("Disputed: the readers, or a reader and the AI, disagree on "
                             "referral"));
  }
  lesionRows_.clear();
  lesions_->setVisible(false);
}

void CaseReviewDialog::showComments(const CaseReview& review) {
  comments_->clear();
  auto add = [this](const core::CaseComment& c, const QString& on) {
    //: %1: who; %2: when; %3: on what (a finding, or the case); %4: the comment.
    comments_->addItem(
        tr("%1 (%2) on %3: %4").arg(text(c.author), text(c.recordedAt), on, text(c.text)));
  };
  for (const auto& c : review.comments) add(c, tr("the case"));
  for (const FindingReview& f : review.findings)
    for (const auto& c : f.comments) add(c, tr("finding %1").arg(f.findingId));
  if (comments_->count() == 0) comments_->addItem(tr("No comments."));
}

void CaseReviewDialog::markRow(int row, const QColor& color, const QString& why) {
  for (int c = 0; c < table_->columnCount(); ++c) {
    if (QTableWidgetItem* item = table_->item(row, c)) {
      item->setBackground(color);
      item->setToolTip(why);
    }
  }
}

bool CaseReviewDialog::selectNextToReview() {
  const int rows = static_cast<int>(disputed_.size());
  const int from = table_->currentRow();
  for (int step = 1; step <= rows; ++step) {
    const int row = (std::max(from, -1) + step) % rows;
    const auto i = static_cast<std::size_t>(row);
    if (!disputed_[i] && !falsePositive_[i]) continue;
    table_->selectRow(row);
    table_->setCurrentCell(row, 0);
    if (i < findings_.size())
      Q_EMIT findingActivated(findings_[i].centerMm, findings_[i].diameterMm);
    return true;
  }
  return false;
}

bool CaseReviewDialog::comment(const QString& text, bool onSelectedFinding) {
  std::optional<int> finding;
  if (onSelectedFinding) {
    const int row = table_->currentRow();
    if (row < 0 || row >= static_cast<int>(findings_.size())) {
      summary_->setText(tr("Select a finding to comment on first"));
      return false;
    }
    finding = findings_[static_cast<std::size_t>(row)].findingId;
  }
  auto recorded = session_->recordCommentOn(caseUid_, text, finding);
  if (!recorded.ok()) {
    //: %1: why the comment was not saved.
    summary_->setText(
        tr("The comment was NOT saved: %1").arg(QString::fromStdString(recorded.error().message)));
    return false;
  }
  showCase(caseUid_, referenceFolders_);  // shown as the store has it now
  return true;
}

void CaseReviewDialog::askForComment(bool onSelectedFinding) {
  bool accepted = false;
  const QString entered = QInputDialog::getMultiLineText(
      this, onSelectedFinding ? tr("Comment on the finding") : tr("Comment on the case"),
      tr("Your comment (the readers see it in the trainer's view and in teaching files):"), {},
      &accepted);
  if (accepted) comment(entered, onSelectedFinding);
}

int CaseReviewDialog::rowCount() const { return table_->rowCount(); }

int CaseReviewDialog::lesionCount() const {
  return lesions_->isVisible() ? lesions_->rowCount() : 0;
}

QString CaseReviewDialog::cellText(int row, const QString& column) const {
  for (int c = 0; c < table_->columnCount(); ++c) {
    if (table_->horizontalHeaderItem(c)->text() != column) continue;
    const QTableWidgetItem* item = table_->item(row, c);
    return item ? item->text() : QString();
  }
  return {};
}

bool CaseReviewDialog::rowDisputed(int row) const {
  return row >= 0 && row < static_cast<int>(disputed_.size()) &&
         disputed_[static_cast<std::size_t>(row)];
}

bool CaseReviewDialog::rowFalsePositive(int row) const {
  return row >= 0 && row < static_cast<int>(falsePositive_.size()) &&
         falsePositive_[static_cast<std::size_t>(row)];
}

}  // namespace vigie::app
