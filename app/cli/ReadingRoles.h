#pragma once

// The readers' roles a DR screening SR carries. The site's double reading
// (app/reading) decides them; the export (app/workflows) knows no policy of
// its own, so the commands that export photographs translate one into the
// other here, the same way for `export` and for the teaching file.

#include <map>
#include <string>

#include "../reading/DoubleReading.h"
#include "../workflows/ReviewExport.h"
#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/imaging/dicom/SourceSeries.h"

namespace vigie::app {

/// Who graded in which role, and whose grade is final once the grading is
/// (gradingStatus names that reader). A site that does not double-read has
/// no roles, and its latest grade is final.
inline FundusReadingRoles readingRolesOf(const GradingStatus& status, bool doubleReading) {
  FundusReadingRoles roles;
  if (doubleReading) {
    roles.primaryGrader = status.primaryReader;
    roles.secondGrader = status.secondaryReader;
    roles.arbiter = status.arbiter;
  }
  if (status.stage == GradingStage::Final && !status.finalReader.empty())
    roles.finalReader = status.finalReader;
  return roles;
}

/// The roles on each photograph of a series (keyed by SOP Instance UID), from
/// the grades, the model's latest answer and the site's policy in the store.
inline core::Result<std::map<std::string, FundusReadingRoles>> readingRolesIn(
    const core::ReviewStore& store, const imaging::SourceSeries& photographs) {
  auto settings = store.siteSettings();
  if (!settings.ok()) return settings.error();
  const DoubleReadingPolicy policy = policyFromSettings(settings.value());
  std::map<std::string, FundusReadingRoles> roles;
  for (const auto& image : photographs.slices) {
    auto grades = store.fundusGrades(image.sopInstanceUid);
    if (!grades.ok()) return grades.error();
    auto answers = store.fundusAiResults(image.sopInstanceUid);
    if (!answers.ok()) return answers.error();
    const auto status = gradingStatus(
        grades.value(), answers.value().empty() ? nullptr : &answers.value().back(), policy);
    roles[image.sopInstanceUid] = readingRolesOf(status, policy.when != SecondReading::Off);
  }
  return roles;
}

}  // namespace vigie::app
