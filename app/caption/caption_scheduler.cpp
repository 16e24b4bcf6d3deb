#include "caption_scheduler.h"

#include <chrono>
#include <new>

#include "lightvl/session.h"

namespace lightvl::caption {
namespace {

// One Session for the whole run. Each image is a conversation of its own (reset first), and the config
// is the same for every image, so with a fixed seed an image's caption does not depend on which images
// came before it: a resumed run writes what an uninterrupted one would.
class SequentialScheduler : public CaptionScheduler {
 public:
  SequentialScheduler(std::shared_ptr<const Model> model, CaptionRequest request)
      : session_(std::move(model)), request_(std::move(request)) {}

  void run(PreparePool& source, const SchedulerCallbacks& callbacks) override {
    auto stop_requested = [&] { return callbacks.should_stop && callbacks.should_stop(); };
    while (!stop_requested()) {
      std::optional<PreparedImage> prepared = source.next(callbacks.should_stop);
      if (!prepared) break;
      CaptionRecord record = record_from(*prepared);
      if (!record.failed()) caption(*prepared, callbacks, record);
      callbacks.on_record(std::move(record));
    }
  }

 private:
  void caption(const PreparedImage& prepared, const SchedulerCallbacks& callbacks, CaptionRecord& record) {
    const auto start = std::chrono::steady_clock::now();
    try {
      session_.reset();  // each image is its own conversation
      std::vector<Message> messages;
      if (!request_.system.empty()) messages.push_back(Message::system(request_.system));
      // The prepared tiles are shared (shared_ptr), so putting the image in a message copies no pixels.
      messages.push_back(Message::user().add_image(prepared.image).add_text(request_.prompt));
      TurnSettings settings;
      if (callbacks.on_token) {
        settings.on_piece = [&](const StreamPiece&) {
          callbacks.on_token();
          return true;
        };
      }
      const GenerationResult result = session_.chat(messages, request_.generation, settings);
      record.caption = result.text;
      record.stop_reason = stop_reason_name(result.stop_reason);
      record.prompt_tokens = result.stats.prompt_tokens;
      record.image_tokens = result.stats.image_tokens;
      record.generated_tokens = result.stats.generated_tokens;
    } catch (const Error& e) {
      // E.g. an image whose tokens do not fit the context: this image fails, the run goes on.
      record.error = std::string(error_code_name(e.code())) + ": " + e.what();
    } catch (const std::bad_alloc&) {
      record.error = "out of memory: the image and prompt do not fit";
    }
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  Session session_;
  const CaptionRequest request_;
};

}  // namespace

std::unique_ptr<CaptionScheduler> make_sequential_scheduler(std::shared_ptr<const Model> model,
                                                            CaptionRequest request) {
  return std::make_unique<SequentialScheduler>(std::move(model), std::move(request));
}

CaptionRecord record_from(const PreparedImage& prepared) {
  CaptionRecord record;
  record.path = prepared.file.path;
  record.size = prepared.file.size;
  record.mtime_ns = prepared.file.mtime_ns;
  record.sha256 = prepared.sha256;
  record.error = prepared.error;
  record.prepare_seconds = prepared.prepare_seconds;
  return record;
}

}  // namespace lightvl::caption
