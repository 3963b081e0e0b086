#pragma once
// Markdown summary of one run's results (no comparison): what `perfgate run`
// leaves in perfgate-out/report.md. Pure: render(model) -> string.

#include <string>

#include "gate/results.h"

namespace perfgate::reporters {

std::string render_results_markdown(const gate::Results& results);

}  // namespace perfgate::reporters
