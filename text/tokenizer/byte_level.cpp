// GPT-2's bytes_to_unicode table, built once.
#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

struct Tables {
  std::array<char32_t, 256> to_char{};
  std::array<std::string, 256> to_utf8;  // UTF-8 of to_char[b], precomputed for the hot path
  std::array<int16_t, 512> to_byte{};    // every mapped code point is below 512

  Tables() {
    // Bytes that are printable and not whitespace map to themselves ('!'..'~', '¡'..'¬', '®'..'ÿ');
    // the other 68 bytes take the code points 256, 257, ... in increasing byte order.
    to_byte.fill(-1);
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_char[b] = printable ? static_cast<char32_t>(b) : next++;
      append_utf8(to_utf8[b], to_char[b]);
      to_byte[to_char[b]] = static_cast<int16_t>(b);
    }
  }
};

const Tables& tables() {
  static const Tables instance;
  return instance;
}

}  // namespace

void append_byte_level(std::string& out, std::string_view bytes) {
  const Tables& t = tables();
  for (const char c : bytes) out += t.to_utf8[static_cast<unsigned char>(c)];
}

int byte_level_char_to_byte(char32_t cp) { return cp < 512 ? tables().to_byte[cp] : -1; }

char32_t byte_level_byte_to_char(uint8_t b) { return tables().to_char[b]; }

}  // namespace lightvl::text
