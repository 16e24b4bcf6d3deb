// lightvl logits: the logits of every prompt position, as a float32 .npy [T, vocab]. Chunked prefill by
// default; --decode feeds one token at a time through the state (the two must agree).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "lightvl/session.h"

namespace lightvl::cli {
namespace {

struct LogitsOptions {
  std::string model;
  std::string ids;
  std::string ids_file;
  std::string out;
  std::vector<std::string> images;
  bool decode = false;
  int threads = 0;
  std::string device = "cpu";
  std::string weights = "checkpoint";
  int64_t chunk = 512;
};

int run_logits(const LogitsOptions& o) {
  const std::vector<int32_t> ids = o.ids_file.empty() ? parse_id_list(o.ids) : read_id_file(o.ids_file);
  if (ids.empty()) throw Error(ErrorCode::kInvalidArgument, "no token ids given: pass --ids 1,2,3 or --ids-file F");
  ensure_writable(o.out);  // fail before the (possibly long) computation, not after it
  LoadOptions load;
  load.cpu_threads = o.threads;
  load.backend = o.device == "cuda" ? Backend::kCuda : Backend::kCpu;
  load.weights = weight_format_of(o.weights);
  Session session(Model::load(o.model, load));
  FeedOptions feed;
  feed.token_by_token = o.decode;
  feed.chunk_tokens = o.chunk;
  feed.all_logits = true;
  std::vector<Image> images;
  for (const std::string& path : o.images) images.push_back(Image::from_file(path));
  const Logits logits = session.feed(ids, feed, images);
  save_npy(o.out, logits.values, {logits.rows, logits.vocab});
  std::fprintf(stderr, "lightvl: wrote %lld x %lld logits (%s) to %s\n", (long long)logits.rows,
               (long long)logits.vocab, o.decode ? "token by token" : "chunked prefill", o.out.c_str());
  const float* last = logits.row(logits.rows - 1);
  const int64_t best = std::max_element(last, last + logits.vocab) - last;
  std::fprintf(stderr, "lightvl: last position: top token %lld (logit %.4f)\n", (long long)best, last[best]);
  return 0;
}

}  // namespace

Command add_logits(CLI::App& app) {
  auto o = std::make_shared<LogitsOptions>();
  CLI::App* sub = app.add_subcommand("logits", "Write the logits of every prompt position to a .npy file");
  sub->add_option("--model", o->model, "Model directory")->required();
  auto* ids = sub->add_option("--ids", o->ids, "Comma-separated token ids");
  auto* file = sub->add_option("--ids-file", o->ids_file, "File with token ids (separated, or a JSON array)");
  ids->excludes(file);
  sub->add_option("--image", o->images, "An image for the next image placeholder id in the ids (repeatable, in order)");
  sub->add_option("--out", o->out, "Output .npy (float32, shape [T, vocab])")->required();
  sub->add_flag("--decode", o->decode, "Feed tokens one at a time through the state instead of chunked prefill");
  sub->add_option("--threads", o->threads, "CPU threads (0 = all)")->check(CLI::Range(0, 4096));
  add_weights_option(sub, o->weights);
  sub->add_option("--device", o->device, "Where the model computes: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  sub->add_option("--chunk", o->chunk, "Prefill chunk size in tokens")->check(CLI::Range(int64_t(1), int64_t(1) << 30));
  sub->callback([sub, ids, file] {
    if (ids->count() == 0 && file->count() == 0) throw CLI::RequiredError("--ids or --ids-file");
    (void)sub;
  });
  return [o] { return run_logits(*o); };
}

}  // namespace lightvl::cli
