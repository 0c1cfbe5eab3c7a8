#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <string>

#include "DoubleReading.h"
#include "vigie/core/CaseRecords.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/core/SlicePlane.h"

namespace vigie::imaging {
enum class SpacingSource;
}

namespace vigie::app {

/// The words of the Qt-free libraries (their enums' names and the tokens
/// they store) as the window shows them: translated here, at the GUI's
/// boundary, while the store, exports and logs keep the English tokens. In
/// English each label is the token as the window always showed it.
class DisplayNames {
  Q_DECLARE_TR_FUNCTIONS(vigie::app::DisplayNames)

 public:
  /// A number as the window's language writes it ("2,4" in French, "2.4" in
  /// English; no thousands separator): `precision` decimals with format
  /// 'f', significant digits with 'g'. InterfaceLanguage sets the locale.
  static QString number(double value, int precision, char format = 'f');
  /// A point's three coordinates (mm, one decimal) as the window's language
  /// lists them: "-12.5, 30.0, 4.0" in English; in French, whose decimal
  /// mark is the comma, "-12,5 ; 30,0 ; 4,0".
  static QString point(const core::Vec3& p);
  /// A reader's decision on a finding: "confirm", "reject", "edit", "annotate", "add".
  static QString decision(core::DecisionKind kind);
  /// Where the review left a finding: "pending", "confirmed", "rejected", "edited", "added".
  static QString reviewState(core::ReviewState state);
  /// A worklist case's reading state: "unread", "in-progress", "read", "trainer-reviewed".
  static QString readingState(core::ReadingState state);
  /// "routine", "urgent", "stat".
  static QString priority(core::ClinicalPriority priority);
  /// A photograph's double-reading stage: "primary", "second-read", "arbitration", "final".
  static QString gradingStage(GradingStage stage);
  /// The plane, capitalised for a view's corner: "Axial", "Coronal", "Sagittal".
  static QString plane(core::SlicePlane plane);
  /// A fundus lesion kind as stored ("hard_exudate") as the reader reads it
  /// ("hard exudate"); an unknown kind with its underscores as spaces.
  static QString lesionKind(const QString& kind);
  /// A nodule type of a reference ("solid", "part-solid", "ground-glass");
  /// an unknown one as it is.
  static QString noduleType(const std::string& type);
  /// The usual categories of a finding's annotation, as stored (the first is none).
  static const QStringList& findingCategories();
  /// A stored category as shown; one the reader typed themselves as it is.
  static QString findingCategory(const QString& category);
  /// A stage of the CT model's run ("resampling", "inference", ...); an unknown one as it is.
  static QString analysisStage(const QString& stage);
  /// The unit of a 2D image's distances, by where its spacing comes from:
  /// "mm", "mm at the detector", "mm (ultrasound region)", "px" (PlanarSpacing::unitLabel).
  static QString spacingUnit(imaging::SpacingSource source);
  /// A photograph's referral outcome against the reference: "TP", "FN", "TN", "FP".
  static QString referralOutcome(const QString& outcome);
};

}  // namespace vigie::app
