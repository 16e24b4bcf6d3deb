// When a CPU loop is worth an OpenMP parallel region. Small loops run serially: waking (and afterwards
// spin-waiting) a thread team costs more than a few thousand element operations, and on a busy machine
// idle OpenMP threads spinning next to OpenBLAS's own threads can slow everything down by orders of
// magnitude. Used as `#pragma omp parallel for if(worth_parallel(work))`.
#pragma once

#include <cstdint>

namespace lightvl::cpu {

// Element operations below which a loop stays on the calling thread.
inline constexpr int64_t kMinParallelWork = int64_t(1) << 16;

inline bool worth_parallel(int64_t work) { return work >= kMinParallelWork; }

}  // namespace lightvl::cpu
