#include "gate/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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

// `history append` through a symlinked history used to turn the link into a
// file of its own, and the file it led to never got the night.
TEST_F(AtomicFile, ReplacesTheFileALinkLeadsToAndKeepsTheLink) {
  fs::create_directories(dir_ / "cache");
  ASSERT_TRUE(write_file_atomically(dir_ / "cache" / "real.jsonl", "old"));
  fs::create_symlink("cache/real.jsonl", dir_ / "link.jsonl");
  fs::create_symlink(dir_ / "link.jsonl", dir_ / "link2.jsonl");  // absolute, and a chain
  ASSERT_TRUE(write_file_atomically(dir_ / "link2.jsonl", "new"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.jsonl"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "link2.jsonl"));
  EXPECT_EQ(read_file(dir_ / "cache" / "real.jsonl").value_or(""), "new");
  // A dangling link: its target is made.
  fs::create_symlink("made.txt", dir_ / "dangling");
  ASSERT_TRUE(write_file_atomically(dir_ / "dangling", "made"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "dangling"));
  EXPECT_EQ(read_file(dir_ / "made.txt").value_or(""), "made");
  // A loop is an error that writes nothing.
  fs::create_symlink("loop-b", dir_ / "loop-a");
  fs::create_symlink("loop-a", dir_ / "loop-b");
  auto r = write_file_atomically(dir_ / "loop-a", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::environment);
  EXPECT_NE(r.error().message.find("Too many levels of symbolic links"), std::string::npos)
      << r.error().message;
  EXPECT_TRUE(fs::is_symlink(dir_ / "loop-a"));
}

// `perfgate record -o /dev/null`, as root, replaced the machine's /dev/null
// with a regular file. A FIFO stands in for the device here.
TEST_F(AtomicFile, WritesIntoAFifoInsteadOfReplacingIt) {
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fs::create_symlink("fifo", dir_ / "to-fifo");
  for (const fs::path& target : {fifo, dir_ / "to-fifo"}) {
    // A reader that does not block: the content waits in the pipe's buffer.
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    const FileContent files[] = {{dir_ / "report.md", "md"}, {target, "through the fifo"}};
    const auto ok = write_files_atomically(files);
    char buf[64] = {};
    const ssize_t n = ::read(reader, buf, sizeof buf);
    ::close(reader);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0), "through the fifo");
    EXPECT_TRUE(fs::is_fifo(fifo));
    EXPECT_EQ(read_file(dir_ / "report.md").value_or(""), "md");
  }
  EXPECT_TRUE(fs::is_symlink(dir_ / "to-fifo"));
}

// `-o /dev/stdout >> log`: the name of an open file descriptor is written
// through it, where it stands, not reopened at offset 0 or renamed over.
TEST_F(AtomicFile, WritesThroughAnOpenDescriptorsNameWhereItStands) {
  const fs::path log = dir_ / "log";
  ASSERT_TRUE(write_file_atomically(log, "line 1\n"));
  const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (const std::string name : {"/proc/self/fd/", "/dev/fd/"})
    ASSERT_TRUE(write_file_atomically(name + std::to_string(fd), name + "\n"));
  ::close(fd);
  EXPECT_EQ(read_file(log).value_or(""), "line 1\n/proc/self/fd/\n/dev/fd/\n");
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
