// lightvl eval: the accuracy of a model on held-out JSON Lines examples (tests/reference/demo_data.py's
// EvalRecord schema), answered by the engine through the public SDK exactly as a user would ask them: one
// fresh single-turn conversation per record ([image][document]prompt in one user message), greedy
// decoding, scored with the demo scorers (eval_scoring.h). Everything is read and checked before the
// model is loaded, so bad data fails in a second, not after an hour of answers.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "eval_records.h"
#include "eval_reference.h"
#include "eval_report.h"
#include "jsonl_reader.h"
#include "lightvl/session.h"

namespace lightvl::cli {
namespace {

struct EvalOptions {
  std::string model;
  std::string data;
  std::string device = "cpu";
  std::string weights = "checkpoint";
  int threads = 0;
  int64_t limit = 0;
  std::vector<std::string> tasks;
  std::vector<std::string> buckets;
  int32_t max_new_tokens = 48;
  std::string predictions;
  std::string reference;
  bool json = false;
};

// Exit code after Ctrl-C: the report of the records done so far is still printed.
constexpr int kInterruptedExit = 130;

std::atomic<bool> g_interrupted{false};
Session* g_session = nullptr;  // for the SIGINT handler: cancel() is an atomic store

void on_interrupt(int) {
  g_interrupted = true;
  if (g_session) g_session->cancel();
}

// Answers `record` in a fresh conversation of `session` and scores the answer. Throws DataFileError
// naming the record for anything the engine refuses (unreadable image, prompt over the context, ...);
// returns nullopt when the user interrupted it.
std::optional<EvalOutcome> answer_record(Session& session, const EvalRecord& record, const std::string& data_path,
                                         const GenerationConfig& generation) {
  const auto start = std::chrono::steady_clock::now();
  session.reset();
  Message user = Message::user();
  if (!record.image.empty()) user.add_image(Image::from_file(record.image));
  if (!record.document_file.empty()) {
    user.add_document(Document::from_text(record.document_name, read_document_text(record, data_path)));
  }
  user.add_text(record.prompt);
  GenerationResult result;
  try {
    result = session.chat({user}, generation);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kCancelled) return std::nullopt;
    throw DataFileError(line_prefix(data_path, record.line) + "record \"" + record.id +
                        "\": " + error_code_name(e.code()) + ": " + e.what());
  }
  if (result.stop_reason == StopReason::kCancelled) return std::nullopt;
  EvalOutcome o{record.id, record.task, record.bucket, record.depth, result.text, {}, result.stats.prompt_tokens, 0.0};
  o.score = score_prediction(record.task, result.text, record.truth);
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return o;
}

// One progress line on stderr, only for a person watching (a terminal): pipes and tests see the report alone.
void show_progress(size_t done, size_t total, const EvalOutcome& o) {
  static const bool terminal = isatty(fileno(stderr)) != 0;
  if (!terminal) return;
  std::fprintf(stderr, "lightvl: [%zu/%zu] %s (%s) %lld/%lld in %.2f s\n", done, total, o.id.c_str(), o.task.c_str(),
               (long long)o.score.correct, (long long)o.score.total, o.seconds);
}

int run_eval(const EvalOptions& o) {
  const std::vector<EvalRecord> records = select_records(read_eval_records(o.data), o.tasks, o.buckets, o.limit);
  std::map<std::string, std::string> reference;
  if (!o.reference.empty()) reference = read_reference_predictions(o.reference);
  std::ofstream predictions;
  if (!o.predictions.empty()) {
    ensure_writable(o.predictions);
    predictions.open(o.predictions, std::ios::trunc);
  }
  LoadOptions load;
  load.cpu_threads = o.threads;
  load.backend = o.device == "cuda" ? Backend::kCuda : Backend::kCpu;
  load.weights = weight_format_of(o.weights);
  Session session(Model::load(o.model, load));
  GenerationConfig generation;
  generation.greedy = true;
  generation.max_tokens = o.max_new_tokens;

  std::vector<EvalOutcome> outcomes;
  g_session = &session;
  std::signal(SIGINT, on_interrupt);
  for (const EvalRecord& record : records) {
    std::optional<EvalOutcome> outcome = answer_record(session, record, o.data, generation);
    if (!outcome || g_interrupted) break;
    if (predictions.is_open())
      predictions << outcome_json(*outcome).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n"
                  << std::flush;
    outcomes.push_back(std::move(*outcome));
    show_progress(outcomes.size(), records.size(), outcomes.back());
  }
  g_session = nullptr;
  std::signal(SIGINT, SIG_DFL);

  EvalReport report = summarise(outcomes);
  report.model = o.model;
  report.data = o.data;
  report.device = o.device;
  report.weights = o.weights;
  report.selected = int64_t(records.size());
  if (!o.reference.empty()) {
    std::vector<std::pair<std::string, std::string>> ours;
    for (const EvalOutcome& outcome : outcomes) ours.emplace_back(outcome.id, outcome.prediction);
    report.reference = o.reference;
    report.agreement = compare_predictions(ours, reference);
  }
  if (o.json) {
    std::printf("%s\n", report_json(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::fputs(format_report_table(report).c_str(), stdout);
  }
  if (predictions.is_open() && !predictions) throw Error(ErrorCode::kIo, "writing '" + o.predictions + "' failed");
  return report.examples < report.selected ? kInterruptedExit : 0;
}

}  // namespace

Command add_eval(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* sub = app.add_subcommand("eval",
                                     "Accuracy of a model on held-out JSON Lines examples (caption, vqa, "
                                     "count, read, doc), answered greedily by the engine");
  sub->add_option("--model", o->model, "Model directory")->required();
  sub->add_option("--data", o->data, "The examples: a JSON Lines file of evaluation records")->required();
  sub->add_option("--device", o->device, "Where the model computes: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  add_weights_option(sub, o->weights);
  sub->add_option("--threads", o->threads, "CPU threads (0 = all)")->check(CLI::Range(0, 4096));
  sub->add_option("--limit", o->limit, "Answer at most the first N selected records (0 = all)")
      ->check(CLI::Range(int64_t(0), int64_t(1) << 40));
  sub->add_option("--tasks", o->tasks, "Only these tasks, comma-separated: caption,vqa,count,read,doc")
      ->delimiter(',')
      ->check(CLI::IsMember({"caption", "vqa", "count", "read", "doc"}));
  sub->add_option("--buckets", o->buckets, "Only documents of these context buckets, comma-separated (e.g. 2k,8k); records without a bucket stay")
      ->delimiter(',');
  sub->add_option("--max-new-tokens", o->max_new_tokens, "New tokens at most per answer")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  sub->add_option("--predictions", o->predictions, "Write one JSON line per record (id, prediction, score, ...)");
  sub->add_option("--reference", o->reference, "Predictions to compare with: JSON lines {\"id\", \"prediction\"}");
  sub->add_flag("--json", o->json, "Print the report as one JSON object instead of a table");
  return [o] { return run_eval(*o); };
}

}  // namespace lightvl::cli
