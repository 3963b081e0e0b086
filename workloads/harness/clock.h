#pragma once
// Monotonic time for measurements. steady_clock is CLOCK_MONOTONIC on Linux,
// read through the vDSO (~20 ns), so it is cheap enough for per-op timing.

#include <chrono>
#include <cstdint>

namespace perfgate::workloads::harness {

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace perfgate::workloads::harness
