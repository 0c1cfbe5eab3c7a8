#include "vigie/inference/ModelCardText.h"

#include <cstdio>
#include <sstream>
#include <vector>

#include "vigie/inference/CandidateIntensity.h"

namespace vigie::inference {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

/// The intensity measures a calibration weighs: those with a weight other
/// than 0, alone or times the slice spacing (a manifest always holds four).
void describeIntensity(std::ostream& out, const ScoreCalibration& c) {
  static const char* const kMeasures[kIntensityValues] = {
      "mean HU inside it", "its contrast with the shell around it", "the spread of HU inside",
      "the share of lung around"};
  const auto weighs = [&](std::size_t n) {
    return c.intensityWeights[n] != 0.0 ||
           (c.sliceSpacing && !c.sliceSpacing->intensityWeights.empty() &&
            c.sliceSpacing->intensityWeights[n] != 0.0);
  };
  std::vector<const char*> weighed;
  for (std::size_t n = 0; n < c.intensityWeights.size(); ++n)
    if (weighs(n)) weighed.push_back(kMeasures[n]);
  if (weighed.empty()) return;  // every weight 0: the calibration ignores them
  out << ", plus " << weighed.size() << " of the " << kIntensityValues
      << " measures of the image's intensity around the candidate (";
  for (std::size_t n = 0; n < weighed.size(); ++n) out << (n ? ", " : "") << weighed[n];
  out << ")";
}

void describeCalibration(std::ostream& out, const char* what,
                         const std::optional<ScoreCalibration>& c) {
  if (!c) return;
  out << "\nCalibration: " << what << " is Platt-scaled (slope " << number(c->slope)
      << ", intercept " << number(c->intercept);
  if (c->usesDiameter())
    out << ", plus " << number(c->logDiameterSlope) << " x ln(candidate diameter in mm)";
  if (c->usesShape()) {
    out << ", plus " << c->shapeWeights.size()
        << " weights on the image's shape around the candidate (Hessian eigenvalues, dot and "
           "line measures at ";
    for (std::size_t n = 0; n < c->shapeScalesMm.size(); ++n)
      out << (n ? ", " : "") << number(c->shapeScalesMm[n]);
    out << " mm)";
  }
  if (c->usesPassScores())
    out << ", plus one weight on each of the " << c->passScoreWeights.size()
        << " passes' own score near the candidate";
  if (c->usesIntensity()) describeIntensity(out, *c);
  if (c->usesSliceSpacing())
    out << ", plus terms in the series' slice spacing (fitted on "
        << number(c->sliceSpacing->lowestMm) << " to " << number(c->sliceSpacing->highestMm)
        << " mm; a spacing outside counts as the nearest end)";
  out << ")";
  if (!c->fittedOn.empty()) out << ", fitted on " << c->fittedOn;
  out << ".\n";
}

}  // namespace

std::string modelCardText(const ModelManifest& m) {
  std::ostringstream out;
  out << m.name << ' ' << m.version << " (" << m.id << ")\n";
  out << (m.clinicalUse ? "For clinical use as its intended use says.\n"
                        : "NOT FOR CLINICAL USE.\n");
  out << "\nIntended use: " << m.intendedUse << '\n';
  out << "\nTraining data: " << m.trainingData << '\n';
  describeCalibration(out, "the referable probability", m.referableCalibration);
  describeCalibration(out, "each candidate's score (the probability that it is a nodule)",
                      m.candidateCalibration);
  if (!m.metrics.empty()) {
    out << "\nMetrics:\n";
    for (const auto& [name, value] : m.metrics)
      out << "  " << name << ": " << number(value) << '\n';
  }
  if (!m.card.evaluation.empty()) out << "\nEvaluation: " << m.card.evaluation << '\n';
  if (!m.card.knownLimitations.empty()) {
    out << "\nKnown limitations:\n";
    for (const auto& limitation : m.card.knownLimitations) out << "  - " << limitation << '\n';
  }
  if (!m.card.document.empty()) out << "\nFull model card: " << m.card.document << '\n';
  return out.str();
}

}  // namespace vigie::inference
