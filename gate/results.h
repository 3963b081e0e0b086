#pragma once
// The results model (`perfgate.results/v1`, DESIGN §4): what one `perfgate run`
// measured. Pure data; JSON I/O is in results_json.h, the schema in
// docs/schema/results.schema.json.

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/summary.h"
#include "workloads/workload.h"

namespace perfgate::gate {

inline constexpr std::string_view kResultsSchema = "perfgate.results/v1";

struct HostInfo {
  std::string hostname;
  std::string kernel;     // uname -r
  std::string cpu_model;  // /proc/cpuinfo "model name"
  unsigned cores = 0;     // online CPUs
  std::string governor;   // cpufreq scaling_governor, "" when not readable (VMs)
  double load_avg_1m = 0, load_avg_5m = 0, load_avg_15m = 0;  // at the start of the run
  std::uint64_t memory_bytes = 0;
};

struct BuildInfo {
  std::string type;      // CMake build type of perfgate itself
  std::string compiler;
  std::string flags;
};

struct RunMetadata {
  std::string commit;      // "" when unknown
  std::string ref;
  std::string started_at;  // ISO 8601 UTC, e.g. "2026-11-22T07:05:00Z"
  double duration_s = 0;
  std::string perfgate_version;
  BuildInfo build;
  HostInfo host;
  std::string suite;       // suite name or config path
};

// How a benchmark was produced, enough to run it again.
struct BenchmarkSource {
  std::string kind;                  // "workload" | "command" | "gbench"
  std::string workload;              // kind == workload
  std::string variant;               // "" = clean
  double slowdown_percent = 0;
  std::uint64_t ops = 0;             // 0 = workload default
  std::string size = "ci";           // "ci" | "nightly"
  std::uint64_t seed = 1;
  std::vector<std::string> command;  // kind == command: argv; kind == gbench: binary + args
  std::string gbench_name;           // kind == gbench: the benchmark inside the binary
  // kind == gbench: the Google Benchmark output it was imported from (`perfgate
  // import gbench`); its repetitions are the binary's own, all run in one
  // process. "" when perfgate ran the binary: a repetition is a fresh process.
  std::string imported_from;
};

// An absolute target from the suite config (seed 003 style). The metric is a
// latency statistic with its unit ("p99_ms", "mean_us", "throughput_per_s") or
// a workload metric ("compression_ratio").
struct Target {
  std::string metric;
  double target = 0;
  std::optional<std::pair<double, double>> acceptable_range;
};

// A target's metric is snake_case, [a-z][a-z0-9_]* (the results schema's
// pattern). By hand: libstdc++'s std::regex recurses once per character, and
// a metric name is user input of any length (a 200 000 character YAML key
// overflowed the stack).
inline bool is_metric_name(std::string_view name) {
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  return !name.empty() && lower(name.front()) && std::ranges::all_of(name, [&](char c) {
    return lower(c) || (c >= '0' && c <= '9') || c == '_';
  });
}

// How the gate computes a benchmark's ratio, its interval and p-values from
// the per-repetition statistics (docs/gate.md, "Decision rule"): t on logs
// (Welch / paired t), a permutation test of the mean or the minimum of logs
// (gate/permutation_statistics.h: for a p99 that undisturbed processes all
// reach alike), rank-based (Hodges–Lehmann with the Mann–Whitney /
// Wilcoxon signed-rank interval), or trimmed means of logs (Yuen's t: each
// side's slowest repetitions, or both ends of the pairs' ratios, left out).
enum class Method { t, permutation, rank, trimmed };
inline constexpr Method kMethods[] = {Method::t, Method::permutation, Method::rank, Method::trimmed};
std::string_view to_string(Method m);
// "t", "permutation", "rank" or "trimmed"; nullopt for anything else.
std::optional<Method> parse_method(std::string_view name);

struct RegressionSettings {
  bool enabled = true;
  double threshold_percent = 10.0;
  unsigned min_iterations = 3;
  // Trimmed: a few processes a neighbour slowed must not blind the gate, and
  // below 10 repetitions it is t (docs/gate.md, "Trimmed means").
  Method method = Method::trimmed;
};

// Hotspot ranking knobs (perfgate.yml `hotspots:`, DESIGN §8).
struct ComplexityRule {
  std::string pattern;               // glob (fnmatch) over demangled function names
  std::optional<double> complexity;  // replaces the code-size estimate
  std::optional<double> max_speedup; // replaces the default 2x in impact
};

struct HotspotSettings {
  unsigned top = 10;
  std::vector<ComplexityRule> functions;  // first matching pattern wins
};

// Per repetition, at most this many samples are stored (a systematic subsample
// in measurement order beyond it; the schema's maxItems); statistics always
// use all samples.
inline constexpr std::size_t kMaxStoredSamples = 10'000;

struct Repetition {
  std::uint64_t index = 0;
  Summary stats;                     // exact, over every measured sample of the repetition
  std::vector<double> samples;       // in measurement order; a systematic subsample when
  bool samples_truncated = false;    //   the repetition had more than the storage bound
  // Medians of 20 time slices of every measured sample (machine noise,
  // gate/machine_noise.h); empty when too few samples or not recorded.
  std::vector<double> slice_medians;
  // Its slowest operations: (index in measurement order, ns) of every sample
  // at or above its p99, at most kMaxTailSamples of the slowest
  // (gate/machine_noise.h); empty when too few samples or not recorded.
  std::vector<std::pair<std::uint64_t, double>> tail;
  double wall_s = 0;                 // wall time of the whole process
  double cpu_percent = 0;            // (user + system) / wall; > 100 with threads
  std::uint64_t peak_rss_bytes = 0;
  int exit_code = 0;                 // -N: killed by signal N
};

struct ProfileRef {
  std::string status;  // "ok" | "missing" | "failed"
  std::string path;    // relative to the results file, when ok
  std::string reason;  // when missing / failed
};

// A benchmark name holds no control characters: a line break would reach
// terminals and, under GitHub Actions, stdout, where a line of its own is a
// workflow command (`::error::…`). Checked wherever names come in: suite
// configs, results files, Google Benchmark output.
inline bool has_control_character(std::string_view name) {
  return std::ranges::any_of(name, [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// The length of text's longest prefix that is well-formed UTF-8 (RFC 3629:
// no overlong forms, surrogates or code points past U+10FFFF): text.size()
// when all of it is. JSON must be UTF-8, so text that is not cannot reach a
// results file or report; configs are checked where they are read.
inline std::size_t valid_utf8_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length and the range of its second byte (Unicode
    // Table 3-7); every later byte is 0x80..0xBF.
    const std::size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 0;
    if (n == 0) return i;  // a continuation byte, an overlong lead (C0, C1) or past U+10FFFF
    const unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;  // not overlong
    const unsigned char hi = c == 0xED   ? 0x9F
                             : c == 0xF4 ? 0x8F
                                         : 0xBF;  // no surrogates, ≤ U+10FFFF
    if (i + n > text.size() || byte(i + 1) < lo || byte(i + 1) > hi) return i;
    for (std::size_t k = 2; k < n; ++k)
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    i += n;
  }
  return i;
}

// Why `text` cannot be printed as it is, if it cannot: a byte that is not
// UTF-8 (nlohmann::json throws when it writes one) or a control character,
// C0 or C1 (a line break starts a line of its own on the terminal, under
// GitHub Actions a workflow command, and in trend.md). What a commit given
// by the user (`--commit`) or read from a history or results file must
// not hold.
inline std::optional<std::string> unprintable(std::string_view text) {
  if (const std::size_t valid = valid_utf8_length(text); valid < text.size())
    return fmt::format("a byte that is not UTF-8 (0x{:02x} at byte {})",
                       static_cast<unsigned char>(text[valid]), valid);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // In UTF-8, C1 controls are 0xC2 0x80..0x9F.
    const bool c1 =
        c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (c < 0x20 || c == 0x7f || c1) return fmt::format("a control character (at byte {})", i);
  }
  return std::nullopt;
}

// User text quoted in an error line: its first max_chars characters (a YAML
// key or a history date may be 200 000 characters long), then "...". A byte
// that is not UTF-8 becomes '?', so the line stays UTF-8; control
// characters are left for the error line to show escaped (cli::fail).
inline std::string excerpt(std::string_view text, std::size_t max_chars = 40) {
  std::string out;
  std::size_t i = 0;
  for (std::size_t chars = 0; i < text.size() && chars < max_chars; ++chars) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (valid_utf8_length(text.substr(i, n)) == n) {
      out += text.substr(i, n);
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  if (i < text.size()) out += "...";
  return out;
}

struct BenchmarkResult {
  std::string name;
  std::string description;
  std::string category;
  std::string unit = "ns";            // of samples and stats
  BenchmarkSource source;
  std::string status = "ok";          // "ok" | "failed"
  std::string error;                  // when failed: what happened, incl. exit status
  std::vector<Repetition> repetitions;
  Summary stats;                      // pooled over all repetitions' samples
  double cpu_percent = 0;             // mean over repetitions
  std::uint64_t peak_rss_bytes = 0;   // max over repetitions
  std::vector<workloads::Invariant> invariants;  // all must hold in every repetition
  std::map<std::string, double> metrics;         // mean over repetitions
  std::vector<Target> targets;
  RegressionSettings regression;
  HotspotSettings hotspots;
  std::optional<ProfileRef> profile;
};

struct Results {
  RunMetadata run;
  std::vector<BenchmarkResult> benchmarks;
};

}  // namespace perfgate::gate
