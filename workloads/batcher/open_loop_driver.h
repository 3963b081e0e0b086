#pragma once
// Open-loop load: request i is submitted at its scheduled time, whether or
// not earlier requests have been answered, and its latency is measured from
// that scheduled time. A late generator or a saturated server therefore shows
// up as latency instead of silently slowing the arrivals down (no coordinated
// omission, as in wrk2).

#include <cstdint>
#include <span>
#include <vector>

#include "workloads/batcher/request_batcher.h"

namespace perfgate::workloads::batcher {

// Arrival offsets in ns from the start for `count` requests of a Poisson
// process with the given rate: exponential gaps, deterministic for a seed.
std::vector<std::int64_t> poisson_arrivals(std::uint64_t seed, double rate_per_s,
                                           std::size_t count);

// Submits request i to `batcher` at start + offsets_ns[i] from the calling
// thread (the generator), in order, then calls batcher.finish(). Returns the
// start time (harness::now_ns()); request i's latency is then
// answers()[i].completed_ns - (start + offsets_ns[i]).
std::int64_t drive_open_loop(RequestBatcher& batcher, std::span<const std::int64_t> offsets_ns);

}  // namespace perfgate::workloads::batcher
