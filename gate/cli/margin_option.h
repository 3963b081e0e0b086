#pragma once
// `--margin FRACTION`, shared by the commands that gate (compare, check, ab)
// so that all three accept and check it alike.

#include <CLI/CLI.hpp>

namespace perfgate::cli {

// Adds `--margin FRACTION` with its environment twin PERFGATE_MARGIN to `cmd`,
// bound to `margin_fraction` (gate::CompareOptions::margin_fraction; its
// default, 0.5, is shown in --help): a regression needs the ratio interval's
// lower bound above 1 + FRACTION × threshold. A value that is not a number in
// [0, 1) fails the parse with one error line naming the option (exit 2).
CLI::Option* add_margin_option(CLI::App* cmd, double& margin_fraction);

}  // namespace perfgate::cli
