#pragma once
// The contract every bundled reference workload implements (DESIGN §5, §6).
//
// A workload is a real implementation of one data structure or protocol plus a
// driver that times each operation. It runs in the calling thread (plus any
// threads it starts and joins itself), records one latency per measured
// operation, discards warm-up operations, and checks its invariants while it
// runs. A failed invariant is reported in Run::invariants and makes the run
// untrustworthy; the caller turns it into an error, never into a fast result.

#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <vector>

namespace perfgate::workloads {

// CI sizes keep the per-commit suite under a minute on 2 cores; nightly sizes
// are larger (more operations, bigger inputs).
enum class Size { ci, nightly };

struct Params {
  std::string variant;            // "" = the clean implementation
  double slowdown_percent = 0.0;  // extra work in the workload's slowdown function
  std::uint64_t ops = 0;          // measured operations; 0 = the workload's default
  std::uint64_t warmup_ops = 0;   // discarded operations; 0 = the workload's default
  Size size = Size::ci;
  std::uint64_t seed = 1;         // every input is generated from this seed
};

struct Invariant {
  std::string name;    // e.g. "size <= capacity"
  bool passed = false;
  std::string detail;  // what was observed, e.g. "max size 4096, capacity 4096"
};

struct Run {
  std::vector<std::int64_t> latencies_ns;  // one per measured operation, in order
  std::uint64_t warmup_ops = 0;            // how many were discarded before
  double measured_seconds = 0.0;           // wall time of the measured phase
  std::vector<Invariant> invariants;
  // Workload-specific figures for information (e.g. "compression_ratio",
  // "throughput_mb_per_s"); units in the key name.
  std::map<std::string, double> metrics;

  bool invariants_hold() const {
    for (const auto& inv : invariants)
      if (!inv.passed) return false;
    return true;
  }
};

struct VariantInfo {
  std::string name;
  std::string description;  // the injected regression, in one sentence
};

struct Info {
  std::string name;         // registry key: "lru"
  std::string description;  // one line
  std::string category;     // bottleneck category: "cpu", "synchronization", "memory", ...
  std::string operation;    // what one timed operation is: "one PBFT round at one replica"
  std::vector<VariantInfo> variants;
  // Fully qualified name of the function where --slowdown adds its extra work,
  // as it appears in a symbolized profile.
  std::string slowdown_function;
  std::uint64_t default_ops_ci = 10'000;
  std::uint64_t default_ops_nightly = 100'000;
  // Its p99 is set by operations that do the same work in every repetition
  // (sketches: its long documents; consensus: the slowest of its replayed
  // rounds), so every process that the machine left
  // alone reaches the same p99, and slower ones were slowed by the machine.
  // The gate compares such a workload by the fastest repetitions where that
  // resolves more (docs/gate.md, "Decision rule").
  bool fixed_work_tail = false;
  // The names of Run::metrics every run reports: what a perfgate.yml target
  // may name besides the latency statistics (checked when the suite loads).
  std::vector<std::string> metrics;
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual const Info& info() const = 0;
  // Runs the workload with already validated params (see registry.h). Returns
  // an error message when the run could not be carried out at all (a library
  // call failed); a broken invariant is reported inside Run instead.
  virtual std::expected<Run, std::string> run(const Params& params) const = 0;
};

}  // namespace perfgate::workloads
