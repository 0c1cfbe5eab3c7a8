#pragma once

// The bookkeeping of a batch run, apart from the models that do its work:
// which share of the inputs a task takes (--shard, or a Slurm array task's
// environment), where each item's results go, and the summary every run
// keeps (summary.csv, rebuilt from the items' own status files so that a run
// killed at any moment can be resumed and its summary made whole again).
//
// Everything a batch writes is keyed by the item's key: a CT study's Study
// Instance UID, or a photograph's path relative to the input folder. Keys,
// never positions, decide the shares, so that two tasks given the same inputs
// take disjoint shares whatever order the file system lists them in.

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::app {

/// Task `index` of `count` (0 <= index < count).
struct Shard {
  int index = 0;
  int count = 1;
};

/// The shard from "--shard I/N" when given, else from SLURM_ARRAY_TASK_ID
/// and SLURM_ARRAY_TASK_COUNT (with SLURM_ARRAY_TASK_MIN: an array 1-4 is
/// tasks 0-3 of 4) read through `environment`, else the whole input (0/1).
core::Result<Shard> chooseShard(
    const std::optional<std::string>& option,
    const std::function<const char*(const char*)>& environment = std::getenv);

/// The indices into `sortedKeys` (sorted, distinct) that `shard` takes: every
/// count-th key from its index. Each task takes a balanced share; the shares
/// of all tasks are disjoint and together cover every key.
std::vector<std::size_t> shareOf(const std::vector<std::string>& sortedKeys, const Shard& shard);

/// A folder name for an item: its key with anything but letters, digits, '.',
/// '-' and '_' replaced by '_', and then (when something was replaced) a
/// short hash of the key, so that "a/b.png" and "a_b.png" stay apart.
std::string itemFolderName(const std::string& key);

/// The columns of summary.csv, in order.
const std::vector<std::string>& summaryColumns();

/// One row of summary.csv: column name -> value (missing columns are empty).
using SummaryRow = std::map<std::string, std::string>;

/// One row per key in `rows` order, under the header of summaryColumns();
/// written beside and renamed over `file`, so a reader (or a kill) never
/// sees half a summary.
core::Status writeSummary(const std::filesystem::path& file, const std::vector<SummaryRow>& rows);

/// The rows of a summary.csv (any columns; quoted fields as written above).
/// The error names the file and the line.
core::Result<std::vector<SummaryRow>> readSummary(const std::filesystem::path& file);

/// An item's status in summary.csv and its status.json: "ok" (done, skipped
/// by a rerun), "partial" (analysed from part of its study, the rest not
/// retrieved: a rerun retrieves and analyses it again, and its results are
/// not sent) or "failed" (a rerun tries it again).
inline constexpr const char* kStatusOk = "ok";
inline constexpr const char* kStatusPartial = "partial";
inline constexpr const char* kStatusFailed = "failed";

/// Whether a rerun leaves the item with this row alone: only when it is "ok".
bool isFinished(const SummaryRow& row);

/// The rows of several summaries as one: one row per key, sorted by key. A
/// key found in more than one (a task rerun into another folder) keeps its
/// "ok" row over a partial one and a partial one over a failed one, and the
/// later summary's among equals;
/// `duplicates` counts those keys. `folderPrefix[i]` is put before the folder
/// column of summary i, so the joined summary's folders stay reachable from
/// where it is written.
std::vector<SummaryRow> mergeSummaries(const std::vector<std::vector<SummaryRow>>& summaries,
                                       const std::vector<std::string>& folderPrefix,
                                       std::size_t& duplicates);

/// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string csvField(const std::string& value);

}  // namespace vigie::app
