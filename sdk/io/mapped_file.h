// A whole file mapped read-only into memory (POSIX mmap).
//
// Checkpoint shards are hundreds of gigabytes: mapping them costs no reads up front, lets the kernel page
// weights in on first touch, and lets every Tensor view point straight into the page cache. The mapping
// is PROT_READ: writing through a weight tensor is a programmer error and faults.
//
// Limit: if another process truncates the file while it is mapped, touching the lost pages raises
// SIGBUS. No portable API prevents that; do not edit checkpoints while lightvl runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace lightvl::io {

class MappedFile {
 public:
  // Maps the regular file at `path`. A zero-length file gives a valid object with size() 0 and no
  // mapping. Throws Error(kNotFound) when the file does not exist and Error(kIo) when it is not a regular
  // file or cannot be opened or mapped; messages name `path`. The returned object is immutable and
  // thread-safe; it is shared so that tensor views can keep the mapping alive.
  static std::shared_ptr<MappedFile> open(const std::filesystem::path& path);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // First byte of the mapping (page-aligned), or nullptr when size() is 0.
  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

 private:
  MappedFile(std::filesystem::path path, const uint8_t* data, uint64_t size)
      : path_(std::move(path)), data_(data), size_(size) {}

  std::filesystem::path path_;
  const uint8_t* data_;
  uint64_t size_;
};

}  // namespace lightvl::io
