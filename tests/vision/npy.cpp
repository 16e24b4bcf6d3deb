#include "npy.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace lightvl::test {

namespace {

[[noreturn]] void bad(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": not a readable .npy file: " + what);
}

// The value text after 'key': in the header dict, up to the next ',' at depth 0 (or the closing ')').
std::string dict_value(const std::string& header, const std::string& key, const std::filesystem::path& path) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) bad(path, "header has no '" + key + "'");
  at = header.find(':', at) + 1;
  while (header[at] == ' ') ++at;
  if (header[at] == '(') return header.substr(at + 1, header.find(')', at) - at - 1);
  size_t end = header.find_first_of(",}", at);
  std::string value = header.substr(at, end - at);
  if (!value.empty() && value.front() == '\'') value = value.substr(1, value.size() - 2);
  return value;
}

}  // namespace

int64_t NpyArray::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

template <> const uint8_t* NpyArray::as<uint8_t>() const {
  if (descr != "|u1") throw std::runtime_error("npy dtype is " + descr + ", not uint8");
  return data.data();
}

template <> const float* NpyArray::as<float>() const {
  if (descr != "<f4") throw std::runtime_error("npy dtype is " + descr + ", not float32");
  return reinterpret_cast<const float*>(data.data());
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) bad(path, "cannot open");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) bad(path, "no NUMPY magic");
  const int major = bytes[6];
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = bytes[8] | size_t(bytes[9]) << 8;
    offset = 10;
  } else {
    header_len = bytes[8] | size_t(bytes[9]) << 8 | size_t(bytes[10]) << 16 | size_t(bytes[11]) << 24;
    offset = 12;
  }
  if (offset + header_len > bytes.size()) bad(path, "header runs past the end");
  const std::string header(bytes.begin() + long(offset), bytes.begin() + long(offset + header_len));
  NpyArray array;
  array.descr = dict_value(header, "descr", path);
  if (dict_value(header, "fortran_order", path) != "False") bad(path, "Fortran order");
  std::string shape = dict_value(header, "shape", path);
  for (size_t i = 0; i < shape.size();) {
    size_t end = shape.find(',', i);
    std::string item = shape.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (item.find_first_of("0123456789") != std::string::npos) array.shape.push_back(std::stoll(item));
    if (end == std::string::npos) break;
    i = end + 1;
  }
  const size_t element = array.descr == "|u1" ? 1 : array.descr == "<f4" || array.descr == "<i4" ? 4 : 8;
  const size_t expected = size_t(array.numel()) * element;
  if (bytes.size() - offset - header_len != expected) bad(path, "data size does not match the shape");
  array.data.assign(bytes.begin() + long(offset + header_len), bytes.end());
  return array;
}

}  // namespace lightvl::test
