#include "reporters/github_annotations.h"

#include <fmt/format.h>

namespace perfgate::reporters {

std::string escape_workflow_message(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string escape_workflow_property(std::string_view text) {
  std::string out;
  for (char c : escape_workflow_message(text)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

std::string render_github_annotations(const gate::GateReport& r) {
  std::string out;
  auto command = [&](std::string_view kind, std::string_view title, const std::string& message) {
    out += fmt::format("::{} title={}::{}\n", kind, escape_workflow_property(title),
                       escape_workflow_message(message));
  };
  for (const auto& v : r.benchmarks) {
    const std::string change =
        fmt::format("{:+.1f}% [{:+.1f}, {:+.1f}]", 100 * (v.estimate.ratio - 1),
                    100 * (v.estimate.lower - 1), 100 * (v.estimate.upper - 1));
    switch (v.verdict) {
      case gate::Verdict::regression:
        command("error", "perfgate regression: " + v.name,
                fmt::format("{} {} regressed {} (threshold {:.0f}%)", v.name, v.statistic, change,
                            v.threshold_percent));
        break;
      case gate::Verdict::inconclusive:
        command("warning", "perfgate inconclusive: " + v.name,
                fmt::format("{} {} changed {}; more repetitions needed to decide", v.name,
                            v.statistic, change));
        break;
      case gate::Verdict::failed:
        command("warning", "perfgate failed: " + v.name,
                fmt::format("{} failed: {}", v.name, v.note));
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace perfgate::reporters
