// .npy reading and writing against bytes numpy itself wrote (numpy 1.24.2, np.save; the hex strings
// below are those files verbatim), and strict refusal of what we do not read.
#include "io/npy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "io_test_util.h"

namespace lightvl::io {
namespace {

using testing::TempDir;
using testing::throws_error;

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += char(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// np.save(np.array([[1,2,3],[4,5,6]], '<f4') * 0.5)
const std::string kF32_2x3 =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368"
    "617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a0000003f0000803f0000c03f000000400000204000004040";
// np.save(np.array([-1, 0, 2147483647], '<i4'))
const std::string kI32_3 =
    "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368"
    "617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200affffffff00000000ffffff7f";
// np.save(np.array([[-5], [1 << 40]], '<i8'))
const std::string kI64_2x1 =
    "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368"
    "617065273a2028322c2031292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200afbffffffffffffff0000000000010000";
// np.save(np.array(3.25, '<f4'))  (a 0-d array)
const std::string kF32Scalar =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368"
    "617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a00005040";
// np.save(np.asfortranarray(np.array([[1,2],[3,4]], '<f4')))
const std::string kF32Fortran =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a20547275652c2027736861"
    "7065273a2028322c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a0000803f000040400000004000008040";
// np.save(np.array([1.0, 2.0]))  (float64)
const std::string kF64_2 =
    "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368"
    "617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a000000000000f03f0000000000000040";

class Npy : public ::testing::Test {
 protected:
  std::filesystem::path file(const std::string& hex) {
    const std::filesystem::path p = dir_ / "a.npy";
    testing::write_file(p, from_hex(hex));
    return p;
  }
  TempDir dir_;
};

TEST_F(Npy, ReferenceBytesAreWellFormed) {
  // Guards the hex above against a copy slip: numpy pads every file's header to 128 bytes here.
  for (const std::string* hex : {&kF32_2x3, &kI32_3, &kI64_2x1, &kF32Scalar, &kF32Fortran, &kF64_2}) {
    EXPECT_EQ(from_hex(*hex)[127], '\n');
  }
}

TEST_F(Npy, ReadsNumpyFloat32) {
  const Tensor t = read_npy(file(kF32_2x3));
  EXPECT_EQ(t.dtype(), DType::kF32);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  const float expected[] = {0.5f, 1, 1.5f, 2, 2.5f, 3};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data<float>()[i], expected[i]);
  const Tensor s = read_npy(file(kF32Scalar));
  EXPECT_EQ(s.shape(), Shape{});
  EXPECT_EQ(s.data<float>()[0], 3.25f);
}

TEST_F(Npy, ReadsNumpyIntegers) {
  const Tensor a = read_npy(file(kI32_3));
  EXPECT_EQ(a.dtype(), DType::kI32);
  EXPECT_EQ(a.shape(), (Shape{3}));
  EXPECT_EQ(a.data<int32_t>()[0], -1);
  EXPECT_EQ(a.data<int32_t>()[2], 2147483647);
  const Tensor b = read_npy(file(kI64_2x1));
  EXPECT_EQ(b.dtype(), DType::kI64);
  EXPECT_EQ(b.shape(), (Shape{2, 1}));
  EXPECT_EQ(b.data<int64_t>()[0], -5);
  EXPECT_EQ(b.data<int64_t>()[1], int64_t(1) << 40);
}

TEST_F(Npy, WritesExactlyWhatNumpyWrites) {
  const float values[] = {0.5f, 1, 1.5f, 2, 2.5f, 3};
  write_npy_f32(dir_ / "w.npy", values, {2, 3});
  EXPECT_EQ(read_bytes(dir_ / "w.npy"), from_hex(kF32_2x3));
  const float scalar = 3.25f;
  write_npy_f32(dir_ / "s.npy", &scalar, {});
  EXPECT_EQ(read_bytes(dir_ / "s.npy"), from_hex(kF32Scalar));

  Tensor t = Tensor::zeros(DType::kF32, {2, 3});
  for (int i = 0; i < 6; ++i) t.data<float>()[i] = values[i];
  write_npy(dir_ / "t.npy", t);
  EXPECT_EQ(read_bytes(dir_ / "t.npy"), from_hex(kF32_2x3));
  EXPECT_TRUE(throws_error([&] { write_npy(dir_ / "i.npy", Tensor::zeros(DType::kI32, {2})); },
                           ErrorCode::kInvalidArgument, {"i.npy", "i32"}));
}

TEST_F(Npy, RefusesWhatItDoesNotRead) {
  EXPECT_TRUE(throws_error([&] { read_npy(file(kF32Fortran)); }, ErrorCode::kUnsupported, {"a.npy", "Fortran"}));
  EXPECT_TRUE(throws_error([&] { read_npy(file(kF64_2)); }, ErrorCode::kUnsupported, {"a.npy", "<f8"}));
  std::string big_endian = from_hex(kF32_2x3);
  big_endian[big_endian.find("'<f4'") + 1] = '>';  // 'descr': '>f4'
  testing::write_file(dir_ / "be.npy", big_endian);
  EXPECT_TRUE(throws_error([&] { read_npy(dir_ / "be.npy"); }, ErrorCode::kUnsupported, {"be.npy", ">f4"}));
}

TEST_F(Npy, MalformedFiles) {
  const std::string good = from_hex(kF32_2x3);
  auto fails = [&](const std::string& bytes, std::vector<std::string> mentions) {
    testing::write_file(dir_ / "bad.npy", bytes);
    mentions.push_back("bad.npy");
    return throws_error([&] { read_npy(dir_ / "bad.npy"); }, ErrorCode::kBadModel, mentions);
  };
  EXPECT_TRUE(fails("PK\x03\x04 not numpy", {"magic"}));
  EXPECT_TRUE(fails(good.substr(0, 60), {"header"}));
  EXPECT_TRUE(fails(good.substr(0, good.size() - 4), {"24 data bytes", "20"}));
  EXPECT_TRUE(fails(good + "xx", {"24 data bytes", "26"}));
  std::string no_shape = good;
  no_shape.replace(no_shape.find("'shape'"), 7, "'shapf'");
  EXPECT_TRUE(fails(no_shape, {"shapf"}));
  std::string bad_dim = good;
  bad_dim.replace(bad_dim.find("(2, 3)"), 6, "(2, -3)");
  EXPECT_TRUE(fails(bad_dim, {"shape"}));
  std::string huge = good;
  huge.replace(huge.find("(2, 3)"), 6, "(99999999999, 99999999999)");
  EXPECT_TRUE(fails(huge, {}));
  EXPECT_TRUE(throws_error([&] { read_npy(dir_ / "absent.npy"); }, ErrorCode::kNotFound, {"absent.npy"}));
}

}  // namespace
}  // namespace lightvl::io
