#pragma once
// Options of the decision rule shared by the commands that gate (compare,
// check, ab; validate-gate) so that all accept and check them alike.

#include <CLI/CLI.hpp>

#include <optional>

#include "gate/results.h"

namespace perfgate::cli {

// Adds `--margin FRACTION` with its environment twin PERFGATE_MARGIN to `cmd`,
// bound to `margin_fraction` (gate::CompareOptions::margin_fraction; its
// default, 0.5, is shown in --help): a regression needs the ratio interval's
// lower bound above 1 + FRACTION × threshold. A value that is not a number in
// [0, 1) fails the parse with one error line naming the option (exit 2).
CLI::Option* add_margin_option(CLI::App* cmd, double& margin_fraction);

// Adds `--method t|permutation|rank` with its environment twin
// PERFGATE_METHOD: overrides every benchmark's regression.method (unset: each
// benchmark's own, t unless its config says otherwise). Another name fails
// the parse with one error line (exit 2).
CLI::Option* add_method_option(CLI::App* cmd, std::optional<gate::Method>& method);

}  // namespace perfgate::cli
