// Known cost split for the profiler tests: per round, cost_split_heavy does 7
// units of work and cost_split_light 3, so ~70 % / ~30 % of on-CPU self time.
// Usage: cost_split [cpu-seconds]
// It runs until it has spent that much CPU time, not wall time: beside other
// tests (ctest -j2 on two cores) a wall-clock budget halved its samples, and
// with them the tests' margin on the measured split.
#include <time.h>

#include <cstdint>
#include <cstdlib>

namespace {
volatile std::uint64_t g_sink;

// One unit: a fixed dependent arithmetic chain the compiler cannot fold.
inline std::uint64_t unit(std::uint64_t x) {
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
  return x;
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}
}  // namespace

__attribute__((noinline)) void cost_split_heavy() {
  std::uint64_t x = g_sink;
  for (int u = 0; u < 7; ++u) x = unit(x);
  g_sink = x;
}

__attribute__((noinline)) void cost_split_light() {
  std::uint64_t x = g_sink;
  for (int u = 0; u < 3; ++u) x = unit(x);
  g_sink = x;
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  while (cpu_seconds() < seconds)
    for (int r = 0; r < 20; ++r) {
      cost_split_heavy();
      cost_split_light();
    }
}
