// interruption_gaps [SECONDS] [DEPTH]: what each interruption of a thread
// costs it, seen from the thread itself.
//
// The program calls itself DEPTH frames deep (built with frame pointers, so a
// profiler walks all of them) and then reads the TSC in a tight loop for
// SECONDS. Two consecutive reads more than kGapNs apart mean the thread was
// interrupted in between: a timer or sampling interrupt, a VM exit, a
// preemption. Under a sampling profiler most gaps are its samples, and a gap's
// length is everything that sample cost this thread: the interrupt, the
// handler (perf's stack walk and ring-buffer write, or perfgate's BPF
// program) and, on a VM, the exit to the host. Thousands of gaps per run
// give a per-sample cost far steadier than a difference of CPU times
// (scripts/profiler-overhead, part 5; docs/profiler.md).
//
// Prints one line: the gaps, their median and mean, and the time lost.

#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr double kGapNs = 500;  // a TSC read takes ~10-30 ns; no cache miss takes this long

double tsc_ticks_per_ns() {
  using clock = std::chrono::steady_clock;
  const auto c0 = clock::now();
  const std::uint64_t t0 = __rdtsc();
  while (clock::now() - c0 < std::chrono::milliseconds(20)) {
  }
  const std::uint64_t t1 = __rdtsc();
  return static_cast<double>(t1 - t0) / std::chrono::duration<double, std::nano>(clock::now() - c0).count();
}

int spin(double seconds) {
  const double per_ns = tsc_ticks_per_ns();
  const auto threshold = static_cast<std::uint64_t>(kGapNs * per_ns);
  std::vector<std::uint64_t> gaps;
  gaps.reserve(static_cast<std::size_t>(seconds * 50'000) + 1024);
  std::uint64_t prev = __rdtsc();
  const std::uint64_t end = prev + static_cast<std::uint64_t>(seconds * 1e9 * per_ns);
  while (prev < end) {
    const std::uint64_t now = __rdtsc();
    if (now - prev > threshold && gaps.size() < gaps.capacity()) gaps.push_back(now - prev);
    prev = now;
  }
  std::ranges::sort(gaps);
  double lost = 0;
  for (std::uint64_t g : gaps) lost += static_cast<double>(g) / per_ns;
  const double median = gaps.empty() ? 0 : static_cast<double>(gaps[gaps.size() / 2]) / per_ns;
  std::printf("gaps %zu median_ns %.0f mean_ns %.0f lost_ns %.0f seconds %g\n", gaps.size(), median,
              gaps.empty() ? 0 : lost / static_cast<double>(gaps.size()), lost, seconds);
  return 0;
}

// noinline and with frame pointers: every level is a frame a profiler walks.
[[gnu::noinline]] int descend(int depth, double seconds) {
  if (depth <= 1) return spin(seconds);
  const int r = descend(depth - 1, seconds);
  asm volatile("" ::: "memory");  // not a tail call: the frame stays
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  const int depth = argc > 2 ? std::atoi(argv[2]) : 16;
  if (!(seconds > 0 && seconds <= 600) || depth < 1 || depth > 100) {
    std::fprintf(stderr, "usage: interruption_gaps [SECONDS (0-600)] [DEPTH (1-100)]\n");
    return 2;
  }
  return descend(depth, seconds);
}
