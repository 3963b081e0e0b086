#include "workloads/consensus/pbft_replica.h"

#include <gtest/gtest.h>

#include <bit>

#include "workloads/consensus/canonical_encoding.h"

namespace perfgate::workloads::consensus {
namespace {

constexpr std::uint32_t kSelf = 1;
constexpr std::uint64_t kView = 0;  // leader 0
constexpr std::uint64_t kSeq = 5;

class PbftReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = make_validator_keys(8, 1234);
    ASSERT_TRUE(k.has_value()) << k.error();
    keys_ = std::move(*k);
    proposal_ = Proposal{.view = kView, .sequence = kSeq, .timestamp_ns = 99};
    proposal_.transactions = {"tx 1", "tx 2", "tx 3"};
    encoding_ = encode(proposal_);
    digest_ = digest_of_encoding(encoding_);
  }

  PbftReplica replica(bool cache_digest = true, bool batch_verify = true) {
    ReplicaConfig c;
    c.self = kSelf;
    for (const auto& k : keys_) c.validators.push_back(k.public_key);
    c.secret_key = keys_[kSelf].secret_key;
    c.cache_digest = cache_digest;
    c.batch_verify = batch_verify;
    auto r = PbftReplica::create(std::move(c));
    EXPECT_TRUE(r.has_value());
    return std::move(*r);
  }

  std::vector<std::uint8_t> pre_prepare() {
    MessageHeader h{.phase = Phase::pre_prepare, .view = kView, .sequence = kSeq, .digest = digest_, .replica = 0};
    sign(h, keys_[0].secret_key);
    return encode_pre_prepare(h, encoding_);
  }

  MessageHeader vote_header(Phase phase, std::uint32_t from) {
    MessageHeader h{.phase = phase, .view = kView, .sequence = kSeq, .digest = digest_, .replica = from};
    sign(h, keys_[from].secret_key);
    return h;
  }
  std::vector<std::uint8_t> vote(Phase phase, std::uint32_t from) { return encode_vote(vote_header(phase, from)); }
  std::vector<std::uint8_t> forged(Phase phase, std::uint32_t from) {
    MessageHeader h = vote_header(phase, from);
    h.signature[10] ^= 0x04;
    return encode_vote(h);
  }

  // The leader's pre-prepare, then prepares and commits from `prepares` and
  // `commits` (replica ids), in that order.
  std::vector<std::vector<std::uint8_t>> inbox(std::vector<std::uint32_t> prepares,
                                               std::vector<std::uint32_t> commits) {
    std::vector<std::vector<std::uint8_t>> in{pre_prepare()};
    for (auto r : prepares) in.push_back(vote(Phase::prepare, r));
    for (auto r : commits) in.push_back(vote(Phase::commit, r));
    return in;
  }

  static int count(std::uint32_t voters) { return std::popcount(voters); }

  std::vector<KeyPair> keys_;
  Proposal proposal_;
  std::vector<std::uint8_t> encoding_;
  Digest digest_{};
};

TEST_F(PbftReplicaTest, QuorumIsTwoFPlusOne) {
  auto r = replica();
  EXPECT_EQ(r.n(), 8u);
  EXPECT_EQ(r.f(), 2u);
  EXPECT_EQ(r.quorum(), 5u);
  EXPECT_EQ(r.leader(9), 1u);
}

TEST_F(PbftReplicaTest, CommitsWithAQuorumInEveryMode) {
  for (bool cache : {true, false})
    for (bool batch : {true, false}) {
      auto r = replica(cache, batch);
      const RoundOutcome o = r.process_round(kView, inbox({2, 3, 4, 5, 6, 7}, {0, 2, 3, 4, 5, 6, 7}));
      EXPECT_TRUE(o.pre_prepare_accepted);
      EXPECT_TRUE(o.prepared);
      EXPECT_TRUE(o.committed) << cache << batch;
      EXPECT_EQ(o.digest, digest_);
      EXPECT_GE(count(o.prepare_voters), 5);
      EXPECT_GE(count(o.commit_voters), 5);
      // It sent its own signed prepare and commit, which verify.
      ASSERT_EQ(o.sent.size(), 2u);
      auto own = decode_message(o.sent[1]);
      ASSERT_TRUE(own.has_value());
      EXPECT_EQ(own->header.phase, Phase::commit);
      EXPECT_TRUE(signature_valid(own->header, keys_[kSelf].public_key));
    }
}

TEST_F(PbftReplicaTest, DoesNotCommitWithTwoFVotes) {
  // Leader + self + 2 prepares = 4 < 5: never prepared, so never commits,
  // even with every commit vote present.
  auto r = replica();
  const RoundOutcome o = r.process_round(kView, inbox({2, 3}, {0, 2, 3, 4, 5, 6, 7}));
  EXPECT_TRUE(o.pre_prepare_accepted);
  EXPECT_FALSE(o.prepared);
  EXPECT_FALSE(o.committed);
}

