#include "workloads/batcher/batch_invariants.h"

#include <gtest/gtest.h>

namespace perfgate::workloads::batcher {
namespace {

constexpr InvariantLimits kLimits{
    .max_batch = 8, .max_wait_ns = 100, .tolerance_ns = 10, .allowed_late_share = 0.0};

struct Records {
  std::vector<Answer> answers;
  std::vector<BatchRecord> batches;
};

// Four requests in two timely batches of two.
Records clean() {
  Records r;
  r.answers.assign(4, Answer{.enqueued_ns = 0, .completed_ns = 0, .output = 0, .times_answered = 1});
  r.batches = {
      BatchRecord{.oldest_enqueued_ns = 0, .idle_since_ns = 0, .dispatch_ns = 50, .finish_ns = 60, .size = 2},
      BatchRecord{.oldest_enqueued_ns = 70, .idle_since_ns = 60, .dispatch_ns = 150, .finish_ns = 160, .size = 2}};
  return r;
}

bool passed(const Records& r, std::size_t which, const InvariantLimits& limits = kLimits) {
  return check_batcher_invariants(r.answers, r.answers.size(), r.batches, limits)[which].passed;
}

TEST(BatcherInvariants, PassCleanRecords) {
  for (const auto& inv : check_batcher_invariants(clean().answers, 4, clean().batches, kLimits))
    EXPECT_TRUE(inv.passed) << inv.name << ": " << inv.detail;
}

TEST(BatcherInvariants, FlagAnUnansweredRequest) {
  Records r = clean();
  r.answers[2].times_answered = 0;
  EXPECT_FALSE(passed(r, 0));
}

TEST(BatcherInvariants, FlagARequestAnsweredTwice) {
  Records r = clean();
  r.answers[1].times_answered = 2;
  EXPECT_FALSE(passed(r, 0));
}

TEST(BatcherInvariants, FlagBatchSizesThatDoNotAddUpToTheRequests) {
  Records r = clean();
  r.batches[1].size = 3;
  EXPECT_FALSE(passed(r, 0));
}

TEST(BatcherInvariants, FlagABatchLargerThanMaxBatch) {
  Records r = clean();
  r.batches[0].size = 9;
  EXPECT_FALSE(passed(r, 1));
}

TEST(BatcherInvariants, FlagABatchHeldPastMaxWaitWhileTheModelWasIdle) {
  Records r = clean();
  r.batches[1].dispatch_ns = 70 + 100 + 11;  // enqueued 70, model idle since 60
  EXPECT_FALSE(passed(r, 2));
  r.batches[1].dispatch_ns = 70 + 100 + 10;  // exactly at the tolerance
  EXPECT_TRUE(passed(r, 2));
}

TEST(BatcherInvariants, CountWaitingOnlyFromWhenTheModelBecameIdle) {
  Records r = clean();
  // Oldest request queued at 70 while the model was busy until 400: a
  // dispatch at 450 held it only 50 ns with the model idle.
  r.batches[1].idle_since_ns = 400;
  r.batches[1].dispatch_ns = 450;
  EXPECT_TRUE(passed(r, 2));
}

TEST(BatcherInvariants, ExcludeTimeTheDispatcherSpentOnARunQueue) {
  Records r = clean();
  r.batches[1].dispatch_ns = 70 + 100 + 500;  // 500 ns late ...
  EXPECT_FALSE(passed(r, 2));
  r.batches[1].run_queue_delay_ns = 495;  // ... of which 495 ns waiting for a CPU
  EXPECT_TRUE(passed(r, 2));
}

TEST(BatcherInvariants, AllowTheConfiguredShareOfLateBatches) {
  Records r = clean();
  r.batches[1].dispatch_ns = 10'000;
  EXPECT_FALSE(passed(r, 2));
  EXPECT_TRUE(passed(r, 2, InvariantLimits{.max_batch = 8, .max_wait_ns = 100, .tolerance_ns = 10,
                                           .allowed_late_share = 0.5}));
}

}  // namespace
}  // namespace perfgate::workloads::batcher
