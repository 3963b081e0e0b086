// `perfgate merge FILES…`: sharded results (matrix jobs, `run --shard i/n`)
// into one results file, and its report.md beside it.

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/cmd_run.h"
#include "gate/cli/command.h"
#include "gate/merge.h"
#include "gate/results_json.h"
#include "reporters/results_markdown.h"

namespace perfgate::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> files;
  std::string output = "perfgate-out/results.json";
};

// Profile paths are relative to each shard's file and must stay inside the
// merged file's directory (results_json.h): a profile beside the merged file
// keeps its place, one elsewhere is copied into its profiles/ with its flame
// graph. One that cannot be copied is listed missing, with the reason.
void rebase_profile(gate::ProfileRef& profile, const std::filesystem::path& from_dir,
                    const std::filesystem::path& out_dir) {
  namespace fs = std::filesystem;
  const fs::path source = from_dir / profile.path;
  std::error_code ec;
  const fs::path rel = fs::relative(source, out_dir, ec).lexically_normal();
  if (!ec && !rel.empty() && *rel.begin() != "..") {
    profile.path = rel.string();
    return;
  }
  const fs::path copy = fs::path("profiles") / source.filename();
  fs::path svg = source;
  svg.replace_extension(".svg");
  for (const auto& [from, to] :
       {std::pair{source, copy}, {svg, fs::path(copy).replace_extension(".svg")}}) {
    if (from == svg && !fs::exists(svg, ec)) continue;
    auto text = gate::read_file(from);
    auto ok = text ? gate::write_file_atomically(out_dir / to, *text)
                   : std::expected<void, gate::Error>(std::unexpected(text.error()));
    if (!ok) {
      warn(fmt::format("merged results keep no profile from {}: {}", source.string(),
                       ok.error().message));
      profile = gate::ProfileRef{"missing", "",
                                 "not copied beside the merged results: " + ok.error().message};
      return;
    }
  }
  profile.path = copy.string();
}

ExitCode run_merge(const MergeOptions& o) {
  for (const auto& f : o.files)
    if (auto ok = not_an_input(o.output, {f}); !ok) return fail(ok.error());
  std::vector<gate::Results> parts;
  std::map<std::string, std::filesystem::path> shard_dir;  // benchmark -> its file's directory
  for (const auto& f : o.files) {
    auto r = load_results(f);
    if (!r) return fail(r.error());
    for (const auto& b : r->benchmarks) shard_dir.emplace(b.name, parent_dir(f));
    parts.push_back(std::move(*r));
  }
  auto merged = gate::merge_results(std::move(parts));
  if (!merged) return fail(merged.error());
  // Only once the files merge: a refused merge (exit 2) writes nothing.
  for (auto& b : merged->benchmarks)
    if (b.profile && b.profile->status == "ok")
      rebase_profile(*b.profile, shard_dir.at(b.name), parent_dir(o.output));
  if (auto ok = gate::write_file_atomically(o.output, gate::results_to_json(*merged)); !ok) return fail(ok.error());
  // The night's report, as `run` writes one: each benchmark's figures and,
  // where profiled, its flame graph and hotspots by ROI.
  auto report = report_results(*merged, o.output, reporters::ResultsReportContext{}.next_step);
  if (!report) return report.error();
  fmt::print("merged {} files, {} benchmarks into {}\nreport: {}\n", o.files.size(),
             merged->benchmarks.size(), o.output, report->string());
  return ExitCode::pass;
}

}  // namespace

void add_merge_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<MergeOptions>();
  auto* cmd = app.add_subcommand("merge", "Merge sharded results files into one");
  cmd->add_option("FILES", opts->files, "Results files (disjoint benchmarks)")->required()->expected(1, -1);
  with_env(cmd->add_option("-o,--output", opts->output, "Merged results file")
               ->check(output_file())
               ->capture_default_str());
  cmd->callback([opts, &action] { action = [opts] { return run_merge(*opts); }; });
}

}  // namespace perfgate::cli
