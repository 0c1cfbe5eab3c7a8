#include "vigie/inference/ModelCardText.h"

#include <cstdio>
#include <sstream>

namespace vigie::inference {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

std::string modelCardText(const ModelManifest& m) {
  std::ostringstream out;
  out << m.name << ' ' << m.version << " (" << m.id << ")\n";
  out << (m.clinicalUse ? "For clinical use as its intended use says.\n"
                        : "NOT FOR CLINICAL USE.\n");
  out << "\nIntended use: " << m.intendedUse << '\n';
  out << "\nTraining data: " << m.trainingData << '\n';
  if (const auto& c = m.referableCalibration) {
    out << "\nCalibration: the referable probability is Platt-scaled (slope " << number(c->slope)
        << ", intercept " << number(c->intercept) << ")";
    if (!c->fittedOn.empty()) out << ", fitted on " << c->fittedOn;
    out << ".\n";
  }
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
