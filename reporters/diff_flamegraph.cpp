#include "reporters/diff_flamegraph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reporters/flame_layout.h"
#include "reporters/flame_palette.h"
#include "reporters/flame_svg.h"
#include "reporters/flame_tree.h"

namespace perfgate::reporters {
namespace {

double share_percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// Change in percentage points; exact zero stays zero so unchanged frames stay neutral.
std::string signed_pp(double pp) {
  return fmt::format("{:+.2f} pp", pp);
}

std::vector<VanishedPath> find_vanished(const FlameTree& tree) {
  std::vector<VanishedPath> out;
  const auto& nodes = tree.nodes();
  const std::uint64_t base_total = tree.root().total[0];
  std::vector<std::uint32_t> todo{FlameTree::kRoot};
  while (!todo.empty()) {
    const std::uint32_t id = todo.back();
    todo.pop_back();
    for (const std::uint32_t c : tree.children(id)) {
      if (nodes[c].total[1] > 0)
        todo.push_back(c);
      else if (nodes[c].total[0] > 0)
        out.push_back(
            {tree.path(c), nodes[c].total[0], share_percent(nodes[c].total[0], base_total)});
    }
  }
  std::sort(out.begin(), out.end(), [](const VanishedPath& a, const VanishedPath& b) {
    return a.base_weight != b.base_weight ? a.base_weight > b.base_weight : a.path < b.path;
  });
  return out;
}

}  // namespace

DiffFlameGraph render_diff_flamegraph(const profiler::Profile& base, const profiler::Profile& head,
                                      const FlameGraphOptions& options) {
  FlameTree tree;
  tree.add(base, 0);
  tree.add(head, 1);
  tree.finish();
  const int drawn = options.diff_draw_base ? 0 : 1;
  const FlameLayout layout = layout_flame(tree, drawn, options.min_width_percent);
  const profiler::Mode mode = head.mode();
  const std::uint64_t base_total = tree.root().total[0];
  const std::uint64_t head_total = tree.root().total[1];
  const auto self_change = [&](const FlameNode& n) {
    return share_percent(n.self[1], head_total) - share_percent(n.self[0], base_total);
  };

  // Colour intensity is relative to the largest change on screen, as flamegraph.pl scales to its
  // max delta.
  double max_abs = 0;
  for (const auto& box : layout.boxes)
    max_abs = std::max(max_abs, std::fabs(self_change(tree.nodes()[box.node])));

  std::vector<SvgFrame> frames;
  frames.reserve(layout.boxes.size());
  for (const auto& box : layout.boxes) {
    const FlameNode& n = tree.nodes()[box.node];
    const FlameFrame& fr = tree.frame_of(box.node);
    const double base_pct = share_percent(n.total[0], base_total);
    const double head_pct = share_percent(n.total[1], head_total);
    SvgFrame f{.x = box.x, .width = box.width, .depth = box.depth, .name = fr.function};
    if (!fr.module.empty()) f.details.push_back("module: " + fr.module);
    if (fr.inlined) f.details.push_back("inlined (DWARF call site)");
    f.details.push_back(
        fmt::format("base: {} ({:.2f}%)", format_weight(n.total[0], mode), base_pct));
    f.details.push_back(
        fmt::format("head: {} ({:.2f}%)", format_weight(n.total[1], mode), head_pct));
    f.details.push_back(fmt::format("change: {} (self {})", signed_pp(head_pct - base_pct),
                                    signed_pp(self_change(n))));
    f.fill = diff_fill(self_change(n), max_abs);
    f.inlined = fr.inlined;
    frames.push_back(std::move(f));
  }

  DiffFlameGraph out;
  out.vanished = find_vanished(tree);

  SvgPage page;
  page.title = options.title.empty() ? "Differential Flame Graph" : options.title;
  page.subtitle = options.subtitle;
  page.total = drawn == 0 ? base_total : head_total;
  page.depth_levels = layout.depth_levels;
  page.width_px = options.width_px;
  page.background_top = "#ffffff";
  page.background_bottom = "#eeeeee";
  page.notes.push_back({std::string(drawn == 0 ? "Width: base." : "Width: head.") +
                            " Colour: change of self share, each side normalized to its total — "
                            "red grew, blue shrank, deeper = larger change.",
                        ""});
  if (head_total == 0) page.notes.push_back({"No samples in head.", ""});
  if (!out.vanished.empty()) {
    page.notes.push_back({fmt::format("Vanished in head ({} path{}, share of base):",
                                      out.vanished.size(), out.vanished.size() == 1 ? "" : "s"),
                          ""});
    const std::size_t listed = std::min(out.vanished.size(), options.max_vanished_listed);
    for (std::size_t i = 0; i < listed; ++i) {
      const auto& v = out.vanished[i];
      const std::string share = fmt::format("{:>7.2f}%  ", v.base_percent);
      page.notes.push_back(
          {share + v.path,
           fmt::format("{} ({}) in base, none in head", v.path, format_weight(v.base_weight, mode)),
           share.size()});
    }
    if (listed < out.vanished.size())
      page.notes.push_back({fmt::format("… and {} more", out.vanished.size() - listed), ""});
  }
  if (layout.pruned > 0)
    page.notes.push_back({pruned_note(layout.pruned, options.min_width_percent), ""});
  out.svg = render_flame_svg(page, frames);
  return out;
}

}  // namespace perfgate::reporters
