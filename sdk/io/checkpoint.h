// A model directory's weights: every tensor of every safetensors shard, found by name.
//
// Three layouts, tried in this order:
//  1. kSingleFile: `model.safetensors`.
//  2. kIndexed: `model.safetensors.index.json`, whose "weight_map" maps each tensor name to a shard file
//     in the same directory (the Hugging Face sharded layout; MiniMax-VL-01 has 414 shards). Only the
//     tensors the index lists are visible; each must really be in the shard the index names.
//  3. kDirectoryScan: every `*.safetensors` file in the directory (no index); a name found in two files is
//     refused.
// Every shard is mapped and its header validated when the Checkpoint is opened (see SafetensorsFile), so
// a bad shard is reported at load time, not halfway through a forward pass. Tensor data stays on disk
// until touched.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.h"
#include "io/safetensors.h"

namespace lightvl::io {

enum class CheckpointLayout { kSingleFile, kIndexed, kDirectoryScan };

// Name used in messages ("model.safetensors", "index", "directory scan").
const char* checkpoint_layout_name(CheckpointLayout layout);

// Storage used by the tensors of one dtype (for `lightvl info`).
struct DTypeTotal {
  DType dtype = DType::kF32;
  uint64_t tensors = 0;
  uint64_t bytes = 0;
  uint64_t parameters = 0;  // elements
};

class Checkpoint {
 public:
  // File names looked for in the model directory.
  static constexpr const char* kSingleFileName = "model.safetensors";
  static constexpr const char* kIndexFileName = "model.safetensors.index.json";

  // Opens the checkpoint in `model_dir`. Throws:
  //  - Error(kNotFound) when the directory does not exist, holds no safetensors file, or a shard named by
  //    the index is missing (message names the shard and the index);
  //  - Error(kBadModel) when the index is malformed (not JSON, no "weight_map", a shard name with a path
  //    separator), a tensor listed in the index is absent from its shard, a name appears in two files
  //    of a directory scan, or any shard fails SafetensorsFile's validation;
  //  - Error(kIo) / Error(kUnsupported) as SafetensorsFile.
  explicit Checkpoint(const std::filesystem::path& model_dir);
  // Movable, not copyable: share one Checkpoint (e.g. through a shared_ptr) instead of copying it.
  Checkpoint(Checkpoint&&) = default;
  Checkpoint& operator=(Checkpoint&&) = default;
  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;

  const std::filesystem::path& directory() const { return directory_; }
  CheckpointLayout layout() const { return layout_; }
  // The opened shards, in file-name order.
  const std::vector<SafetensorsFile>& files() const { return files_; }

  bool has(std::string_view name) const { return index_.find(name) != index_.end(); }
  // All tensor names, sorted.
  std::vector<std::string> names() const;
  // The header entry of tensor `name`. Throws Error(kNotFound) like get().
  const TensorInfo& info(std::string_view name) const;
  // The shard file that holds tensor `name`. Throws Error(kNotFound) like get().
  const std::filesystem::path& file_of(std::string_view name) const;
  // A read-only view of tensor `name` that keeps its shard mapped (see SafetensorsFile::tensor).
  // Throws Error(kNotFound) naming the tensor and the directory, and saying to check that the checkpoint
  // matches config.json.
  Tensor get(std::string_view name) const;

  // Tensor count, bytes and parameters per dtype, in DType order, only dtypes that occur.
  std::vector<DTypeTotal> totals_by_dtype() const;
  // Total number of elements over all tensors.
  uint64_t parameter_count() const;

  // Thread safety: immutable after construction; all const members may be called concurrently.

 private:
  struct Location {
    size_t file = 0;    // index into files_
    size_t tensor = 0;  // index into files_[file].tensors()
  };
  const Location& locate(std::string_view name) const;
  void open_single(const std::filesystem::path& file);
  void open_indexed(const std::filesystem::path& index_file);
  void open_directory_scan();

  std::filesystem::path directory_;
  CheckpointLayout layout_ = CheckpointLayout::kSingleFile;
  std::vector<SafetensorsFile> files_;
  std::map<std::string, Location, std::less<>> index_;
};

}  // namespace lightvl::io
