// lightvl run: one answer to one prompt (text with images and documents, or raw token ids), streamed to
// stdout; --json prints one JSON object with the ids, the text and the statistics instead.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "lightvl/session.h"
#include "sampling_flags.h"

namespace lightvl::cli {
namespace {

struct RunOptions {
  std::string model;
  std::string prompt;
  std::string ids;
  std::vector<std::string> images;
  std::vector<std::string> documents;
  std::string system;
  GenerationConfig generation;
  bool json = false;
  int threads = 0;
  std::string device = "cpu";
  std::string weights = "checkpoint";
  int64_t context = 0;
};

Session* g_running = nullptr;  // for the SIGINT handler: cancel() is an atomic store

void on_interrupt(int) {
  if (g_running) g_running->cancel();
}

nlohmann::json stats_json(const GenerationStats& s) {
  return {{"prompt_tokens", s.prompt_tokens},
          {"image_tokens", s.image_tokens},
          {"generated_tokens", s.generated_tokens},
          {"time_to_first_token_s", s.time_to_first_token},
          {"prefill_tokens_per_s", s.prefill_tokens_per_second()},
          {"decode_tokens_per_s", s.decode_tokens_per_second()}};
}

int run_run(RunOptions& o) {
  if (o.prompt.empty() && o.ids.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "nothing to answer: pass --prompt TEXT or --ids 1,2,3");
  }
  LoadOptions load;
  load.cpu_threads = o.threads;
  load.backend = o.device == "cuda" ? Backend::kCuda : Backend::kCpu;
  load.weights = weight_format_of(o.weights);
  load.context_length = o.context;
  Session session(Model::load(o.model, load));
  TurnSettings settings;
  if (!o.json) {
    settings.on_piece = [](const StreamPiece& p) {
      std::fwrite(p.text.data(), 1, p.text.size(), stdout);
      std::fflush(stdout);
      return true;
    };
  }
  g_running = &session;
  std::signal(SIGINT, on_interrupt);
  GenerationResult result;
  if (!o.ids.empty()) {
    std::vector<Image> images;
    for (const std::string& path : o.images) images.push_back(Image::from_file(path));
    result = session.generate_ids(parse_id_list(o.ids), o.generation, settings, images);
  } else {
    std::vector<Message> messages;
    if (!o.system.empty()) messages.push_back(Message::system(o.system));
    Message user = Message::user();
    for (const std::string& path : o.images) user.add_image(Image::from_file(path));
    for (const std::string& path : o.documents) user.add_document(Document::from_file(path));
    user.add_text(o.prompt);
    messages.push_back(std::move(user));
    result = session.chat(messages, o.generation, settings);
  }
  g_running = nullptr;
  std::signal(SIGINT, SIG_DFL);
  if (o.json) {
    const nlohmann::json j = {{"ids", result.ids},
                              {"text", result.text},
                              {"stop_reason", stop_reason_name(result.stop_reason)},
                              {"stats", stats_json(result.stats)}};
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("\n");
    const GenerationStats& s = result.stats;
    std::fprintf(stderr, "lightvl: %lld prompt tokens (%lld image), %lld generated, stop: %s; first token %.2f s, "
                         "prefill %.1f tok/s, decode %.1f tok/s\n",
                 (long long)s.prompt_tokens, (long long)s.image_tokens, (long long)s.generated_tokens,
                 stop_reason_name(result.stop_reason), s.time_to_first_token, s.prefill_tokens_per_second(),
                 s.decode_tokens_per_second());
  }
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Answer one prompt (text, images, documents), streamed to stdout");
  sub->add_option("--model", o->model, "Model directory")->required();
  auto* prompt = sub->add_option("--prompt", o->prompt, "The question or instruction");
  auto* ids = sub->add_option("--ids", o->ids, "Raw prompt token ids instead of --prompt (no chat template)");
  prompt->excludes(ids);
  sub->add_option("--image", o->images, "An image file (repeatable; with --ids, one per image placeholder id)");
  sub->add_option("--document", o->documents, "A .txt, .md or .pdf put whole into the context (repeatable)")
      ->excludes(ids);
  sub->add_option("--system", o->system, "System prompt")->excludes(ids);
  sub->add_flag("--json", o->json, "Print one JSON object (ids, text, stop reason, stats) instead of streaming");
  sub->add_option("--threads", o->threads, "CPU threads (0 = all)")->check(CLI::Range(0, 4096));
  add_weights_option(sub, o->weights);
  sub->add_option("--device", o->device, "Where the model computes: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  sub->add_option("--context", o->context, "Context length (0 = the model's)")->check(CLI::Range(int64_t(0), int64_t(1) << 40));
  add_sampling_flags(*sub, o->generation);
  return [o] { return run_run(*o); };
}

}  // namespace lightvl::cli
