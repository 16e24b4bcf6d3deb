// .npy reading and writing. The header is a Python literal; rather than accept any Python, we parse
// exactly the dict numpy.save writes, which keeps the parser small and every deviation an error.
#include "io/npy.h"

#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string>

#include "core/error.h"

namespace lightvl::io {
namespace {

static_assert(std::endian::native == std::endian::little, "lightvl reads and writes little-endian .npy data");

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes + the terminating NUL
constexpr size_t kMagicSize = 6;
constexpr uint32_t kMaxHeaderBytes = 1u << 20;  // real headers are < 200 bytes

// The three fields of a .npy header.
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

// A strict reader of the one Python literal numpy writes: a dict with the keys 'descr' (a string),
// 'fortran_order' (True/False) and 'shape' (a tuple of non-negative integers), each exactly once.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  NpyHeader parse() {
    NpyHeader h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (!accept('}')) {
      const std::string key = quoted();
      expect(':');
      if (key == "descr" && !seen_descr) {
        h.descr = quoted();
        seen_descr = true;
      } else if (key == "fortran_order" && !seen_order) {
        h.fortran_order = boolean();
        seen_order = true;
      } else if (key == "shape" && !seen_shape) {
        h.shape = tuple();
        seen_shape = true;
      } else {
        bad("unexpected or repeated key '" + key + "'");
      }
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    if (!seen_descr || !seen_order || !seen_shape) bad("missing 'descr', 'fortran_order' or 'shape'");
    skip_space();
    if (pos_ != text_.size()) bad("trailing characters after the dict");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    std::string shown(text_.substr(0, 120));
    shown.erase(shown.find_last_not_of(" \n") + 1);  // drop numpy's padding
    fail(ErrorCode::kBadModel, file_ + ": malformed .npy header (" + what + " at byte " + std::to_string(pos_) +
                                   " of \"" + shown + "\"); re-create the file with numpy.save");
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t')) ++pos_;
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) bad(std::string("expected '") + c + "'");
  }
  std::string quoted() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) bad("expected a quoted string");
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    }
    bad("expected True or False");
  }
  // "()", "(3,)", "(2, 3)", "(2, 3,)".
  Shape tuple() {
    Shape shape;
    expect('(');
    while (!accept(')')) {
      skip_space();
      int64_t v = 0;
      size_t digits = 0;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) bad("dimension too large");
        v = v * 10 + (text_[pos_++] - '0');
        ++digits;
      }
      if (digits == 0) bad("expected a non-negative integer in the shape");
      shape.push_back(v);
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }

  std::string_view text_;
  std::string file_;
  size_t pos_ = 0;
};

struct NpyType {
  const char* descr;
  DType dtype;
};
constexpr NpyType kReadable[] = {
    {"<f4", DType::kF32}, {"<i4", DType::kI32}, {"<i8", DType::kI64}, {"|u1", DType::kU8}};

std::string header_text(const Shape& shape) {
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";  // a one-element Python tuple needs the comma
  std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that magic + version + length + header (ending in '\n') is a multiple of 64.
  const size_t unpadded = kMagicSize + 2 + 2 + h.size() + 1;
  h.append((64 - unpadded % 64) % 64, ' ');
  h += '\n';
  return h;
}

}  // namespace

void write_npy_f32(const std::filesystem::path& path, const float* data, const Shape& shape) {
  uint64_t numel = 1;
  for (int64_t d : shape) {
    require(d >= 0, ErrorCode::kInvalidArgument, path.string() + ": cannot write shape " + shape_string(shape));
    numel *= uint64_t(d);
  }
  const std::string header = header_text(shape);
  require(header.size() <= 0xffff, ErrorCode::kInvalidArgument,
          path.string() + ": shape " + shape_string(shape) + " is too long for a .npy v1.0 header");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail(ErrorCode::kIo, path.string() + ": cannot open for writing; check the directory exists and is writable");
  const char version_and_length[4] = {1, 0, char(header.size() & 0xff), char(header.size() >> 8)};
  out.write(kMagic, kMagicSize);
  out.write(version_and_length, 4);
  out.write(header.data(), std::streamsize(header.size()));
  out.write(reinterpret_cast<const char*>(data), std::streamsize(numel * sizeof(float)));
  out.close();
  if (!out) fail(ErrorCode::kIo, path.string() + ": write failed (disk full?)");
}

