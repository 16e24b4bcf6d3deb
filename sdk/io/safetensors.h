// One .safetensors file, memory-mapped and validated before any tensor is handed out.
//
// Format: an 8-byte little-endian header length N, N bytes of JSON, then the data section. The JSON
// object maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to
// the data section) plus an optional "__metadata__" object of strings.
//
// The file is treated as hostile until proven otherwise: open() checks every number in the header
// against the real file size before anything is read through it, with overflow-checked arithmetic, so a
// truncated, corrupt or crafted file gives an Error instead of a crash or a huge allocation. Only the
// header JSON is copied to the heap (capped at kMaxHeaderBytes); tensor data is never copied, except for
// the rare misaligned tensor (see tensor()).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.h"

namespace lightvl::io {

class MappedFile;

// One tensor entry of a safetensors header, after validation.
struct TensorInfo {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;              // every dimension >= 0; [] is a scalar of one element
  uint64_t numel = 0;       // product of shape (fits in int64)
  uint64_t byte_size = 0;   // numel * dtype_size(dtype) == end - begin of data_offsets
  uint64_t data_offset = 0; // begin of data_offsets: bytes from the start of the data section
};

class SafetensorsFile {
 public:
  // Largest header accepted. Real headers are a few hundred kB (an 8,637-tensor checkpoint spread over
  // 414 shards needs ~2 kB a shard); anything near this limit is corrupt or hostile.
  static constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

  // Maps and validates the file at `path`. Throws:
  //  - Error(kNotFound) / Error(kIo) when the file is missing or cannot be mapped;
  //  - Error(kBadModel) when it is truncated, the header length is out of range, the header is not a JSON
  //    object of valid entries, a shape or offset is invalid, a byte size does not match shape × dtype,
  //    or two tensors overlap;
  //  - Error(kUnsupported) for a dtype that safetensors defines but lightvl does not read (e.g. F8_E4M3).
  // Every message names the file, and the tensor when one is at fault.
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  // All tensors, sorted by name.
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  // The "__metadata__" strings (empty when absent).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // The entry called `name`, or nullptr.
  const TensorInfo* find(std::string_view name) const;

  // A read-only view of tensor `name` (the memory is mapped PROT_READ: never write through it). The
  // Tensor's owner shares the mapping, so it stays valid after this SafetensorsFile is destroyed.
  // When the data is not aligned to its element size in memory (possible only in files not written by
  // the safetensors library), the tensor is copied into aligned memory instead, and a warning is
  // logged once per file, because misaligned float loads are undefined behaviour in C++.
  // Throws Error(kNotFound) naming the tensor and the file when there is no such tensor.
  Tensor tensor(std::string_view name) const;

  // Thread safety: all const members may be called concurrently.

 private:
  std::filesystem::path path_;
  std::shared_ptr<MappedFile> file_;
  uint64_t data_start_ = 0;  // 8 + header length
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
  std::shared_ptr<std::atomic<bool>> warned_misaligned_;  // set once by tensor(); shared by copies
};

}  // namespace lightvl::io
