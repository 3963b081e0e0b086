#include "reporters/markdown_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "reporters/markdown_escape.h"
#include "reporters/symbol_display.h"

namespace perfgate::reporters {
namespace {

using gate::Verdict;

std::string_view emoji(Verdict v) {
  switch (v) {
    case Verdict::pass: return "✅";
    case Verdict::improvement: return "🚀";
    case Verdict::regression: return "❌";
    case Verdict::inconclusive: return "⚠️";
    case Verdict::insufficient_samples: return "❔";
    case Verdict::failed: return "💥";
    case Verdict::not_gated: return "➖";
  }
  return "";
}

std::string_view label(Verdict v) {
  switch (v) {
    case Verdict::insufficient_samples: return "insufficient samples";
    case Verdict::not_gated: return "not gated";
    default: return gate::to_string(v);
  }
}

std::string change_cell(const gate::BenchmarkVerdict& v) {
  if (v.verdict == Verdict::failed || v.verdict == Verdict::insufficient_samples) return "—";
  return fmt::format("{} % [{}, {}]", signed_percent(v.estimate.ratio), signed_percent(v.estimate.lower),
                     signed_percent(v.estimate.upper));
}

std::string value_cell(double value) {
  return value > 0 ? format_duration_ns(value) : "—";
}

std::string verdict_row(const gate::BenchmarkVerdict& v) {
  std::string note = v.note.empty() ? "" : " — " + escape_markdown(v.note);
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {}{} |\n", emoji(v.verdict), escape_markdown(v.name),
                     statistic_label(v), value_cell(v.base_value), value_cell(v.head_value), change_cell(v),
                     v.noise_floor_percent > 0 ? fmt::format("±{:.1f} %", v.noise_floor_percent) : "—",
                     label(v.verdict), note);
}

constexpr std::string_view kTableHead =
    "| | benchmark | stat | base | head | change [CI] | noise | verdict |\n|---|---|---|---:|---:|---:|---:|---|\n";

std::string headline(const gate::GateReport& r) {
  std::size_t counts[7] = {};
  for (const auto& v : r.benchmarks) ++counts[static_cast<int>(v.verdict)];
  const std::size_t n = r.benchmarks.size();
  const std::size_t regressions = counts[static_cast<int>(Verdict::regression)];
  std::vector<std::string> names;  // the first three regressions
  for (const auto& v : r.benchmarks)
    if (v.verdict == Verdict::regression && names.size() < 3)
      names.push_back(fmt::format("{} {} {} %", escape_markdown(v.name), v.statistic,
                                  signed_percent(v.estimate.ratio)));
  const std::string regressed =
      fmt::format("{} regression{}", regressions, regressions == 1 ? "" : "s");
  if (r.overall == Verdict::regression)
    return fmt::format("## ❌ perfgate: {} in {} benchmark{} — {}\n", regressed, n,
                       n == 1 ? "" : "s", fmt::join(names, ", "));
  std::vector<std::string> extras;
  auto add = [&](Verdict v, std::string_view what) {
    if (const std::size_t c = counts[static_cast<int>(v)]) extras.push_back(fmt::format("{} {}", c, what));
  };
  add(Verdict::improvement, "improved");
  add(Verdict::inconclusive, "inconclusive");
  add(Verdict::insufficient_samples, "with too few samples to gate");
  if (r.overall == Verdict::failed) {
    const std::size_t failed = counts[static_cast<int>(Verdict::failed)];
    if (failed == n) return fmt::format("## 💥 perfgate: {} failed to run — no verdict\n", n == 1 ? "the benchmark" : fmt::format("all {} benchmarks", n));
    if (regressions > 0)
      return fmt::format(
          "## 💥 perfgate: {} of {} benchmarks failed to run, and {} in the others — {}\n", failed,
          n, regressed, fmt::join(names, ", "));
    return fmt::format("## 💥 perfgate: {} of {} benchmarks failed to run; no regression in the others{}\n", failed, n,
                       extras.empty() ? "" : fmt::format(" ({})", fmt::join(extras, ", ")));
  }
  return fmt::format("## ✅ perfgate: no regression in {} benchmark{}{}\n", n, n == 1 ? "" : "s",
                     extras.empty() ? "" : fmt::format(" ({})", fmt::join(extras, ", ")));
}

std::string verdict_section(const gate::GateReport& r, bool fold_passing) {
  std::string changed, passing;
  for (const auto& v : r.benchmarks) {
    const bool plain = v.verdict == Verdict::pass || v.verdict == Verdict::not_gated;
    (fold_passing && plain ? passing : changed) += verdict_row(v);
  }
  std::string out;
  if (!changed.empty()) out += std::string(kTableHead) + changed;
  if (!passing.empty())
    out += fmt::format("\n<details><summary>{} benchmarks passed</summary>\n\n{}{}\n</details>\n",
                       std::ranges::count_if(r.benchmarks, [](const auto& v) {
                         return v.verdict == Verdict::pass || v.verdict == Verdict::not_gated;
                       }),
                       kTableHead, passing);
  return out;
}

std::string targets_section(const gate::GateReport& r) {
  if (r.targets.outcomes.empty()) return "";
  std::string out = fmt::format("\n### Targets: {}/{} passed ({:.1f} %)\n\n", r.targets.passed,
                                r.targets.outcomes.size(), 100.0 * r.targets.pass_rate());
  out += "| benchmark | metric | value | target | status |\n|---|---|---:|---:|---|\n";
  for (const auto& [name, o] : r.targets.outcomes) {
    const std::string goal = o.target.acceptable_range
                                 ? fmt::format("{:.4g} (range {:.4g}–{:.4g})", o.target.target,
                                               o.target.acceptable_range->first, o.target.acceptable_range->second)
                                 : fmt::format("{} {:.4g}", o.lower_is_better ? "≤" : "≥", o.target.target);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", escape_markdown(name), escape_markdown(o.target.metric),
                       o.value ? fmt::format("{:.4g}", *o.value) : "not measured", goal,
                       o.passed ? "✅ PASS" : "❌ FAIL");
  }
  return out;
}


