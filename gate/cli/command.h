#pragma once
// The frame every subcommand plugs into (STYLE rule 8). Each subcommand lives
// in its own cmd_<name>.cpp with an Options struct, the CLI11 set-up next to
// its help text, and a run(Options) -> ExitCode. add_<name>_command() wires the
// subcommand into the app; when CLI11 selects it, its callback stores the work
// to do in `action`, which main() runs after parsing succeeded.

#include <CLI/CLI.hpp>
#include <expected>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string_view>

#include "gate/error.h"
#include "gate/results.h"
#include "gate/results_json.h"

namespace perfgate::cli {

using gate::ExitCode;
using Action = std::function<ExitCode()>;

// Gives an option its environment twin PERFGATE_<NAME> (upper-cased, '-' → '_'),
// as google/benchmark does for every flag. Returns the option for chaining.
CLI::Option* with_env(CLI::Option* option);

// A finite number in [lo, hi] (in (lo, hi] with above_lo), checked on the
// option's text: CLI::Range lets "nan" through, and says "Value abc not in
// range" of a word.
CLI::Validator number_in(double lo, double hi = std::numeric_limits<double>::infinity(),
                         bool above_lo = false);

// Output paths checked before the work, not when the result cannot be
// written minutes later: not blank (an empty --out would write into the
// current directory), and no existing file where a directory must be — an
// output file that is a directory (`run -o perfgate-out`), an output
// directory that is a file, or a file among their parents. These are the
// user's arguments, so bad input (exit 2); what only writing can find
// (permissions, a full disk) stays an environment error.
CLI::Validator output_file();
CLI::Validator output_directory();

// Makes every integer option of app and its subcommands (CLI11's type name
// INT or UINT) read its text as a decimal whole number: CLI11 reads "010"
// as octal 8 (`--hz 010` sampled at 8 Hz), takes "-1" for an unsigned as
// 2^64 − 1, and "99999999999999999999999" as the largest value. Leading
// zeros are dropped; a sign on an unsigned, a prefix (0x) or a value past
// 64 bits is an error. Called once all commands are added.
void read_integers_as_decimal(CLI::App& app);

// bad_input when an output path names one of the command's input files
// (`flamegraph p.json -o p.json`, `diff B H -o B`): writing it would replace
// what was just read. Checked before any work; paths that do not exist yet
// are no input.
std::expected<void, gate::Error> not_an_input(const std::filesystem::path& output,
                                              std::initializer_list<std::string_view> inputs);

// Appends markdown to $GITHUB_STEP_SUMMARY when set (GitHub's contract is
// append); warns when it cannot (a full disk shows only once flushed).
void append_step_summary(std::string_view markdown);

// Prints "perfgate: error: <message>" as one line on stderr; returns the code.
ExitCode fail(const gate::Error& error);
// Prints "perfgate: warning: <message>" on stderr (always, even with --quiet).
void warn(std::string_view message);
// Human progress on stderr; silent with --quiet or when stderr is not a TTY.
void progress(std::string_view message);
void set_quiet(bool quiet);

// `check` adds current repetitions to an inconclusive benchmark up to its
// --max-repetitions (default kMaxRepetitions), and at most kBaselineRepetitionFactor
// times the baseline's smallest repetition count (cmd_check.cpp says why);
// `baseline save` warns about a baseline that leaves check little room.
inline constexpr unsigned kMaxRepetitions = 31;
inline constexpr unsigned kBaselineRepetitionFactor = 3;

// Reads and validates a results file (bad_input naming the field on error).
std::expected<gate::Results, gate::Error> load_results(
    const std::string& path, gate::SampleReading samples = gate::SampleReading::read);
// The directory a file lies in ("." for a bare name): what paths inside it are relative to.
inline std::filesystem::path parent_dir(const std::string& file) {
  const std::filesystem::path p(file);
  return p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
}

void add_run_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
void add_compare_command(CLI::App& app, Action& action);
void add_baseline_command(CLI::App& app, Action& action);
void add_ab_command(CLI::App& app, Action& action);
void add_import_command(CLI::App& app, Action& action);
void add_merge_command(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);
void add_workloads_command(CLI::App& app, Action& action);
void add_record_command(CLI::App& app, Action& action);
void add_flamegraph_command(CLI::App& app, Action& action);
void add_diff_command(CLI::App& app, Action& action);
void add_trend_command(CLI::App& app, Action& action);
void add_history_command(CLI::App& app, Action& action);

}  // namespace perfgate::cli
