#include "DoubleReading.h"

#include <algorithm>

namespace vigie::app {
namespace {

constexpr const char* kWhenKey = "double_reading";
constexpr const char* kAgreementKey = "double_reading_agreement";

bool referred(int grade, bool gradable) { return !gradable || grade >= 2; }

bool abnormal(int grade, bool gradable) { return !gradable || grade >= 1; }

}  // namespace

const char* toString(SecondReading when) {
  switch (when) {
    case SecondReading::Off:
      return "off";
    case SecondReading::Abnormal:
      return "abnormal";
    case SecondReading::All:
      return "all";
  }
  return "off";
}

std::optional<SecondReading> secondReadingFromString(const std::string& text) {
  for (auto when : {SecondReading::Off, SecondReading::Abnormal, SecondReading::All})
    if (text == toString(when)) return when;
  return std::nullopt;
}

const char* toString(GradingStage stage) {
  switch (stage) {
    case GradingStage::Primary:
      return "primary";
    case GradingStage::Secondary:
      return "second-read";
    case GradingStage::Arbitration:
      return "arbitration";
    case GradingStage::Final:
      return "final";
  }
  return "primary";
}

DoubleReadingPolicy policyFromSettings(const std::map<std::string, std::string>& settings) {
  DoubleReadingPolicy policy;
  if (auto when = settings.find(kWhenKey); when != settings.end())
    policy.when = secondReadingFromString(when->second).value_or(SecondReading::Off);
  if (auto agreement = settings.find(kAgreementKey); agreement != settings.end())
    policy.onGrade = agreement->second == "grade";
  return policy;
}

std::map<std::string, std::string> settingsOf(const DoubleReadingPolicy& policy) {
  return {{kWhenKey, toString(policy.when)},
          {kAgreementKey, policy.onGrade ? "grade" : "referral"}};
}

bool GradingStatus::mayGrade(const std::string& reader) const {
  switch (stage) {
    case GradingStage::Secondary:
      return reader != primaryReader;
    case GradingStage::Arbitration:
      return reader != primaryReader && reader != secondaryReader;
    default:
      return true;
  }
}

GradingStatus gradingStatus(const std::vector<core::FundusGrade>& grades,
                            const core::FundusAiResult* ai, const DoubleReadingPolicy& policy) {
  // Each reader's latest grade, readers in the order they first graded.
  std::vector<std::string> readers;
  std::map<std::string, const core::FundusGrade*> latest;
  for (const auto& g : grades) {
    if (!latest.count(g.reader)) readers.push_back(g.reader);
    latest[g.reader] = &g;
  }
  GradingStatus status;
  if (readers.empty()) return status;
  const core::FundusGrade& primary = *latest[readers[0]];
  status.primaryReader = primary.reader;
  auto finalize = [&](const core::FundusGrade& g) {
    status.stage = GradingStage::Final;
    status.finalGrade = g.grade;
    status.finalGradable = g.gradable;
    status.finalReader = g.reader;
  };
  const bool aiAbnormal = ai && (ai->referable || abnormal(ai->grade, ai->gradable));
  const bool needsSecond = policy.when == SecondReading::All ||
                           (policy.when == SecondReading::Abnormal &&
                            (abnormal(primary.grade, primary.gradable) || aiAbnormal));
  if (!needsSecond) {
    // Without double reading, the latest grade (whoever gave it) stands.
    finalize(grades.back());
    return status;
  }
  if (readers.size() < 2) {
    status.stage = GradingStage::Secondary;
    return status;
  }
  const core::FundusGrade& secondary = *latest[readers[1]];
  status.secondaryReader = secondary.reader;
  const bool agree =
      policy.onGrade ? primary.grade == secondary.grade && primary.gradable == secondary.gradable
                     : referred(primary.grade, primary.gradable) ==
                           referred(secondary.grade, secondary.gradable);
  if (agree) {
    // The more severe of the two: a screening programme does not round down.
    const bool primaryWorse =
        !primary.gradable || (secondary.gradable && primary.grade >= secondary.grade);
    finalize(primaryWorse ? primary : secondary);
    return status;
  }
  if (readers.size() < 3) {
    status.stage = GradingStage::Arbitration;
    return status;
  }
  const core::FundusGrade& arbitration = *latest[readers[2]];
  status.arbiter = arbitration.reader;
  finalize(arbitration);
  return status;
}

bool gradesHiddenFrom(const GradingStatus& status, const std::string& reader,
                      const DoubleReadingPolicy& policy) {
  if (policy.when == SecondReading::Off) return false;
  const bool underWay =
      status.stage == GradingStage::Secondary || status.stage == GradingStage::Arbitration;
  if (!underWay) return false;
  // The arbiter sees both grades (that is the point); the second grader not.
  return status.stage == GradingStage::Secondary && status.mayGrade(reader);
}

}  // namespace vigie::app
