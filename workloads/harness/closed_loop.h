#pragma once
// Closed-loop measurement: run op(i) back to back, time each call, discard the
// first `warmup` calls. For workloads whose operations are independent
// requests issued one after another (LRU lookups, sketch ingestion, PBFT
// rounds). Open-loop arrivals (the batcher) need their own driver, because
// latency must be measured from each request's scheduled arrival.

#include <cstdint>
#include <vector>

#include "workloads/harness/clock.h"
#include "workloads/harness/operations_begin.h"
#include "workloads/workload.h"

namespace perfgate::workloads::harness {

// `op` is called as op(index) with index in [0, warmup + ops); it returns
// nothing and must not throw. Fills latencies_ns, warmup_ops and
// measured_seconds of the returned Run.
template <typename Op>
Run measure_closed_loop(std::uint64_t warmup, std::uint64_t ops, Op&& op) {
  Run run;
  run.warmup_ops = warmup;
  perfgate_operations_begin();
  for (std::uint64_t i = 0; i < warmup; ++i) op(i);
  run.latencies_ns.resize(ops);
  const std::int64_t start = now_ns();
  std::int64_t last = start;
  for (std::uint64_t i = 0; i < ops; ++i) {
    op(warmup + i);
    const std::int64_t t = now_ns();
    run.latencies_ns[i] = t - last;
    last = t;
  }
  run.measured_seconds = static_cast<double>(last - start) * 1e-9;
  return run;
}

}  // namespace perfgate::workloads::harness
