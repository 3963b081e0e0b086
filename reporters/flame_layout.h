#pragma once
// Where each frame of a flame graph goes, in weight units: x and width along
// one side's total, depth from the root. Frames narrower than the minimum
// width are pruned with their whole subtree (their weight still counts in the
// parent, which is then wider than its visible children), which bounds the
// output: at most 100 / min_width_percent frames per depth level.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "reporters/flame_tree.h"

namespace perfgate::reporters {

struct FlameBox {
  std::uint32_t node = 0;   // index into FlameTree::nodes()
  std::uint64_t x = 0;      // offset from the left, in weight units of the side
  std::uint64_t width = 0;  // the node's inclusive weight on that side
  std::uint32_t depth = 0;  // 0 = the root ("all")
};

struct FlameLayout {
  std::vector<FlameBox> boxes;     // depth-first, children left to right in name order
  std::uint32_t depth_levels = 0;  // 1 + the deepest visible depth (0 when empty)
  std::size_t pruned = 0;          // subtrees left out for being too narrow
};

// Lays out `side` of the tree. Nodes with zero weight on that side (a
// differential's base-only paths) are skipped, not counted as pruned.
FlameLayout layout_flame(const FlameTree& tree, int side, double min_width_percent);

}  // namespace perfgate::reporters
