// Element types of tensors, and scalar conversions between the storage types and fp32.
//
// Checkpoints store bf16, fp16 or fp32; the CPU backend computes in fp32. The conversions here are the
// exact IEEE ones: bf16 -> fp32 and fp16 -> fp32 are lossless; fp32 -> bf16 rounds to nearest even
// (what torch's .to(torch.bfloat16) does), NaN stays NaN.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace lightvl {

enum class DType : uint8_t { kF32, kF16, kBF16, kI64, kI32, kI16, kI8, kU8, kBool, kF64 };

// Bytes per element of `t`.
size_t dtype_size(DType t);
// Lowercase name used in messages ("bf16", "f32", ...).
const char* dtype_name(DType t);
// Parses a safetensors dtype string ("BF16", "F32", ...). Returns false when it is not one we know.
bool dtype_from_safetensors(std::string_view s, DType* out);
// True for kF32, kF16 and kBF16: the types a weight matrix may have.
inline bool is_float_weight(DType t) { return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16; }

// bf16 -> fp32, lossless.
inline float bf16_to_f32(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// fp32 -> bf16, round to nearest even; NaN maps to a quiet NaN.
inline uint16_t f32_to_bf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return uint16_t((bits >> 16) | 0x40);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return uint16_t(bits >> 16);
}

// IEEE fp16 -> fp32, lossless (handles subnormals, inf and NaN).
float f16_to_f32(uint16_t h);
// fp32 -> IEEE fp16, round to nearest even, overflow to inf.
uint16_t f32_to_f16(float f);

// Converts `n` elements of a float weight type (f32/f16/bf16) at `src` to fp32 at `dst`.
void convert_to_f32(DType src_type, const void* src, float* dst, size_t n);

}  // namespace lightvl
