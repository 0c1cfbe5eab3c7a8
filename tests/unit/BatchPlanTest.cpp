// The bookkeeping of vigie-cli batch: shares, folder names, summaries.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "BatchPlan.h"

namespace vigie::app {
namespace {

namespace fs = std::filesystem;

/// An environment holding only `values`.
std::function<const char*(const char*)> environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    const auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("vigie-batch-plan-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(BatchPlan, ShardFromTheOptionBeatsTheEnvironment) {
  const auto env = environment({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}});
  auto shard = chooseShard(std::string("2/3"), env);
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard.value().index, 2);
  EXPECT_EQ(shard.value().count, 3);
  shard = chooseShard(std::nullopt, env);
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard.value().index, 1);
  EXPECT_EQ(shard.value().count, 2);
  shard = chooseShard(std::nullopt, environment({}));
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard.value().index, 0);
  EXPECT_EQ(shard.value().count, 1);
}

TEST(BatchPlan, SlurmArraysNumberedFromOneAreSharedFromZero) {
  auto shard = chooseShard(std::nullopt, environment({{"SLURM_ARRAY_TASK_ID", "4"},
                                                      {"SLURM_ARRAY_TASK_COUNT", "4"},
                                                      {"SLURM_ARRAY_TASK_MIN", "1"}}));
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard.value().index, 3);
  EXPECT_EQ(shard.value().count, 4);
}

TEST(BatchPlan, ImpossibleShardsAreRefusedWithTheReason) {
  for (const std::string bad : {"3/3", "1", "-1/2", "a/b", "0/0", "1/"}) {
    auto shard = chooseShard(bad, environment({}));
    ASSERT_FALSE(shard.ok()) << bad;
    EXPECT_NE(shard.error().message.find("--shard"), std::string::npos) << bad;
  }
  // An array with gaps (--array=0,2,5) has tasks beyond its count.
  auto shard = chooseShard(
      std::nullopt, environment({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}));
  ASSERT_FALSE(shard.ok());
  EXPECT_NE(shard.error().message.find("Slurm array task 5"), std::string::npos);
}

TEST(BatchPlan, SharesAreDisjointBalancedAndCoverEveryKey) {
  std::vector<std::string> keys;
  for (int i = 0; i < 103; ++i) keys.push_back("key" + std::to_string(1000 + i));
  for (int count : {1, 2, 3, 7, 200}) {
    std::set<std::size_t> seen;
    std::size_t smallest = keys.size(), largest = 0;
    for (int index = 0; index < count; ++index) {
      const auto share = shareOf(keys, {index, count});
      for (std::size_t i : share) EXPECT_TRUE(seen.insert(i).second) << "taken twice: " << i;
      smallest = std::min(smallest, share.size());
      largest = std::max(largest, share.size());
    }
    EXPECT_EQ(seen.size(), keys.size()) << count << " tasks";
    EXPECT_LE(largest - smallest, 1u) << count << " tasks";
  }
}

TEST(BatchPlan, FolderNamesAreSafeDistinctAndStable) {
  EXPECT_EQ(itemFolderName("1.2.840.113619.2.55"), "1.2.840.113619.2.55");
  EXPECT_EQ(itemFolderName("fundus_001.png"), "fundus_001.png");
  const std::string nested = itemFolderName("left/eye 1.png");
  EXPECT_EQ(nested.find('/'), std::string::npos);
  EXPECT_EQ(nested.find(' '), std::string::npos);
  EXPECT_NE(nested, itemFolderName("left_eye_1.png"));
  EXPECT_NE(itemFolderName("a/b.png"), itemFolderName("a_b.png"));
  EXPECT_EQ(nested, itemFolderName("left/eye 1.png"));
  // Nothing that could climb out of the output folder or hide in it.
  for (const std::string key : {"..", ".", "../x", ".work", ""}) {
    const std::string name = itemFolderName(key);
    EXPECT_FALSE(name.empty()) << key;
    EXPECT_NE(name[0], '.') << key;
  }
  EXPECT_LE(itemFolderName(std::string(400, 'x')).size(), 130u);
}

