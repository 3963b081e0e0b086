#include "reporters/flame_tree.h"

#include <algorithm>

#include "profiler/folded.h"

namespace perfgate::reporters {

FlameTree::FlameTree() {
  FlameNode root;
  root.name = root.function = "all";
  nodes_.push_back(std::move(root));
  key_of_node_.push_back(UINT32_MAX);
}

std::uint32_t FlameTree::child(std::uint32_t parent, std::uint32_t key) {
  const std::uint64_t edge = (std::uint64_t{parent} << 32) | key;
  if (auto it = edges_.find(edge); it != edges_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(nodes_.size());
  edges_.emplace(edge, id);
  nodes_.emplace_back();
  nodes_.back().parent = parent;
  key_of_node_.push_back(key);
  nodes_[parent].children.push_back(id);
  return id;
}

void FlameTree::add(const profiler::Profile& profile, int side) {
  // Resolve each distinct frame to its key once; stacks then only look up
  // (parent, key) edges, which keeps 100 000 stacks well under a second.
  std::vector<std::uint32_t> key_of_frame;
  key_of_frame.reserve(profile.frames().size());
  for (const auto& f : profile.frames()) {
    auto [it, fresh] = key_ids_.try_emplace(profiler::folded_name(f), static_cast<std::uint32_t>(key_modules_.size()));
    if (fresh) key_modules_.push_back(f.module);
    std::string& module = key_modules_[it->second];
    if (module.empty()) module = f.module;
    else if (!f.module.empty() && module != f.module) module = kSeveralModules;
    key_of_frame.push_back(it->second);
  }
  for (const auto& stack : profile.stacks()) {
    if (stack.count == 0) continue;
    std::uint32_t node = kRoot;
    nodes_[kRoot].total[side] += stack.count;
    for (const std::uint32_t frame : stack.frames) {
      const std::uint32_t next = child(node, key_of_frame[frame]);
      if (nodes_[next].name.empty()) {
        const auto& f = profile.frames()[frame];
        nodes_[next].name = profiler::folded_name(f);
        nodes_[next].function = f.function;
        nodes_[next].inlined = f.inlined;
        nodes_[next].kernel = f.kind == profiler::FrameKind::kernel;
      }
      nodes_[next].total[side] += stack.count;
      node = next;
    }
    nodes_[node].self[side] += stack.count;
  }
}

void FlameTree::finish() {
  for (std::size_t i = 1; i < nodes_.size(); ++i) nodes_[i].module = key_modules_[key_of_node_[i]];
  for (auto& n : nodes_)
    std::sort(n.children.begin(), n.children.end(),
              [&](std::uint32_t a, std::uint32_t b) { return nodes_[a].name < nodes_[b].name; });
}

std::string FlameTree::path(std::uint32_t node) const {
  std::vector<std::uint32_t> chain;
  for (; node != kRoot; node = nodes_[node].parent) chain.push_back(node);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!out.empty()) out += ';';
    out += nodes_[*it].name;
  }
  return out;
}

}  // namespace perfgate::reporters
