// Internal to the SDK (not installed): the vision tower's measurement, shared by `lightvl bench`
// (benchmark.cpp) and tests/vision_model/bench_vision_tower, so that both report the same figures from
// the same code. A benchmark, never a test: it times, it does not compare.
//
// The tower is a ViT-L/14-336 (the released vision_config, spec §1.2) with random bf16 weights generated
// where they live (ops::fill_uniform), so no checkpoint is needed. On CUDA it gives
//   - tiles/s at a batch of tiles whose pixels are already on the GPU (the tower alone), and MFU =
//     model FLOPs / time / peak dense bf16 FLOP/s, model FLOPs = 2 · params · tokens (patch matrix on 576
//     tokens a tile, blocks on 577) + attention 4 · 577² · hidden per tile and block (QKᵀ and PV);
//     analytic, never measured, so they do not flatter the code;
//   - the latency of one 2016×2016 image: its anyres plan under the released 28 pinpoints (4×4 grid +
//     thumbnail = 17 tiles, 9,888 tokens), host pixels in, packed embeddings on the GPU out (upload,
//     tower, projector 1024 → 6144 → 6144, packing), synchronised.
// Timings are the best of `repeat` runs after one warm-up. Every GPU tensor is released on return (to the
// caching allocator), so a caller that reads its memory figures first does not see the ViT in them.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.h"
#include "io/model_config.h"
#include "lightvl/benchmark.h"
#include "vision/encoder/clip_vision_tower.h"

namespace lightvl::bench {

// Published dense bf16 tensor-core FLOP/s and HBM bandwidth (bytes/s) of the GPUs we know by name
// (H100 SXM and PCIe, H200, A100); zeros when unknown. Shared with the text benchmark. Never throws.
struct GpuPeaks {
  double bandwidth = 0, flops = 0;
};
GpuPeaks gpu_peaks(const std::string& gpu_name);

// The ViT-L/14-336 geometry (24 layers, hidden 1024, 16 heads, MLP 4096, exact GELU). Never throws.
io::VisionConfig vit_l_14_336_config();

// A ViT-L/14-336 tower (all 24 blocks, default feature select) with random bf16 weights generated on
// `device` from `seed`, at scales that keep activations finite (matrices std 0.02, class and position
// embeddings 0.5, norms 1 and biases 0). It computes in `activation` (f32 on the CPU; f32 or bf16 on
// CUDA). The tower owns its weights (about 0.6 GB in bf16). Throws Error(kOutOfMemory) when the device is
// full, Error(kUnsupported) for a device this build lacks, Error(kInvalidArgument) for an activation the
// device does not compute in. Thread-safe.
vision::ClipVisionTower synthetic_vit_l_14_336(Device device, DType activation, uint64_t seed = 1);

struct VisionBenchOptions {
  int64_t tiles = 128;              // batch of the tiles/s figure
  int repeat = 3;                   // timed runs after one warm-up; the best is kept
  DType activation = DType::kBF16;  // activations of the tower and the projector (bf16 or f32)
  double peak_flops = 0;            // dense bf16 FLOP/s for the MFU; 0 = unknown (MFU reported as 0)
};

// Measures the synthetic ViT-L/14-336 on the current GPU as described at the top of this file and returns
// the figures (VisionFigures::tower says what ran). Takes seconds (a handful of batches on the GPU).
// Throws Error(kUnsupported) without the CUDA backend or a GPU, Error(kInvalidArgument) for tiles or
// repeat below 1, Error(kOutOfMemory) when the GPU cannot hold the tower and its activations,
// Error(kInternal) when the output is not finite or not of the planned shape. Not thread-safe with other
// work on the same GPU (it would time that work too).
VisionFigures measure_vision_tower_cuda(const VisionBenchOptions& options);

}  // namespace lightvl::bench
