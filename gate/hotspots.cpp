#include "gate/hotspots.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "gate/atomic_file.h"
#include "gate/profile_json.h"
#include "gate/statistics.h"

namespace perfgate::gate {
namespace {

using FunctionKey = std::pair<std::string, std::string>;  // function, module

struct Shares {
  double self_percent = 0;
  double total_percent = 0;
  std::uint64_t symbol_size = 0;  // largest seen for the function (0 unknown)
};

// The candidate a frame counts for: its function, except that addresses no
// symbol covers ("libsodium.so.23+0xf0bd", a stripped library's internal
// functions) count together as their module's code without symbols. Ranked
// one address at a time, a library that takes most of the time shows as
// many entries of 1-2 % each, and a small function of the code around it
// came first.
FunctionKey candidate_of(const std::string& function, const std::string& module) {
  if (function.size() > module.size() + 3 && function.starts_with(module) &&
      std::string_view(function).substr(module.size(), 3) == "+0x")
    return {fmt::format("[{}: code without symbols]", module), module};
  return {function, module};
}

// Self and total share of every user-space function (see the header).
std::map<FunctionKey, Shares> function_shares(const profiler::Profile& profile) {
  // Self as the profile defines it for user functions (kernel time charged
  // to the user frame below), which call counting uses too.
  std::map<FunctionKey, std::uint64_t> self;
  for (const auto& [key, weight] : profile.self_by_user_function()) self[candidate_of(key.first, key.second)] += weight;
  std::map<FunctionKey, std::uint64_t> total, size;
  const auto& frames = profile.frames();
  std::set<FunctionKey> on_stack;
  for (const auto& stack : profile.stacks()) {
    on_stack.clear();
    for (std::uint32_t id : stack.frames) {
      const profiler::Frame& f = frames[id];
      if (f.kind == profiler::FrameKind::kernel) continue;
      FunctionKey key = candidate_of(f.function, f.module);
      std::uint64_t& s = size[key];
      s = std::max(s, f.symbol_size);
      if (on_stack.insert(key).second) total[key] += stack.count;
    }
  }
  std::map<FunctionKey, Shares> out;
  const double sum = static_cast<double>(profile.total());
  if (sum <= 0) return out;
  for (const auto& [key, t] : total)
    out[key] = Shares{.self_percent = 100.0 * static_cast<double>(self[key]) / sum,
                      .total_percent = 100.0 * static_cast<double>(t) / sum,
                      .symbol_size = size[key]};
  return out;
}

const ComplexityRule* matching_rule(const HotspotSettings& settings, const std::string& function) {
  for (const auto& rule : settings.functions)
    if (fnmatch(rule.pattern.c_str(), function.c_str(), 0) == 0) return &rule;
  return nullptr;
}

std::string profile_note(const std::optional<ProfileRef>& ref) {
  if (!ref) return "no profile: run with --profile (or profiling.enabled) to rank hotspots";
  return fmt::format("profile {}: {}", ref->status, ref->reason.empty() ? "no reason given" : ref->reason);
}

}  // namespace

std::expected<profiler::Profile, std::string> load_profile(const std::optional<ProfileRef>& ref,
                                                           const std::filesystem::path& dir) {
  if (!ref || ref->status != "ok") return std::unexpected(profile_note(ref));
  const std::filesystem::path path = dir / ref->path;
  auto text = read_file(path.string(), std::uintmax_t{1} << 30);
  if (!text) return std::unexpected(fmt::format("profile unreadable: {}", text.error().message));
  auto profile = profile_from_json(*text);
  if (!profile) return std::unexpected(fmt::format("profile {} invalid: {}", path.string(), profile.error().message));
  return std::move(*profile);
}

double complexity_from_size(std::uint64_t symbol_size_bytes) {
  if (symbol_size_bytes == 0) return kUnknownSizeComplexity;
  return 1.0 + std::log2(1.0 + static_cast<double>(symbol_size_bytes) / 256.0);
}

std::vector<Hotspot> rank_hotspots(const profiler::Profile& profile, const HotspotSettings& settings) {
  std::vector<Hotspot> out;
  for (const auto& [key, s] : function_shares(profile)) {
    if (s.self_percent < kMinSelfPercent) continue;
    Hotspot h;
    h.function = key.first;
    h.module = key.second;
    h.self_percent = s.self_percent;
    h.total_percent = s.total_percent;
    const ComplexityRule* rule = matching_rule(settings, h.function);
    h.complexity = rule && rule->complexity ? *rule->complexity : complexity_from_size(s.symbol_size);
    const double speedup = rule && rule->max_speedup ? *rule->max_speedup : kDefaultMaxSpeedup;
    h.impact = s.total_percent * speedup;
    out.push_back(std::move(h));
  }
  // calls %: a candidate's share of the calls counted for the candidates
  // (profile.calls), from counting runs that stand for the operations: whole
  // runs, or the first operations (counted from the program's mark of where
  // they begin, calls_from, until the budget). A counting run stopped at its
  // budget without that mark counted the start of the run only (lru's
  // setup, none of its requests): no calls % then. A candidate without a
  // count (no symbol, an AVX entry, a shared library's function that ran in
  // a child process) has the 0.2 weight of calls % spread over the other two
  // (0.4 / 0.8 = 0.5 each), which is to take its calls % as the mean of its
  // self and total %; the counted ones share what that leaves of 100 % by
  // their calls, so that no share is inflated by the calls not counted.
  // With fewer than two counted, every candidate is scored 0.5 / 0.5.
  // A function that ran in its counting runs (self samples) with no call
  // counted ran where the probes were not (a shared library's probes are in
  // the launched process only; the recorder leaves out such a function when
  // it sees it ran elsewhere too): unknown, not zero — unless the counting
  // began at the program's mark, which it was entered before (main, the
  // workload's run loop): it made no call in the window.
  const bool from_mark = !profile.calls_from.empty();
  const bool stand_for_operations = !profile.calls_partial || from_mark;
  std::uint64_t all_calls = 0;
  std::size_t known_count = 0;
  double imputed_percent = 0;
  std::vector<std::optional<std::uint64_t>> calls;
  for (const Hotspot& h : out) {
    const profiler::FunctionCalls* c = profile.calls_of(h.function, h.module);
    const bool known = stand_for_operations && c != nullptr &&
                       !(c->calls == 0 && c->self_samples > 0 && !from_mark);
    calls.push_back(known ? std::optional(c->calls) : std::nullopt);
    all_calls += known ? c->calls : 0;
    known_count += known ? 1 : 0;
    if (!known) imputed_percent += 0.5 * (h.self_percent + h.total_percent);
  }
  const bool counted = known_count >= 2 && all_calls > 0;
  const double counted_percent = std::max(0.0, 100.0 - imputed_percent);
  for (std::size_t i = 0; i < out.size(); ++i) {
    Hotspot& h = out[i];
    if (counted && calls[i]) {
      h.calls_percent =
          counted_percent * static_cast<double>(*calls[i]) / static_cast<double>(all_calls);
      h.score = 0.4 * h.self_percent + 0.4 * h.total_percent + 0.2 * *h.calls_percent;
    } else {
      h.score = 0.5 * h.self_percent + 0.5 * h.total_percent;
    }
    h.roi = h.score / h.complexity;
  }
  std::ranges::sort(out, [](const Hotspot& a, const Hotspot& b) {
    return std::tie(b.roi, b.self_percent, a.function, a.module) < std::tie(a.roi, a.self_percent, b.function, b.module);
  });
  if (out.size() > settings.top) out.resize(settings.top);
  return out;
}

std::vector<FunctionKey> countable_hot_functions(const profiler::Profile& profile) {
  auto has_entry = [](const std::string& name) {
    return name.find("+0x") == std::string::npos && !name.ends_with("@plt") && name != ".plt" &&
           !name.starts_with("[");
  };
  std::vector<std::pair<std::uint64_t, FunctionKey>> hot;
  for (const auto& [key, weight] : profile.self_by_user_function())
    if (100.0 * double(weight) >= kMinSelfPercent * double(profile.total()) && has_entry(key.first))
      hot.emplace_back(weight, key);
  std::ranges::sort(hot, std::greater{});
  std::vector<FunctionKey> out;
  for (auto& [weight, key] : hot) out.push_back(std::move(key));
  return out;
}

namespace {

// "ns::Class::method" of "ns::Class::method(int) const", for notes.
std::string without_parameters(const std::string& function) {
  const auto paren = function.find('(');
  return paren == std::string::npos || paren == 0 ? function : function.substr(0, paren);
}

// Head's CPU time per call over base's for one function counted on both
// sides: (log ratio, z), or nullopt without calls or with fewer than
// kMinPerCallSamples self samples on a side. Each counting run gives a log
// time per call (runs without calls or self samples give none); the log
// ratio is the difference of the two sides' means. Its variance has two
// parts: the sampling error, known (a run's log has variance 1 / its self
// samples, Poisson), and with several runs a side the variance between runs
// beyond it — the machine's noise — estimated as the runs' pooled variance
// less the sampling part (never below 0). The z is the log ratio over that
// error on the z scale (z_of_t) for the Welch–Satterthwaite degrees of
// freedom: n_base + n_head − 2 where the runs' spread dominates, more where
// the known sampling error does (with runs that agree, just the Poisson z).
std::optional<std::pair<double, double>> per_call_log_ratio(const profiler::Profile& base,
                                                            const profiler::Profile& head,
                                                            const profiler::FunctionCalls& b,
                                                            const profiler::FunctionCalls& h) {
  if (b.calls == 0 || h.calls == 0 || b.self_samples < kMinPerCallSamples || h.self_samples < kMinPerCallSamples ||
      base.stats.hz == 0 || head.stats.hz == 0)
    return std::nullopt;
  struct Side {
    std::vector<double> logs;   // log seconds per call, one per run
    double sampling_var = 0;    // sum over those runs of 1 / self samples
    double mean = 0;
  };
  auto side = [](const profiler::FunctionCalls& c, unsigned hz) {
    Side s;
    for (const auto& run : c.per_run()) {
      if (run.calls == 0 || run.self_samples == 0) continue;
      s.logs.push_back(std::log(double(run.self_samples) / hz / double(run.calls)));
      s.sampling_var += 1.0 / double(run.self_samples);
    }
    for (double x : s.logs) s.mean += x / double(s.logs.size());
    return s;
  };
  const Side sb = side(b, base.stats.hz), sh = side(h, head.stats.hz);
  if (sb.logs.empty() || sh.logs.empty()) return std::nullopt;
  const double nb = double(sb.logs.size()), nh = double(sh.logs.size());
  const double log_ratio = sh.mean - sb.mean;
  const double sampling = sb.sampling_var / (nb * nb) + sh.sampling_var / (nh * nh);
  const double df = nb + nh - 2;
  double between = 0;  // the between-run variance's share of the log ratio's
  if (df >= 1) {
    double squares = 0;
    for (const Side* s : {&sb, &sh})
      for (double x : s->logs) squares += (x - s->mean) * (x - s->mean);
    const double per_run_sampling = (sb.sampling_var + sh.sampling_var) / (nb + nh);
    between = std::max(0.0, squares / df - per_run_sampling) * (1 / nb + 1 / nh);
  }
  const double variance = sampling + between;
  const double t = log_ratio / std::sqrt(variance);
  if (between == 0) return std::pair{log_ratio, t};
  return std::pair{log_ratio, z_of_t(t, df * (variance / between) * (variance / between))};
}

// per_call_log_ratio for the function of key, when both profiles counted it.
std::optional<std::pair<double, double>> per_call_change(const profiler::Profile& base, const profiler::Profile& head,
                                                         const FunctionKey& key) {
  const profiler::FunctionCalls* b = base.calls_of(key.first, key.second);
  const profiler::FunctionCalls* h = head.calls_of(key.first, key.second);
  if (b == nullptr || h == nullptr) return std::nullopt;
  return per_call_log_ratio(base, head, *b, *h);
}

// ", 3 counting runs a side" (or "3 base, 2 head") for a note on d's time
// per call; "" with one run a side.
std::string counting_runs_note(const profiler::Profile& base, const profiler::Profile& head,
                               const DifferentialHotspot& d) {
  auto runs = [&](const profiler::Profile& p) -> std::size_t {
    const profiler::FunctionCalls* c = p.calls_of(d.function, d.module);
    return c == nullptr ? 0 : c->per_run().size();
  };
  const std::size_t b = runs(base), h = runs(head);
  if (b <= 1 && h <= 1) return "";
  return b == h ? fmt::format(", {} counting runs a side", b)
                : fmt::format(", {} base and {} head counting runs", b, h);
}

}  // namespace

std::vector<DifferentialHotspot> differential_hotspots(const profiler::Profile& base,
                                                       const profiler::Profile& head, std::size_t top) {
  const auto b = function_shares(base), h = function_shares(head);
  std::set<FunctionKey> keys;
  for (const auto& [k, _] : b) keys.insert(k);
  for (const auto& [k, _] : h) keys.insert(k);
  std::vector<DifferentialHotspot> out;
  for (const auto& key : keys) {
    const Shares sb = b.contains(key) ? b.at(key) : Shares{};
    const Shares sh = h.contains(key) ? h.at(key) : Shares{};
    DifferentialHotspot d{.function = key.first,
                          .module = key.second,
                          .base_self_percent = sb.self_percent,
                          .head_self_percent = sh.self_percent,
                          .base_total_percent = sb.total_percent,
                          .head_total_percent = sh.total_percent,
                          .growth = (sh.self_percent - sb.self_percent) + (sh.total_percent - sb.total_percent)};
    // Callers that spend no time themselves on either side only carry their
    // callees' growth (main, the runtime's start frames): context, as in the
    // ROI ranking, not where the time went.
    const bool spends_time = std::max(sb.self_percent, sh.self_percent) >= kMinSelfPercent;
    if (!(d.growth > 0 && spends_time)) continue;
    if (const auto ratio = per_call_change(base, head, key)) {
      d.per_call_change_percent = 100.0 * std::expm1(ratio->first);
      d.per_call_z = ratio->second;
    }
    out.push_back(std::move(d));
  }
  std::ranges::sort(out, [](const DifferentialHotspot& x, const DifferentialHotspot& y) {
    return std::tie(y.growth, x.function, x.module) < std::tie(x.growth, y.function, y.module);
  });
  if (out.size() > top) out.resize(top);
  return out;
}


std::vector<DifferentialHotspot> per_call_hotspots(const profiler::Profile& base, const profiler::Profile& head,
                                                   std::size_t top) {
  const auto b = function_shares(base), h = function_shares(head);
  std::vector<DifferentialHotspot> out;
  for (const auto& hc : head.calls) {
    const FunctionKey key{hc.function, hc.module};
    const auto ratio = per_call_change(base, head, key);
    if (!ratio || ratio->first <= 0) continue;
    const Shares sb = b.contains(key) ? b.at(key) : Shares{};
    const Shares sh = h.contains(key) ? h.at(key) : Shares{};
    out.push_back({.function = hc.function,
                   .module = hc.module,
                   .base_self_percent = sb.self_percent,
                   .head_self_percent = sh.self_percent,
                   .base_total_percent = sb.total_percent,
                   .head_total_percent = sh.total_percent,
                   .growth = (sh.self_percent - sb.self_percent) + (sh.total_percent - sb.total_percent),
                   .per_call_change_percent = 100.0 * std::expm1(ratio->first),
                   .per_call_z = ratio->second});
  }
  std::ranges::sort(out, [](const DifferentialHotspot& x, const DifferentialHotspot& y) {
    return std::tie(y.per_call_z, x.function, x.module) < std::tie(x.per_call_z, y.function, y.module);
  });
  if (out.size() > top) out.resize(top);
  return out;
}

double share_growth_z(const DifferentialHotspot& d, std::uint64_t base_samples, std::uint64_t head_samples) {
  if (base_samples == 0 || head_samples == 0) return 0;
  auto z = [&](double base_percent, double head_percent) {
    const double pb = base_percent / 100, ph = head_percent / 100;
    const double se = std::sqrt(pb * (1 - pb) / double(base_samples) + ph * (1 - ph) / double(head_samples));
    if (se > 0) return (ph - pb) / se;
    return ph > pb ? std::numeric_limits<double>::infinity() : 0.0;
  };
  return std::max(z(d.base_self_percent, d.head_self_percent), z(d.base_total_percent, d.head_total_percent));
}

bool within_sampling_noise(const DifferentialHotspot& d, std::uint64_t base_samples, std::uint64_t head_samples) {
  return !(share_growth_z(d, base_samples, head_samples) > kSharesNoiseZ);
}

namespace {

// What the report says beside a profile's ROI table: coarse shares, and how
// calls % entered the score.
std::vector<std::string> roi_notes(const profiler::Profile& profile, const std::vector<Hotspot>& top) {
  std::vector<std::string> notes;
  if (profile.mode() != profiler::Mode::cpu) return notes;
  if (profile.total() < kFewSamples)
    notes.push_back(fmt::format("the profile holds only {} samples, so its shares are coarse: raise --hz or "
                                "profiling.duration",
                                profile.total()));
  const auto known = static_cast<std::size_t>(
      std::ranges::count_if(top, [](const Hotspot& h) { return h.calls_percent.has_value(); }));
  const std::size_t uncounted = top.size() - known;
  const std::string over =
      profile.calls_from.empty()
          ? ""
          : fmt::format(" from the program's call of {} on{}", profile.calls_from,
                        profile.calls_partial ? " until the call budget" : "");
  if (known > 0 && uncounted == 0)
    notes.push_back(fmt::format(
        "calls % is each function's share of the calls counted for all of them (uprobes, in "
        "counting runs of their own{}): score = 0.4·self % + 0.4·total % + 0.2·calls %",
        over));
  else if (known > 0)
    notes.push_back(fmt::format(
        "calls % is each counted function's share of the calls counted (uprobes, in counting "
        "runs of their own{}): score = 0.4·self % + 0.4·total % + 0.2·calls %. {} of these {} {} "
        "no count (no symbol, an AVX entry a uprobe would corrupt, or a shared library's "
        "function that ran in a child process): score = 0.5·self % + 0.5·total %, which takes "
        "their calls % as the mean of the two, and the counted share the rest of 100 %",
        over, uncounted, top.size(), uncounted == 1 ? "has" : "have"));
  else if (profile.calls_partial && profile.calls_from.empty())
    notes.push_back("calls were counted over the start of the run only (a counting run stopped at its "
                    "call budget), so calls % is left out: score = 0.5·self % + 0.5·total %");
  else if (!profile.calls.empty())
    notes.push_back(
        "calls were counted for fewer than two hotspots (no symbol, it starts with an AVX "
        "instruction "
        "a uprobe would corrupt, or it is a shared library's function that ran in a child process, "
        "where a library's calls are not counted — a `command` with shell syntax runs under "
        "/bin/sh -c; a plain one or a list runs directly): score = 0.5·self % + 0.5·total %");
  else
    notes.push_back("call counts are unknown in a sampling profile (--count-calls counts them): "
                    "score = 0.5·self % + 0.5·total %");
  return notes;
}

std::string joined(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return out;
}

}  // namespace

BenchmarkHotspots roi_hotspots(const BenchmarkResult& b, const std::filesystem::path& dir) {
  BenchmarkHotspots out{.benchmark = b.name};
  auto profile = load_profile(b.profile, dir);
  if (!profile) {
    out.note = profile.error();
    return out;
  }
  out.top = rank_hotspots(*profile, b.hotspots);
  out.note = joined(roi_notes(*profile, out.top));
  return out;
}

void attach_hotspots(GateReport& report, const Results& base, const std::filesystem::path& base_dir,
                     const Results& head, const std::filesystem::path& head_dir) {
  std::map<std::string, const BenchmarkResult*> base_by_name;
  for (const auto& b : base.benchmarks) base_by_name[b.name] = &b;
  std::map<std::string, Verdict> verdicts;
  for (const auto& v : report.benchmarks) verdicts[v.name] = v.verdict;
  for (const auto& hb : head.benchmarks) {
    BenchmarkHotspots out{.benchmark = hb.name};
    auto head_profile = load_profile(hb.profile, head_dir);
    if (!head_profile) {
      out.note = head_profile.error();
      report.hotspots.push_back(std::move(out));
      continue;
    }
    out.top = rank_hotspots(*head_profile, hb.hotspots);
    std::vector<std::string> notes = roi_notes(*head_profile, out.top);
    if (verdicts.contains(hb.name) && verdicts[hb.name] == Verdict::regression) {
      const auto it = base_by_name.find(hb.name);
      auto base_profile = it == base_by_name.end() ? std::expected<profiler::Profile, std::string>(
                                                         std::unexpected(std::string("not in base")))
                                                   : load_profile(it->second->profile, base_dir);
      if (base_profile) {
        out.differential = differential_hotspots(*base_profile, *head_profile, hb.hotspots.top);
        // A regression of latency through waiting or queueing leaves the CPU
        // shares where they were; ranking their noise would point at a
        // random function. With counted calls, time per call may still name
        // the function that got slower: whichever of the two is the stronger
        // evidence ranks, and the note says how strong.
        const bool cpu = head_profile->mode() == profiler::Mode::cpu && base_profile->mode() == profiler::Mode::cpu;
        if (cpu) {
          const double share_z =
              out.differential.empty()
                  ? 0.0
                  : share_growth_z(out.differential.front(), base_profile->total(), head_profile->total());
          const bool shares_in_noise =
              out.differential.empty() ||
              within_sampling_noise(out.differential.front(), base_profile->total(), head_profile->total());
          auto per_call = per_call_hotspots(*base_profile, *head_profile, hb.hotspots.top);
          // The same function first either way: the shares keep the order.
          const bool same_first = !out.differential.empty() && !per_call.empty() &&
                                  out.differential.front().function == per_call.front().function &&
                                  out.differential.front().module == per_call.front().module;
          const bool by_call = !per_call.empty() && per_call.front().per_call_z > std::max(share_z, 0.0) && !same_first;
          const std::string samples =
              fmt::format("{} base, {} head samples", base_profile->total(), head_profile->total());
          const std::string offcpu =
              "waiting or queueing does not show in a CPU profile (perfgate record --mode offcpu)";
          if (by_call) {
            const DifferentialHotspot& first = per_call.front();
            const std::string per_call_figure =
                fmt::format("{} at {:+.0f} % per call (z {:.1f}{})", without_parameters(first.function),
                            *first.per_call_change_percent, first.per_call_z,
                            counting_runs_note(*base_profile, *head_profile, first));
            if (first.per_call_z < kSharesNoiseZ)
              notes.push_back(fmt::format(
                  "neither a CPU share nor a time per call grew beyond noise ({}): ranked by time per call, the "
                  "stronger of the two, {} — a guess; {}",
                  samples, per_call_figure, offcpu));
            else if (shares_in_noise)
              notes.push_back(fmt::format("no function's CPU share grew beyond sampling noise ({}), but CPU time "
                                          "per call did: ranked by that (calls counted with --count-calls), {}",
                                          samples, per_call_figure));
            else
              notes.push_back(fmt::format("ranked by CPU time per call (calls counted with --count-calls): {} is "
                                          "stronger evidence than the largest share growth, {}'s (z {:.1f})",
                                          per_call_figure, without_parameters(out.differential.front().function),
                                          share_z));
            out.differential = std::move(per_call);
          } else if (shares_in_noise) {
            notes.push_back(fmt::format("no function's CPU share grew beyond sampling noise ({}): the regression "
                                        "did not change where CPU time goes — {}",
                                        samples, offcpu));
          }
        }
      } else
        notes.push_back("no differential hotspots: base " + base_profile.error());
    }
    out.note = joined(notes);
    report.hotspots.push_back(std::move(out));
  }
}

}  // namespace perfgate::gate
