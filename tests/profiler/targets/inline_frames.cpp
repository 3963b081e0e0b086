// An always-inlined hot loop (inline_hot_loop) inside inline_outer: the
// profiler must show inline_hot_loop as an inlined frame under inline_outer.
// Usage: inline_frames [seconds]
#include <chrono>
#include <cstdint>
#include <cstdlib>

namespace {
volatile std::uint64_t g_sink;
}

__attribute__((always_inline)) inline std::uint64_t inline_hot_loop(std::uint64_t x) {
  for (int i = 0; i < 100000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
  return x;
}

__attribute__((noinline)) void inline_outer() { g_sink = inline_hot_loop(g_sink); }

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) inline_outer();
}
