#pragma once
// Injected, known regressions (`--slowdown PCT`).
//
// Each workload names one function on its hot path (Info::slowdown_function).
// That function opens a SlowdownScope on entry; when the scope closes it spins
// for PCT % of the time the function body took. The spin is forced inline so a
// profiler attributes it to the named function's own (self) time, which is what
// the gate's differential hotspot ranking must find.
//
// Timing uses the TSC (an instruction, no call) rather than clock_gettime, whose
// vDSO frames would otherwise collect the injected samples.

#include <cstdint>
#include <x86intrin.h>

namespace perfgate::workloads::harness {

class Slowdown {
 public:
  Slowdown() = default;
  explicit Slowdown(double percent) : factor_(percent / 100.0) {}
  bool enabled() const { return factor_ > 0.0; }
  double factor() const { return factor_; }

 private:
  double factor_ = 0.0;  // extra time as a fraction of the scoped time
};

// A TSC read in program order: lfence before it waits for the code ahead to
// finish, lfence after it keeps the code behind from starting early. A plain
// rdtsc may run while the instructions around it are still in flight. (The
// kernel's rdtsc_ordered() fences the front only; on lru's batches that left
// the excess in, docs/benchmarks.md.)
[[gnu::always_inline]] inline std::uint64_t ordered_tsc() {
  _mm_lfence();
  const std::uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}

class SlowdownScope {
 public:
  [[gnu::always_inline]] explicit SlowdownScope(const Slowdown& s) : factor_(s.factor()), start_(ordered_tsc()) {}
  [[gnu::always_inline]] ~SlowdownScope() {
    // One TSC read ends the body and starts the spin, and the spin polls the
    // TSC without pauses (a pause is up to ~40 ns on recent cores). The scope
    // reads the TSC at both ends whether or not it spins, so those reads are
    // part of the clean function too and the injected time is the spin alone.
    //
    // Both reads are ordered. With plain reads, lru's ~1.5 µs batches came out
    // ~8 ns (0.5 points at 5 %) longer than the nominal (slowdown_bench, clean
    // and slowed batches on one cache); ordering only one end did not remove
    // it, ordering both did (docs/benchmarks.md). The fences cost every call
    // ~45 ns, 2–3 % of an lru batch.
    const std::uint64_t end = ordered_tsc();
    if (factor_ <= 0.0) return;
    const std::uint64_t until = end + static_cast<std::uint64_t>(static_cast<double>(end - start_) * factor_);
    while (__rdtsc() < until) {
    }
  }

  SlowdownScope(const SlowdownScope&) = delete;
  SlowdownScope& operator=(const SlowdownScope&) = delete;

 private:
  double factor_;
  std::uint64_t start_;
};

}  // namespace perfgate::workloads::harness