std::string hotspots_section(const gate::GateReport& r) {
  std::string out;
  for (const auto& h : r.hotspots) {
    if (!h.differential.empty()) {
      out += fmt::format("\n### Where {} got slower\n\n", escape_markdown(h.benchmark));
      const bool per_call = std::ranges::any_of(h.differential, [](const auto& d) {
        return d.per_call_change_percent.has_value();
      });
      out += per_call ? "| # | function | module | self base → head | total base → head | growth | time per call |\n"
                        "|---:|---|---|---:|---:|---:|---:|\n"
                      : "| # | function | module | self base → head | total base → head | growth |\n"
                        "|---:|---|---|---:|---:|---:|\n";
      for (std::size_t i = 0; i < std::min<std::size_t>(h.differential.size(), 10); ++i) {
        const auto& d = h.differential[i];
        out += fmt::format("| {} | {} | {} | {:.1f} → {:.1f} % | {:.1f} → {:.1f} % | {:+.1f} |", i + 1,
                           markdown_code(short_function_name(d.function)), escape_markdown(d.module), d.base_self_percent,
                           d.head_self_percent, d.base_total_percent, d.head_total_percent, d.growth);
        if (per_call)
          out += d.per_call_change_percent ? fmt::format(" {:+.0f} % |", *d.per_call_change_percent) : " — |";
        out += "\n";
      }
    }
    if (!h.top.empty()) {
      out += fmt::format("\n<details><summary>Hotspots of {} by ROI</summary>\n\n", escape_markdown(h.benchmark));
      out += roi_table(h);
      out += "\n</details>\n";
    }
    if (!h.note.empty()) out += fmt::format("\n_{}: {}_\n", escape_markdown(h.benchmark), escape_markdown(h.note));
  }
  return out;
}

