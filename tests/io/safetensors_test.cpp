// SafetensorsFile: good files read back exactly; every kind of broken or hostile file is an Error that
// names the file (and the tensor), never a crash.
#include "io/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "io_test_util.h"

namespace lightvl::io {
namespace {

using testing::SafetensorsWriter;
using testing::TempDir;
using testing::throws_error;
using testing::write_file;

// Reference bit patterns (IEEE 754): 1.5 and -2.0 in bf16 and in fp16.
constexpr uint16_t kBf16OnePointFive = 0x3FC0, kBf16MinusTwo = 0xC000;
constexpr uint16_t kF16OnePointFive = 0x3E00, kF16MinusTwo = 0xC000;

SafetensorsWriter good_writer() {
  SafetensorsWriter w;
  w.add_f32("a.f32", {2, 3}, {1, 2, 3, 4, 5, 6.5f});
  w.add_u16("b.bf16", "BF16", {2}, {kBf16OnePointFive, kBf16MinusTwo});
  w.add_u16("c.f16", "F16", {1, 2}, {kF16OnePointFive, kF16MinusTwo});
  w.add("d.i64", "I64", {1}, std::string("\x07\0\0\0\0\0\0\0", 8));
  w.add("e.empty", "F32", {0, 4}, "");
  w.metadata("format", "pt");
  return w;
}

TEST(Safetensors, GoodFileListsTensorsAndReadsValues) {
  TempDir dir;
  good_writer().write(dir / "m.safetensors");
  const SafetensorsFile f(dir / "m.safetensors");

  ASSERT_EQ(f.tensors().size(), 5u);
  const TensorInfo* a = f.find("a.f32");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, DType::kF32);
  EXPECT_EQ(a->shape, (Shape{2, 3}));
  EXPECT_EQ(a->byte_size, 24u);
  EXPECT_EQ(f.find("e.empty")->byte_size, 0u);
  EXPECT_EQ(f.metadata().at("format"), "pt");
  EXPECT_FALSE(f.has("nope"));

  const Tensor t = f.tensor("a.f32");
  EXPECT_EQ(t.name(), "a.f32");
  const float expected[] = {1, 2, 3, 4, 5, 6.5f};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data<float>()[i], expected[i]) << i;

  const Tensor b = f.tensor("b.bf16");
  EXPECT_EQ(b.dtype(), DType::kBF16);
  EXPECT_EQ(bf16_to_f32(b.data<uint16_t>()[0]), 1.5f);
  EXPECT_EQ(bf16_to_f32(b.data<uint16_t>()[1]), -2.0f);

  const Tensor c = f.tensor("c.f16");
  EXPECT_EQ(c.dtype(), DType::kF16);
  EXPECT_EQ(f16_to_f32(c.data<uint16_t>()[0]), 1.5f);
  EXPECT_EQ(f16_to_f32(c.data<uint16_t>()[1]), -2.0f);

  EXPECT_EQ(f.tensor("d.i64").data<int64_t>()[0], 7);
  EXPECT_EQ(f.tensor("e.empty").numel(), 0);
}

TEST(Safetensors, TensorIsAViewThatKeepsTheMappingAlive) {
  TempDir dir;
  const SafetensorsWriter w = good_writer();
  w.write(dir / "m.safetensors");
  Tensor t;
  const uint8_t* first_data_byte = nullptr;
  {
    const SafetensorsFile f(dir / "m.safetensors");
    t = f.tensor("a.f32");
    const Tensor t2 = f.tensor("a.f32");
    EXPECT_EQ(t.raw(), t2.raw());  // the same mapped bytes, not two copies
    first_data_byte = static_cast<const uint8_t*>(t.raw());
  }
  // The SafetensorsFile is gone; the view must still read the file's bytes (ASan would flag an unmap).
  EXPECT_EQ(static_cast<const uint8_t*>(t.raw()), first_data_byte);
  EXPECT_EQ(t.data<float>()[5], 6.5f);
}

TEST(Safetensors, MisalignedTensorIsCopiedToAlignedMemory) {
  TempDir dir;
  SafetensorsWriter w;
  w.add_u16("odd", "BF16", {3}, {1, 2, 3});  // 6 bytes: the next tensor starts at offset 6
  w.add_f32("f", {2}, {0.25f, -8});
  w.write(dir / "m.safetensors");
  const SafetensorsFile f(dir / "m.safetensors");
  const Tensor t = f.tensor("f");
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 4, 0u);
  EXPECT_EQ(t.data<float>()[0], 0.25f);
  EXPECT_EQ(t.data<float>()[1], -8.0f);
}

TEST(Safetensors, MissingTensorNamesTensorAndFile) {
  TempDir dir;
  good_writer().write(dir / "m.safetensors");
  const SafetensorsFile f(dir / "m.safetensors");
  EXPECT_TRUE(throws_error([&] { f.tensor("model.norm.weight"); }, ErrorCode::kNotFound,
                           {"model.norm.weight", "m.safetensors"}));
}

