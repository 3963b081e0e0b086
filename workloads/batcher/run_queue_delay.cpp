#include "workloads/batcher/run_queue_delay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace perfgate::workloads::batcher {

RunQueueDelay::RunQueueDelay() : fd_(open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)) {}

RunQueueDelay::~RunQueueDelay() {
  if (fd_ >= 0) close(fd_);
}

RunQueueDelay::RunQueueDelay(RunQueueDelay&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

std::int64_t RunQueueDelay::total_ns() const {
  if (fd_ < 0) return 0;
  char buf[96];
  // pread from 0 re-reads the current values without reopening.
  const ssize_t n = pread(fd_, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char* end = nullptr;
  std::strtoll(buf, &end, 10);  // on-CPU time, not needed
  return std::strtoll(end, nullptr, 10);
}

}  // namespace perfgate::workloads::batcher
