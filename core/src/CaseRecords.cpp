#include "vigie/core/CaseRecords.h"

#include <initializer_list>

namespace vigie::core {
namespace {

/// The value among `all` whose name is `text`.
template <typename Enum>
std::optional<Enum> byName(const std::string& text, std::initializer_list<Enum> all) {
  for (Enum value : all) {
    if (text == toString(value)) return value;
  }
  return std::nullopt;
}

}  // namespace

const char* toString(CaseKind kind) { return kind == CaseKind::Fundus ? "fundus" : "ct"; }

std::optional<CaseKind> caseKindFromString(const std::string& text) {
  return byName(text, {CaseKind::Ct, CaseKind::Fundus});
}

const char* toString(ReadingState state) {
  switch (state) {
    case ReadingState::Unread:
      return "unread";
    case ReadingState::InProgress:
      return "in-progress";
    case ReadingState::Read:
      return "read";
    case ReadingState::TrainerReviewed:
      return "trainer-reviewed";
  }
  return "unread";
}

std::optional<ReadingState> readingStateFromString(const std::string& text) {
  return byName(text, {ReadingState::Unread, ReadingState::InProgress, ReadingState::Read,
                       ReadingState::TrainerReviewed});
}

const char* toString(ClinicalPriority priority) {
  switch (priority) {
    case ClinicalPriority::Routine:
      return "routine";
    case ClinicalPriority::Urgent:
      return "urgent";
    case ClinicalPriority::Stat:
      return "stat";
  }
  return "routine";
}

std::optional<ClinicalPriority> clinicalPriorityFromString(const std::string& text) {
  return byName(text,
                {ClinicalPriority::Routine, ClinicalPriority::Urgent, ClinicalPriority::Stat});
}

const char* toString(CaseEventKind kind) {
  switch (kind) {
    case CaseEventKind::Assign:
      return "assign";
    case CaseEventKind::State:
      return "state";
    case CaseEventKind::Priority:
      return "priority";
  }
  return "state";
}

std::optional<CaseEventKind> caseEventKindFromString(const std::string& text) {
  return byName(text, {CaseEventKind::Assign, CaseEventKind::State, CaseEventKind::Priority});
}

}  // namespace vigie::core
