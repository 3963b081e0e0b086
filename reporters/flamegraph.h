#pragma once
// Interactive flame graph of one profile as a self-contained SVG, in the
// manner of Brendan Gregg's flamegraph.pl (DESIGN §9). Pure: Profile in,
// bytes out, and the same profile always gives the same bytes.
//
// Width is inclusive weight (samples on-CPU, blocked ns off-CPU); children are
// sorted by name; colours are a hash of the function name (flame_palette.h).
// Frames narrower than min_width_percent of the total are pruned with their
// subtrees, so the size is bounded by depth × 100 / min_width_percent frames
// whatever the number of distinct stacks. Tooltips: function, module, kind,
// weight and share of the total, self weight. Interaction: flame_svg.h.

#include <cstddef>
#include <string>

#include "profiler/profile.h"

namespace perfgate::reporters {

struct FlameGraphOptions {
  std::string
      title;  // empty: "Flame Graph", "Off-CPU Time Flame Graph" or "Differential Flame Graph"
  std::string subtitle;            // empty: none
  double min_width_percent = 0.1;  // of the total weight; 0 keeps every frame
  unsigned width_px = 1200;
  std::size_t max_vanished_listed = 20;  // differential only: notes under the graph
  // Differential only: draw base's graph instead of head's (flamegraph.pl
  // --negate), so paths that vanished show as frames, blue, and new ones don't.
  bool diff_draw_base = false;
};

std::string render_flamegraph(const profiler::Profile& profile,
                              const FlameGraphOptions& options = {});

// "1,234 samples" on-CPU; "12.345 ms" off-CPU (ns in, the most readable unit out).
std::string format_weight(std::uint64_t weight, profiler::Mode mode);

}  // namespace perfgate::reporters
