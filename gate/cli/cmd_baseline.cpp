// `perfgate baseline save|show`: the stored results `perfgate check` compares
// against (DESIGN §3). Saving validates the results first and replaces the
// baseline atomically.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/compare.h"
#include "gate/profile_json.h"
#include "gate/results_json.h"
#include "reporters/markdown_report.h"

namespace perfgate::cli {
namespace {

struct BaselineOptions {
  std::string results = "perfgate-out/results.json";
  std::string path = ".perfgate/baseline.json";
};

// Below this many baseline repetitions Welch's interval is wide: few degrees
// of freedom, a large t quantile and a spread estimated from a handful.
constexpr std::size_t kFewBaselineRepetitions = 5;

// One warning line naming the gated benchmarks (the first few) that the
// baseline holds too few repetitions of; the save goes ahead.
void warn_about_few_repetitions(const gate::Results& baseline) {
  std::vector<std::string> few;
  for (const auto& b : baseline.benchmarks)
    if (b.regression.enabled && b.repetitions.size() < kFewBaselineRepetitions)
      few.push_back(fmt::format("{}: {}", b.name, b.repetitions.size()));
  if (few.empty()) return;
  constexpr std::size_t kNamed = 5;
  std::string named = fmt::format("{}", fmt::join(few.begin(), few.begin() + std::min(kNamed, few.size()), ", "));
  if (few.size() > kNamed) named += fmt::format(" and {} more", few.size() - kNamed);
  // Enough for check's adaptive repetitions to reach their default cap.
  const unsigned enough = (kMaxRepetitions + kBaselineRepetitionFactor - 1) / kBaselineRepetitionFactor;
  warn(fmt::format("the baseline holds fewer than {} repetitions of {} benchmark(s) ({}): Welch's interval on so few "
                   "is wide, so `perfgate check` will be inconclusive more often and adds at most {}× the baseline's "
                   "repetitions; store a baseline from `perfgate run -r {}` or more",
                   kFewBaselineRepetitions, few.size(), named, kBaselineRepetitionFactor, enough));
}

ExitCode save(const BaselineOptions& o) {
  auto results = load_results(o.results);
  if (!results) return fail(results.error());
  if (results->benchmarks.empty())
    return fail(gate::Error::bad_input(fmt::format("{} holds no benchmarks; a baseline must hold some", o.results)));
  if (const auto failed = std::ranges::count_if(results->benchmarks, [](const auto& b) { return b.status != "ok"; });
      failed > 0)
    return fail(gate::Error::bad_input(fmt::format(
        "{} has {} failed benchmark(s); a baseline must hold only successful runs", o.results, failed)));
  // Profiles travel with the baseline, so a later regression gets differential
  // hotspots against them: copied beside it, paths relative to it.
  const std::filesystem::path from = parent_dir(o.results), to = parent_dir(o.path);
  for (auto& b : results->benchmarks) {
    if (!b.profile || b.profile->status != "ok") continue;
    const std::filesystem::path rel = std::filesystem::path("baseline-profiles") /
                                      std::filesystem::path(b.profile->path).filename();
    auto text = gate::read_file(from / b.profile->path, std::uintmax_t{1} << 30);
    std::expected<void, gate::Error> ok;
    if (!text)
      ok = std::unexpected(text.error());
    else if (auto profile = gate::profile_from_json(*text); !profile)  // only a profile is copied
      ok = std::unexpected(profile.error());
    else
      ok = gate::write_file_atomically(to / rel, *text);
    if (!ok) {
      warn(fmt::format("baseline keeps no profile for {}: {}", b.name, ok.error().message));
      b.profile = gate::ProfileRef{"missing", "", "not copied into the baseline: " + ok.error().message};
      continue;
    }
    b.profile->path = rel.string();
  }
  if (auto ok = gate::write_file_atomically(o.path, gate::results_to_json(*results)); !ok) return fail(ok.error());
  fmt::print("saved {} benchmarks from {} (commit {}) as the baseline {}\n", results->benchmarks.size(), o.results,
             results->run.commit.empty() ? "unknown" : results->run.commit.substr(0, 12), o.path);
  warn_about_few_repetitions(*results);
  return ExitCode::pass;
}

ExitCode show(const BaselineOptions& o) {
  if (std::error_code ec; !std::filesystem::exists(o.path, ec))
    return fail(gate::Error::bad_input(fmt::format(
        "no baseline at {}; store one with 'perfgate baseline save [RESULTS]' (default perfgate-out/results.json)",
        o.path)));
  auto results = load_results(o.path);
  if (!results) return fail(results.error());
  fmt::print("baseline {}: commit {}, {} ({}), {} benchmarks\n", o.path,
             results->run.commit.empty() ? "unknown" : results->run.commit.substr(0, 12), results->run.started_at,
             results->run.host.cpu_model, results->benchmarks.size());
  for (const auto& b : results->benchmarks) {
    const bool p99 = gate::gate_statistic(b) == "p99";
    fmt::print("  {:<32} {:>3} reps  {} {:>11}\n", b.name, b.repetitions.size(), gate::gate_statistic(b),
               b.status == "ok" ? reporters::format_duration_ns(p99 ? b.stats.p99 : b.stats.mean) : "failed");
  }
  return ExitCode::pass;
}

}  // namespace

void add_baseline_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("baseline", "Store or show the baseline that 'perfgate check' compares against");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<BaselineOptions>();
  auto* s = cmd->add_subcommand("save", "Store results as the baseline (atomically)");
  s->add_option("RESULTS", opts->results, "Results to store")->capture_default_str();
  with_env(s->add_option("--baseline", opts->path, "Baseline file")->capture_default_str());
  s->callback([opts, &action] { action = [opts] { return save(*opts); }; });
  auto* sh = cmd->add_subcommand("show", "Summarize the stored baseline");
  with_env(sh->add_option("--baseline", opts->path, "Baseline file")->capture_default_str());
  sh->callback([opts, &action] { action = [opts] { return show(*opts); }; });
}

}  // namespace perfgate::cli
