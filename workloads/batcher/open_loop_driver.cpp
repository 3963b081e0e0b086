#include "workloads/batcher/open_loop_driver.h"

#include <sys/prctl.h>
#include <cerrno>
#include <time.h>

#include "workloads/harness/clock.h"
#include "workloads/harness/rng.h"

namespace perfgate::workloads::batcher {

std::vector<std::int64_t> poisson_arrivals(std::uint64_t seed, double rate_per_s,
                                           std::size_t count) {
  harness::Rng rng(seed);
  std::vector<std::int64_t> offsets(count);
  const double mean_gap_ns = 1e9 / rate_per_s;
  double t = 0.0;
  for (auto& o : offsets) {
    t += rng.exponential(mean_gap_ns);
    o = static_cast<std::int64_t>(t);
  }
  return offsets;
}

std::int64_t drive_open_loop(RequestBatcher& batcher, std::span<const std::int64_t> offsets_ns) {
  // The default 50 us timer slack would make every sleep late by about one
  // mean inter-arrival gap; restore the caller's slack afterwards.
  const int old_slack = prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL);
  prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  const std::int64_t start = harness::now_ns();
  for (std::size_t i = 0; i < offsets_ns.size(); ++i) {
    const std::int64_t due = start + offsets_ns[i];
    // Sleep when the gap is worth a syscall, spin out the last microseconds
    // (never submit early: that would understate latency). Requests that are
    // already due (the generator woke late) go out back to back, keeping
    // their scheduled times as the latency origin.
    if (due - harness::now_ns() > 2'000) {
      const timespec ts{.tv_sec = due / 1'000'000'000, .tv_nsec = due % 1'000'000'000};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
      }
    }
    while (harness::now_ns() < due) {
    }
    batcher.submit(static_cast<std::uint32_t>(i));
  }
  batcher.finish();
  if (old_slack > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(old_slack), 0UL, 0UL, 0UL);
  return start;
}

}  // namespace perfgate::workloads::batcher
