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

#include "profiler/folded.h"
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

// Root in a container has no CAP_BPF or CAP_PERFMON by default: that is
// what to grant, not "the kernel's verifier rejected the BPF sampler", which
// perfgate said because it took root for the capabilities.
TEST(CmdRecord, RootWithoutTheCapabilitiesIsToldWhichToGrant) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop capabilities with setpriv";
  if (run_cmd("command -v setpriv").exit_code != 0) GTEST_SKIP() << "needs setpriv (util-linux)";
  const Output r = run_cmd("setpriv --bounding-set=-bpf,-perfmon,-sys_admin --inh-caps=-all " +
                           perfgate_exe() + " record -o /dev/null -- /bin/true");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(
      r.out.find("permission denied — perfgate runs as root but without CAP_BPF and CAP_PERFMON"),
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

// Like `perf record`: when the recording stops first (--duration, SIGTERM),
// the launched command is terminated, the profile written, and the exit is
// 0. --duration used to stop sampling only and then wait for the command
// (here an hour, cut by `timeout 60`: exit 124); a SIGTERM to perfgate left
// the command running under init.
TEST(CmdRecord, StoppingTheRecordingEndsTheCommandAndKeepsTheProfile) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string dir = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/stop";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string hour = " -- /bin/sh -c 'echo $$ > " + dir + "/pid; exec sleep 3600'";
  auto alive = [&] {
    std::ifstream in(dir + "/pid");
    pid_t pid = 0;
    in >> pid;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string state;
    stat >> state >> state >> state;  // pid (comm) state
    return pid > 0 && stat && state != "Z";
  };
  Output r = run_cmd("timeout 60 " + perfgate_exe() + " record --duration 0.3 -o " + dir +
                     "/a.json" + hour);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(alive());
  EXPECT_TRUE(std::filesystem::exists(dir + "/a.json"));
  std::filesystem::remove(dir + "/pid");
  r = run_cmd("timeout 60 " + perfgate_exe() + " record -o " + dir + "/b.json" + hour +
              " & p=$!; i=0; while [ ! -s " + dir +
              "/pid ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; kill -TERM $p; wait $p");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(alive());
  EXPECT_TRUE(std::filesystem::exists(dir + "/b.json"));
  // A duration past what the clock can add (~9.2e9 s of nanoseconds) is no
  // duration: it used to overflow into a deadline already past, with 0
  // samples.
  r = run_cmd(perfgate_exe() + " record --duration 1e10 -- " PG_TARGET_COST_SPLIT " 0.3");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(";cost_split_heavy();unit_[i] "), std::string::npos) << r.out;
}

// A real recorded profile (cpu and offcpu) is valid against
// docs/schema/profile.schema.json by Debian's python3-jsonschema, independent
// of perfgate's own reader; a profile that breaks the schema is rejected.
TEST(CmdRecord, JsonProfileMatchesItsSchema) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string dir = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/";
  const std::string validate = std::string(PERFGATE_SOURCE_DIR) + "/scripts/validate-json-schema " +
                               PERFGATE_SOURCE_DIR + "/docs/schema/profile.schema.json ";
  for (const char* mode : {"cpu", "offcpu"}) {
    const std::string out = dir + "schema-" + mode + ".json";
    const Output rec = run_cmd(perfgate_exe() + " record --mode " + mode + " -o " + out + " -- " +
                               PG_TARGET_SYSCALL_HEAVY " 0.3");
    ASSERT_EQ(rec.exit_code, 0) << rec.out;
    const Output ok = run_cmd(validate + out);
    EXPECT_EQ(ok.exit_code, 0) << mode << ": " << ok.out;
  }
  // A cpu profile claiming nanoseconds and a negative count: both caught.
  std::ifstream in(dir + "schema-cpu.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string bad = text.str();
  const std::string unit = "\"unit\": \"samples\"", count = "\"count\": ";
  const auto at_unit = bad.find(unit);
  ASSERT_NE(at_unit, std::string::npos);
  bad.replace(at_unit, unit.size(), "\"unit\": \"ns\"");
  const auto at_count = bad.find(count);
  ASSERT_NE(at_count, std::string::npos);
  bad.insert(at_count + count.size(), "-");
  std::ofstream(dir + "schema-bad.json") << bad;
  const Output rejected = run_cmd(validate + dir + "schema-bad.json");
  EXPECT_EQ(rejected.exit_code, 1) << rejected.out;
  EXPECT_NE(rejected.out.find("unit"), std::string::npos) << rejected.out;
  EXPECT_NE(rejected.out.find("count"), std::string::npos) << rejected.out;
}

// --calls counts the matching functions of the executable: printed on
// stderr and kept in the JSON profile (schema-valid); a glob that matches no
// function is bad input (exit 2, one line), not a silent zero.
TEST(CmdRecord, CallsCountsMatchingFunctionsAndRejectsAGlobThatMatchesNone) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string out = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/calls.json";
  // Two globs, the last right before `--`: the command's own flags stay its own.
  const Output r = run_cmd(perfgate_exe() + " record -o " + out +
                           " --calls 'calls_counted_a*' --calls 'calls_counted_b*' -- " PG_TARGET_CALLS " --fast");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("perfgate:         6500 calls  calls_counted_a(unsigned long)\n"
                       "perfgate:         1000 calls  calls_counted_b(unsigned long)\n"),
            std::string::npos)
      << r.out;
  std::ifstream in(out);
  std::stringstream json;
  json << in.rdbuf();
  EXPECT_NE(json.str().find("\"calls\": 6500"), std::string::npos) << json.str().substr(0, 2000);
  const Output valid = run_cmd(std::string(PERFGATE_SOURCE_DIR) + "/scripts/validate-json-schema " +
                               PERFGATE_SOURCE_DIR + "/docs/schema/profile.schema.json " + out);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;

  const Output none = run_cmd(perfgate_exe() + " record --calls 'no_such_function*' -- " PG_TARGET_CALLS);
  EXPECT_EQ(none.exit_code, 2) << none.out;
  EXPECT_EQ(none.out, std::string("perfgate: error: --calls: no function of ") + PG_TARGET_CALLS +
                          " matches 'no_such_function*'\n");
}