TEST(Safetensors, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_TRUE(throws_error([&] { SafetensorsFile f(dir / "absent.safetensors"); }, ErrorCode::kNotFound,
                           {"absent.safetensors"}));
}

// ---- files that are broken at the byte level -------------------------------------------------------

class BrokenFile : public ::testing::Test {
 protected:
  // Writes `bytes` and expects opening it to fail with `code`, naming the file and `mentions`.
  ::testing::AssertionResult open_fails(const std::string& bytes, ErrorCode code,
                                        std::vector<std::string> mentions = {}) {
    write_file(dir_ / "bad.safetensors", bytes);
    mentions.push_back("bad.safetensors");
    return throws_error([&] { SafetensorsFile f(dir_ / "bad.safetensors"); }, code, mentions);
  }
  // A file whose header is `entry` for a tensor "t" (data: 16 zero bytes).
  std::string with_entry(const nlohmann::json& entry) {
    return SafetensorsWriter().add("pad", "U8", {16}, std::string(16, '\0')).bytes_with(
        nlohmann::json{{"t", entry}}.dump());
  }
  TempDir dir_;
};

TEST_F(BrokenFile, EmptyAndShorterThanTheLengthField) {
  EXPECT_TRUE(open_fails("", ErrorCode::kBadModel, {"too short"}));
  EXPECT_TRUE(open_fails(std::string("\x10\0\0", 3), ErrorCode::kBadModel, {"too short"}));
}

TEST_F(BrokenFile, HeaderLengthBeyondTheFile) {
  EXPECT_TRUE(open_fails(testing::safetensors_bytes(1000, "{}", ""), ErrorCode::kBadModel, {"1000", "past the end"}));
}

TEST_F(BrokenFile, AbsurdHeaderLength) {
  EXPECT_TRUE(open_fails(testing::safetensors_bytes(uint64_t(1) << 63, "{}", ""), ErrorCode::kBadModel,
                         {"9223372036854775808", "limit"}));
  // Just over the 100 MB cap, in a file that is really that long would still be refused; a short one is.
  EXPECT_TRUE(open_fails(testing::safetensors_bytes(SafetensorsFile::kMaxHeaderBytes + 1, "{}", ""),
                         ErrorCode::kBadModel, {"limit"}));
}

TEST_F(BrokenFile, MalformedHeaderJson) {
  EXPECT_TRUE(open_fails(testing::safetensors_bytes(10, "{\"t\": {,}}", ""), ErrorCode::kBadModel,
                         {"invalid JSON", "line 1, column 8"}));
  EXPECT_TRUE(open_fails(testing::safetensors_bytes(2, "[]", ""), ErrorCode::kBadModel, {"not a JSON object"}));
  const std::string dup = R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})";
  EXPECT_TRUE(open_fails(testing::safetensors_bytes(dup.size(), dup, "ab"), ErrorCode::kBadModel, {"\"t\"", "twice"}));
}

TEST_F(BrokenFile, EntryWithoutRequiredFields) {
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "F32"}, {"shape", {1}}}), ErrorCode::kBadModel, {"\"t\""}));
  EXPECT_TRUE(open_fails(with_entry("F32"), ErrorCode::kBadModel, {"\"t\""}));
}

TEST_F(BrokenFile, UnknownDtype) {
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "Q7"}, {"shape", {1}}, {"data_offsets", {0, 1}}}),
                         ErrorCode::kBadModel, {"\"t\"", "Q7"}));
  // A dtype the format defines but lightvl does not read is "unsupported", not "corrupt".
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "F8_E4M3"}, {"shape", {1}}, {"data_offsets", {0, 1}}}),
                         ErrorCode::kUnsupported, {"\"t\"", "F8_E4M3"}));
}

TEST_F(BrokenFile, ShapeAndByteSizeDisagree) {
  // [2, 2] f32 needs 16 bytes; the offsets span 12.
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "F32"}, {"shape", {2, 2}}, {"data_offsets", {0, 12}}}),
                         ErrorCode::kBadModel, {"\"t\"", "16 bytes", "span 12"}));
}

TEST_F(BrokenFile, BadShapeValues) {
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "F32"}, {"shape", {-1}}, {"data_offsets", {0, 4}}}),
                         ErrorCode::kBadModel, {"\"t\"", "shape"}));
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "F32"}, {"shape", {1.5}}, {"data_offsets", {0, 4}}}),
                         ErrorCode::kBadModel, {"\"t\"", "shape"}));
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "F32"}, {"shape", "4"}, {"data_offsets", {0, 4}}}),
                         ErrorCode::kBadModel, {"\"t\"", "shape"}));
}

TEST_F(BrokenFile, OverflowingShapeIsRefusedNotWrapped) {
  // 2^32 · 2^32 wraps to 0 in 64 bits: a reader without overflow checks would accept [0, 0].
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "U8"}, {"shape", {uint64_t(1) << 32, uint64_t(1) << 32}},
                                     {"data_offsets", {0, 0}}}),
                         ErrorCode::kBadModel, {"\"t\"", "overflows"}));
  // 2^62 elements fit in 64 bits but 2^62 · 4 bytes do not.
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "F32"}, {"shape", {uint64_t(1) << 62}}, {"data_offsets", {0, 0}}}),
                         ErrorCode::kBadModel, {"\"t\"", "overflows"}));
  // A dimension above INT64_MAX.
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "U8"}, {"shape", {uint64_t(1) << 63}}, {"data_offsets", {0, 0}}}),
                         ErrorCode::kBadModel, {"\"t\""}));
}

