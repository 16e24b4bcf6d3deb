// Test helper: reads the .npy files the golden scripts write (numpy.save, C order, little-endian).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lightvl::test {

struct NpyArray {
  std::string descr;           // numpy dtype string: "|u1", "<f4", "<i4", ...
  std::vector<int64_t> shape;  // empty for a scalar
  std::vector<uint8_t> data;   // raw element bytes, C order

  int64_t numel() const;
  // The data as T; throws std::runtime_error when descr does not name T ("|u1"/uint8_t, "<f4"/float).
  template <typename T> const T* as() const;
};

// Reads `path`. Throws std::runtime_error naming the file on any format problem (tests fail loudly).
NpyArray read_npy(const std::filesystem::path& path);

}  // namespace lightvl::test
