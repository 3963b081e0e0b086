#include "reporters/symbol_display.h"

#include <utility>
#include <vector>

namespace perfgate::reporters {

std::string short_function_name(std::string_view name, std::size_t max_group) {
  // Pair brackets with a stack; record the outermost pairs (depth 1) only.
  std::vector<std::pair<char, std::size_t>> open;
  std::vector<std::pair<std::size_t, std::size_t>> outermost;  // [open, close]
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '<' || c == '(') {
      // "operator<" / "operator<<" / "operator<=": an operator name, not a bracket.
      if (c == '<' && i >= 8 && name.substr(i - 8, 8) == "operator") {
        while (i + 1 < name.size() && (name[i + 1] == '<' || name[i + 1] == '=')) ++i;
        continue;
      }
      open.emplace_back(c, i);
    } else if (c == '>' || c == ')') {
      if (c == '>' && i >= 1 && name[i - 1] == '-') continue;  // operator->
      if (open.empty() || open.back().first != (c == '>' ? '<' : '(')) return std::string(name);  // unpaired
      const std::size_t from = open.back().second;
      open.pop_back();
      if (open.empty()) outermost.emplace_back(from, i);
    }
  }
  if (!open.empty()) return std::string(name);
  std::string out;
  std::size_t at = 0;
  for (const auto& [from, to] : outermost) {
    if (to - from - 1 <= max_group) continue;
    out.append(name.substr(at, from + 1 - at));
    out += "…";
    at = to;
  }
  out.append(name.substr(at));
  return out;
}

}  // namespace perfgate::reporters
