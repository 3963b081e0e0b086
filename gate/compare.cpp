#include "gate/compare.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "gate/machine_noise.h"
#include "gate/permutation_statistics.h"
#include "gate/rank_statistics.h"

namespace perfgate::gate {
namespace {

constexpr std::uint64_t kMinTailSamples = 100;

double geometric_mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += std::log(x);
  return v.empty() ? 0 : std::exp(s / static_cast<double>(v.size()));
}

double percent_change(double base, double head) { return base > 0 ? 100.0 * (head / base - 1) : 0; }

// Why this benchmark cannot be decided, or "" when it can.
std::string insufficiency(const BenchmarkResult& b, std::string_view side, unsigned min_reps) {
  if (b.repetitions.size() < std::max(2u, min_reps))
    return fmt::format("{} has {} repetition(s), needs {}", side, b.repetitions.size(), std::max(2u, min_reps));
  if (gate_statistic(b) == "p99") {
    for (const auto& r : b.repetitions) {
      const std::uint64_t tail = tail_samples_above_p99(r.stats.count);
      if (tail < kMinTailSamples)
        return fmt::format("{} repetition {} has {} samples above its p99, needs {} (>= {} operations)", side,
                           r.index + 1, tail, kMinTailSamples, kMinTailSamples * 100);
    }
  }
  for (double v : per_repetition_statistic(b))
    if (!(v > 0)) return fmt::format("{} has a repetition whose {} is 0", side, gate_statistic(b));
  return "";
}

// Why the permutation method cannot decide with these counts, or "": its
// smallest p-value is not below the one-sided α/2 of the final look that a
// regression needs, and its interval then never narrows inside ±5 in log
// ratio, so the verdict could only ever be "inconclusive" (3 against 3
// repetitions: 1 of 20 relabellings, 0.05; 5 pairs: 1 of 32).
std::string too_few_to_permute(std::size_t nb, std::size_t nh, bool paired, double final_alpha) {
  const double level = final_alpha / 2;
  const double smallest = smallest_permutation_p(nb, nh, paired);
  if (smallest < level) return "";
  const std::string design =
      paired ? fmt::format("{} pairs", nb) : fmt::format("{} against {} repetitions", nb, nh);
  std::size_t enough = std::max(nb, nh);
  while (enough < 64 && smallest_permutation_p(enough, enough, paired) >= level) ++enough;
  const std::string remedy = enough < 64
                                 ? fmt::format("{} {} can", enough, paired ? "pairs" : "a side")
                                 : "no count can at this α";
  return fmt::format(
      "{}: the permutation method's smallest p-value is {:.3g} (1 in {:.0f} relabellings), not "
      "below the {:.3g} a regression needs, so it can never decide; {} (or --method trimmed)",
      design, smallest, 1 / smallest, level, remedy);
}

Verdict decide(const RatioEstimate& e, double p_adjusted, double alpha, double threshold) {
  const double t = threshold / 100.0;
  if (e.upper < 1 - t) return Verdict::improvement;
  // DESIGN §8: the interval's lower bound > 1 (here > 1 + margin·T, see
  // CompareOptions::margin_fraction). The report shows two-sided (1 − α)
  // intervals, so a one-sided p below α/2 is that bound clearing it; "p < α"
  // would be a 90 % interval's bound, and on this VM's heavy-tailed
  // per-repetition p99s it alarmed in 3.5 % of A/A comparisons.
  if (e.ratio > 1 + t && p_adjusted < alpha / 2) return Verdict::regression;
  if (e.upper < 1 + t) return Verdict::pass;
  return Verdict::inconclusive;
}

// The ratio with its interval and p_slower, and for a permutation test the
// location it compared.
std::pair<RatioEstimate, std::optional<Location>> estimate(std::span<const double> base,
                                                           std::span<const double> head, Method method,
                                                           const CompareOptions& o) {
  switch (method) {
    case Method::rank:
      return {o.paired ? paired_rank_log_ratio(base, head, o.confidence) : rank_log_ratio(base, head, o.confidence),
              std::nullopt};
    case Method::permutation: {
      const PermutationEstimate e = permutation_log_ratio(base, head, o.paired, o.confidence);
      return {e.estimate, e.location};
    }
    case Method::trimmed:
      return {o.paired ? paired_trimmed_log_ratio(base, head, o.confidence)
                       : trimmed_log_ratio(base, head, o.confidence),
              std::nullopt};
    case Method::t: break;
  }
  return {o.paired ? paired_log_ratio(base, head, o.confidence) : welch_log_ratio(base, head, o.confidence),
          std::nullopt};
}

// One-sided p-value of H0: head / base <= 1.
double p_slower(std::span<const double> base, std::span<const double> head, Method method, const CompareOptions& o) {
  if (method == Method::permutation) return permutation_p_slower(base, head, o.paired);  // no interval needed
  return estimate(base, head, method, o).first.p_slower;
}

// Why an interval is wide, when the machine is the reason: its speed varied
// in kMachineNoiseNote % or more of the time slices of either side, or
// kInterruptedNote % or more of either side's samples above the p99 were
// interruptions (then the p99 is mostly where they fell).
constexpr double kMachineNoiseNote = 10;
constexpr double kInterruptedNote = 50;

std::string machine_noise_note(const BenchmarkVerdict& v) {
  std::vector<std::string> why;
  const double base = v.base_slow_slices_percent.value_or(0), head = v.head_slow_slices_percent.value_or(0);
  if (std::max(base, head) >= kMachineNoiseNote)
    why.push_back(fmt::format(
        "the machine's speed varied: {:.0f} % of base and {:.0f} % of current time slices ran ≥ {:.0f} % slower "
        "than the same slice in their other repetitions",
        base, head, 100 * (kSlowFactor - 1)));
  const double base_int = v.base_interrupted_tail_percent.value_or(0);
  const double head_int = v.head_interrupted_tail_percent.value_or(0);
  if (std::max(base_int, head_int) >= kInterruptedNote)
    why.push_back(fmt::format(
        "the machine interrupted the tail: {:.0f} % of base and {:.0f} % of current samples above the p99 took "
        "≥ {:g}x the same operation in their other repetitions",
        base_int, head_int, kInterruptedFactor));
  if (why.empty()) return "";
  return fmt::format("{}; a quieter runner would narrow the interval", fmt::join(why, "; "));
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::improvement: return "improvement";
    case Verdict::regression: return "regression";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::insufficient_samples: return "insufficient_samples";
    case Verdict::failed: return "failed";
    case Verdict::not_gated: return "not_gated";
  }
  return "?";
}