TEST_F(PbftReplicaTest, ForgedVotesAreRejectedAndNeverCounted) {
  for (bool batch : {true, false}) {
    auto r = replica(true, batch);
    // Prepares: leader + self + 2 genuine + 1 forged = would be 5 if counted.
    auto in = inbox({2, 3}, {});
    in.push_back(forged(Phase::prepare, 4));
    in.push_back(forged(Phase::prepare, 4));  // retransmitted forgery
    const RoundOutcome o = r.process_round(kView, in);
    EXPECT_FALSE(o.prepared) << "batch=" << batch;
    EXPECT_EQ(o.prepare_voters & (1u << 4), 0u);
    EXPECT_GE(o.signatures_rejected, 1);
  }
}

TEST_F(PbftReplicaTest, AForgedVoteFirstInBatchStillLetsTheGenuineQuorumCommit) {
  auto r = replica(true, true);
  std::vector<std::vector<std::uint8_t>> in{pre_prepare(), forged(Phase::prepare, 2)};
  for (std::uint32_t p : {3u, 4u, 5u, 6u}) in.push_back(vote(Phase::prepare, p));
  for (std::uint32_t c : {0u, 2u, 3u, 4u, 5u}) in.push_back(vote(Phase::commit, c));
  const RoundOutcome o = r.process_round(kView, in);
  EXPECT_TRUE(o.committed);
  EXPECT_EQ(o.prepare_voters & (1u << 2), 0u);
  EXPECT_EQ(o.signatures_rejected, 1);
}

TEST_F(PbftReplicaTest, IgnoresVotesForAnotherDigestViewOrFromTheLeaderAsPrepare) {
  auto r = replica();
  auto in = inbox({}, {});
  MessageHeader wrong_digest = vote_header(Phase::prepare, 2);
  wrong_digest.digest[0] ^= 1;
  sign(wrong_digest, keys_[2].secret_key);
  in.push_back(encode_vote(wrong_digest));
  MessageHeader wrong_view = vote_header(Phase::prepare, 3);
  wrong_view.view = 1;
  sign(wrong_view, keys_[3].secret_key);
  in.push_back(encode_vote(wrong_view));
  in.push_back(vote(Phase::prepare, 0));      // the leader's prepare is its pre-prepare
  in.push_back(vote(Phase::prepare, kSelf));  // nobody else speaks for us
  in.push_back({1, 2, 3});                    // garbage
  const RoundOutcome o = r.process_round(kView, in);
  EXPECT_EQ(count(o.prepare_voters), 2);  // leader + self only
  EXPECT_GE(o.messages_ignored, 5);
}

TEST_F(PbftReplicaTest, RejectsAPrePrepareWhoseDigestDoesNotMatchItsProposal) {
  auto r = replica();
  MessageHeader h{.phase = Phase::pre_prepare, .view = kView, .sequence = kSeq, .digest = digest_, .replica = 0};
  h.digest[5] ^= 1;
  sign(h, keys_[0].secret_key);
  std::vector<std::vector<std::uint8_t>> in{encode_pre_prepare(h, encoding_)};
  for (std::uint32_t p : {2u, 3u, 4u, 5u}) in.push_back(vote(Phase::prepare, p));
  const RoundOutcome o = r.process_round(kView, in);
  EXPECT_FALSE(o.pre_prepare_accepted);
  EXPECT_FALSE(o.prepared);
  EXPECT_TRUE(o.sent.empty());
}

TEST_F(PbftReplicaTest, VotesThatOvertakeThePrePrepareAreCounted) {
  auto r = replica();
  auto in = inbox({2, 3, 4}, {0, 2, 3, 4});
  std::rotate(in.begin(), in.begin() + 1, in.end());  // pre-prepare arrives last
  const RoundOutcome o = r.process_round(kView, in);
  EXPECT_TRUE(o.committed);
}

TEST_F(PbftReplicaTest, BatchModeVerifiesFewerSignaturesButCountsTheSame) {
  const auto in = inbox({2, 3, 4, 5, 6, 7}, {0, 2, 3, 4, 5, 6, 7});
  auto batched = replica(true, true).process_round(kView, in);
  auto eager = replica(true, false).process_round(kView, in);
  EXPECT_TRUE(batched.committed);
  EXPECT_TRUE(eager.committed);
  // Eager: pre-prepare + 6 prepares + 7 commits. Batched stops at quorum:
  // pre-prepare + 3 prepares + 4 commits.
  EXPECT_EQ(eager.signatures_verified, 14);
  EXPECT_EQ(batched.signatures_verified, 8);
}

TEST_F(PbftReplicaTest, RejectsImpossibleConfigurations) {
  ReplicaConfig c;
  c.validators.resize(3);
  EXPECT_FALSE(PbftReplica::create(c).has_value());
  c.validators.resize(8);
  c.self = 8;
  EXPECT_FALSE(PbftReplica::create(c).has_value());
}

}  // namespace
}  // namespace perfgate::workloads::consensus
