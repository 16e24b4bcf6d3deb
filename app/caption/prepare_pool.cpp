#include "prepare_pool.h"

#include <chrono>
#include <new>

#include "content_hash.h"

namespace lightvl::caption {

PreparePool::PreparePool(std::shared_ptr<const Model> model, std::vector<ImageFile> jobs,
                         const PrepareOptions& options)
    : model_(std::move(model)), jobs_(std::move(jobs)), options_(options) {
  const int workers = std::max(1, options_.workers);
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

PreparePool::~PreparePool() {
  stop();
  for (std::thread& worker : workers_) worker.join();
}

void PreparePool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  claimable_.notify_all();
  ready_.notify_all();
}

void PreparePool::work() {
  const size_t window = std::max<size_t>(1, options_.window);
  while (true) {
    size_t index = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // Claim only inside the window, so a slow model does not let prepared images pile up in memory.
      claimable_.wait(lock, [&] { return stopping_ || next_claim_ >= jobs_.size() || next_claim_ < next_handout_ + window; });
      if (stopping_ || next_claim_ >= jobs_.size()) return;
      index = next_claim_++;
    }
    PreparedImage image = prepare(jobs_[index]);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      prepared_.emplace(index, std::move(image));
    }
    ready_.notify_all();
  }
}

PreparedImage PreparePool::prepare(const ImageFile& job) const {
  const auto start = std::chrono::steady_clock::now();
  PreparedImage out;
  out.file = job;
  out.error = job.error;
  if (out.error.empty()) {
    try {
      FileContent content = read_image_file(job.path, options_.max_file_bytes);
      out.file.size = content.size;
      out.file.mtime_ns = content.mtime_ns;
      if (options_.hash) out.sha256 = sha256_hex(content.bytes);
      out.image = model_->prepare_image(Image::from_encoded(std::move(content.bytes), job.path));
    } catch (const Error& e) {
      out.error = std::string(error_code_name(e.code())) + ": " + e.what();
    } catch (const std::bad_alloc&) {
      out.error = "out of memory: the image is too large to decode";
    } catch (const std::exception& e) {
      out.error = std::string("internal error: ") + e.what();
    }
  }
  out.prepare_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::optional<PreparedImage> PreparePool::next(const std::function<bool()>& should_stop) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (stopping_ || next_handout_ >= jobs_.size()) return std::nullopt;
    const auto found = prepared_.find(next_handout_);
    if (found != prepared_.end()) {
      PreparedImage image = std::move(found->second);
      prepared_.erase(found);
      ++next_handout_;
      lock.unlock();
      claimable_.notify_all();
      return image;
    }
    // Polling, because a signal handler (Ctrl-C) cannot notify a condition variable.
    ready_.wait_for(lock, std::chrono::milliseconds(50));
    if (should_stop && should_stop()) return std::nullopt;
  }
}

}  // namespace lightvl::caption
