#include <gtest/gtest.h>

#include "io_test_util.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include <unistd.h>

namespace lightvl::io::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("lightvl-io-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

void write_json(const fs::path& path, const nlohmann::json& value) { write_file(path, value.dump(2)); }

std::string safetensors_bytes(uint64_t header_length, const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[size_t(i)] = char((header_length >> (8 * i)) & 0xff);
  return out + header + data;
}

SafetensorsWriter& SafetensorsWriter::add(const std::string& name, const std::string& dtype, const Shape& shape,
                                          const std::string& bytes) {
  const uint64_t begin = data_.size();
  data_ += bytes;
  entries_.push_back({name, dtype, shape, begin, data_.size()});
  return *this;
}

SafetensorsWriter& SafetensorsWriter::add_f32(const std::string& name, const Shape& shape,
                                              const std::vector<float>& values) {
  std::string bytes(values.size() * 4, '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());  // the test hosts are little-endian
  return add(name, "F32", shape, bytes);
}

SafetensorsWriter& SafetensorsWriter::add_u16(const std::string& name, const std::string& dtype, const Shape& shape,
                                              const std::vector<uint16_t>& bits) {
  std::string bytes;
  for (uint16_t b : bits) {
    bytes += char(b & 0xff);
    bytes += char(b >> 8);
  }
  return add(name, dtype, shape, bytes);
}

SafetensorsWriter& SafetensorsWriter::add_zeros(const std::string& name, const std::string& dtype, const Shape& shape) {
  size_t n = 1;
  for (int64_t d : shape) n *= size_t(d);
  const size_t element = dtype == "F32" || dtype == "I32" ? 4 : dtype == "I64" || dtype == "F64" ? 8
                         : dtype == "U8" || dtype == "I8" || dtype == "BOOL"            ? 1
                                                                                          : 2;
  return add(name, dtype, shape, std::string(n * element, '\0'));
}

SafetensorsWriter& SafetensorsWriter::metadata(const std::string& key, const std::string& value) {
  metadata_.emplace_back(key, value);
  return *this;
}

nlohmann::json SafetensorsWriter::header() const {
  nlohmann::json h = nlohmann::json::object();
  if (!metadata_.empty()) {
    nlohmann::json meta = nlohmann::json::object();
    for (const auto& [k, v] : metadata_) meta[k] = v;
    h["__metadata__"] = meta;
  }
  for (const Entry& e : entries_) {
    h[e.name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {e.begin, e.end}}};
  }
  return h;
}

std::string SafetensorsWriter::bytes_with(const std::string& header_text) const {
  std::string text = header_text;
  text.append((8 - text.size() % 8) % 8, ' ');
  return safetensors_bytes(text.size(), text, data_);
}

std::string SafetensorsWriter::bytes() const { return bytes_with(header().dump()); }

void SafetensorsWriter::write(const fs::path& path) const { write_file(path, bytes()); }

::testing::AssertionResult throws_error(const std::function<void()>& f, ErrorCode code,
                                        const std::vector<std::string>& mentions) {
  try {
    f();
  } catch (const Error& e) {
    const std::string message = e.what();
    std::printf("  [%s] %s\n", error_code_name(e.code()), message.c_str());
    if (e.code() != code) {
      return ::testing::AssertionFailure() << "expected code \"" << error_code_name(code) << "\", got \""
                                           << error_code_name(e.code()) << "\": " << message;
    }
    for (const std::string& m : mentions) {
      if (message.find(m) == std::string::npos) {
        return ::testing::AssertionFailure() << "message does not mention \"" << m << "\": " << message;
      }
    }
    return ::testing::AssertionSuccess() << message;
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-lightvl exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

}  // namespace lightvl::io::testing
