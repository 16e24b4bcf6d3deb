// lightvl chat: an interactive multi-turn conversation on the terminal. Each line is a user turn;
// attachments queued with /image and /doc join the next turn. Ctrl-C stops the current answer (or the
// prefill of a long document), not the program; Ctrl-D or /quit leaves.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "lightvl/session.h"
#include "sampling_flags.h"

namespace lightvl::cli {
namespace {

struct ChatOptions {
  std::string model;
  std::string system;
  GenerationConfig generation;
  int threads = 0;
  std::string device = "cpu";
  std::string weights = "checkpoint";
  int64_t context = 0;
};

Session* g_session = nullptr;
void on_interrupt(int) {
  if (g_session) g_session->cancel();
}

const char* kHelp =
    "commands: /image PATH  attach an image to the next message\n"
    "          /doc PATH    attach a document (.txt, .md, .pdf) to the next message\n"
    "          /reset       start a new conversation\n"
    "          /stats       figures of the last answer and the context used\n"
    "          /quit        leave (Ctrl-D too); Ctrl-C stops the current answer\n";

void print_stats(const GenerationResult& r, const Session& s) {
  const GenerationStats& st = r.stats;
  std::printf("[%lld prompt tokens (%lld image), %lld generated (%s); first token %.2f s; prefill %.1f tok/s; "
              "decode %.1f tok/s; context %lld / %lld]\n",
              (long long)st.prompt_tokens, (long long)st.image_tokens, (long long)st.generated_tokens,
              stop_reason_name(r.stop_reason), st.time_to_first_token, st.prefill_tokens_per_second(),
              st.decode_tokens_per_second(), (long long)s.position(), (long long)s.context_length());
}

int run_chat(const ChatOptions& o) {
  LoadOptions load;
  load.cpu_threads = o.threads;
  load.backend = o.device == "cuda" ? Backend::kCuda : Backend::kCpu;
  load.weights = weight_format_of(o.weights);
  load.context_length = o.context;
  const std::shared_ptr<const Model> model = Model::load(o.model, load);
  Session session(model);
  g_session = &session;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigaction(SIGINT, &action, nullptr);
  std::printf("lightvl chat — %s (%s). /help for commands.\n", model->info().directory.c_str(),
              model->info().model_type.c_str());
  Message pending = Message::user();
  bool first_turn = true;
  GenerationResult last;
  TurnSettings settings;
  settings.on_piece = [](const StreamPiece& p) {
    std::fwrite(p.text.data(), 1, p.text.size(), stdout);
    std::fflush(stdout);
    return true;
  };
  std::string line;
  while (true) {
    std::printf("> ");
    std::fflush(stdout);
    if (!std::getline(std::cin, line)) break;
    if (line.empty()) continue;
    if (line == "/quit" || line == "/exit") break;
    if (line == "/help") { std::printf("%s", kHelp); continue; }
    if (line == "/reset") { session.reset(); first_turn = true; pending = Message::user(); std::printf("[new conversation]\n"); continue; }
    if (line == "/stats") { print_stats(last, session); continue; }
    if (line.rfind("/image ", 0) == 0) { pending.add_image(Image::from_file(line.substr(7))); std::printf("[image queued]\n"); continue; }
    if (line.rfind("/doc ", 0) == 0) { pending.add_document(Document::from_file(line.substr(5))); std::printf("[document queued]\n"); continue; }
    if (line[0] == '/') { std::printf("unknown command; /help lists them\n"); continue; }
    pending.add_text(line);
    std::vector<Message> turn;
    if (first_turn && !o.system.empty()) turn.push_back(Message::system(o.system));
    turn.push_back(std::move(pending));
    pending = Message::user();
    try {
      last = session.chat(turn, o.generation, settings);
      first_turn = false;
      std::printf("\n");
      if (last.stop_reason == StopReason::kCancelled) std::printf("[stopped]\n");
    } catch (const Error& e) {  // a bad attachment or an oversized turn: say so and keep the conversation
      std::printf("\n[error (%s): %s]\n", error_code_name(e.code()), e.what());
    }
  }
  g_session = nullptr;
  std::printf("\n");
  return 0;
}

}  // namespace

Command add_chat(CLI::App& app) {
  auto o = std::make_shared<ChatOptions>();
  CLI::App* sub = app.add_subcommand("chat", "Interactive multi-turn chat with streaming answers");
  sub->add_option("--model", o->model, "Model directory")->required();
  sub->add_option("--system", o->system, "System prompt");
  sub->add_option("--threads", o->threads, "CPU threads (0 = all)")->check(CLI::Range(0, 4096));
  add_weights_option(sub, o->weights);
  sub->add_option("--device", o->device, "Where the model computes: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  sub->add_option("--context", o->context, "Context length (0 = the model's)");
  add_sampling_flags(*sub, o->generation);
  return [o] { return run_chat(*o); };
}

}  // namespace lightvl::cli
