// lightvl caption: a caption (or the answer to one fixed question) for every image of a folder, a list or
// a set of patterns, written record by record to a JSON Lines or CSV file that a rerun resumes. The work
// itself lives in app/caption (lightvl_caption_tool); this file only maps the flags.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "caption_command.h"
#include "cli_common.h"
#include "commands.h"
#include "sampling_flags.h"

namespace lightvl::cli {

Command add_caption(CLI::App& app) {
  auto o = std::make_shared<caption::CaptionOptions>();
  auto device = std::make_shared<std::string>("cpu");
  auto weights = std::make_shared<std::string>("checkpoint");
  o->generation.max_tokens = 128;  // captions are short; shown as the default in --help
  CLI::App* sub = app.add_subcommand("caption", "Caption every image of files, folders, patterns or a list into a "
                                                "JSON Lines or CSV file; rerunning resumes");
  sub->add_option("--model", o->model, "Model directory (MiniMax-VL-01)")->required();
  sub->add_option("inputs", o->inputs, "Image files, directories or glob patterns (quote patterns)");
  sub->add_option("--list", o->list_file, "A file with one input a line ('-' = standard input)");
  sub->add_flag("--recursive,-r", o->recursive, "Descend into subdirectories");
  sub->add_option("--output,-o", o->output, "The captions file; appended to and resumed")->required();
  sub->add_option("--format", o->format, "jsonl or csv (default: csv for a .csv output, else jsonl)")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  sub->add_option("--prompt", o->prompt, "The instruction or question asked about each image")->capture_default_str();
  sub->add_option("--system", o->system, "System prompt");
  sub->add_flag("--hash", o->hash, "Resume by content (SHA-256) instead of file size and modification time");
  sub->add_flag("--overwrite", o->overwrite, "Start afresh: empty the output first");
  sub->add_flag("--skip-failed", o->skip_failed, "Keep the error records of an earlier run instead of retrying");
  sub->add_flag("--quiet,-q", o->quiet, "No progress and no summary on stderr");
  sub->add_option("--workers", o->workers, "Threads that decode and tile images ahead of the model")
      ->check(CLI::Range(1, 256))->capture_default_str();
  sub->add_option("--batch", o->batch, "Images captioned together (continuous batching); 1 = one at a time")
      ->check(CLI::Range(1, 1024))->capture_default_str();
  sub->add_option("--max-image-mb", o->max_image_mb, "Image files larger than this fail without being read")
      ->check(CLI::Range(uint64_t(1), uint64_t(1) << 20))->capture_default_str();
  sub->add_option("--device", *device, "Where the model computes: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  add_weights_option(sub, *weights);
  sub->add_option("--threads", o->threads, "CPU threads of the model (0 = all)")->check(CLI::Range(0, 4096));
  sub->add_option("--context", o->context, "Context length (0 = the model's)")
      ->check(CLI::Range(int64_t(0), int64_t(1) << 40));
  add_sampling_flags(*sub, o->generation);
  return [o, device, weights] {
    o->backend = *device == "cuda" ? Backend::kCuda : Backend::kCpu;
    o->weights = weight_format_of(*weights);
    return caption::run_caption(*o, std::cin);
  };
}

}  // namespace lightvl::cli
