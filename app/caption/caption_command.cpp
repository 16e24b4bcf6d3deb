#include "caption_command.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "caption_scheduler.h"
#include "image_inputs.h"
#include "interrupt.h"
#include "lightvl/model.h"
#include "output_file.h"
#include "prepare_pool.h"
#include "progress_display.h"
#include "record_format.h"
#include "resume_index.h"
#include "run_summary.h"

namespace lightvl::caption {
namespace {

RecordFormat resolve_format(const CaptionOptions& o) {
  if (o.format == "jsonl") return RecordFormat::kJsonl;
  if (o.format == "csv") return RecordFormat::kCsv;
  if (!o.format.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "--format must be jsonl or csv (got '" + o.format + "')");
  }
  const bool csv_name = o.output.size() >= 4 && o.output.compare(o.output.size() - 4, 4, ".csv") == 0;
  return csv_name ? RecordFormat::kCsv : RecordFormat::kJsonl;
}

void validate(const CaptionOptions& o) {
  if (o.inputs.empty() && o.list_file.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "no images given: pass files, directories or patterns, or --list FILE");
  }
  if (o.output.empty()) throw Error(ErrorCode::kInvalidArgument, "pass --output FILE (.jsonl or .csv)");
  if (o.workers < 1) throw Error(ErrorCode::kInvalidArgument, "--workers must be at least 1");
  if (o.batch < 1) throw Error(ErrorCode::kInvalidArgument, "--batch must be at least 1");
  if (o.max_image_mb < 1) throw Error(ErrorCode::kInvalidArgument, "--max-image-mb must be at least 1");
}

// Brings the file in line with `plan`: drops replaced records (atomic rewrite) or a torn last line, and
// starts a CSV file with its header.
void prepare_output(OutputFile& out, const ExistingOutput& existing, const ResumePlan& plan, RecordFormat format,
                    bool quiet) {
  const std::string header = format == RecordFormat::kCsv ? csv_header() : std::string();
  if (plan.dropped > 0) {
    std::string content = header;
    for (size_t i : plan.kept) content += existing.records[i].text;
    out.replace(content);
  } else if (existing.torn_tail) {
    out.truncate(existing.valid_bytes);
  }
  if (!quiet && existing.torn_tail) {
    std::fprintf(stderr, "lightvl caption: dropped a torn last line of '%s' (an interrupted write)\n",
                 out.path().c_str());
  }
  if (format == RecordFormat::kCsv && !existing.has_header && plan.dropped == 0) out.append(header);
}

std::shared_ptr<const Model> load_vision_model(const CaptionOptions& o) {
  LoadOptions load;
  load.backend = o.backend;
  load.weights = o.weights;
  load.cpu_threads = o.threads;
  load.context_length = o.context;
  load.progress = [](float, const std::string&) { return !interrupt_requested(); };
  std::shared_ptr<const Model> model = Model::load(o.model, load);
  if (!model->info().has_vision) {
    throw Error(ErrorCode::kUnsupported, "'" + o.model + "' (" + model->info().model_type +
                                             ") has no vision tower: lightvl caption needs a MiniMax-VL-01 model");
  }
  return model;
}

int exit_code(const RunSummary& s, bool interrupted) {
  if (interrupted) return kExitInterrupted;
  return s.failed + s.kept_failures > 0 ? kExitSomeFailed : kExitOk;
}

// Captions plan.todo, appending each record to `out` as soon as it is finished.
void caption_images(const CaptionOptions& o, std::shared_ptr<const Model> model, std::vector<ImageFile> todo,
                    OutputFile& out, RecordFormat format, RunSummary& summary) {
  const size_t total = todo.size();
  PrepareOptions prepare;
  prepare.workers = o.workers;
  prepare.window = size_t(2 * o.workers);  // enough to hide preparation jitter, few enough to bound memory
  prepare.hash = o.hash;
  prepare.max_file_bytes = o.max_image_mb << 20;
  const auto start = std::chrono::steady_clock::now();
  PreparePool pool(model, std::move(todo), prepare);

  CaptionRequest request{o.prompt, o.system, o.generation};
  std::unique_ptr<CaptionScheduler> scheduler = o.batch > 1 ? make_batched_scheduler(model, std::move(request), o.batch)
                                                             : make_sequential_scheduler(model, std::move(request));
  ProgressDisplay progress(choose_progress_style(o.quiet, stderr), total, stderr);
  SchedulerCallbacks callbacks;
  callbacks.on_record = [&](CaptionRecord record) {
    out.append(format_record(record, format));  // durable before the next image starts
    if (record.failed()) {
      ++summary.failed;
    } else {
      ++summary.captioned;
      summary.caption_seconds.push_back(record.seconds);
    }
    progress.record_done(record.failed());
  };
  callbacks.on_token = [&] { progress.tick(); };
  callbacks.should_stop = [] { return interrupt_requested(); };
  try {
    scheduler->run(pool, callbacks);
  } catch (...) {
    progress.finish();  // end the bar's line before the error message
    throw;
  }
  progress.finish();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.remaining = total - summary.captioned - summary.failed;
}

}  // namespace

int run_caption(const CaptionOptions& o, std::istream& list_stream) {
  validate(o);
  const RecordFormat format = resolve_format(o);
  // The output is opened (and locked) first, so an unwritable one is reported before any work.
  OutputFile out = OutputFile::open(o.output, o.overwrite);
  const DiscoveredInputs found = discover_images(o.inputs, {o.recursive, o.list_file}, list_stream);
  // Resume: what the file holds decides what is left to do; the file is repaired before the first append.
  const ExistingOutput existing = read_existing_output(out.read_all(), format, o.output);
  ResumePlan plan = plan_resume(found.images, existing, {o.hash, !o.skip_failed, o.max_image_mb << 20});
  prepare_output(out, existing, plan, format, o.quiet);

  RunSummary summary;
  summary.already_done = plan.already_done;
  summary.kept_failures = plan.kept_failures;
  summary.not_images = found.not_images;
  if (!o.quiet) {
    std::fprintf(stderr, "lightvl caption: %zu images (%zu other files skipped), %zu already in '%s', %zu to caption\n",
                 found.images.size(), found.not_images, plan.already_done, o.output.c_str(), plan.todo.size());
  }
  bool interrupted = false;
  if (!plan.todo.empty()) {
    const InterruptHandlers handlers;  // from the model load on, Ctrl-C stops cleanly
    try {
      caption_images(o, load_vision_model(o), std::move(plan.todo), out, format, summary);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kCancelled) throw;  // Ctrl-C during the model load
      summary.remaining = found.images.size() - plan.already_done;
    }
    interrupted = interrupt_requested();
  }
  if (!o.quiet) {
    std::fputs(summary_text(summary).c_str(), stderr);
    if (interrupted) {
      std::fprintf(stderr, "lightvl caption: interrupted; run the same command again to caption the %zu left\n",
                   summary.remaining);
    }
  }
  return exit_code(summary, interrupted);
}

}  // namespace lightvl::caption
