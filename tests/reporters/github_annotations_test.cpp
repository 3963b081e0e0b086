#include "reporters/github_annotations.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace perfgate::reporters {
namespace {

TEST(GithubAnnotations, EncodeSoANameCannotForgeAWorkflowCommand) {
  EXPECT_EQ(escape_workflow_message("a%b\r\nc"), "a%25b%0D%0Ac");
  EXPECT_EQ(escape_workflow_property("x: y, z"), "x%3A y%2C z");
  gate::GateReport r;
  gate::BenchmarkVerdict v;
  v.name = "evil\n::error::forged";
  v.verdict = gate::Verdict::regression;
  v.statistic = "p99";
  v.estimate = {.ratio = 1.3, .lower = 1.2, .upper = 1.4};
  v.threshold_percent = 10;
  r.benchmarks.push_back(v);
  v.name = "maybe";
  v.verdict = gate::Verdict::inconclusive;
  r.benchmarks.push_back(v);
  v.name = "fine";
  v.verdict = gate::Verdict::pass;
  r.benchmarks.push_back(v);
  const std::string out = render_github_annotations(r);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
  EXPECT_EQ(out.rfind("::error title=perfgate regression%3A "
                      "evil%0A%3A%3Aerror%3A%3Aforged::evil%0A::error::forged p99 regressed "
                      "+30.0%25 [+20.0, +40.0] (threshold 10%25)\n",
                      0),
            0u)
      << out;
  EXPECT_NE(out.find("::warning title=perfgate inconclusive%3A maybe::maybe p99 changed"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace perfgate::reporters
