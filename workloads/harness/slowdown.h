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

class SlowdownScope {
 public:
  [[gnu::always_inline]] explicit SlowdownScope(const Slowdown& s)
      : factor_(s.factor()), start_(factor_ > 0.0 ? __rdtsc() : 0) {}
  [[gnu::always_inline]] ~SlowdownScope() {
    if (factor_ <= 0.0) return;
    // One TSC read ends the body and starts the spin, and the spin polls the
    // TSC without pauses (a pause is up to ~40 ns on recent cores). The
    // scope's own reads — the start, the end and the spin's last poll, ~30 ns
    // each on a VM — are part of the injected time, so they are taken off
    // the spin: a 5 % slowdown of a 2 µs call is 5 %, not 9 %.
    const std::uint64_t end = __rdtsc();
    const auto extra = static_cast<std::uint64_t>(static_cast<double>(end - start_) * factor_);
    const std::uint64_t own = 2 * tsc_read_cost();
    if (extra <= own) return;
    const std::uint64_t until = end + extra - own;
    while (__rdtsc() < until) {
    }
  }
  // The cost of one TSC read in TSC ticks, measured once per process (the
  // least of a few back-to-back pairs, so interrupts do not inflate it).
  static std::uint64_t tsc_read_cost() {
    static const std::uint64_t cost = [] {
      std::uint64_t least = UINT64_MAX;
      for (int i = 0; i < 64; ++i) {
        const std::uint64_t a = __rdtsc();
        const std::uint64_t b = __rdtsc();
        least = b - a < least ? b - a : least;
      }
      return least;
    }();
    return cost;
  }

  SlowdownScope(const SlowdownScope&) = delete;
  SlowdownScope& operator=(const SlowdownScope&) = delete;

 private:
  double factor_;
  std::uint64_t start_;
};

}  // namespace perfgate::workloads::harness
