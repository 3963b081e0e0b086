// perfgate's entry point: parse with CLI11, run the selected subcommand, map
// errors to exit codes (DESIGN §3). Exceptions are caught only here.

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "gate/cli/command.h"
#include "gate/process.h"
#include "gate/version.h"

namespace {

// Data on stdout (a folded profile, a flame graph, help, the summary) that
// could not be written is lost, not a pass: `record >/dev/full` said 0. A
// failing code stays what it was: the verdict matters more.
perfgate::cli::ExitCode with_stdout_written(perfgate::cli::ExitCode code) {
  using namespace perfgate;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return code;
  const cli::ExitCode lost = cli::fail(gate::Error::environment(
      fmt::format("cannot write to standard output: {}", std::strerror(errno))));
  return code == cli::ExitCode::pass ? lost : code;
}

}  // namespace

int main(int argc, char** argv) {
  perfgate::gate::take_children_down_on_termination();
  using namespace perfgate;
  CLI::App app{"perfgate — performance-regression gate with an eBPF sampling profiler.\n"
               "Exit codes: 0 pass, 1 regression, 2 usage or bad input, 3 environment error.",
               "perfgate"};
  app.set_version_flag("--version", std::string("perfgate ") + gate::kVersion);
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options (--quiet) also after the subcommand; inherited
  bool quiet = false;
  cli::with_env(app.add_flag("-q,--quiet", quiet, "No progress output on stderr"));

  cli::Action action;
  cli::add_check_command(app, action);
  cli::add_run_command(app, action);
  cli::add_compare_command(app, action);
  cli::add_ab_command(app, action);
  cli::add_import_command(app, action);
  cli::add_merge_command(app, action);
  cli::add_validate_command(app, action);
  cli::add_baseline_command(app, action);
  cli::add_workloads_command(app, action);
  cli::add_record_command(app, action);
  cli::add_flamegraph_command(app, action);
  cli::add_diff_command(app, action);
  cli::add_history_command(app, action);
  cli::add_trend_command(app, action);
  cli::read_integers_as_decimal(app);

  try {
    app.parse(argc, argv);
    // `perfgate` alone is `perfgate check`. Parsed as such, so that check's
    // environment twins (PERFGATE_MARGIN, PERFGATE_BASELINE, …) apply to it
    // too; without a subcommand the only arguments were global options, which
    // check accepts after it as well.
    if (!action) {
      std::vector<std::string> args(argv + 1, argv + argc);
      args.insert(args.begin(), "check");
      std::ranges::reverse(args);  // CLI11 takes the vector last argument first
      app.parse(args);
    }
  } catch (const CLI::CallForHelp& e) {
    return static_cast<int>(with_stdout_written(static_cast<cli::ExitCode>(app.exit(e))));
  } catch (const CLI::CallForAllHelp& e) {
    return static_cast<int>(with_stdout_written(static_cast<cli::ExitCode>(app.exit(e))));
  } catch (const CLI::CallForVersion& e) {
    return static_cast<int>(with_stdout_written(static_cast<cli::ExitCode>(app.exit(e))));
  } catch (const CLI::ParseError& e) {
    return static_cast<int>(cli::fail(gate::Error::bad_input(
        fmt::format("{} (see 'perfgate --help')", e.what()))));
  }
  cli::set_quiet(quiet);
  try {
    return static_cast<int>(with_stdout_written(action()));
  } catch (const std::exception& e) {
    return static_cast<int>(cli::fail(gate::Error::environment(e.what())));
  }
}
