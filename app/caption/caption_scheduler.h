// The consumer half of the caption pipeline: turns prepared images into caption records.
//
// Two implementations: continuous batching (several images in flight in one lightvl::BatchGenerator,
// each record emitted when its caption ends and the slot refilled at once) and one image at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "caption_record.h"
#include "lightvl/generation.h"
#include "lightvl/model.h"
#include "prepare_pool.h"

namespace lightvl::caption {

// What is asked about every image.
struct CaptionRequest {
  std::string prompt;           // the instruction or question, after the image in the user turn
  std::string system;           // system prompt; empty = none
  GenerationConfig generation;  // sampling; with a fixed seed every image is sampled from the same seed
};

// How a scheduler reports. Every callback runs on the thread that called run().
struct SchedulerCallbacks {
  // Each finished image, success or failure. May throw (e.g. the output cannot be written): run() then
  // stops and rethrows.
  std::function<void(CaptionRecord)> on_record;
  // After each generated token, for progress redraws; may be empty.
  std::function<void()> on_token;
  // Polled between images (and while waiting for one): true stops taking new images; the images in
  // flight are finished and recorded first. May be empty.
  std::function<bool()> should_stop;
};

class CaptionScheduler {
 public:
  virtual ~CaptionScheduler() = default;
  // Captions the images of `source`, in its order, until it is exhausted or should_stop() says so.
  // Failures of single images become error records; only on_record's exceptions escape.
  virtual void run(PreparePool& source, const SchedulerCallbacks& callbacks) = 0;
};

// One image at a time through one Session that is reset() between images. A fresh Session per image
// costs the same (tests/caption/bench_caption: 9.28 vs 9.29 ms an image on the tiny model, since reset()
// rebuilds the state the constructor builds); one Session keeps the loop simple. Not thread-safe; one
// run() at a time.
std::unique_ptr<CaptionScheduler> make_sequential_scheduler(std::shared_ptr<const Model> model,
                                                            CaptionRequest request);

// Continuous batching: up to `max_batch` images captioned together (one batched forward pass per step);
// a finished caption frees its slot for the next prepared image. Records come out in input order.
// Not thread-safe; one run() at a time.
std::unique_ptr<CaptionScheduler> make_batched_scheduler(std::shared_ptr<const Model> model, CaptionRequest request,
                                                         int max_batch);

// The record of an image that could not be prepared, or the fields of `prepared` common to every record
// (path, size, mtime, hash, preparation time, error).
CaptionRecord record_from(const PreparedImage& prepared);

}  // namespace lightvl::caption
