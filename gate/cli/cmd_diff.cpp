// `perfgate diff BASE HEAD -o OUT.svg`: differential flame graph of two
// profiles (DESIGN §3, §9): head's graph, red where a function's share grew,
// blue where it shrank; paths gone from head listed under it and on stdout.

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "gate/cli/command.h"
#include "gate/cli/profile_input.h"
#include "reporters/diff_flamegraph.h"

namespace perfgate::cli {
namespace {

struct DiffOptions {
  std::string base, head;
  std::string output;  // empty or "-": stdout
  std::string title, subtitle;
  double min_width_percent = 0.1;
  std::string mode;  // folded input only
  bool negate = false;
};

constexpr const char* kHelp =
    "Differential flame graph of two profiles (folded or JSON): drawn as HEAD, each side "
    "normalized to its\n"
    "total, red = the function's self share grew, blue = shrank, deeper = larger change. Paths "
    "that\n"
    "vanished from HEAD are listed under the graph and, when -o names a file, on stdout.";

ExitCode run_diff(const DiffOptions& o) {
  if (auto ok = not_an_input(o.output, {o.base, o.head}); !ok) return fail(ok.error());
  std::optional<profiler::Mode> mode;
  if (!o.mode.empty()) mode = o.mode == "offcpu" ? profiler::Mode::offcpu : profiler::Mode::cpu;
  auto base = load_profile(o.base, mode);
  if (!base) return fail(base.error());
  auto head = load_profile(o.head, mode);
  if (!head) return fail(head.error());
  if (base->mode() != head->mode())
    return fail(gate::Error::bad_input(
        fmt::format("{} has mode {} but {} has mode {}: compare profiles of one mode", o.base,
                    profiler::to_string(base->mode()), o.head, profiler::to_string(head->mode()))));
  reporters::FlameGraphOptions fo;
  fo.title = o.title;
  fo.subtitle = o.subtitle.empty()
                    ? describe_profile(*base, o.base) + "  →  " + describe_profile(*head, o.head)
                    : o.subtitle;
  fo.min_width_percent = o.min_width_percent;
  fo.diff_draw_base = o.negate;
  const auto diff = reporters::render_diff_flamegraph(*base, *head, fo);
  if (auto ok = write_output(o.output, diff.svg); !ok) return fail(ok.error());
  if (!o.output.empty() && o.output != "-") {
    for (const auto& v : diff.vanished) fmt::print("vanished {:.2f}% {}\n", v.base_percent, v.path);
    progress(fmt::format("differential flame graph → {}", o.output));
  }
  return ExitCode::pass;
}

}  // namespace

void add_diff_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", kHelp);
  cmd->add_option("BASE", opts->base, "Base profile (folded or JSON)")->required();
  cmd->add_option("HEAD", opts->head, "Head profile (folded or JSON)")->required();
  with_env(cmd->add_option("-o,--output", opts->output, "SVG file to write (default: stdout)")
               ->check(output_file()));
  with_env(cmd->add_option("--title", opts->title, "Title (default: Differential Flame Graph)"));
  with_env(cmd->add_option("--subtitle", opts->subtitle,
                           "Subtitle (default: both files with their samples)"));
  with_env(cmd->add_option(
                  "--min-width", opts->min_width_percent,
                  "Leave out frames narrower than PCT % of head's total (default 0.1; 0 keeps all)")
               ->check(number_in(0.0, 100.0)));
  with_env(cmd->add_option("--mode", opts->mode,
                           "What folded counts are: cpu samples or offcpu ns (default cpu)")
               ->check(CLI::IsMember({"cpu", "offcpu"})));
  with_env(cmd->add_flag(
      "--negate", opts->negate,
      "Draw BASE's graph instead (flamegraph.pl --negate): vanished paths show, blue"));
  cmd->callback([opts, &action] { action = [opts] { return run_diff(*opts); }; });
}

}  // namespace perfgate::cli
