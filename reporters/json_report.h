#pragma once
// The JSON report (`perfgate.report/v1`, schema docs/schema/report.schema.json):
// the same content as the Markdown report, for machines. Pure.

#include <string>

#include "gate/report.h"

namespace perfgate::reporters {

std::string render_json_report(const gate::GateReport& report);

}  // namespace perfgate::reporters