void write_npy(const std::filesystem::path& path, const Tensor& tensor) {
  require(tensor.dtype() == DType::kF32 && tensor.device() == Device::kCpu, ErrorCode::kInvalidArgument,
          path.string() + ": write_npy needs a host f32 tensor, got " + dtype_name(tensor.dtype()) + " on " +
              device_name(tensor.device()));
  write_npy_f32(path, tensor.data<float>(), tensor.shape());
}

Tensor read_npy(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(ErrorCode::kNotFound, file + ": file not found");
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) fail(ErrorCode::kIo, file + ": cannot read the file size: " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::kIo, file + ": cannot open for reading; check its permissions");
  auto bad = [&](const std::string& what) {
    fail(ErrorCode::kBadModel, file + ": " + what + "; re-create the file with numpy.save");
  };

  unsigned char prefix[12] = {};
  in.read(reinterpret_cast<char*>(prefix), 10);
  if (in.gcount() != 10 || std::memcmp(prefix, kMagic, kMagicSize) != 0) bad("not a .npy file (bad magic)");
  const int major = prefix[6];
  uint64_t header_size = 0, prefix_size = 10;
  if (major == 1) {
    header_size = prefix[8] | uint32_t(prefix[9]) << 8;
  } else if (major == 2 || major == 3) {
    in.read(reinterpret_cast<char*>(prefix + 10), 2);
    if (in.gcount() != 2) bad("truncated header");
    header_size = prefix[8] | uint32_t(prefix[9]) << 8 | uint32_t(prefix[10]) << 16 | uint32_t(prefix[11]) << 24;
    prefix_size = 12;
  } else {
    fail(ErrorCode::kUnsupported, file + ": .npy format version " + std::to_string(major) + " is not supported");
  }
  if (header_size > kMaxHeaderBytes || prefix_size + header_size > file_size) bad("header length out of range");
  std::string text(size_t(header_size), '\0');
  in.read(text.data(), std::streamsize(header_size));
  if (uint64_t(in.gcount()) != header_size) bad("truncated header");

  const NpyHeader h = HeaderParser(text, file).parse();
  std::optional<DType> dtype;
  for (const NpyType& t : kReadable) {
    if (h.descr == t.descr) dtype = t.dtype;
  }
  if (!dtype) {
    fail(ErrorCode::kUnsupported, file + ": .npy dtype '" + h.descr +
                                      "' is not supported; save it as little-endian float32, int32, int64 or uint8");
  }
  if (h.fortran_order) {
    fail(ErrorCode::kUnsupported, file + ": Fortran-order .npy is not supported; save a C-order array");
  }
  // Overflow-checked size from header values, compared with the real file before allocating.
  uint64_t bytes = dtype_size(*dtype);
  for (int64_t d : h.shape) {
    if (__builtin_mul_overflow(bytes, uint64_t(d), &bytes)) bad("shape " + shape_string(h.shape) + " overflows");
  }
  if (bytes != file_size - prefix_size - header_size) {
    bad("shape " + shape_string(h.shape) + " needs " + std::to_string(bytes) + " data bytes but the file has " +
        std::to_string(file_size - prefix_size - header_size));
  }
  Tensor t = Tensor::zeros(*dtype, h.shape, path.filename().string());
  in.read(static_cast<char*>(t.raw()), std::streamsize(bytes));
  if (uint64_t(in.gcount()) != bytes) fail(ErrorCode::kIo, file + ": read error");
  return t;
}

}  // namespace lightvl::io