unsigned adaptive_looks(unsigned initial, unsigned max) {
  return max > initial ? 1 + (max - initial + 1) / 2 : 1;
}

double look_alpha(double alpha, unsigned looks, bool final_look) {
  if (looks <= 1) return alpha;
  const double interim = std::min(0.001, alpha / (2.0 * looks));
  return final_look ? alpha - (looks - 1) * interim : interim;
}

std::string_view gate_statistic(const BenchmarkResult& b) {
  return b.source.kind == "workload" ? "p99" : "mean";
}

std::vector<double> per_repetition_statistic(const BenchmarkResult& b) {
  const bool p99 = gate_statistic(b) == "p99";
  std::vector<double> v;
  for (const auto& r : b.repetitions) v.push_back(p99 ? r.stats.p99 : r.stats.mean);
  return v;
}

std::string incomparable(const BenchmarkSource& base, const BenchmarkSource& head,
                         std::string_view base_side, std::string_view head_side) {
  if (base.kind != head.kind)
    return fmt::format("a {} in {} but a {} in {}", base.kind, base_side, head.kind, head_side);
  if (base.kind != "workload") return "";
  if (base.workload != head.workload)
    return fmt::format("workload {} in {} but {} in {}", base.workload, base_side, head.workload,
                       head_side);
  if (base.size != head.size)
    return fmt::format("of size '{}' in {} but '{}' in {}", base.size, base_side, head.size,
                       head_side);
  return "";
}

