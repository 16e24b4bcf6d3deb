// The captions file on disk: opened and locked before any work, repaired or compacted once at the start,
// then appended to one durable record at a time.
//
// Durability: each record is written with a single write(2) of the complete line and then fdatasync(2)ed
// before the next image is captioned, so a crash or power loss loses at most the image in flight and at
// worst leaves a torn last line, which the resume reader drops. A rewrite (compaction) goes to a temporary
// file in the same directory that is fsynced and renamed over the original, so it is all-or-nothing.
#pragma once

#include <string>

namespace lightvl::caption {

// An open, exclusively locked captions file. Not thread-safe: one writer thread. Move-only; closing
// releases the lock.
class OutputFile {
 public:
  // Opens `path` for reading and appending, creating it if needed (emptying it when `overwrite`), and
  // takes an exclusive advisory lock so two runs cannot write the same file. Throws Error(kIo) naming the
  // path and the reason when it cannot be created, opened or written, or is locked by another run.
  static OutputFile open(const std::string& path, bool overwrite);

  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  const std::string& path() const { return path_; }

  // The file's whole current content. Throws Error(kIo).
  std::string read_all() const;

  // Cuts the file to its first `bytes` bytes and syncs it (drops a torn last line). Throws Error(kIo).
  void truncate(size_t bytes);

  // Replaces the content with `content` atomically (temporary file, fsync, rename, directory fsync) and
  // keeps the lock on the new file. Throws Error(kIo); on failure the old content is intact.
  void replace(const std::string& content);

  // Appends `text` (one or more complete lines) with one write and fdatasync()s it. Throws Error(kIo),
  // e.g. when the disk is full.
  void append(const std::string& text);

 private:
  OutputFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
};

}  // namespace lightvl::caption