// How the benchmarks' ratios were computed, naming the benchmarks of each
// method when they differ.
std::string methods_phrase(const gate::GateReport& r) {
  std::map<gate::Method, std::vector<std::string>> by_method;
  for (const auto& v : r.benchmarks)
    if (v.verdict != Verdict::failed && v.verdict != Verdict::insufficient_samples)
      by_method[v.method].push_back(escape_markdown(v.name));
  auto phrase = [&](gate::Method m) -> std::string {
    switch (m) {
      case gate::Method::t: return r.mode == "ab" ? "paired t on log ratios" : "Welch's t on log values";
      case gate::Method::permutation:
        return "permutation tests that combine the mean and the minimum of log values (the machine only slows a "
               "process down, so the fastest repetitions show the code where they agree)";
      case gate::Method::rank: return "Hodges–Lehmann with exact rank tests";
      case gate::Method::trimmed:
        return r.mode == "ab" ? "Yuen's t on the 10 % trimmed mean of log ratios"
                              : "Yuen's t on log values without each side's slowest 10 % of repetitions";
    }
    return "?";
  };
  if (by_method.empty()) return phrase(gate::Method::t);
  if (by_method.size() == 1) return phrase(by_method.begin()->first);
  std::vector<std::string> parts;
  for (const auto& [m, names] : by_method) parts.push_back(fmt::format("{} ({})", phrase(m), fmt::join(names, ", ")));
  return fmt::format("{}", fmt::join(parts, "; "));
}

// What one repetition is: a fresh process, but for imported Google Benchmark
// output one of the binary's own repetitions, all in one process.
std::string repetition_phrase(const gate::GateReport& r) {
  std::vector<std::string> shared;
  for (const auto& v : r.benchmarks)
    if (v.repetitions_share_a_process) shared.push_back(escape_markdown(v.name));
  constexpr std::string_view kShared =
      "one of the binary's own repetitions — "
      "imported Google Benchmark output runs them all in one process, "
      "so the interval does not see how much one process differs from the next";
  if (shared.empty()) return "a fresh process";
  if (shared.size() == r.benchmarks.size()) return std::string(kShared);
  return fmt::format("a fresh process; for {}, {}", fmt::join(shared, ", "), kShared);
}

std::string context_section(const gate::GateReport& r) {
  const auto& hb = r.head_run.host;
  std::string out = "\n<details><summary>Method, noise floor and machine</summary>\n\n";
  out += fmt::format(
      "- Mode: {} — per repetition ({}) one statistic is compared; {}; {:.0f} % intervals; "
      "a regression needs the ratio above 1 + threshold and "
      "its interval's lower bound above 1 + {:.2g} × threshold "
      "(Holm-adjusted one-sided p < {:.2g} across the suite{}).\n",
      r.mode == "ab" ? "A/B, interleaved pairs" : "baseline", repetition_phrase(r),
      methods_phrase(r), 100 * r.confidence, r.margin_fraction, r.alpha / 2,
      r.looks > 1 ? fmt::format("; up to {} adaptive looks: α = {:.2g} at each interim look, "
                                "{:.3g} at the final one",
                                r.looks, r.interim_alpha, r.final_alpha)
                  : std::string());
  out += "- Noise floor: the smallest change each comparison can resolve at its size (from the base repetitions' "
         "spread), shown per benchmark in the table.\n";
  out += fmt::format(
      "- Machine: {} · {} · kernel {} · load {:.2f} / {:.2f} / {:.2f}{}\n",
      escape_markdown_or_unknown(hb.cpu_model), cores_text(hb.cores),
      escape_markdown_or_unknown(hb.kernel), hb.load_avg_1m, hb.load_avg_5m, hb.load_avg_15m,
      // Without a core count (an import) a load says nothing about how busy.
      hb.cores > 0 && hb.load_avg_1m > hb.cores ? " — **the machine was busy; expect more noise**"
                                                : "");
  auto commit = [](const std::string& c) { return c.empty() ? std::string("unknown") : c.substr(0, 12); };
  out += fmt::format("- Base: {} ({}) · head: {} ({})\n", markdown_code(commit(r.base_run.commit)),
                     escape_markdown(r.base_run.started_at), markdown_code(commit(r.head_run.commit)),
                     escape_markdown(r.head_run.started_at));
  out += "\n</details>\n";
  return out;
}

