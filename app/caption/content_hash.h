// SHA-256 (FIPS 180-4) of image files, for --hash: resuming by content instead of size + mtime, so files
// copied without their times are still recognised. Written here because the SDK has no hash and the
// project's dependencies do not include a crypto library; tested against the standard's vectors.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace lightvl::caption {

// Incremental SHA-256. Not thread-safe per object; independent objects may be used from any thread.
class Sha256 {
 public:
  Sha256();
  // Adds `bytes` to the message.
  void update(std::span<const uint8_t> bytes);
  // The digest of everything added, as 64 lowercase hex digits. Call once; the object is spent after.
  std::string hex_digest();

 private:
  void compress(const uint8_t* block);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// SHA-256 of `bytes` as lowercase hex. Thread-safe.
std::string sha256_hex(std::span<const uint8_t> bytes);

}  // namespace lightvl::caption
