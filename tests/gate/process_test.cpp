#include "gate/process.h"

#include <gtest/gtest.h>

#include <csignal>

namespace perfgate::gate {
namespace {

TEST(Process, ReportsExitCodeAndStderrTail) {
  auto r = run_process({.argv = {"/bin/sh", "-c", "echo boom >&2; exit 7"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->exit_code, 7);
  EXPECT_EQ(r->stderr_tail, "boom\n");
  EXPECT_EQ(r->describe(), "exited with status 7");
}

TEST(Process, ReportsTheKillingSignal) {
  auto r = run_process({.argv = {"/bin/sh", "-c", "kill -SEGV $$"}});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->signaled);
  EXPECT_EQ(r->signal, SIGSEGV);
  EXPECT_EQ(r->status_code(), -SIGSEGV);
  EXPECT_NE(r->describe().find("signal 11"), std::string::npos);
}

TEST(Process, TimeoutKillsTheWholeProcessGroup) {
  // The grandchild holds stderr open; if only the shell died, waiting for
  // EOF would hang until the grandchild's sleep ended.
  auto r = run_process({.argv = {"/bin/sh", "-c", "sleep 30 & sleep 30"}, .timeout_s = 0.2});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->timed_out);
  EXPECT_LT(r->wall_s, 5.0);
  EXPECT_NE(r->describe().find("timed out"), std::string::npos);
}

TEST(Process, MissingProgramIsBadInput) {
  auto r = run_process({.argv = {"/nonexistent/prog"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::bad_input);
  EXPECT_NE(r.error().message.find("/nonexistent/prog"), std::string::npos);
}

TEST(Process, AccountsCpuTimeAndMemoryOfTheChild) {
  // ~64 MiB touched by a child: peak RSS must see it.
  auto r = run_process({.argv = {"/usr/bin/python3", "-c", "b = bytearray(64 << 20); print(sum(b[::4096]))"}});
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->ok()) << r->describe() << r->stderr_tail;
  EXPECT_GT(r->peak_rss_bytes, 60u << 20);
  EXPECT_GT(r->user_s + r->system_s, 0.0);
}

}  // namespace
// A plain command runs as its words, without a shell (as GNU make runs
// such lines); anything the shell would interpret keeps /bin/sh -c.
TEST(Process, CommandArgvSkipsTheShellOnlyForPlainCommands) {
  using V = std::vector<std::string>;
  EXPECT_EQ(command_argv("./bench --n 3"), (V{"./bench", "--n", "3"}));
  EXPECT_EQ(command_argv("  build/bench\t-x=1,2  --out=a/b:c@d%e+f  "),
            (V{"build/bench", "-x=1,2", "--out=a/b:c@d%e+f"}));
  EXPECT_EQ(command_argv("{dir}/bench --data {dir}/in"), (V{"{dir}/bench", "--data", "{dir}/in"}));
  for (const char* shell : {"echo hi | wc -c", "./bench > out", "./bench < in", "./bench; ./bench", "./bench && x",
                            "./bench &", "FOO=1 ./bench", "./bench $HOME", "./bench 'a b'", "./bench \"a\"",
                            "./bench *.txt", "./bench ?", "./bench [ab]", "./bench ~/x", "./bench {a,b}",
                            "./bench `date`", "./bench a\\ b", "./bench # note", "(./bench)", "cd build",
                            "exec ./bench", "if", ". ./env", "./bench\n./bench", ""})
    EXPECT_EQ(command_argv(shell), (V{"/bin/sh", "-c", shell})) << shell;
}

}  // namespace perfgate::gate
