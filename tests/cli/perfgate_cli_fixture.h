#pragma once
// The fixture of the tests that drive the real `perfgate` binary: a fresh
// working directory per test, the binary run in it with a timeout, its exit
// code, stdout and stderr's tail, and an independent JSON Schema check.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gate/atomic_file.h"
#include "gate/process.h"

namespace perfgate {

struct Outcome {
  int code = -1;
  std::string out, err;
};

class PerfgateCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* exe = std::getenv("PERFGATE_EXE");
    exe_ = exe != nullptr ? exe : PERFGATE_BINARY_DIR "/gate/perfgate";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("perfgate-cli-" + std::string(info->test_suite_name()) + "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs perfgate ARGS in the test's directory; `env` ("A=1 B=2") is set for it.
  Outcome perfgate(std::vector<std::string> args, std::string env = "") {
    std::string cmd = env + " exec " + exe_;
    for (const auto& a : args) cmd += " '" + a + "'";
    return shell(cmd);
  }
  // Runs a /bin/sh command line in the test's directory.
  Outcome shell(const std::string& cmd) {
    auto r = gate::run_process({.argv = {"/bin/sh", "-c", cmd},
                                .timeout_s = 240,
                                .stdout_path = dir_ / ".stdout",
                                .cwd = dir_,
                                .stderr_tail_bytes = 1 << 16});
    EXPECT_TRUE(r) << r.error().message;
    Outcome o;
    if (!r) return o;
    o.code = r->status_code();
    o.out = *gate::read_file(dir_ / ".stdout");
    o.err = r->stderr_tail;
    return o;
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string read(const std::string& name) { return *gate::read_file(dir_ / name); }

  // Validates with Debian's python3-jsonschema, independent of perfgate's reader.
  void expect_schema_valid(const std::string& schema, const std::filesystem::path& file) {
    auto r = gate::run_process({.argv = {PERFGATE_SOURCE_DIR "/scripts/validate-json-schema",
                                         PERFGATE_SOURCE_DIR "/docs/schema/" + schema, file.string()}});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status_code(), 0) << r->stderr_tail;
  }

  std::string exe_;
  std::filesystem::path dir_;
};

}  // namespace perfgate
