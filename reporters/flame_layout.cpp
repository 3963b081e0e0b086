#include "reporters/flame_layout.h"

#include <algorithm>

namespace perfgate::reporters {

FlameLayout layout_flame(const FlameTree& tree, int side, double min_width_percent) {
  FlameLayout out;
  const auto& nodes = tree.nodes();
  const std::uint64_t total = tree.root().total[side];
  if (total == 0) return out;
  const double min_width = std::max(0.0, min_width_percent) / 100.0 * static_cast<double>(total);

  // An explicit stack instead of recursion: stacks can be hundreds deep.
  std::vector<FlameBox> todo{{FlameTree::kRoot, 0, total, 0}};
  while (!todo.empty()) {
    const FlameBox box = todo.back();
    todo.pop_back();
    out.boxes.push_back(box);
    out.depth_levels = std::max(out.depth_levels, box.depth + 1);
    const auto children = tree.children(box.node);
    // Pushed right to left so they pop (and are emitted) left to right.
    std::uint64_t end = box.x;
    for (const std::uint32_t c : children) end += nodes[c].total[side];
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      const std::uint64_t w = nodes[*it].total[side];
      end -= w;
      if (w == 0) continue;
      if (static_cast<double>(w) < min_width) {
        ++out.pruned;
        continue;
      }
      todo.push_back({*it, end, w, box.depth + 1});
    }
  }
  return out;
}

}  // namespace perfgate::reporters
