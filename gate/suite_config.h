#pragma once
// The suite config `perfgate.yml` (DESIGN §4), following the benchmark schema
// of seed 004 Part 3: name, description, category, parameters, targets
// (target + acceptable_range), profiling (enabled, sample_rate, duration),
// regression (enabled, threshold_percent, min_iterations, method), output.
//
//   suite: {name: my-suite, defaults: {repetitions: 5, timeout_s: 120}}
//   benchmarks:
//     - name: lru
//       workload: lru                     # a bundled workload, or
//       parameters: {variant: [clean, sha256-key], slowdown_percent: 0}
//     - name: gzip
//       command: [gzip, -c, corpus.txt]   # a command timed as a whole process, or
//       iterations: 30
//     - name: micro
//       gbench: build/my_benchmarks       # a Google Benchmark binary
//       parameters: {filter: "BM_Parse.*", repetitions: 10, min_time: 0.1}
//
// A parameter given as a list expands into one benchmark per value (the
// cartesian product over all list parameters), named "lru/variant=sha256-key".
// Unknown keys and bad values are errors naming the key and its line.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "gate/error.h"
#include "gate/results.h"

namespace perfgate::gate {

struct ProfilingSettings {
  bool enabled = false;
  unsigned sample_rate_hz = 99;
  double duration_s = 0;  // 0: the whole profiled repetition
};

struct OutputSettings {
  std::string format = "json";
  bool include_traces = true;   // keep profiles as artifacts
  bool save_artifacts = true;
};

struct BenchmarkSpec {
  std::string name;
  std::string description;
  std::string category;
  BenchmarkSource source;
  unsigned repetitions = 5;     // fresh processes measured
  double timeout_s = 300;       // per process
  unsigned iterations = 10;     // kind == command: runs (= samples) per repetition
  unsigned gbench_repetitions = 10;  // kind == gbench: --benchmark_repetitions per process
  std::string gbench_filter;         // kind == gbench: --benchmark_filter
  double gbench_min_time_s = 0;      // kind == gbench: --benchmark_min_time; 0 = its default
  std::vector<Target> targets;
  ProfilingSettings profiling;
  RegressionSettings regression;
  HotspotSettings hotspots;
  OutputSettings output;
};

struct SuiteConfig {
  std::string name;
  std::string origin;  // file path, or "bundled"
  std::vector<BenchmarkSpec> benchmarks;
};

// `origin` prefixes error messages ("perfgate.yml:12: unknown key 'x' ...").
std::expected<SuiteConfig, Error> parse_suite_config(std::string_view yaml, std::string_view origin);

// The bundled suite: the five reference workloads, clean variants.
SuiteConfig bundled_suite(std::string_view size = "ci");

}  // namespace perfgate::gate
