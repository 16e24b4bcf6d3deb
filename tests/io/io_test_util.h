// Helpers for the io tests: a temporary directory, a tiny safetensors writer and an error matcher.
//
// The writer is written from the format description (8-byte little-endian header length, JSON header,
// data section), not from lightvl's reader, so that reading its files tests the reader against the format.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tensor.h"

namespace lightvl::io::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `bytes` to `path`, replacing it.
void write_file(const std::filesystem::path& path, const std::string& bytes);
// Serialises `value` to `path` (pretty-printed, like Hugging Face config files).
void write_json(const std::filesystem::path& path, const nlohmann::json& value);

// The raw bytes of a file: the 8-byte header length `header_length` followed by `header` and `data`.
std::string safetensors_bytes(uint64_t header_length, const std::string& header, const std::string& data);

// Builds valid safetensors files tensor by tensor; offsets are laid out contiguously in add order.
class SafetensorsWriter {
 public:
  // `dtype` is the safetensors spelling ("F32", "BF16"...); `bytes` is the raw little-endian data.
  SafetensorsWriter& add(const std::string& name, const std::string& dtype, const Shape& shape, const std::string& bytes);
  SafetensorsWriter& add_f32(const std::string& name, const Shape& shape, const std::vector<float>& values);
  // bf16 / f16 given as raw 16-bit patterns.
  SafetensorsWriter& add_u16(const std::string& name, const std::string& dtype, const Shape& shape,
                             const std::vector<uint16_t>& bits);
  // A tensor of zeros of the right size for `shape` and `dtype`.
  SafetensorsWriter& add_zeros(const std::string& name, const std::string& dtype, const Shape& shape);
  SafetensorsWriter& metadata(const std::string& key, const std::string& value);

  // The header as a JSON object (edit it to make a broken file, then pass to bytes_with()).
  nlohmann::json header() const;
  const std::string& data() const { return data_; }
  // The file: header padded with spaces to a multiple of 8 bytes, as the safetensors library does.
  std::string bytes() const;
  // A file with the given header text instead of header().
  std::string bytes_with(const std::string& header_text) const;
  void write(const std::filesystem::path& path) const;

 private:
  struct Entry {
    std::string name, dtype;
    Shape shape;
    uint64_t begin, end;
  };
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::string data_;
};

// Runs `f` and checks that it throws lightvl::Error with `code` and a message containing every string
// of `mentions` (the file, tensor or key the message must name). Prints the message, so the test log
// shows what users would read.
::testing::AssertionResult throws_error(const std::function<void()>& f, ErrorCode code,
                                        const std::vector<std::string>& mentions);

}  // namespace lightvl::io::testing
