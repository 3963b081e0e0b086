// `perfgate flamegraph PROFILE [-o OUT.svg]`: render a folded or JSON profile
// as an interactive SVG flame graph (DESIGN §3, §9).

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "gate/cli/command.h"
#include "gate/cli/profile_input.h"
#include "reporters/flamegraph.h"

namespace perfgate::cli {
namespace {

struct FlamegraphOptions {
  std::string input;
  std::string output;  // empty or "-": stdout
  std::string title, subtitle;
  double min_width_percent = 0.1;
  std::string mode;  // folded input only; empty: cpu
};

constexpr const char* kHelp =
    "Render a profile as a self-contained interactive SVG flame graph (hover for details, click to "
    "zoom,\n"
    "Search/Ctrl-F to highlight). PROFILE is folded stacks or the JSON profile 'perfgate record' "
    "writes.\n"
    "Frames narrower than --min-width percent of the total are left out, so huge profiles stay "
    "small.";

std::optional<profiler::Mode> folded_mode(const std::string& mode) {
  if (mode.empty()) return std::nullopt;
  return mode == "offcpu" ? profiler::Mode::offcpu : profiler::Mode::cpu;
}

ExitCode run_flamegraph(const FlamegraphOptions& o) {
  if (auto ok = not_an_input(o.output, {o.input}); !ok) return fail(ok.error());
  auto profile = load_profile(o.input, folded_mode(o.mode));
  if (!profile) return fail(profile.error());
  reporters::FlameGraphOptions fo;
  fo.title = o.title;
  fo.subtitle = o.subtitle.empty() ? describe_profile(*profile, o.input) : o.subtitle;
  fo.min_width_percent = o.min_width_percent;
  if (auto ok = write_output(o.output, reporters::render_flamegraph(*profile, fo)); !ok)
    return fail(ok.error());
  if (!o.output.empty() && o.output != "-") progress(fmt::format("flame graph → {}", o.output));
  return ExitCode::pass;
}

}  // namespace

void add_flamegraph_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<FlamegraphOptions>();
  auto* cmd = app.add_subcommand("flamegraph", kHelp);
  cmd->add_option("PROFILE", opts->input, "Folded stacks or JSON profile")->required();
  with_env(cmd->add_option("-o,--output", opts->output, "SVG file to write (default: stdout)")
               ->check(output_file()));
  with_env(cmd->add_option("--title", opts->title,
                           "Title (default: Flame Graph / Off-CPU Time Flame Graph)"));
  with_env(cmd->add_option("--subtitle", opts->subtitle,
                           "Subtitle (default: file name, samples, rate, duration)"));
  with_env(cmd->add_option(
                  "--min-width", opts->min_width_percent,
                  "Leave out frames narrower than PCT % of the total (default 0.1; 0 keeps all)")
               ->check(number_in(0.0, 100.0)));
  with_env(cmd->add_option("--mode", opts->mode,
                           "What folded counts are: cpu samples or offcpu ns (default cpu; "
                           "a JSON profile says its own)")
               ->check(CLI::IsMember({"cpu", "offcpu"})));
  cmd->callback([opts, &action] { action = [opts] { return run_flamegraph(*opts); }; });
}

}  // namespace perfgate::cli
