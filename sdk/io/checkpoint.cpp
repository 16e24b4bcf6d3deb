// Checkpoint: finds the shards of a model directory and builds one name -> (shard, entry) index.
//
// All shards are opened (mapped, headers validated) up front. That costs one header parse per shard
// (milliseconds even for 414 shards) and turns "shard 213 is truncated" into a load-time error instead of
// a failure in the middle of a forward pass. Tensor bytes are not touched here.
#include "io/checkpoint.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "io/json_file.h"

namespace lightvl::io {
namespace fs = std::filesystem;

const char* checkpoint_layout_name(CheckpointLayout layout) {
  switch (layout) {
    case CheckpointLayout::kSingleFile: return "model.safetensors";
    case CheckpointLayout::kIndexed: return "index";
    case CheckpointLayout::kDirectoryScan: return "directory scan";
  }
  return "?";
}

Checkpoint::Checkpoint(const fs::path& model_dir) : directory_(model_dir) {
  std::error_code ec;
  if (!fs::is_directory(model_dir, ec)) {
    fail(ErrorCode::kNotFound, model_dir.string() +
                                   ": model directory not found; pass the directory that holds config.json and the "
                                   ".safetensors files");
  }
  // Same preference order as transformers: a single file wins over an index, and either wins over a
  // bare scan (which exists for hand-made checkpoints with no index).
  if (fs::exists(model_dir / kSingleFileName, ec)) {
    open_single(model_dir / kSingleFileName);
  } else if (fs::exists(model_dir / kIndexFileName, ec)) {
    open_indexed(model_dir / kIndexFileName);
  } else {
    open_directory_scan();
  }
}

void Checkpoint::open_single(const fs::path& file) {
  layout_ = CheckpointLayout::kSingleFile;
  files_.emplace_back(file);
  const std::vector<TensorInfo>& tensors = files_[0].tensors();
  for (size_t t = 0; t < tensors.size(); ++t) index_.emplace(tensors[t].name, Location{0, t});
}

void Checkpoint::open_indexed(const fs::path& index_file) {
  layout_ = CheckpointLayout::kIndexed;
  const std::string where = index_file.string();
  const nlohmann::json index = read_json_file(index_file);
  const auto map_it = index.is_object() ? index.find("weight_map") : index.end();
  if (map_it == index.end() || !map_it->is_object()) {
    fail(ErrorCode::kBadModel, where + ": has no \"weight_map\" object; download the index file again");
  }

  // Shard names must be plain file names in the model directory: an index is data, and a name such as
  // "../../x" must not make us open files elsewhere.
  std::set<std::string> shard_names;
  for (const auto& [tensor, shard] : map_it->items()) {
    const std::string shard_name = shard.is_string() ? shard.get<std::string>() : std::string();
    if (shard_name.empty() || shard_name == "." || shard_name == ".." ||
        shard_name.find_first_of("/\\") != std::string::npos) {
      fail(ErrorCode::kBadModel, where + ": weight_map entry for \"" + tensor + "\" is " + shard.dump() +
                                     ", expected the file name of a shard in the same directory");
    }
    shard_names.insert(shard_name);
  }
  if (shard_names.empty()) fail(ErrorCode::kBadModel, where + ": \"weight_map\" is empty; download the index again");

  std::map<std::string, size_t, std::less<>> file_of_shard;
  for (const std::string& shard_name : shard_names) {
    const fs::path shard_path = directory_ / shard_name;
    std::error_code ec;
    if (!fs::exists(shard_path, ec)) {
      fail(ErrorCode::kNotFound, shard_path.string() + ": shard listed in " + where +
                                     " is missing; finish the download (every shard in the index is needed)");
    }
    file_of_shard.emplace(shard_name, files_.size());
    files_.emplace_back(shard_path);
  }

  // The index is only a claim: check each tensor really is in the shard it names, so that get() can
  // never fail later for a tensor that has() reported.
  for (const auto& [tensor, shard] : map_it->items()) {
    const size_t file = file_of_shard.find(shard.get<std::string>())->second;
    const TensorInfo* info = files_[file].find(tensor);
    if (!info) {
      fail(ErrorCode::kBadModel, files_[file].path().string() + ": tensor \"" + tensor + "\" is listed in " + where +
                                     " but is not in this shard; the index and the shards do not match: download "
                                     "both again");
    }
    index_.emplace(tensor, Location{file, size_t(info - files_[file].tensors().data())});
  }
}

void Checkpoint::open_directory_scan() {
  layout_ = CheckpointLayout::kDirectoryScan;
  std::vector<fs::path> paths;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory_, ec)) {
    if (entry.path().extension() == ".safetensors" && entry.is_regular_file(ec)) paths.push_back(entry.path());
  }
  if (ec) fail(ErrorCode::kIo, directory_.string() + ": cannot list the directory: " + ec.message());
  if (paths.empty()) {
    fail(ErrorCode::kNotFound, directory_.string() + ": no " + kSingleFileName + ", " + kIndexFileName +
                                   " or *.safetensors file; download the model weights into this directory");
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& p : paths) {
    const size_t file = files_.size();
    files_.emplace_back(p);
    const std::vector<TensorInfo>& tensors = files_[file].tensors();
    for (size_t t = 0; t < tensors.size(); ++t) {
      const auto [it, inserted] = index_.emplace(tensors[t].name, Location{file, t});
      if (!inserted) {
        fail(ErrorCode::kBadModel, directory_.string() + ": tensor \"" + tensors[t].name + "\" is in both " +
                                       files_[it->second.file].path().filename().string() + " and " +
                                       p.filename().string() + "; remove the stray file or add an index");
      }
    }
  }
}

const Checkpoint::Location& Checkpoint::locate(std::string_view name) const {
  const auto it = index_.find(name);
  if (it == index_.end()) {
    fail(ErrorCode::kNotFound, directory_.string() + ": the checkpoint has no tensor \"" + std::string(name) +
                                   "\"; check that the weights match config.json, or download them again");
  }
  return it->second;
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& entry : index_) out.push_back(entry.first);
  return out;
}

const TensorInfo& Checkpoint::info(std::string_view name) const {
  const Location& loc = locate(name);
  return files_[loc.file].tensors()[loc.tensor];
}

const fs::path& Checkpoint::file_of(std::string_view name) const { return files_[locate(name).file].path(); }

Tensor Checkpoint::get(std::string_view name) const {
  const Location& loc = locate(name);
  return files_[loc.file].tensor(files_[loc.file].tensors()[loc.tensor].name);
}

std::vector<DTypeTotal> Checkpoint::totals_by_dtype() const {
  std::map<DType, DTypeTotal> totals;
  for (const auto& [name, loc] : index_) {
    const TensorInfo& t = files_[loc.file].tensors()[loc.tensor];
    DTypeTotal& total = totals[t.dtype];
    total.dtype = t.dtype;
    total.tensors += 1;
    total.bytes += t.byte_size;
    total.parameters += t.numel;
  }
  std::vector<DTypeTotal> out;
  for (const auto& entry : totals) out.push_back(entry.second);
  return out;
}

uint64_t Checkpoint::parameter_count() const {
  uint64_t n = 0;
  for (const auto& [name, loc] : index_) n += files_[loc.file].tensors()[loc.tensor].numel;
  return n;
}

}  // namespace lightvl::io
