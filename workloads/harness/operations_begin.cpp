#include "workloads/harness/operations_begin.h"

// Out of line and not optimized away, so that it has an entry a uprobe can
// take and every run calls it exactly once.
extern "C" __attribute__((noinline, used)) void perfgate_operations_begin() noexcept {
  asm volatile("" ::: "memory");
}
