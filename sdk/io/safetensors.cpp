// SafetensorsFile: the validation order is what makes hostile files safe. Sizes are checked before
// the header is parsed, each entry before it is stored, and overlaps after all entries are known; only
// then can tensor() turn offsets into pointers without further checks.
#include "io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "core/logging.h"
#include "io/json_file.h"
#include "io/mapped_file.h"

namespace lightvl::io {
namespace {

using nlohmann::json;

// dtype strings the safetensors format defines but lightvl does not read. Distinguishing them from
// garbage lets us say "unsupported" for a valid FP8 checkpoint and "corrupt" for a damaged one.
constexpr std::string_view kDefinedButUnsupported[] = {"F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2",
                                                       "F4",      "U16",     "U32",     "U64",     "C64"};

const char* const kReDownload = "; the file is corrupt or truncated: download it again";

uint64_t read_le_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A JSON number that is a non-negative integer, as uint64. False for floats, negatives, other types.
bool to_u64(const json& j, uint64_t* out) {
  if (j.is_number_unsigned()) {
    *out = j.get<uint64_t>();
    return true;
  }
  if (j.is_number_integer() && j.get<int64_t>() >= 0) {
    *out = uint64_t(j.get<int64_t>());
    return true;
  }
  return false;
}

std::string short_dump(const json& j) {
  std::string s = j.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

// Validates one header entry; `data_size` is the length of the data section. Never reads tensor bytes.
TensorInfo parse_entry(const std::string& file, const std::string& name, const json& entry, uint64_t data_size) {
  const std::string where = file + ": tensor \"" + name + "\"";
  auto bad = [&](const std::string& what) { fail(ErrorCode::kBadModel, where + ": " + what + kReDownload); };

  if (!entry.is_object()) bad("header entry is " + short_dump(entry) + ", expected an object");
  const auto dtype_it = entry.find("dtype");
  const auto shape_it = entry.find("shape");
  const auto offsets_it = entry.find("data_offsets");
  if (dtype_it == entry.end() || shape_it == entry.end() || offsets_it == entry.end()) {
    bad("header entry lacks \"dtype\", \"shape\" or \"data_offsets\"");
  }

  TensorInfo info;
  info.name = name;
  if (!dtype_it->is_string()) bad("dtype is " + short_dump(*dtype_it) + ", expected a string");
  const std::string dtype = dtype_it->get<std::string>();
  if (!dtype_from_safetensors(dtype, &info.dtype)) {
    const bool defined = std::find(std::begin(kDefinedButUnsupported), std::end(kDefinedButUnsupported), dtype) !=
                         std::end(kDefinedButUnsupported);
    if (defined) {
      fail(ErrorCode::kUnsupported, where + ": dtype " + dtype +
                                        " is not supported (lightvl reads F32, F16, BF16, F64, I64, I32, I16, I8, "
                                        "U8, BOOL); convert the checkpoint to bf16");
    }
    bad("unknown dtype \"" + dtype + "\"");
  }

  if (!shape_it->is_array()) bad("shape is " + short_dump(*shape_it) + ", expected an array of integers");
  // numel and bytes are computed in uint64 with overflow checks: a crafted shape such as
  // [2^40, 2^40] must be refused here, not wrap around to a small number that passes the size check.
  uint64_t numel = 1;
  for (const json& d : *shape_it) {
    uint64_t dim = 0;
    if (!to_u64(d, &dim) || dim > uint64_t(std::numeric_limits<int64_t>::max())) {
      bad("shape " + short_dump(*shape_it) + " has an entry that is not a non-negative integer");
    }
    info.shape.push_back(int64_t(dim));
    if (__builtin_mul_overflow(numel, dim, &numel)) bad("shape " + short_dump(*shape_it) + " overflows 64 bits");
  }
  if (numel > uint64_t(std::numeric_limits<int64_t>::max()) ||
      __builtin_mul_overflow(numel, uint64_t(dtype_size(info.dtype)), &info.byte_size)) {
    bad("shape " + short_dump(*shape_it) + " overflows 64 bits");
  }
  info.numel = numel;

  uint64_t begin = 0, end = 0;
  if (!offsets_it->is_array() || offsets_it->size() != 2 || !to_u64((*offsets_it)[0], &begin) ||
      !to_u64((*offsets_it)[1], &end)) {
    bad("data_offsets is " + short_dump(*offsets_it) + ", expected [begin, end] with non-negative integers");
  }
  if (begin > end || end > data_size) {
    bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] is outside the data section of " +
        std::to_string(data_size) + " bytes");
  }
  if (end - begin != info.byte_size) {
    bad("shape " + shape_string(info.shape) + " of " + dtype_name(info.dtype) + " needs " +
        std::to_string(info.byte_size) + " bytes but data_offsets [" + std::to_string(begin) + ", " +
        std::to_string(end) + "] span " + std::to_string(end - begin));
  }
  info.data_offset = begin;
  return info;
}

// Refuses two non-empty tensors whose byte ranges intersect (empty tensors occupy no bytes).
void check_no_overlap(const std::string& file, const std::vector<TensorInfo>& tensors) {
  std::vector<const TensorInfo*> by_offset;
  for (const TensorInfo& t : tensors) {
    if (t.byte_size > 0) by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->data_offset < b->data_offset; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const TensorInfo& prev = *by_offset[i - 1];
    const TensorInfo& cur = *by_offset[i];
    if (cur.data_offset < prev.data_offset + prev.byte_size) {
      fail(ErrorCode::kBadModel, file + ": tensors \"" + prev.name + "\" and \"" + cur.name +
                                     "\" overlap in the data section" + kReDownload);
    }
  }
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : path_(path), file_(MappedFile::open(path)), warned_misaligned_(std::make_shared<std::atomic<bool>>(false)) {
  const std::string name = path.string();
  const uint64_t size = file_->size();
  if (size < 8) {
    fail(ErrorCode::kBadModel, name + ": " + std::to_string(size) +
                                   "-byte file is too short for the 8-byte safetensors header length" + kReDownload);
  }
  const uint64_t header_size = read_le_u64(file_->data());
  if (header_size > kMaxHeaderBytes) {
    fail(ErrorCode::kBadModel, name + ": safetensors header length " + std::to_string(header_size) +
                                   " is larger than the " + std::to_string(kMaxHeaderBytes) + "-byte limit" +
                                   kReDownload);
  }
  if (header_size > size - 8) {
    fail(ErrorCode::kBadModel, name + ": safetensors header length " + std::to_string(header_size) +
                                   " runs past the end of the " + std::to_string(size) + "-byte file" + kReDownload);
  }
  data_start_ = 8 + header_size;
  const uint64_t data_size = size - data_start_;

  // Parsed in place from the mapping: the 100 MB cap above bounds what the JSON parser can allocate.
  const std::string_view header_text(reinterpret_cast<const char*>(file_->data() + 8), size_t(header_size));
  const json header = parse_json_text(header_text, name + " (safetensors header)");
  if (!header.is_object()) {
    fail(ErrorCode::kBadModel, name + ": the safetensors header is not a JSON object" + kReDownload);
  }
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) fail(ErrorCode::kBadModel, name + ": \"__metadata__\" is not an object" + kReDownload);
      for (const auto& [meta_key, meta_value] : value.items()) {
        if (!meta_value.is_string()) {
          fail(ErrorCode::kBadModel, name + ": \"__metadata__\" value for \"" + meta_key + "\" is not a string" +
                                         kReDownload);
        }
        metadata_[meta_key] = meta_value.get<std::string>();
      }
      continue;
    }
    tensors_.push_back(parse_entry(name, key, value, data_size));
  }
  check_no_overlap(name, tensors_);
  // nlohmann's object iterates in key order already; sort anyway so find() does not depend on that.
  std::sort(tensors_.begin(), tensors_.end(), [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorInfo& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

Tensor SafetensorsFile::tensor(std::string_view name) const {
  const TensorInfo* info = find(name);
  if (!info) {
    fail(ErrorCode::kNotFound, path_.string() + ": no tensor named \"" + std::string(name) +
                                   "\"; check the name or that this is the right checkpoint");
  }
  // Offsets were checked in the constructor: [data_start_ + offset, + byte_size) lies inside the mapping.
  const uint8_t* bytes = file_->data() + data_start_ + info->data_offset;
  void* data = const_cast<uint8_t*>(bytes);
  if (reinterpret_cast<uintptr_t>(bytes) % dtype_size(info->dtype) == 0) {
    return Tensor(info->dtype, info->shape, data, file_, Device::kCpu, info->name);
  }
  if (!warned_misaligned_->exchange(true)) {
    log_warning(path_.string() + ": tensor data is not aligned to its element size (first: \"" + info->name +
                "\"); such tensors are copied on load. Re-save the file with the safetensors library to avoid it");
  }
  const Tensor view(info->dtype, info->shape, data, file_, Device::kCpu, info->name);
  return view.clone();
}

}  // namespace lightvl::io
