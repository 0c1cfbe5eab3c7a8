// A study's decision history applied to a model's findings.
#include <gtest/gtest.h>

#include "vigie/core/ReviewOutcome.h"

using namespace vigie::core;

namespace {

Decision decided(int finding, DecisionKind kind, const std::string& reader) {
  Decision d;
  d.studyUid = "1.2.3";
  d.findingId = finding;
  d.kind = kind;
  d.reader = reader;
  return d;
}

}  // namespace

TEST(ReviewOutcome, TheLatestDecisionOnEachFindingWins) {
  const std::vector<Finding> model = {{1, 0.9, {1, 2, 3}, 6, {}, {}, {}, {}},
                                      {2, 0.8, {4, 5, 6}, 5, {}, {}, {}, {}},
                                      {3, 0.7, {7, 8, 9}, 4, {}, {}, {}, {}}};
  Decision edit = decided(3, DecisionKind::Edit, "dr.b");
  edit.diameterMm = 8.5;
  Decision note = decided(3, DecisionKind::Annotate, "dr.b");
  note.note = "follow up";
  note.category = "indeterminate";
  Decision added = decided(1001, DecisionKind::Add, "dr.b");
  added.centerMm = Vec3{-1, -2, -3};
  added.diameterMm = 3.5;
  const std::vector<Decision> history = {decided(1, DecisionKind::Reject, "dr.a"),
                                         decided(1, DecisionKind::Confirm, "dr.b"),
                                         decided(2, DecisionKind::Reject, "dr.a"),
                                         edit,
                                         note,
                                         added,
                                         decided(77, DecisionKind::Confirm, "dr.a")};

  const auto outcome = applyDecisions(model, history);
  ASSERT_EQ(outcome.size(), 4u);  // the decision on unknown finding 77 is ignored
  EXPECT_EQ(outcome[0].state, ReviewState::Confirmed);
  EXPECT_EQ(outcome[0].reader, "dr.b");
  EXPECT_EQ(outcome[1].state, ReviewState::Rejected);
  EXPECT_EQ(outcome[2].state, ReviewState::Edited);  // an annotation does not undo the edit
  EXPECT_DOUBLE_EQ(outcome[2].diameterMm, 8.5);
  EXPECT_EQ(outcome[2].centerMm, (Vec3{7, 8, 9}));
  EXPECT_EQ(outcome[2].note, "follow up");
  EXPECT_EQ(outcome[2].category, "indeterminate");
  EXPECT_EQ(outcome[3].state, ReviewState::Added);
  EXPECT_FALSE(outcome[3].modelScore.has_value());
  EXPECT_EQ(outcome[3].centerMm, (Vec3{-1, -2, -3}));
  EXPECT_TRUE(outcome[3].acceptedByReader());
  EXPECT_FALSE(outcome[1].acceptedByReader());
}

TEST(ReviewOutcome, FindingsNobodyDecidedStayPending) {
  const auto outcome = applyDecisions({{1, 0.5, {0, 0, 0}, 3, {}, {}, {}, {}}}, {});
  ASSERT_EQ(outcome.size(), 1u);
  EXPECT_EQ(outcome[0].state, ReviewState::Pending);
  EXPECT_STREQ(toString(outcome[0].state), "pending");
  EXPECT_TRUE(outcome[0].reader.empty());
  EXPECT_FALSE(outcome[0].acceptedByReader());
}