std::expected<GateReport, Error> compare_results(const Results& base, const Results& head,
                                                 const CompareOptions& options) {
  std::map<std::string, const BenchmarkResult*> base_by_name;
  for (const auto& b : base.benchmarks) base_by_name[b.name] = &b;
  std::vector<std::string> only_head, only_base;
  for (const auto& h : head.benchmarks)
    if (!base_by_name.contains(h.name)) only_head.push_back(h.name);
  for (const auto& b : base.benchmarks)
    if (std::ranges::none_of(head.benchmarks, [&](const auto& h) { return h.name == b.name; }))
      only_base.push_back(b.name);
  if (!only_head.empty() || !only_base.empty())
    return std::unexpected(Error::bad_input(fmt::format(
        "the runs hold different benchmarks (only in base: [{}]; only in current: [{}]); run both with the same suite",
        fmt::join(only_base, ", "), fmt::join(only_head, ", "))));

  GateReport report;
  report.mode = options.paired ? "ab" : "baseline";
  report.base_run = base.run;
  report.head_run = head.run;
  report.confidence = options.confidence;
  report.alpha = options.alpha;
  report.looks = std::max(1u, options.looks);
  report.interim_alpha = look_alpha(options.alpha, report.looks, false);
  report.final_alpha = look_alpha(options.alpha, report.looks, true);
  report.margin_fraction = options.margin_fraction;

  std::vector<std::size_t> decidable;  // indices into report.benchmarks that go through Holm
  for (const auto& h : head.benchmarks) {
    const BenchmarkResult& b = *base_by_name.at(h.name);
    if (b.unit != h.unit)
      return std::unexpected(Error::bad_input(
          fmt::format("benchmark '{}' is in '{}' in base but '{}' in current", h.name, b.unit, h.unit)));
    if (const std::string why = incomparable(b.source, h.source); !why.empty())
      return std::unexpected(Error::bad_input(fmt::format(
          "benchmark '{}' is {}: they measure different things; run both with the same suite",
          h.name, why)));
    BenchmarkVerdict v;
    v.name = h.name;
    v.statistic = gate_statistic(h);
    v.unit = h.unit;
    v.threshold_percent = options.threshold_percent.value_or(h.regression.threshold_percent);
    v.base_repetitions = b.repetitions.size();
    v.head_repetitions = h.repetitions.size();
    v.repetitions_share_a_process =
        !b.source.imported_from.empty() || !h.source.imported_from.empty();
    v.mean_change_percent = percent_change(b.stats.mean, h.stats.mean);
    v.throughput_change_percent = percent_change(b.stats.throughput_per_s, h.stats.throughput_per_s);
    if (b.status != "ok" || h.status != "ok") {
      v.verdict = Verdict::failed;
      v.note = b.status != "ok" ? "base: " + b.error : "current: " + h.error;
      report.benchmarks.push_back(std::move(v));
      continue;
    }
    const auto base_stat = per_repetition_statistic(b), head_stat = per_repetition_statistic(h);
    v.base_value = geometric_mean(base_stat);
    v.head_value = geometric_mean(head_stat);
    std::string why = insufficiency(b, "base", h.regression.min_iterations);
    if (why.empty()) why = insufficiency(h, "current", h.regression.min_iterations);
    // Paired files whose counts differ are not pairs: a wrong pair of files
    // (or the wrong flag), which no verdict should pass.
    if (options.paired && base_stat.size() != head_stat.size())
      return std::unexpected(Error::bad_input(
          fmt::format("benchmark '{}': paired repetitions need as many in base as in current, got {} and {}",
                      h.name, base_stat.size(), head_stat.size())));
    if (!why.empty()) {
      v.verdict = Verdict::insufficient_samples;
      v.note = why;
      report.benchmarks.push_back(std::move(v));
      continue;
    }
    v.method = options.method.value_or(h.regression.method);
    // Adaptive repetitions may still add what the method needs before the
    // final look (CompareOptions::final_repetitions).
    v.final_look =
        options.final_repetitions == 0 || v.head_repetitions >= options.final_repetitions;
    if (v.method == Method::permutation && v.final_look) {
      const std::string few = too_few_to_permute(base_stat.size(), head_stat.size(), options.paired,
                                                 look_alpha(options.alpha, report.looks, true));
      if (!few.empty()) {
        v.verdict = Verdict::insufficient_samples;
        v.note = few;
        report.benchmarks.push_back(std::move(v));
        continue;
      }
    }
    std::tie(v.estimate, v.location) = estimate(base_stat, head_stat, v.method, options);
    if (v.location == Location::minimum) {  // the values the estimate compares
      v.base_value = std::ranges::min(base_stat);
      v.head_value = std::ranges::min(head_stat);
    }
    // The p-value of H0: θ <= 1 + margin·T. Every method is equivariant
    // under scaling head, so it is the p-value of "slower" for head / (1 + m).
    const double margin = 1 + options.margin_fraction * v.threshold_percent / 100.0;
    std::vector<double> head_over_margin = head_stat;
    for (double& x : head_over_margin) x /= margin;
    v.p_margin = options.margin_fraction == 0 ? v.estimate.p_slower
                                              : p_slower(base_stat, head_over_margin, v.method, options);
    // An interim look of baseline mode may call a regression only at
    // look_alpha's 0.001, far in the tail, where a t reading of few
    // repetitions is least to be trusted: in a noisy hour the rounds' speeds
    // are bimodal, and a draw whose base came from the fast rounds and head
    // from the slow ones looks tight on both sides (validation's fifteenth
    // run: 11 a side from a +4 % pool, Yuen's t 1.2e-4 against the margin
    // where the exact test reads 0.0025; docs/gate.md). There the exact
    // permutation test must reject too (the larger of two valid p-values
    // is one). A/B pairs share their rounds (and n pairs' 2^n sign patterns
    // cannot reach 0.001 before 10 pairs), and the final look's level is
    // read where t is accurate.
    if (report.looks > 1 && !v.final_look && !options.paired && v.method != Method::permutation)
      v.p_margin = std::max(v.p_margin, permutation_p_slower(base_stat, head_over_margin, false));
    v.margin_percent = 100.0 * (margin - 1);
    // What an A/A comparison of this size would resolve, by the same method
    // (t: t · s_base · √(2/n); a permutation test of the minima resolves
    // what the fastest repetitions agree on).
    const RatioEstimate aa =
        estimate(base_stat, base_stat, v.method, {.paired = false, .confidence = options.confidence}).first;
    v.noise_floor_percent = 100.0 * (aa.upper - 1);
    v.base_slow_slices_percent = slow_slice_percent(b);
    v.head_slow_slices_percent = slow_slice_percent(h);
    v.base_interrupted_tail_percent = interrupted_tail_percent(b);
    v.head_interrupted_tail_percent = interrupted_tail_percent(h);
    v.verdict = h.regression.enabled ? Verdict::inconclusive : Verdict::not_gated;
    if (h.regression.enabled) decidable.push_back(report.benchmarks.size());
    report.benchmarks.push_back(std::move(v));
  }

  std::vector<double> p;
  for (std::size_t i : decidable) {
    const BenchmarkVerdict& v = report.benchmarks[i];
    p.push_back(std::min(1.0, v.p_margin * options.alpha / look_alpha(options.alpha, report.looks, v.final_look)));
  }
  const std::vector<double> adjusted = holm_adjust(p);
  for (std::size_t k = 0; k < decidable.size(); ++k) {
    BenchmarkVerdict& v = report.benchmarks[decidable[k]];
    v.p_adjusted = adjusted[k];
    v.verdict = decide(v.estimate, v.p_adjusted, report.alpha, v.threshold_percent);
    // The interval shown is the benchmark's own; say when only the suite's
    // correction keeps it from a regression, or its bound above the margin
    // reads as a verdict the gate got wrong.
    if (v.verdict == Verdict::inconclusive &&
        decide(v.estimate, p[k], report.alpha, v.threshold_percent) == Verdict::regression)
      v.note = fmt::format(
          "alone it would be a regression (p {:.2g} against the margin), but not among the "
          "{} gated benchmarks (Holm: {:.2g}, not below {:.2g})",
          p[k], decidable.size(), v.p_adjusted, report.alpha / 2);
  }

  // A benchmark that could not be measured has no verdict, and may be the
  // change that broke it: never a pass. The run failed (exit 3) even where
  // another benchmark regressed; the report still names the regressions.
  report.overall = Verdict::pass;
  for (auto& v : report.benchmarks) {
    if (v.verdict == Verdict::failed) report.overall = Verdict::failed;
    if (v.verdict == Verdict::regression && report.overall == Verdict::pass)
      report.overall = Verdict::regression;
    if (v.verdict == Verdict::inconclusive) {
      const std::string noise = machine_noise_note(v);
      v.note = v.note.empty() || noise.empty() ? v.note + noise : v.note + "; " + noise;
      report.warnings.push_back(fmt::format(
          "{}: inconclusive — the {} ratio {:.3f} [{:.3f}, {:.3f}] straddles the {:.0f} % threshold; more "
          "repetitions would decide it{}",
          v.name, v.statistic, v.estimate.ratio, v.estimate.lower, v.estimate.upper, v.threshold_percent,
          v.note.empty() ? "" : " (" + v.note + ")"));
    }
    if (v.verdict == Verdict::insufficient_samples)
      report.warnings.push_back(fmt::format("{}: not gated, insufficient samples: {}", v.name, v.note));
    if (v.verdict == Verdict::failed) report.warnings.push_back(fmt::format("{}: failed: {}", v.name, v.note));
  }
  report.targets = evaluate_targets(head);
  return report;
}

}  // namespace perfgate::gate
