// SHA-256 against the FIPS 180-4 example vectors and across update() splits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "content_hash.h"

namespace lightvl::caption {
namespace {

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(CaptionSha256, StandardVectors) {
  EXPECT_EQ(sha256_hex(bytes_of("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(bytes_of("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(bytes_of(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(CaptionSha256, SplitsDoNotMatter) {
  std::string message;
  for (int i = 0; i < 300; ++i) message += char(i * 7 + 3);
  const std::string whole = sha256_hex(bytes_of(message));
  for (size_t split : {size_t(1), size_t(55), size_t(56), size_t(63), size_t(64), size_t(65), size_t(200)}) {
    Sha256 hash;
    hash.update(bytes_of(message.substr(0, split)));
    hash.update(bytes_of(message.substr(split)));
    EXPECT_EQ(hash.hex_digest(), whole) << split;
  }
}

}  // namespace
}  // namespace lightvl::caption
