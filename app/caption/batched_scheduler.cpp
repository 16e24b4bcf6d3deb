// The continuous-batching caption scheduler: up to `max_batch` images are in flight in one
// lightvl::BatchGenerator. Whenever a caption ends, its record is written and the next prepared image
// takes the free slot, so the model always decodes a full batch while there is work. Records are released
// in input order through a small reorder buffer (a caption that ends early waits for the earlier images
// still in flight), so the output reads like the sequential scheduler's; with a fixed seed every caption
// is also the same as the sequential scheduler's, because each request samples from its own seed. A
// crash loses at most the images in flight (at most the batch size).
#include <chrono>
#include <map>
#include <new>

#include "caption_scheduler.h"
#include "lightvl/batch.h"

namespace lightvl::caption {
namespace {

using Clock = std::chrono::steady_clock;

class BatchedScheduler : public CaptionScheduler {
 public:
  BatchedScheduler(std::shared_ptr<const Model> model, CaptionRequest request, int max_batch)
      : generator_(std::move(model)), request_(std::move(request)), max_batch_(size_t(std::max(1, max_batch))) {}

  void run(PreparePool& source, const SchedulerCallbacks& callbacks) override {
    auto stop_requested = [&] { return callbacks.should_stop && callbacks.should_stop(); };
    bool exhausted = false;
    while (true) {
      while (!exhausted && !stop_requested() && generator_.active() < max_batch_) {
        std::optional<PreparedImage> prepared = source.next(callbacks.should_stop);
        if (!prepared) {
          exhausted = true;
          break;
        }
        admit(*prepared, callbacks);
      }
      if (generator_.active() == 0) break;  // nothing in flight and nothing more to take
      for (auto& [id, result] : generator_.step()) finish(id, result, callbacks);
    }
  }

 private:
  struct InFlight {
    uint64_t order;  // position in the input, for the reorder buffer
    CaptionRecord record;
    Clock::time_point start;
  };

  // Holds `record` (input position `order`) until every earlier record is out, then releases in order.
  void release(uint64_t order, CaptionRecord record, const SchedulerCallbacks& callbacks) {
    ready_.emplace(order, std::move(record));
    while (!ready_.empty() && ready_.begin()->first == next_release_) {
      CaptionRecord out = std::move(ready_.begin()->second);
      ready_.erase(ready_.begin());
      ++next_release_;
      callbacks.on_record(std::move(out));
    }
  }

  void admit(const PreparedImage& prepared, const SchedulerCallbacks& callbacks) {
    CaptionRecord record = record_from(prepared);
    const uint64_t order = next_order_++;
    if (record.failed()) return release(order, std::move(record), callbacks);
    const Clock::time_point start = Clock::now();
    try {
      std::vector<Message> messages;
      if (!request_.system.empty()) messages.push_back(Message::system(request_.system));
      messages.push_back(Message::user().add_image(prepared.image).add_text(request_.prompt));
      StreamCallback on_piece;
      if (callbacks.on_token) {
        on_piece = [&callbacks](const StreamPiece&) {
          callbacks.on_token();
          return true;
        };
      }
      const int64_t id = generator_.add(messages, request_.generation, std::move(on_piece));
      in_flight_[id] = InFlight{order, std::move(record), start};
    } catch (const Error& e) {  // e.g. too many tokens for the context: this image fails, the run goes on
      record.error = std::string(error_code_name(e.code())) + ": " + e.what();
      record.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      release(order, std::move(record), callbacks);
    } catch (const std::bad_alloc&) {
      record.error = "out of memory: the image and prompt do not fit";
      release(order, std::move(record), callbacks);
    }
  }

  void finish(int64_t id, const GenerationResult& result, const SchedulerCallbacks& callbacks) {
    InFlight flight = std::move(in_flight_.at(id));
    in_flight_.erase(id);
    CaptionRecord& record = flight.record;
    record.caption = result.text;
    record.stop_reason = stop_reason_name(result.stop_reason);
    record.prompt_tokens = result.stats.prompt_tokens;
    record.image_tokens = result.stats.image_tokens;
    record.generated_tokens = result.stats.generated_tokens;
    record.seconds = std::chrono::duration<double>(Clock::now() - flight.start).count();
    release(flight.order, std::move(record), callbacks);
  }

  BatchGenerator generator_;
  const CaptionRequest request_;
  const size_t max_batch_;
  std::map<int64_t, InFlight> in_flight_;
  std::map<uint64_t, CaptionRecord> ready_;  // finished, waiting for earlier records
  uint64_t next_order_ = 0, next_release_ = 0;
};

}  // namespace

std::unique_ptr<CaptionScheduler> make_batched_scheduler(std::shared_ptr<const Model> model, CaptionRequest request,
                                                         int max_batch) {
  return std::make_unique<BatchedScheduler>(std::move(model), std::move(request), max_batch);
}

}  // namespace lightvl::caption
