#include "eval_report.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <tuple>

#include "eval_records.h"

namespace lightvl::cli {
namespace {

// "2k" -> 2000, "128k" -> 128000, "1m" -> 1000000, "512" -> 512; anything else sorts after them.
double bucket_size(const std::string& bucket) {
  size_t digits = 0;
  while (digits < bucket.size() && bucket[digits] >= '0' && bucket[digits] <= '9') ++digits;
  const std::string suffix = bucket.substr(digits);
  if (digits == 0 || digits > 15 || suffix.size() > 1) return std::numeric_limits<double>::infinity();
  const double value = std::stod(bucket.substr(0, digits));
  if (suffix.empty()) return value;
  if (suffix == "k" || suffix == "K") return value * 1e3;
  if (suffix == "m" || suffix == "M") return value * 1e6;
  return std::numeric_limits<double>::infinity();
}

// Empty buckets (none) last; then by size, then by name.
bool bucket_before(const BucketSummary& a, const BucketSummary& b) {
  return std::make_tuple(a.bucket.empty(), bucket_size(a.bucket), a.bucket) <
         std::make_tuple(b.bucket.empty(), bucket_size(b.bucket), b.bucket);
}

nlohmann::json accuracy_json(const Score& s) {
  return s.total ? nlohmann::json(double(s.correct) / double(s.total)) : nlohmann::json(nullptr);
}

nlohmann::json score_json(const Score& s) {
  return {{"correct", s.correct}, {"total", s.total}, {"accuracy", accuracy_json(s)}};
}

std::string percent(const Score& s) {
  if (s.total == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * double(s.correct) / double(s.total));
  return text;
}

std::string fraction(const Score& s) { return std::to_string(s.correct) + "/" + std::to_string(s.total); }

// "2/3 66.7%" or "-" for an empty depth third.
std::string depth_cell(const Score& s) { return s.total ? fraction(s) + " " + percent(s) : "-"; }

std::string line(const char* format, auto... values) {
  char text[512];
  std::snprintf(text, sizeof text, format, values...);
  return text;
}

std::string table_of_buckets(const std::vector<BucketSummary>& buckets) {
  std::string out = line("\n%-16s %8s %18s %9s %9s  %-14s %-14s %s\n", "document bucket", "examples",
                         "mean prompt tokens", "correct", "accuracy", "depth 0-1/3", "depth 1/3-2/3", "depth 2/3-1");
  for (const BucketSummary& b : buckets) {
    out +=
        line("%-16s %8lld %18.1f %9s %9s  %-14s %-14s %s\n", b.bucket.empty() ? "(none)" : b.bucket.c_str(),
             (long long)b.examples, b.mean_prompt_tokens, fraction(b.score).c_str(), percent(b.score).c_str(),
             depth_cell(b.by_depth[0]).c_str(), depth_cell(b.by_depth[1]).c_str(), depth_cell(b.by_depth[2]).c_str());
  }
  return out;
}

std::string agreement_lines(const EvalReport& r) {
  const Agreement& a = *r.agreement;
  std::string out = line("\nreference %s: %lld of %lld predictions identical after normalise (%s)", r.reference.c_str(),
                         (long long)a.agreeing, (long long)a.compared, percent(Score{a.agreeing, a.compared}).c_str());
  if (a.missing) out += line("; %lld of ours not in the reference", (long long)a.missing);
  out += "\n";
  if (!a.disagreeing_ids.empty()) {
    out += "disagreeing" +
           std::string(a.compared - a.agreeing > int64_t(a.disagreeing_ids.size()) ? " (first 10)" : "") + ":";
    for (const std::string& id : a.disagreeing_ids) out += " " + id;
    out += "\n";
  }
  return out;
}

}  // namespace

int depth_third(double depth) { return std::clamp(int(depth * kDepthThirds), 0, kDepthThirds - 1); }

EvalReport summarise(const std::vector<EvalOutcome>& outcomes) {
  EvalReport r;
  std::map<std::string, TaskSummary> tasks;
  std::map<std::string, BucketSummary> buckets;
  std::map<std::string, int64_t> bucket_tokens;
  for (const EvalOutcome& o : outcomes) {
    ++r.examples;
    r.seconds += o.seconds;
    TaskSummary& t = tasks[o.task];
    t.task = o.task;
    ++t.examples;
    t.score.correct += o.score.correct;
    t.score.total += o.score.total;
    if (o.task != "doc") continue;
    BucketSummary& b = buckets[o.bucket];
    b.bucket = o.bucket;
    ++b.examples;
    bucket_tokens[o.bucket] += o.prompt_tokens;
    b.score.correct += o.score.correct;
    b.score.total += o.score.total;
    if (!o.depth) continue;
    Score& third = b.by_depth[size_t(depth_third(*o.depth))];
    third.correct += o.score.correct;
    third.total += o.score.total;
  }
  for (std::string_view task : kEvalTasks) {
    const auto it = tasks.find(std::string(task));
    if (it != tasks.end()) r.tasks.push_back(it->second);
  }
  for (auto& [name, b] : buckets) {
    b.mean_prompt_tokens = double(bucket_tokens[name]) / double(b.examples);
    r.buckets.push_back(b);
  }
  std::sort(r.buckets.begin(), r.buckets.end(), bucket_before);
  return r;
}

std::string format_report_table(const EvalReport& r) {
  const std::string where = r.weights == "checkpoint" ? r.device : r.device + ", " + r.weights + " weights";
  std::string out = line("lightvl eval: %lld examples of %s, model %s (%s)\n", (long long)r.examples, r.data.c_str(),
                         r.model.c_str(), where.c_str());
  if (r.examples < r.selected) {
    out += line("interrupted: %lld of the %lld selected records were answered\n", (long long)r.examples,
                (long long)r.selected);
  }
  out += line("\n%-16s %8s %13s %9s\n", "task", "examples", "correct/total", "accuracy");
  for (const TaskSummary& t : r.tasks) {
    out += line("%-16s %8lld %13s %9s\n", t.task.c_str(), (long long)t.examples, fraction(t.score).c_str(),
                percent(t.score).c_str());
  }
  if (!r.buckets.empty()) out += table_of_buckets(r.buckets);
  out += line("\ntime: %.2f s per example (%.1f s in all)\n", r.examples ? r.seconds / double(r.examples) : 0.0,
              r.seconds);
  if (r.agreement) out += agreement_lines(r);
  return out;
}

nlohmann::json report_json(const EvalReport& r) {
  nlohmann::json tasks = nlohmann::json::object();
  for (const TaskSummary& t : r.tasks) {
    tasks[t.task] = score_json(t.score);
    tasks[t.task]["examples"] = t.examples;
  }
  nlohmann::json buckets = nlohmann::json::array();
  for (const BucketSummary& b : r.buckets) {
    nlohmann::json depth = nlohmann::json::array();
    for (int k = 0; k < kDepthThirds; ++k) {
      nlohmann::json third = score_json(b.by_depth[size_t(k)]);
      third["range"] = {double(k) / kDepthThirds, double(k + 1) / kDepthThirds};
      depth.push_back(third);
    }
    nlohmann::json j = score_json(b.score);
    j["bucket"] = b.bucket.empty() ? nlohmann::json(nullptr) : nlohmann::json(b.bucket);
    j["examples"] = b.examples;
    j["mean_prompt_tokens"] = b.mean_prompt_tokens;
    j["by_depth"] = depth;
    buckets.push_back(j);
  }
  nlohmann::json out = {{"model", r.model},
                        {"data", r.data},
                        {"device", r.device},
                        {"weights", r.weights},
                        {"examples", r.examples},
                        {"selected", r.selected},
                        {"interrupted", r.examples < r.selected},
                        {"tasks", tasks},
                        {"buckets", buckets},
                        {"seconds_total", r.seconds},
                        {"seconds_per_example", r.examples ? r.seconds / double(r.examples) : 0.0}};
  if (r.agreement) {
    const Agreement& a = *r.agreement;
    out["agreement"] = {{"reference", r.reference},
                        {"compared", a.compared},
                        {"agreeing", a.agreeing},
                        {"fraction", a.compared ? nlohmann::json(a.fraction()) : nlohmann::json(nullptr)},
                        {"disagreeing_ids", a.disagreeing_ids},
                        {"missing_from_reference", a.missing}};
  }
  return out;
}

nlohmann::json outcome_json(const EvalOutcome& o) {
  return {{"id", o.id},
          {"task", o.task},
          {"bucket", o.bucket.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.bucket)},
          {"prediction", o.prediction},
          {"score", {o.score.correct, o.score.total}},
          {"prompt_tokens", o.prompt_tokens},
          {"seconds", o.seconds}};
}

}  // namespace lightvl::cli
