#pragma once
// The gate's report model (`perfgate.report/v1`, DESIGN §4, §8): verdict per
// benchmark with ratio and interval, the overall verdict, targets, noise
// floor, hotspots. Pure data; built by compare.h, rendered by reporters/.

#include <optional>
#include <string>
#include <vector>

#include "gate/permutation_statistics.h"
#include "gate/results.h"
#include "gate/statistics.h"
#include "gate/targets.h"

namespace perfgate::gate {

inline constexpr std::string_view kReportSchema = "perfgate.report/v1";

enum class Verdict {
  pass,                  // upper bound < 1 + T: no regression of T or more
  improvement,           // upper bound < 1 − T
  regression,            // θ > 1 + T and the (Holm-adjusted) lower bound > 1 + margin·T
  inconclusive,          // neither: more repetitions needed; a non-blocking warning
  insufficient_samples,  // too few tail samples or repetitions to decide; not gated
  failed,                // the benchmark failed on one side; not gated
  not_gated,             // regression.enabled is false; shown for information
};

std::string_view to_string(Verdict v);

struct BenchmarkVerdict {
  std::string name;
  std::string statistic;         // what is compared per repetition: "p99" or "mean"
  std::string unit = "ns";
  double base_value = 0;         // geometric mean over repetitions of the statistic; the smallest when location is minimum
  double head_value = 0;
  std::size_t base_repetitions = 0, head_repetitions = 0;
  Method method = Method::t;     // how estimate and the p-values were computed
  std::optional<Location> location;  // Method::permutation: the location compared (mean or minimum of logs)
  RatioEstimate estimate;        // head / base with its confidence interval
  double p_margin = 1;           // one-sided p-value of H0: θ <= 1 + margin (head not slower by more than it)
  double margin_percent = 0;     // the margin: CompareOptions::margin_fraction × threshold
  bool final_look = true;        // adaptive repetitions: this is the last look (the cap is reached)
  double p_adjusted = 1;         // p_margin · α / α_look, Holm-adjusted across the gated benchmarks
  double threshold_percent = 10;
  Verdict verdict = Verdict::inconclusive;
  std::string note;              // why insufficient / failed, or other context
  // Imported Google Benchmark output on either side: a repetition is one of
  // the binary's own, all run in one process — not a fresh process, so the
  // interval does not see how much processes differ.
  bool repetitions_share_a_process = false;
  // Smallest change this comparison could resolve: the interval's half-width
  // in percent at zero effect, from the base repetitions' spread (the base
  // compared with itself by the same method).
  double noise_floor_percent = 0;
  double mean_change_percent = 0;        // information only
  double throughput_change_percent = 0;  // information only
  // Time slices that ran >= 20 % slower than the same slice in the side's
  // other repetitions (gate/machine_noise.h); nullopt when not enough data.
  std::optional<double> base_slow_slices_percent, head_slow_slices_percent;
  // Samples above the p99 that were interruptions: >= 2x the same operation
  // in the side's other repetitions (gate/machine_noise.h); nullopt when not
  // enough data.
  std::optional<double> base_interrupted_tail_percent, head_interrupted_tail_percent;
};

struct Hotspot {
  std::string function;
  std::string module;
  double self_percent = 0;
  double total_percent = 0;
  std::optional<double> calls_percent;  // known when the profile's calls were counted (--count-calls)
  double score = 0;                     // 0.4·self + 0.4·total + 0.2·calls (renormalized without calls)
  double complexity = 1;
  double roi = 0;                       // score / complexity
  double impact = 0;                    // time % × max-speedup estimate
};

struct DifferentialHotspot {
  std::string function;
  std::string module;
  double base_self_percent = 0, head_self_percent = 0;
  double base_total_percent = 0, head_total_percent = 0;
  double growth = 0;  // ranking key: growth of self and total share, in points
  // CPU time per call, head over base, minus 1, in percent, when both
  // profiles counted its calls (--count-calls): self samples / hz / calls of
  // the counting runs. per_call_z: its log ratio over its standard error —
  // the samples' Poisson error and, with several counting runs a side, the
  // variance between runs beyond it (per_call_hotspots, docs/gate.md).
  std::optional<double> per_call_change_percent;
  double per_call_z = 0;
};

struct BenchmarkHotspots {
  std::string benchmark;
  std::vector<Hotspot> top;                    // by ROI
  std::vector<DifferentialHotspot> differential;  // for regressions
  std::string note;                            // e.g. "profile missing: no permission"
};

struct GateReport {
  std::string mode;  // "baseline" (unpaired, stored baseline) or "ab" (paired, interleaved)
  RunMetadata base_run, head_run;
  double confidence = 0.95;
  double alpha = 0.05;  // family-wise over benchmarks (Holm) and looks
  unsigned looks = 1;   // adaptive looks a benchmark may get
  double interim_alpha = 0.05, final_alpha = 0.05;  // α spent at each interim look, at the final look
  double margin_fraction = 0;  // CompareOptions::margin_fraction
  std::vector<BenchmarkVerdict> benchmarks;
  // regression when any gated benchmark regressed, else failed when one
  // could not be measured, else pass
  Verdict overall = Verdict::pass;
  TargetSummary targets;            // of the head run
  std::vector<BenchmarkHotspots> hotspots;
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, std::string>> artifacts;  // label, relative path
};

}  // namespace perfgate::gate
