#pragma once
// How long the calling thread has waited on a CPU run queue (runnable, not
// running), from /proc/thread-self/schedstat (second field, ns; kernel
// CONFIG_SCHED_INFO). The batcher subtracts it from a batch's hold time, so
// that its max_wait invariant judges the batcher's policy, not a loaded
// machine that could not run the woken dispatcher.
//
// Thread affinity: the file names the thread that opens it, so construct the
// reader in the thread it measures. Move-only; owns one fd.

#include <cstdint>

namespace perfgate::workloads::batcher {

class RunQueueDelay {
 public:
  RunQueueDelay();  // opens the file; available() is false when it cannot
  ~RunQueueDelay();
  RunQueueDelay(RunQueueDelay&& other) noexcept;
  RunQueueDelay& operator=(RunQueueDelay&&) = delete;
  RunQueueDelay(const RunQueueDelay&) = delete;
  RunQueueDelay& operator=(const RunQueueDelay&) = delete;

  bool available() const { return fd_ >= 0; }
  // Cumulative run-queue wait of the opening thread in ns; 0 when unavailable.
  std::int64_t total_ns() const;

 private:
  int fd_ = -1;
};

}  // namespace perfgate::workloads::batcher