// --from FUNCTION opens the recording at the program's first call of it:
// of calls_counted_a, only the 1000 calls after the target's mark are
// counted (not the 0.3 s before it), the profile names the mark (for its
// calls and its stacks), and a name the executable does not define is bad
// input (exit 2, one line).
TEST(CmdRecord, FromRecordsFromTheFirstCallOfTheNamedFunction) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string out = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/from.json";
  const Output r =
      run_cmd(perfgate_exe() + " record -o " + out +
              " --from perfgate_operations_begin --calls 'calls_counted_a*' -- " PG_TARGET_CALLS
              " --marked");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("perfgate:         1000 calls  calls_counted_a(unsigned long)\n"),
            std::string::npos)
      << r.out;
  std::ifstream in(out);
  std::stringstream json;
  json << in.rdbuf();
  EXPECT_NE(json.str().find("\"calls_from\": \"perfgate_operations_begin\""), std::string::npos)
      << json.str().substr(0, 2000);
  EXPECT_NE(json.str().find("\"recorded_from\": \"perfgate_operations_begin\""), std::string::npos)
      << json.str().substr(0, 2000);

  const Output none =
      run_cmd(perfgate_exe() + " record --from no_such_function -- " PG_TARGET_CALLS);
  EXPECT_EQ(none.exit_code, 2) << none.out;
  EXPECT_EQ(none.out,
            std::string("perfgate: error: --from: ") + PG_TARGET_CALLS +
                " defines no function named 'no_such_function' (the demangled name, exactly)\n");
}

bool stack_has(const perfgate::profiler::Profile& p, const perfgate::profiler::Stack& s, std::string_view part) {
  return std::any_of(s.frames.begin(), s.frames.end(),
                     [&](std::uint32_t f) { return p.frames()[f].function.find(part) != std::string::npos; });
}

// DESIGN §7 / seed 000 #1: the serial batcher's one global lock serializes
// every request; off-CPU, the wait for it must be the top stack of the
// request handlers. Not asserted against the whole tree: the main thread
// waits in std::thread::join for those very handlers to drain the queue (the
// largest stack, and the handlers' own time once more), and on a loaded
// machine handlers wait runnable rather than blocked, so the driver's sleeps
// between arrivals can outweigh the lock wait (docs/profiler.md).
TEST(CmdRecord, OffCpuShowsTheSerialBatchersLockWaitAsTheHandlersTopStack) {
  if (auto ok = perfgate::profiler::check_available(); !ok)
    GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  const std::string out = std::string(PERFGATE_BINARY_DIR) + "/tests/profiler/batcher-offcpu.folded";
  const Output r = run_cmd(perfgate_exe() + " record --mode offcpu -o " + out + " -- " + perfgate_exe() +
                           " workloads run batcher --variant serial");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = perfgate::profiler::parse_folded(text.str(), perfgate::profiler::Mode::offcpu);
  ASSERT_TRUE(parsed) << parsed.error();
  const auto& p = *parsed;
  std::vector<perfgate::profiler::Stack> stacks = p.stacks();
  std::sort(stacks.begin(), stacks.end(), [](const auto& a, const auto& b) { return a.count > b.count; });

  // The heaviest stack of the request handlers is the wait for the model lock
  // that serial_handler_main takes, down to the futex in the kernel.
  std::uint64_t handler_total = 0;
  const perfgate::profiler::Stack* handler_top = nullptr;
  for (const auto& s : stacks)
    if (stack_has(p, s, "RequestBatcher::serial_handler_main()")) {
      handler_total += s.count;
      if (handler_top == nullptr) handler_top = &s;
    }
  ASSERT_NE(handler_top, nullptr) << text.str();
  EXPECT_TRUE(stack_has(p, *handler_top, "pthread_mutex_lock")) << text.str();
  EXPECT_TRUE(stack_has(p, *handler_top, "lll_lock_wait")) << text.str();
  EXPECT_TRUE(stack_has(p, *handler_top, "futex_wait")) << text.str();
  EXPECT_GT(handler_top->count, 100'000'000u) << "less than 100 ms of lock wait\n" << text.str();
  EXPECT_GT(double(handler_top->count), 0.8 * double(handler_total)) << text.str();

  // The stack is linked through glibc's frames (no frame pointers) up to
  // std::thread's entry in libstdc++, whose caller the walk cannot see.
  EXPECT_TRUE(p.frames()[handler_top->frames.front()].function.starts_with("libstdc++")) << text.str();
  EXPECT_TRUE(stack_has(p, *handler_top, "__schedule")) << text.str();
  EXPECT_FALSE(stack_has(p, *handler_top, "[unknown]")) << text.str();
}

}  // namespace