std::string warnings_section(const gate::GateReport& r) {
  if (r.warnings.empty()) return "";
  std::string out = "\n<details><summary>⚠️ " + std::to_string(r.warnings.size()) + " warning(s)</summary>\n\n";
  for (const auto& w : r.warnings) out += "- " + escape_markdown(w) + "\n";
  return out + "\n</details>\n";
}

std::string artifacts_section(const gate::GateReport& r) {
  if (r.artifacts.empty()) return "";
  std::string out = "\nArtifacts: ";
  for (std::size_t i = 0; i < r.artifacts.size(); ++i)
    out += fmt::format("{}{} ({})", i ? " · " : "", escape_markdown(r.artifacts[i].first),
                       markdown_code(r.artifacts[i].second));
  return out + "\n";
}

}  // namespace

std::string statistic_label(const gate::BenchmarkVerdict& v) {
  return v.location == gate::Location::minimum ? v.statistic + ", fastest" : v.statistic;
}

std::string signed_percent(double ratio) {
  const double percent = 100.0 * (ratio - 1);
  return std::abs(percent) < 1e6 ? fmt::format("{:+.1f}", percent)
                                 : fmt::format("{:+.4g}", percent);
}

std::string cores_text(unsigned cores) {
  if (cores == 0) return "cores unknown";
  return fmt::format("{} core{}", cores, cores == 1 ? "" : "s");
}

std::string format_duration_ns(double ns) {
  if (ns >= 1e15)
    return fmt::format("{:.4g} s", ns / 1e9);  // past 11 days: no one reads the digits
  if (ns >= 1e9) return fmt::format("{:.3f} s", ns / 1e9);
  if (ns >= 1e6) return fmt::format("{:.3f} ms", ns / 1e6);
  if (ns >= 1e3) return fmt::format("{:.2f} µs", ns / 1e3);
  return fmt::format("{:.0f} ns", ns);
}

std::string roi_table(const gate::BenchmarkHotspots& h, std::size_t rows) {
  std::string out = "| # | function | self % | total % | calls % | score | complexity | ROI | impact |\n"
                    "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (std::size_t i = 0; i < std::min(h.top.size(), rows); ++i) {
    const auto& t = h.top[i];
    out += fmt::format("| {} | {} | {:.1f} | {:.1f} | {} | {:.1f} | {:.2f} | {:.2f} | {:.0f} % |\n", i + 1,
                       markdown_code(short_function_name(t.function)), t.self_percent, t.total_percent,
                       t.calls_percent ? fmt::format("{:.1f}", *t.calls_percent) : "—", t.score, t.complexity, t.roi,
                       t.impact);
  }
  return out;
}

std::string render_markdown_report(const gate::GateReport& r, std::size_t max_bytes) {
  const std::string head = std::string(kCommentMarker) + "\n" + headline(r) + "\n";
  const bool fold = r.benchmarks.size() > kFoldAbove;
  // In order of importance; the tail is dropped first when the body is too big.
  std::vector<std::string> sections = {verdict_section(r, fold), targets_section(r), hotspots_section(r),
                                       warnings_section(r), context_section(r), artifacts_section(r)};
  constexpr std::string_view kNote =
      "\n_Report shortened to fit a GitHub comment; the full report is in the report.md artifact._\n";
  std::string body = head;
  for (const auto& s : sections) body += s;
  while (body.size() > max_bytes && !sections.empty()) {
    sections.pop_back();
    body = head;
    for (const auto& s : sections) body += s;
    body += kNote;
  }
  if (body.size() > max_bytes) {  // even the verdict table alone is too big: cut at a line
    std::size_t cut = body.rfind('\n', max_bytes - kNote.size() - 1);
    body = body.substr(0, cut == std::string::npos ? 0 : cut + 1);
    body += kNote;
  }
  return body;
}

}  // namespace perfgate::reporters
