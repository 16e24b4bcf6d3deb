// The producer half of the caption pipeline: a few worker threads read each image file, hash it when
// asked, and decode + tile it with Model::prepare_image while the model captions earlier images. At most
// `window` images are prepared ahead of the consumer (this bounds memory: a prepared image holds its
// tiles as floats, about 1.4 MB a tile at 336 px), and they are handed over in input order so that the
// output order does not depend on thread timing.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "image_inputs.h"
#include "lightvl/model.h"

namespace lightvl::caption {

// One image ready for the model, or the reason it cannot be captioned.
struct PreparedImage {
  ImageFile file;              // the job, with size and mtime as read
  Image image;                 // Source::kPrepared when `error` is empty
  std::string sha256;          // the content hash when hashing was asked for
  std::string error;           // why the image cannot be captioned (unreadable, corrupt, too large, ...)
  double prepare_seconds = 0;  // read + hash + decode + tile
};

struct PrepareOptions {
  int workers = 2;                       // worker threads, at least 1
  size_t window = 4;                     // images prepared but not yet taken, at most (at least 1)
  bool hash = false;                     // compute PreparedImage::sha256
  uint64_t max_file_bytes = UINT64_MAX;  // larger files fail with an error instead of being read
};

// Prepares `jobs` on worker threads that start in the constructor. next() is for one consumer thread;
// stop() may be called from any thread. Errors of single images never escape: they become
// PreparedImage::error.
class PreparePool {
 public:
  // `model` is shared with the consumer (prepare_image is thread-safe).
  PreparePool(std::shared_ptr<const Model> model, std::vector<ImageFile> jobs, const PrepareOptions& options);
  // Stops and joins the workers.
  ~PreparePool();
  PreparePool(const PreparePool&) = delete;
  PreparePool& operator=(const PreparePool&) = delete;

  // The next image in job order, waiting until a worker has prepared it. Returns nullopt when every job
  // was handed out, after stop(), or when `should_stop` (polled every 50 ms while waiting) returns true.
  std::optional<PreparedImage> next(const std::function<bool()>& should_stop = {});

  // Makes the workers finish their current image and exit, and next() return nullopt. Thread-safe.
  void stop();

  // Number of jobs.
  size_t size() const { return jobs_.size(); }

 private:
  void work();
  PreparedImage prepare(const ImageFile& job) const;

  std::shared_ptr<const Model> model_;
  const std::vector<ImageFile> jobs_;
  const PrepareOptions options_;
  std::mutex mutex_;
  std::condition_variable claimable_;  // a worker may claim the next job: the window moved or stopping
  std::condition_variable ready_;      // an image was prepared, or stopping
  size_t next_claim_ = 0;              // first job no worker has claimed
  size_t next_handout_ = 0;            // first job not yet returned by next()
  bool stopping_ = false;
  std::map<size_t, PreparedImage> prepared_;  // finished jobs waiting for next(), by job index
  std::vector<std::thread> workers_;
};

}  // namespace lightvl::caption
