// Thread count of the CPU backend (OpenMP loops and OpenBLAS products).
#pragma once

namespace lightvl::ops {
// Sets the number of CPU threads used by CPU kernels; n ≤ 0 means "all hardware threads". Not meant to
// be called while a computation runs on another thread.
void set_cpu_threads(int n);
// Current CPU thread count.
int cpu_threads();
}  // namespace lightvl::ops
