// NumPy .npy files: the exchange format for goldens (made by the reference scripts) and CLI dumps.
//
// Format (numpy.lib.format): the magic "\x93NUMPY", a version byte pair, a little-endian header length
// (2 bytes in v1.0, 4 in v2.0/v3.0), an ASCII Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces to a multiple of 64
// bytes and ended by '\n', then the raw elements. We write v1.0 float32 C-order files and read
// little-endian float32 / int32 / int64 C-order files; anything else is refused with a message.
#pragma once

#include <filesystem>

#include "core/tensor.h"

namespace lightvl::io {

// Writes the float32 values of `data` (product(shape) of them, C order) to `path`, replacing the file.
// Throws Error(kInvalidArgument) for a negative dimension, Error(kIo) when the file cannot be written.
// Thread-safe for distinct paths.
void write_npy_f32(const std::filesystem::path& path, const float* data, const Shape& shape);

// Writes a host kF32 tensor (see write_npy_f32). Throws Error(kInvalidArgument) for any other dtype or
// device.
void write_npy(const std::filesystem::path& path, const Tensor& tensor);

// Reads a .npy file of dtype '<f4', '<i4' or '<i8' in C order into a new host tensor of kF32, kI32 or kI64
// (the Tensor owns its memory). The header is parsed strictly and the data size must match the shape
// exactly before anything is allocated. Throws Error(kNotFound) / Error(kIo) for a missing or unreadable
// file, Error(kBadModel) for a malformed header or a size mismatch, Error(kUnsupported) for another
// dtype, byte order or Fortran order. Messages name the file. Thread-safe.
Tensor read_npy(const std::filesystem::path& path);

}  // namespace lightvl::io
