// Merging the partial results of attention split along the keys (flash-decoding), shared by the CUDA-core
// kernel (attention.cu) and the tensor-core decode kernel (attention_decode.cu). Internal header, .cu only.
//
// Each split z of output row `row` leaves its unnormalised accumulator part_acc[z][row][0 .. d) and its
// statistics part_stats[z][row] = (m, l): running max m (natural-log units; −∞ for a split that saw no key)
// and sum l of e^(score − m). The merge is o = Σ_z e^(m_z − M) acc_z / Σ_z e^(m_z − M) l_z with
// M = max_z m_z, in f32 (expf, no fast math), rounded once to T; a row no split saw gives 0.
#pragma once

#include "backends/cuda/common.cuh"
#include "backends/cuda/cuda_check.h"

namespace lightvl::cuda {

// One block per output row (grid-stride), threads over the d columns.
template <typename T>
__global__ void combine_key_splits_kernel(const float* part_acc, const float* part_stats, T* out, int64_t rows, int d,
                                          int splits) {
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    float max_m = -INFINITY;
    for (int z = 0; z < splits; ++z) max_m = fmaxf(max_m, part_stats[(z * rows + row) * 2]);
    float total = 0.0f;
    for (int z = 0; z < splits; ++z) {
      const float mz = part_stats[(z * rows + row) * 2];
      if (mz != -INFINITY) total += part_stats[(z * rows + row) * 2 + 1] * expf(mz - max_m);
    }
    for (int c = threadIdx.x; c < d; c += blockDim.x) {
      float o = 0.0f;
      for (int z = 0; z < splits; ++z) {
        const float mz = part_stats[(z * rows + row) * 2];
        if (mz != -INFINITY) o += part_acc[(z * rows + row) * d + c] * expf(mz - max_m);
      }
      out[row * d + c] = from_float<T>(total > 0.0f ? o / total : 0.0f);
    }
  }
}

// Enqueues the merge of `splits` partial results of `rows` rows × d columns into out [rows, d].
template <typename T>
void combine_key_splits(const float* part_acc, const float* part_stats, T* out, int64_t rows, int d, int splits,
                        cudaStream_t stream) {
  combine_key_splits_kernel<T><<<unsigned(rows < 65535 ? rows : 65535), 128, 0, stream>>>(part_acc, part_stats, out,
                                                                                         rows, d, splits);
  check_launch();
}

}  // namespace lightvl::cuda
