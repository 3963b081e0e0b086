// Drives `perfgate flamegraph` and `perfgate diff` through the real binary:
// both input formats, exit codes, one-line errors, atomic outputs, the
// vanished paths on stdout.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gate/atomic_file.h"
#include "tests/cli/perfgate_cli_fixture.h"
#include "gate/process.h"
#include "gate/profile_json.h"
#include "profiler/folded.h"

namespace perfgate {
namespace {

namespace fs = std::filesystem;

class FlamegraphCli : public PerfgateCliTest {
 protected:
  static void expect_one_error_line(const Outcome& o) {
    EXPECT_EQ(o.code, 2) << o.err;
    EXPECT_EQ(o.err.rfind("perfgate: error: ", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
};

constexpr const char* kFolded =
    "main;parse;lex 40\nmain;parse 25\nmain;write;ksys_write_[k] 30\nmain 5\n";

std::string frames_section(const std::string& svg) {
  const auto start = svg.find("<g id=\"frames\">");
  return start == std::string::npos ? "" : svg.substr(start);
}

TEST_F(FlamegraphCli, RendersFoldedAndJsonProfilesToTheSameFrames) {
  write("p.folded", kFolded);
  auto profile = profiler::parse_folded(kFolded);
  ASSERT_TRUE(profile);
  write("p.json", gate::profile_to_json(*profile));
  ASSERT_EQ(perfgate({"flamegraph", "p.folded", "-o", "a.svg"}).code, 0);
  const Outcome o = perfgate({"flamegraph", "p.json", "-o", "b.svg", "--title", "JSON <input>"});
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string a = read("a.svg"), b = read("b.svg");
  EXPECT_EQ(a.rfind("<?xml", 0), 0u);
  EXPECT_NE(
      a.find("<title>ksys_write\nkernel\n30 samples (30.00%)\nself: 30 samples (30.00%)</title>"),
      std::string::npos)
      << a;
  EXPECT_NE(a.find("p.folded — 100 samples"), std::string::npos);  // default subtitle
  EXPECT_NE(b.find("<title>JSON &lt;input&gt;</title>"), std::string::npos);
  EXPECT_FALSE(frames_section(a).empty());
  EXPECT_EQ(frames_section(a), frames_section(b));
}

TEST_F(FlamegraphCli, WithoutOutputTheSvgGoesToStdout) {
  write("p.folded", kFolded);
  const Outcome o = perfgate({"flamegraph", "p.folded", "--min-width", "50"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out.rfind("<?xml", 0), 0u);
  EXPECT_NE(o.out.find("2 frames narrower than 50% of the total not drawn"),
            std::string::npos);  // write, lex
}

TEST_F(FlamegraphCli, BadInputIsOneErrorLineExitTwoAndTheOldOutputStays) {
  write("out.svg", "previous");
  write("bad.folded", "main;a 1\nmain;b lots\n");
  Outcome o = perfgate({"flamegraph", "bad.folded", "-o", "out.svg"});
  expect_one_error_line(o);
  EXPECT_NE(o.err.find("bad.folded: line 2: bad count 'lots'"), std::string::npos) << o.err;
  expect_one_error_line(perfgate({"flamegraph", "missing.folded", "-o", "out.svg"}));
  write("empty.folded", "\n");
  o = perfgate({"flamegraph", "empty.folded", "-o", "out.svg"});
  expect_one_error_line(o);
  EXPECT_NE(o.err.find("no samples"), std::string::npos) << o.err;
  write("bad.json", "{\"schema\": \"perfgate.profile/v1\", \"mode\": \"cpu\"");
  expect_one_error_line(perfgate({"flamegraph", "bad.json", "-o", "out.svg"}));
  expect_one_error_line(perfgate({"flamegraph", "bad.folded", "--min-width", "-1"}));
  expect_one_error_line(perfgate({"flamegraph", "bad.folded", "--min-width", "nan"}));
  // A JSON profile's counts are whole numbers >= 0: nlohmann would wrap -5
  // to 2^64 - 5 (and the total with it) and truncate 1.5.
  for (const char* count : {"-5", "1.5"}) {
    write("count.json", fmt::format(R"({{"schema": "perfgate.profile/v1", "mode": "cpu", "stats": {{"samples": 1,
        "lost": 0, "truncated": 0, "missing_user_stacks": 0, "hz": 99, "duration_s": 1}},
        "frames": [{{"function": "main", "module": "app"}}], "stacks": [{{"frames": [0], "count": {}}}]}})",
                                    count));
    o = perfgate({"flamegraph", "count.json", "-o", "out.svg"});
    expect_one_error_line(o);
    EXPECT_NE(o.err.find(fmt::format("stacks[0].count: must be an integer >= 1, got {}", count)),
              std::string::npos)
        << o.err;
  }
  EXPECT_EQ(read("out.svg"), "previous");
}

TEST_F(FlamegraphCli, DiffWritesTheSvgAndListsVanishedPathsOnStdout) {
  write("base.folded", "main;a 60\nmain;legacy;x 20\nmain;legacy;y 20\n");
  write("head.folded", "main;a 90\nmain;b 10\n");
  const Outcome o = perfgate({"diff", "base.folded", "head.folded", "-o", "diff.svg"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "vanished 40.00% main;legacy\n");
  const std::string svg = read("diff.svg");
  EXPECT_NE(svg.find("Differential Flame Graph"), std::string::npos);
  EXPECT_NE(svg.find("Vanished in head (1 path, share of base):"), std::string::npos);
  EXPECT_NE(svg.find("base.folded — 100 samples  →  head.folded — 100 samples"), std::string::npos);
}

TEST_F(FlamegraphCli, DiffOfProfilesOfDifferentModesExitsTwo) {
  auto offcpu = profiler::parse_folded("main;futex 1000\n", profiler::Mode::offcpu);
  ASSERT_TRUE(offcpu);
  write("off.json", gate::profile_to_json(*offcpu));
  write("cpu.folded", "main;work 10\n");
  const Outcome o = perfgate({"diff", "off.json", "cpu.folded", "-o", "diff.svg"});
  expect_one_error_line(o);
  EXPECT_NE(o.err.find("off.json has mode offcpu but cpu.folded has mode cpu"), std::string::npos)
      << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "diff.svg"));
}

TEST_F(FlamegraphCli, FoldedOffCpuInputIsDrawnAsTimeBlocked) {
  write("off.folded", "worker;futex_wait 2500000\n");
  ASSERT_EQ(perfgate({"flamegraph", "off.folded", "--mode", "offcpu", "-o", "off.svg"}).code, 0);
  const std::string svg = read("off.svg");
  EXPECT_NE(svg.find("<title>Off-CPU Time Flame Graph</title>"), std::string::npos);
  EXPECT_NE(svg.find("2.500 ms blocked (100.00%)"), std::string::npos);
}

}  // namespace
}  // namespace perfgate