TEST(BatchPlan, SummaryRoundTripsAwkwardText) {
  const fs::path dir = scratch("roundtrip");
  std::vector<SummaryRow> rows = {
      {{"key", "a/b, c.png"}, {"status", "failed"}, {"reason", "line 1\nsaid \"no\""}},
      {{"key", "1.2.3"}, {"status", "ok"}, {"findings", "3"}, {"max_score", "0.91"}}};
  ASSERT_TRUE(writeSummary(dir / "summary.csv", rows).ok());
  EXPECT_FALSE(fs::exists(dir / "summary.csv.partial"));
  auto read = readSummary(dir / "summary.csv");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read.value().size(), 2u);
  EXPECT_EQ(read.value()[0].at("key"), "a/b, c.png");
  EXPECT_EQ(read.value()[0].at("reason"), "line 1\nsaid \"no\"");
  EXPECT_EQ(read.value()[1].at("max_score"), "0.91");
  EXPECT_EQ(read.value()[1].at("sent"), "");
  EXPECT_EQ(read.value()[0].size(), summaryColumns().size());
}

TEST(BatchPlan, ABrokenSummaryIsAnErrorNamingFileAndLine) {
  const fs::path dir = scratch("broken");
  std::ofstream(dir / "summary.csv") << "key,status\n1.2.3,ok\n1.2.4,ok,extra\n";
  auto read = readSummary(dir / "summary.csv");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("summary.csv:3"), std::string::npos) << read.error().message;
  std::ofstream(dir / "other.csv") << "file,grade\nx.png,2\n";
  read = readSummary(dir / "other.csv");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("not a batch summary"), std::string::npos);
  EXPECT_FALSE(readSummary(dir / "missing.csv").ok());
}

TEST(BatchPlan, MergeKeepsOneRowPerKeyPreferringSuccess) {
  const std::vector<SummaryRow> first = {{{"key", "b"}, {"status", "ok"}, {"folder", "b"}},
                                         {{"key", "c"}, {"status", "failed"}, {"folder", "c"}}};
  const std::vector<SummaryRow> second = {{{"key", "a"}, {"status", "ok"}, {"folder", "a"}},
                                          {{"key", "b"}, {"status", "failed"}, {"folder", "b"}},
                                          {{"key", "c"}, {"status", "ok"}, {"folder", "c"}}};
  std::size_t duplicates = 0;
  const auto merged = mergeSummaries({first, second}, {"../shard-0", "../shard-1"}, duplicates);
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(duplicates, 2u);
  EXPECT_EQ(merged[0].at("key"), "a");
  EXPECT_EQ(merged[1].at("status"), "ok");  // b: the first task's success stands
  EXPECT_EQ(merged[1].at("folder"), "../shard-0/b");
  EXPECT_EQ(merged[2].at("status"), "ok");  // c: the rerun's success replaces the failure
  EXPECT_EQ(merged[2].at("folder"), "../shard-1/c");
}

TEST(BatchPlan, APartialItemIsRetriedAndMergedBetweenFailedAndOk) {
  EXPECT_TRUE(isFinished({{"key", "a"}, {"status", "ok"}}));
  EXPECT_FALSE(isFinished({{"key", "a"}, {"status", "partial"}}));  // a rerun retrieves it again
  EXPECT_FALSE(isFinished({{"key", "a"}, {"status", "failed"}}));
  EXPECT_FALSE(isFinished({{"key", "a"}}));

  const std::vector<SummaryRow> first = {{{"key", "a"}, {"status", "partial"}, {"folder", "a"}},
                                         {{"key", "b"}, {"status", "ok"}, {"folder", "b"}},
                                         {{"key", "c"}, {"status", "partial"}, {"folder", "c"}}};
  const std::vector<SummaryRow> second = {{{"key", "a"}, {"status", "failed"}, {"folder", "a"}},
                                          {{"key", "b"}, {"status", "partial"}, {"folder", "b"}},
                                          {{"key", "c"}, {"status", "ok"}, {"folder", "c"}}};
  std::size_t duplicates = 0;
  const auto merged = mergeSummaries({first, second}, {"s0", "s1"}, duplicates);
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0].at("status"), "partial");  // a: partial beats a later failure
  EXPECT_EQ(merged[0].at("folder"), "s0/a");
  EXPECT_EQ(merged[1].at("status"), "ok");  // b: ok beats a later partial
  EXPECT_EQ(merged[2].at("status"), "ok");  // c: the rerun completed it

  // The status survives the summary file, so that `batch merge` carries it.
  const auto dir = std::filesystem::temp_directory_path() / "vigie-batchplan-partial";
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(writeSummary(dir / "summary.csv", merged).ok());
  const auto read = readSummary(dir / "summary.csv");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value()[0].at("status"), "partial");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigie::app
