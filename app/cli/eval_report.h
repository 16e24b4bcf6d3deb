// lightvl eval: the per-record outcomes, their aggregation (accuracy by task, by document bucket and by
// the depth of the fact in the document) and the two ways of printing it (a table or one JSON object).
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval_reference.h"
#include "eval_scoring.h"

namespace lightvl::cli {

// What running one record gave.
struct EvalOutcome {
  std::string id, task, bucket;  // bucket empty = none
  std::optional<double> depth;   // doc records
  std::string prediction;
  Score score;
  int64_t prompt_tokens = 0;  // GenerationStats::prompt_tokens of the answer (a fresh conversation: all of it)
  double seconds = 0;         // wall time of the record: reading inputs, prefill and decoding
};

struct TaskSummary {
  std::string task;
  int64_t examples = 0;
  Score score;  // summed over the task's records; accuracy = correct / total
};

// Depth thirds of the document: [0, 1/3), [1/3, 2/3), [2/3, 1].
inline constexpr int kDepthThirds = 3;

struct BucketSummary {
  std::string bucket;  // empty = records without a bucket
  int64_t examples = 0;
  double mean_prompt_tokens = 0;
  Score score;
  std::array<Score, kDepthThirds> by_depth;
};

struct EvalReport {
  std::string model, data, device;
  std::string weights = "checkpoint";  // the backbone projections' format: checkpoint or int8
  int64_t examples = 0;                // records answered
  int64_t selected = 0;                // records selected to run (more than `examples` after an interrupt)
  double seconds = 0;                  // sum of the records' times
  std::vector<TaskSummary> tasks;      // in kEvalTasks order, tasks present only
  std::vector<BucketSummary> buckets;  // doc records by bucket: by size ("2k" < "8k" < "128k"), then by name
  std::string reference;               // the --reference path; empty = none
  std::optional<Agreement> agreement;
};

// Which third of the document `depth` (0..1) falls in: 0, 1 or 2.
int depth_third(double depth);

// The aggregate of `outcomes`; the caller fills model, data, device, weights, selected, reference and agreement.
EvalReport summarise(const std::vector<EvalOutcome>& outcomes);

// The human-readable report: one line per task, one per document bucket, time per example, agreement.
std::string format_report_table(const EvalReport& report);

// The report as one JSON object (accuracies null where nothing was scored).
nlohmann::json report_json(const EvalReport& report);

// One --predictions line: {"id","task","bucket","prediction","score":[correct,total],"prompt_tokens","seconds"}.
nlohmann::json outcome_json(const EvalOutcome& outcome);

}  // namespace lightvl::cli
