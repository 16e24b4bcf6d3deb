// CPU thread control: OpenMP and OpenBLAS are told the same count so they do not oversubscribe.
#include <cblas.h>
#include <omp.h>

#include <thread>

#include "ops/threads.h"

namespace lightvl::ops {

void set_cpu_threads(int n) {
  if (n <= 0) n = int(std::thread::hardware_concurrency());
  if (n <= 0) n = 1;
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

int cpu_threads() { return omp_get_max_threads(); }

}  // namespace lightvl::ops
