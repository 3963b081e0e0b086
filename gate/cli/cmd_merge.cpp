// `perfgate merge FILES…`: sharded results (matrix jobs, `run --shard i/n`)
// into one results file.

#include <fmt/format.h>

#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/merge.h"
#include "gate/results_json.h"

namespace perfgate::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> files;
  std::string output = "perfgate-out/results.json";
};

ExitCode run_merge(const MergeOptions& o) {
  std::vector<gate::Results> parts;
  for (const auto& f : o.files) {
    auto r = load_results(f);
    if (!r) return fail(r.error());
    parts.push_back(std::move(*r));
  }
  auto merged = gate::merge_results(std::move(parts));
  if (!merged) return fail(merged.error());
  if (auto ok = gate::write_file_atomically(o.output, gate::results_to_json(*merged)); !ok) return fail(ok.error());
  fmt::print("merged {} files, {} benchmarks into {}\n", o.files.size(), merged->benchmarks.size(), o.output);
  return ExitCode::pass;
}

}  // namespace

void add_merge_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<MergeOptions>();
  auto* cmd = app.add_subcommand("merge", "Merge sharded results files into one");
  cmd->add_option("FILES", opts->files, "Results files (disjoint benchmarks)")->required()->expected(1, -1);
  with_env(cmd->add_option("-o,--output", opts->output, "Merged results file")
               ->check(non_empty_path())
               ->capture_default_str());
  cmd->callback([opts, &action] { action = [opts] { return run_merge(*opts); }; });
}

}  // namespace perfgate::cli
