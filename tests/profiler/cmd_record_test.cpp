// `perfgate record` as a user runs it: privileges, files, exit codes.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "profiler/recorder.h"

namespace {

std::string perfgate_exe() {
  if (const char* e = std::getenv("PERFGATE_EXE")) return e;
  return std::string(PERFGATE_BINARY_DIR) + "/gate/perfgate";
}

struct Output {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

Output run_cmd(const std::string& command) {
  Output r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(CmdRecord, UnprivilegedUserGetsExit3AndHowToGrant) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop to uid 65534 with setpriv";
  if (run_cmd("command -v setpriv").exit_code != 0) GTEST_SKIP() << "needs setpriv (util-linux)";
  const Output r = run_cmd("setpriv --reuid 65534 --regid 65534 --clear-groups " + perfgate_exe() +
                    " record -o /dev/null -- /bin/true");
  if (r.out.find("Permission denied") != std::string::npos && r.out.find("perfgate:") == std::string::npos)
    GTEST_SKIP() << "uid 65534 cannot execute " << perfgate_exe() << ": " << r.out;
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("perfgate: error: cannot load the BPF sampler: permission denied — run as root or "
                       "grant CAP_BPF and CAP_PERFMON (setcap cap_bpf,cap_perfmon+ep perfgate)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(CmdRecord, WritesJsonAndFoldedFiles) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string dir = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler";
  const Output a = run_cmd(perfgate_exe() + " record --hz 499 -o " + dir + "/out.json -- " PG_TARGET_COST_SPLIT " 0.3");
  ASSERT_EQ(a.exit_code, 0) << a.out;
  std::ifstream json(dir + "/out.json");
  std::stringstream js;
  js << json.rdbuf();
  EXPECT_NE(js.str().find("\"schema\": \"perfgate.profile/v1\""), std::string::npos);
  EXPECT_NE(js.str().find("\"hz\": 499"), std::string::npos);
  const Output b = run_cmd(perfgate_exe() + " record --hz 499 -- " PG_TARGET_COST_SPLIT " 0.3");
  ASSERT_EQ(b.exit_code, 0) << b.out;
  EXPECT_NE(b.out.find(";cost_split_heavy();unit_[i] "), std::string::npos) << b.out;
}

TEST(CmdRecord, SvgOutputIsAFlameGraph) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string out = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/out.svg";
  const Output r = run_cmd(perfgate_exe() + " record --hz 499 -o " + out + " -- " PG_TARGET_COST_SPLIT " 0.3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(out);
  std::stringstream svg;
  svg << in.rdbuf();
  EXPECT_EQ(svg.str().rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.str().find("<title>Flame Graph</title>"), std::string::npos);
  // The heavy function is drawn, and its DWARF-inlined callee as an inlined frame.
  EXPECT_NE(svg.str().find("<title>cost_split_heavy()"), std::string::npos);
  EXPECT_NE(svg.str().find("<g class=\"fr inl\""), std::string::npos);
}

TEST(CmdRecord, RunProfileWritesAFlameGraphBesideEachProfile) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string dir = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/run-profile";
  std::filesystem::remove_all(dir);
  const Output r = run_cmd(perfgate_exe() + " run --only lru --profile -r 1 -o " + dir + "/results.json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(dir + "/profiles/lru.svg");
  ASSERT_TRUE(in) << "no profiles/lru.svg beside lru.json";
  std::stringstream svg;
  svg << in.rdbuf();
  EXPECT_NE(svg.str().find("<title>Flame Graph: lru</title>"), std::string::npos);
  EXPECT_NE(svg.str().find("LruWorkload::run"), std::string::npos);
}

TEST(CmdRecord, CrashedTargetExits3WithItsStatus) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string out = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/crash.folded";
  const Output r = run_cmd(perfgate_exe() + " record -o " + out + " -- /bin/sh -c 'kill -SEGV $$'");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("killed by signal 11"), std::string::npos) << r.out;
  EXPECT_EQ(access(out.c_str(), F_OK), 0);
}

}  // namespace
