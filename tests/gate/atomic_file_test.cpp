#include "gate/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace perfgate::gate {
namespace {

namespace fs = std::filesystem;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("perfgate-atomic-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  fs::path dir_;
};

TEST_F(AtomicFile, ReplacesContentAndCreatesParents) {
  const fs::path p = dir_ / "a" / "b" / "results.json";
  ASSERT_TRUE(write_file_atomically(p, "one"));
  ASSERT_TRUE(write_file_atomically(p, "two"));
  EXPECT_EQ(*read_file(p), "two");
}

TEST_F(AtomicFile, FailedReplaceKeepsThePreviousTargetAndLeavesNoTemporary) {
  // A directory at the target path makes the final rename fail.
  const fs::path p = dir_ / "out";
  fs::create_directories(p / "keep");
  auto r = write_file_atomically(p, "new content");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::environment);
  EXPECT_TRUE(fs::is_directory(p / "keep"));
  EXPECT_EQ(entries(), 1u) << "temporary file left behind";
}

// A report's two files: when the second cannot be replaced, the first gets
// its previous content back, a file that did not exist is gone again, and
// no temporary or kept copy is left.
TEST_F(AtomicFile, SeveralFilesAreReplacedAllOrNone) {
  ASSERT_TRUE(write_file_atomically(dir_ / "report.md", "old md"));
  fs::create_directories(dir_ / "report.json" / "keep");  // the rename over it fails
  const FileContent files[] = {
      {dir_ / "report.md", "new md"}, {dir_ / "new.txt", "new"}, {dir_ / "report.json", "{}"}};
  auto r = write_files_atomically(files);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::environment);
  EXPECT_NE(r.error().message.find("report.json"), std::string::npos) << r.error().message;
  EXPECT_EQ(*read_file(dir_ / "report.md"), "old md");
  EXPECT_FALSE(fs::exists(dir_ / "new.txt"));
  EXPECT_TRUE(fs::is_directory(dir_ / "report.json" / "keep"));
  EXPECT_EQ(entries(), 2u) << "report.md and report.json only";

  fs::remove_all(dir_ / "report.json");
  ASSERT_TRUE(write_files_atomically(files));
  EXPECT_EQ(*read_file(dir_ / "report.md"), "new md");
  EXPECT_EQ(*read_file(dir_ / "new.txt"), "new");
  EXPECT_EQ(*read_file(dir_ / "report.json"), "{}");
  EXPECT_EQ(entries(), 3u);
}

TEST_F(AtomicFile, UnwritableParentIsAnEnvironmentError) {
  std::ofstream(dir_ / "file") << "x";
  auto r = write_file_atomically(dir_ / "file" / "child.json", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::environment);
}

TEST_F(AtomicFile, ReadRejectsMissingAndOversizedFiles) {
  EXPECT_EQ(read_file(dir_ / "missing").error().code, ExitCode::bad_input);
  EXPECT_EQ(read_file("/dev/null").error().message, "cannot read '/dev/null': not a regular file");
  EXPECT_EQ(read_file(dir_).error().message,
            "cannot read '" + dir_.string() + "': not a regular file");
  ASSERT_TRUE(write_file_atomically(dir_ / "big", std::string(100, 'x')));
  auto r = read_file(dir_ / "big", 10);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("limit"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::gate