TEST_F(BrokenFile, OffsetsOutOfRange) {
  // End past the 16-byte data section.
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "U8"}, {"shape", {8}}, {"data_offsets", {12, 20}}}),
                         ErrorCode::kBadModel, {"\"t\"", "outside the data section"}));
  // begin > end.
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "U8"}, {"shape", {0}}, {"data_offsets", {8, 4}}}),
                         ErrorCode::kBadModel, {"\"t\"", "outside the data section"}));
  // Wrong arity and negative values.
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "U8"}, {"shape", {4}}, {"data_offsets", {0, 4, 8}}}),
                         ErrorCode::kBadModel, {"\"t\"", "data_offsets"}));
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "U8"}, {"shape", {4}}, {"data_offsets", {-4, 0}}}),
                         ErrorCode::kBadModel, {"\"t\"", "data_offsets"}));
  // Offsets near 2^64 must not wrap around in begin <= end <= size arithmetic.
  EXPECT_TRUE(open_fails(with_entry({{"dtype", "U8"}, {"shape", {4}},
                                     {"data_offsets", {UINT64_MAX - 1, UINT64_MAX}}}),
                         ErrorCode::kBadModel, {"\"t\""}));
}

TEST_F(BrokenFile, OverlappingTensors) {
  SafetensorsWriter w;
  w.add("x", "U8", {8}, std::string(8, 'x'));
  nlohmann::json h = w.header();
  h["y"] = {{"dtype", "U8"}, {"shape", {4}}, {"data_offsets", {6, 10}}};
  h["z"] = {{"dtype", "U8"}, {"shape", {0}}, {"data_offsets", {3, 3}}};  // empty: overlaps nothing
  const std::string bytes = w.bytes_with(h.dump()) + "yy";
  EXPECT_TRUE(open_fails(bytes, ErrorCode::kBadModel, {"\"x\"", "\"y\"", "overlap"}));
}

TEST_F(BrokenFile, BadMetadata) {
  const std::string h = R"({"__metadata__": {"format": 1}})";
  EXPECT_TRUE(open_fails(testing::safetensors_bytes(h.size(), h, ""), ErrorCode::kBadModel, {"__metadata__"}));
}

// Every prefix of a good file is a truncated file: all must be refused (none may crash or read past
// the end, which ASan builds would catch).
TEST(SafetensorsRobustness, EveryTruncationIsRefused) {
  TempDir dir;
  const std::string good = good_writer().bytes();
  for (size_t size = 0; size < good.size(); ++size) {
    write_file(dir / "t.safetensors", good.substr(0, size));
    try {
      SafetensorsFile f(dir / "t.safetensors");
      // The only prefix that may still parse is one that cut nothing any tensor needs; our good file's
      // last tensor ends at the end of the file, so there is none.
      ADD_FAILURE() << "a file truncated to " << size << " of " << good.size() << " bytes was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadModel) << size << ": " << e.what();
    }
  }
}

// Random byte corruption: opening either succeeds (then every tensor view must lie inside the file) or
// throws lightvl::Error. Anything else (another exception, a crash) fails the test.
TEST(SafetensorsRobustness, RandomCorruptionNeverEscapesTheErrorModel) {
  TempDir dir;
  const std::string good = good_writer().bytes();
  std::mt19937 rng(1234);
  int accepted = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = good;
    const int flips = 1 + int(rng() % 4);
    for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] = char(rng() % 256);
    write_file(dir / "c.safetensors", bytes);
    try {
      const SafetensorsFile f(dir / "c.safetensors");
      uint64_t header_length = 0;
      for (int i = 7; i >= 0; --i) header_length = header_length << 8 | uint8_t(bytes[size_t(i)]);
      for (const TensorInfo& t : f.tensors()) {
        // The view must hold exactly the file's bytes at 8 + header length + offset: reading them all
        // also proves no view reaches outside the mapping (that would fault, or be flagged by ASan).
        const Tensor view = f.tensor(t.name);
        ASSERT_LE(8 + header_length + t.data_offset + t.byte_size, bytes.size());
        ASSERT_EQ(view.nbytes(), t.byte_size);
        EXPECT_EQ(std::memcmp(view.raw(), bytes.data() + 8 + header_length + t.data_offset, t.byte_size), 0);
      }
      ++accepted;
    } catch (const Error&) {
      // refused: fine
    } catch (const std::exception& e) {
      FAIL() << "trial " << trial << " threw a non-lightvl exception: " << e.what();
    }
  }
  std::printf("  random corruption: %d of 2000 corrupted files were still valid\n", accepted);
}

}  // namespace
}  // namespace lightvl::io
