#include "reporters/flamegraph.h"

#include <fmt/format.h>

#include "reporters/flame_layout.h"
#include "reporters/flame_palette.h"
#include "reporters/flame_svg.h"
#include "reporters/flame_tree.h"
#include "reporters/markdown_report.h"

namespace perfgate::reporters {
namespace {

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return fmt::format(
      "{:.2f}%", whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

}  // namespace

std::string format_weight(std::uint64_t weight, profiler::Mode mode) {
  if (mode == profiler::Mode::offcpu) return format_duration_ns(static_cast<double>(weight));
  return group_thousands(weight) + (weight == 1 ? " sample" : " samples");
}

std::string render_flamegraph(const profiler::Profile& profile, const FlameGraphOptions& options) {
  FlameTree tree;
  tree.add(profile, 0);
  tree.finish();
  const FlameLayout layout = layout_flame(tree, 0, options.min_width_percent);
  const profiler::Mode mode = profile.mode();
  const bool offcpu = mode == profiler::Mode::offcpu;
  const std::uint64_t total = tree.root().total[0];
  // Off-CPU weight is time spent blocked, not time on a CPU: say so in every tooltip.
  const std::string_view suffix = offcpu ? " blocked" : "";

  std::vector<SvgFrame> frames;
  frames.reserve(layout.boxes.size());
  for (const auto& box : layout.boxes) {
    const FlameNode& n = tree.nodes()[box.node];
    const FlameFrame& fr = tree.frame_of(box.node);
    SvgFrame f{.x = box.x, .width = box.width, .depth = box.depth, .name = fr.function};
    if (!fr.module.empty()) f.details.push_back("module: " + fr.module);
    if (fr.inlined) f.details.push_back("inlined (DWARF call site)");
    if (fr.kernel) f.details.push_back("kernel");
    f.details.push_back(fmt::format("{}{} ({})", format_weight(n.total[0], mode), suffix,
                                    percent(n.total[0], total)));
    if (n.self[0] > 0 && box.node != FlameTree::kRoot)
      f.details.push_back(
          fmt::format("self: {} ({})", format_weight(n.self[0], mode), percent(n.self[0], total)));
    f.fill = frame_fill(fr.function, fr.kernel, fr.inlined, offcpu ? Palette::io : Palette::hot);
    f.inlined = fr.inlined;
    frames.push_back(std::move(f));
  }

  SvgPage page;
  page.title = !options.title.empty() ? options.title
               : offcpu               ? "Off-CPU Time Flame Graph"
                                      : "Flame Graph";
  page.subtitle = options.subtitle;
  page.total = total;
  page.depth_levels = layout.depth_levels;
  page.width_px = options.width_px;
  if (offcpu) {
    page.background_top = "#f8f8f8";
    page.background_bottom = "#e8e8f4";
  }
  if (total == 0) page.notes.push_back({"No samples in this profile.", ""});
  if (layout.pruned > 0)
    page.notes.push_back({pruned_note(layout.pruned, options.min_width_percent), ""});
  return render_flame_svg(page, frames);
}

}  // namespace perfgate::reporters
