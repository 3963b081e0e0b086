// `perfgate import gbench FILE`: Google Benchmark JSON (every repetition
// kept) → a results file the gate can compare.

#include <fmt/format.h>

#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/host_info.h"
#include "gate/merge.h"
#include "gate/results_json.h"
#include "gate/runner.h"

namespace perfgate::cli {
namespace {

struct ImportOptions {
  std::string file;
  std::string output = "perfgate-out/results.json";
  std::string commit;  // "" = unknown: the output names none
};

ExitCode run_import(const ImportOptions& o) {
  // Checked as a history checks a commit: it is printed, and it reaches the
  // history through `history append`'s default.
  if (const auto why = gate::unprintable(o.commit))
    return fail(gate::Error::bad_input(
        fmt::format("--commit holds {}; pass the commit's hash (e.g. $GITHUB_SHA)", *why)));
  if (auto ok = not_an_input(o.output, {o.file}); !ok) return fail(ok.error());
  auto text = gate::read_file(o.file, std::uintmax_t{256} << 20);
  if (!text) return fail(text.error());
  auto parsed = gate::parse_gbench_json(*text, o.file);
  if (!parsed) return fail(parsed.error());
  gate::Results results = gate::results_from_gbench(*parsed, o.file, gate::utc_now_iso8601());
  if (!o.commit.empty()) results.run.commit = o.commit;
  if (auto ok = gate::write_file_atomically(o.output, gate::results_to_json(results)); !ok) return fail(ok.error());
  for (const gate::GbenchSkipped& s : parsed->skipped)
    warn(s.message.empty()
             ? fmt::format("{} skipped by the benchmark (without a message); not imported", s.name)
             : fmt::format("{} skipped by the benchmark: \"{}\"; not imported", s.name, s.message));
  std::size_t reps = 0;
  for (const auto& b : results.benchmarks) reps += b.repetitions.size();
  const std::size_t n = results.benchmarks.size();
  fmt::print("imported {} benchmark{} ({} repetition{}) from {} into {}\n", n, n == 1 ? "" : "s",
             reps, reps == 1 ? "" : "s", o.file, o.output);
  return ExitCode::pass;
}

}  // namespace

void add_import_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("import", "Convert other tools' output into perfgate results");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<ImportOptions>();
  auto* g = cmd->add_subcommand("gbench", "Google Benchmark JSON (--benchmark_format=json); every repetition is kept");
  g->add_option("FILE", opts->file, "Google Benchmark JSON output")->required();
  with_env(g->add_option("-o,--output", opts->output, "Results file")
               ->check(output_file())
               ->capture_default_str());
  with_env(g->add_option(
      "--commit", opts->commit,
      "Commit measured, written as run.commit (default: none; the output names none)"));
  g->callback([opts, &action] { action = [opts] { return run_import(*opts); }; });
}

}  // namespace perfgate::cli
