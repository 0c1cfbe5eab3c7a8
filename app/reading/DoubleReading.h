#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/CaseRecords.h"
#include "vigie/core/Result.h"
#include "vigie/core/ReviewStore.h"

namespace vigie::app {

/// Which photographs a second grader reads, blind to the first grade.
enum class SecondReading { Off, Abnormal, All };
const char* toString(SecondReading when);  ///< "off", "abnormal", "all"
std::optional<SecondReading> secondReadingFromString(const std::string& text);

/// A site's double-reading policy (fundus screening), kept in the review
/// store's site settings ("double_reading", "double_reading_agreement").
struct DoubleReadingPolicy {
  /// Abnormal: a second reading where the primary grader or the AI saw any
  /// retinopathy (grade 1 or more), a referable eye or an ungradable image.
  SecondReading when = SecondReading::Off;
  /// Two graders agree when their referral calls match (referable = grade 2
  /// or more, or ungradable); with `onGrade`, only when the grades match.
  bool onGrade = false;
};
DoubleReadingPolicy policyFromSettings(const std::map<std::string, std::string>& settings);
/// The settings that say `policy` (to store with ReviewStore::setSiteSetting).
std::map<std::string, std::string> settingsOf(const DoubleReadingPolicy& policy);

/// Where a photograph's grading stands.
enum class GradingStage { Primary, Secondary, Arbitration, Final };
const char* toString(GradingStage stage);  ///< "primary", "second-read", "arbitration", "final"

struct GradingStatus {
  GradingStage stage = GradingStage::Primary;
  std::string primaryReader, secondaryReader, arbiter;
  /// The grade in force once final: the primary's (no second reading
  /// needed), the more severe of two that agree, or the arbiter's.
  std::optional<int> finalGrade;
  bool finalGradable = true;
  /// Whose grade that is: the arbiter, the grader of the two whose grade was
  /// taken (the primary on a tie), or without double reading whoever graded
  /// last. Empty until the grading is final.
  std::string finalReader;
  /// Whether `reader` may give the grade the stage waits for: a second
  /// grader is not the primary; an arbiter is neither of the two.
  bool mayGrade(const std::string& reader) const;
};

/// The stage of one photograph's grading from its grades (oldest first; each
/// reader's latest grade counts, readers in the order they first graded)
/// and the model's answer (may be null).
GradingStatus gradingStatus(const std::vector<core::FundusGrade>& grades,
                            const core::FundusAiResult* ai, const DoubleReadingPolicy& policy);

/// True when a reader must not see the other grades of a photograph yet: a
/// second reading or arbitration is under way and this reader has not graded.
bool gradesHiddenFrom(const GradingStatus& status, const std::string& reader,
                      const DoubleReadingPolicy& policy);

}  // namespace vigie::app
