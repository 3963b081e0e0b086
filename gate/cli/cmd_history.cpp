// `perfgate history append HISTORY RESULTS.json`: adds one night (main's
// per-benchmark p99 with commit and date) to a history file, in date order;
// the same night (commit and instant) twice is refused. The whole file is
// parsed first, so a night is never appended to a corrupt history, and is
// replaced atomically (temp + rename): an interrupted append leaves the
// previous history intact.

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/history.h"

namespace perfgate::cli {
namespace {

struct HistoryAppendOptions {
  std::string history, results;
  std::string commit, date;
};

ExitCode run_history_append(const HistoryAppendOptions& o) {
  std::string text;
  // Only a history that is not there is a new one: a path that cannot be
  // looked at (a symlink loop, a name too long) is the user's to fix, and
  // read_file says so as it does for every input it cannot read.
  std::error_code ec;
  if (std::filesystem::exists(o.history, ec) || ec) {
    auto existing = gate::read_file(o.history, 256 << 20);
    if (!existing) return fail(existing.error());
    text = std::move(*existing);
  }
  auto history = gate::history_from_jsonl(text, o.history);
  if (!history) return fail(history.error());
  auto results = load_results(o.results);
  if (!results) return fail(results.error());
  auto entry = gate::history_entry_from_results(*results, o.commit, o.date);
  if (!entry) return fail(entry.error());
  auto inserted = gate::insert_history_entry(text, o.history, *entry);
  if (!inserted) return fail(inserted.error());
  if (auto ok = gate::write_file_atomically(o.history, inserted->text); !ok)
    return fail(ok.error());
  if (inserted->night == inserted->nights)
    fmt::print("appended {} benchmarks at {} ({}) to {}: {} nights\n", entry->benchmarks.size(),
               entry->commit.substr(0, 12), entry->date, o.history, inserted->nights);
  else
    fmt::print("inserted {} benchmarks at {} ({}) into {} by date: night {} of {}\n",
               entry->benchmarks.size(), entry->commit.substr(0, 12), entry->date, o.history,
               inserted->night, inserted->nights);
  return ExitCode::pass;
}

}  // namespace

void add_history_command(CLI::App& app, Action& action) {
  auto* cmd =
      app.add_subcommand("history", "The nightly p99 history that 'perfgate trend' analyses");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<HistoryAppendOptions>();
  auto* append = cmd->add_subcommand(
      "append",
      "Append a results file's per-benchmark p99 (median over repetitions) with commit and date");
  append->add_option("HISTORY", opts->history, "History file (JSON Lines; created when missing)")
      ->required();
  append->add_option("RESULTS", opts->results, "Results file of the night (perfgate.results/v1)")
      ->required();
  with_env(
      append->add_option("--commit", opts->commit, "Commit (default: the results' run.commit)"));
  with_env(append->add_option("--date", opts->date,
                              "ISO 8601 date (default: the results' run.started_at)"));
  append->callback([opts, &action] { action = [opts] { return run_history_append(*opts); }; });
}

}  // namespace perfgate::cli
