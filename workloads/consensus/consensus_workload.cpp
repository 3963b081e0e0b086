// The consensus workload (DESIGN §5, seed 000 #3): one PBFT round among
// n = 8 validators (f = 2), as processed by replica 1 (the node under test).
//
// One timed op is PbftReplica::process_round() over one round's inbox: the
// leader's pre-prepare (decode, canonical re-encode, SHA-256, Ed25519
// verify), then the other validators' prepares and commits in a shuffled
// arrival order; the replica signs and emits its own prepare and commit and
// ends committed. The peers' messages are signed before the timed region (on
// a real network they sign on their own machines): a pool of 128 distinct
// rounds, each with a ~5 KB proposal of 64 transactions, replayed cyclically;
// the replica keeps no state between rounds, so replay does not help it.
//
// Faults are planted deterministically: every 8th round one vote is forged
// (its sender's signature with one bit flipped) and placed first in its phase,
// so both verification modes must verify and reject it; every 8th round (a
// different one) a vote is retransmitted. The invariants are checked on every
// round, outside nothing but a few integer comparisons.

#include "workloads/consensus/consensus_workload.h"

#include <fmt/format.h>

#include <bit>
#include <string>
#include <vector>

#include "workloads/consensus/canonical_encoding.h"
#include "workloads/consensus/pbft_replica.h"
#include "workloads/consensus/validator_keys.h"
#include "workloads/harness/closed_loop.h"
#include "workloads/harness/rng.h"

namespace perfgate::workloads::consensus {
namespace {

constexpr std::size_t kValidators = 8;
constexpr std::uint32_t kSelf = 1;
constexpr std::uint64_t kView = 0;  // leader = replica 0
constexpr std::size_t kPoolRounds = 128;
constexpr std::size_t kTransactions = 64;
constexpr std::size_t kMinTxBytes = 48;
constexpr std::size_t kMaxTxBytes = 112;
constexpr std::size_t kFaultEvery = 8;

struct PlannedRound {
  std::vector<std::vector<std::uint8_t>> inbox;
  std::uint32_t genuine_prepares = 0;  // senders whose valid prepare is in the inbox
  std::uint32_t genuine_commits = 0;
  bool forged = false;
  Phase forged_phase = Phase::prepare;
  std::uint32_t forged_sender = 0;
};

Proposal make_proposal(harness::Rng& rng, std::uint64_t sequence, const Digest& parent) {
  Proposal p{.view = kView, .sequence = sequence, .timestamp_ns = 1'700'000'000'000'000'000ULL + sequence * 1'000'000'000ULL, .parent = parent};
  for (std::size_t i = 0; i < kTransactions; ++i) {
    std::string tx = fmt::format("transfer from={:016x} to={:016x} amount={} nonce={} memo=",
                                 rng.next(), rng.next(), rng.below(1'000'000), rng.below(1 << 20));
    const std::size_t bytes = kMinTxBytes + rng.below(kMaxTxBytes - kMinTxBytes + 1);
    while (tx.size() < bytes) tx.push_back(static_cast<char>('a' + rng.below(26)));
    p.transactions.push_back(std::move(tx));
  }
  canonicalize(p);
  return p;
}

std::vector<PlannedRound> plan_rounds(const std::vector<KeyPair>& keys, std::uint64_t seed) {
  harness::Rng rng(seed ^ 0x7062667450424654ULL);
  std::vector<PlannedRound> rounds(kPoolRounds);
  Digest parent{};
  std::vector<std::uint8_t> enc;
  for (std::size_t r = 0; r < kPoolRounds; ++r) {
    PlannedRound& pr = rounds[r];
    const std::uint64_t seq = r + 1;
    const Proposal p = make_proposal(rng, seq, parent);
    encode(p, enc);
    const Digest d = digest_of_encoding(enc);
    parent = d;
    const std::uint32_t leader = kView % kValidators;
    MessageHeader pp{.phase = Phase::pre_prepare, .view = kView, .sequence = seq, .digest = d, .replica = leader};
    sign(pp, keys[leader].secret_key);
    pr.inbox.push_back(encode_pre_prepare(pp, enc));

    const bool forge = r % kFaultEvery == 3;
    const bool retransmit = r % kFaultEvery == 6;
    pr.forged = forge;
    pr.forged_phase = rng.below(2) == 0 ? Phase::prepare : Phase::commit;
    for (Phase phase : {Phase::prepare, Phase::commit}) {
      std::vector<std::uint32_t> senders;
      for (std::uint32_t i = 0; i < kValidators; ++i)
        if (i != kSelf && !(phase == Phase::prepare && i == leader)) senders.push_back(i);
      for (std::size_t i = senders.size() - 1; i > 0; --i) std::swap(senders[i], senders[rng.below(i + 1)]);
      std::vector<std::vector<std::uint8_t>> votes;
      for (std::size_t k = 0; k < senders.size(); ++k) {
        MessageHeader v{.phase = phase, .view = kView, .sequence = seq, .digest = d, .replica = senders[k]};
        sign(v, keys[senders[k]].secret_key);
        const bool forged_here = forge && phase == pr.forged_phase && k == 0;
        if (forged_here) {
          // The forgery replaces this sender's vote and arrives first, so
          // that the batch must verify it too.
          v.signature[rng.below(64)] ^= static_cast<std::uint8_t>(1u << rng.below(8));
          pr.forged_sender = senders[k];
        } else {
          (phase == Phase::prepare ? pr.genuine_prepares : pr.genuine_commits) |= 1u << senders[k];
        }
        votes.push_back(encode_vote(v));
        if (retransmit && k == 0) votes.push_back(votes.back());
      }
      for (auto& v : votes) pr.inbox.push_back(std::move(v));
    }
  }
  return rounds;
}

class ConsensusWorkload final : public Workload {
 public:
  const Info& info() const override { return info_; }

  std::expected<Run, std::string> run(const Params& params) const override {
    auto keys = make_validator_keys(kValidators, params.seed);
    if (!keys) return std::unexpected(keys.error());
    ReplicaConfig config;
    config.self = kSelf;
    for (const auto& k : *keys) config.validators.push_back(k.public_key);
    config.secret_key = (*keys)[kSelf].secret_key;
    config.cache_digest = params.variant != "no-digest-cache";
    config.batch_verify = params.variant != "no-batch-verify";
    config.slowdown = harness::Slowdown(params.slowdown_percent);
    auto replica = PbftReplica::create(std::move(config));
    if (!replica) return std::unexpected(replica.error());
    const std::vector<PlannedRound> rounds = plan_rounds(*keys, params.seed);
    const std::size_t quorum = replica->quorum();

    std::uint64_t uncommitted = 0, short_quorum = 0, counted_forgery = 0, unrejected_forgery = 0,
                  counted_ungenuine = 0, forged_rounds = 0, verifications = 0;
    std::string first_failure;
    auto fail = [&](std::uint64_t i, const std::string& what) {
      if (first_failure.empty()) first_failure = fmt::format("round {}: {}", i, what);
    };
    const std::uint32_t leader_bit = 1u << replica->leader(kView);
    const std::uint32_t self_bit = 1u << kSelf;

    Run run = harness::measure_closed_loop(params.warmup_ops, params.ops, [&](std::uint64_t i) {
      const PlannedRound& pr = rounds[i % rounds.size()];
      const RoundOutcome o = replica->process_round(kView, pr.inbox);
      verifications += static_cast<std::uint64_t>(o.signatures_verified);
      const auto prepares = static_cast<std::size_t>(std::popcount(o.prepare_voters));
      const auto commits = static_cast<std::size_t>(std::popcount(o.commit_voters));
      if (!o.committed) ++uncommitted, fail(i, "did not commit");
      if (o.committed && (prepares < quorum || commits < quorum))
        ++short_quorum, fail(i, fmt::format("committed with {} prepares, {} commits", prepares, commits));
      // Every counted vote must be one a correct sender actually signed.
      if ((o.prepare_voters & ~(pr.genuine_prepares | leader_bit | self_bit)) != 0 ||
          (o.commit_voters & ~(pr.genuine_commits | self_bit)) != 0)
        ++counted_ungenuine, fail(i, "counted a vote nobody signed");
      if (pr.forged) {
        ++forged_rounds;
        const std::uint32_t voters = pr.forged_phase == Phase::prepare ? o.prepare_voters : o.commit_voters;
        if (voters & (1u << pr.forged_sender)) ++counted_forgery, fail(i, "counted the forged vote");
        if (o.signatures_rejected < 1) ++unrejected_forgery, fail(i, "forged vote not rejected");
      }
    });

    const std::uint64_t total = params.warmup_ops + params.ops;
    run.metrics["verifications_per_round"] = static_cast<double>(verifications) / static_cast<double>(total);
    run.metrics["rounds_per_s"] = run.measured_seconds > 0 ? static_cast<double>(params.ops) / run.measured_seconds : 0.0;
    run.invariants.push_back(Invariant{
        .name = "every round commits",
        .passed = uncommitted == 0,
        .detail = uncommitted == 0 ? fmt::format("{} of {} rounds committed", total, total)
                                   : fmt::format("{} rounds did not commit; {}", uncommitted, first_failure)});
    run.invariants.push_back(Invariant{
        .name = "commit only with 2f+1 valid prepares and commits from genuine signers",
        .passed = short_quorum == 0 && counted_ungenuine == 0,
        .detail = short_quorum == 0 && counted_ungenuine == 0
                      ? fmt::format("quorum {} of n={} held in every round", quorum, kValidators)
                      : first_failure});
    run.invariants.push_back(Invariant{
        .name = "forged signatures are rejected and never counted",
        .passed = counted_forgery == 0 && unrejected_forgery == 0 && forged_rounds > 0,
        .detail = counted_forgery == 0 && unrejected_forgery == 0
                      ? fmt::format("{} forged votes rejected", forged_rounds)
                      : first_failure});
    return run;
  }

 private:
  Info info_{
      .name = "consensus",
      .description = "one PBFT round among 8 validators (f = 2): canonical encoding, SHA-256 "
                     "digests, Ed25519 signatures (libsodium)",
      .category = "cpu",
      .operation = "one PBFT round at one replica: verify the leader's pre-prepare (~5 KB "
                   "proposal), sign prepare and commit, collect 2f+1 = 5 valid votes per phase",
      .variants = {{.name = "no-digest-cache",
                    .description = "re-encodes and re-hashes the proposal for every message that "
                                   "references its digest instead of once per round"},
                   {.name = "no-batch-verify",
                    .description = "verifies every vote's signature on arrival, including late "
                                   "votes and retransmissions, instead of deferred quorum-bounded "
                                   "verification"}},
      .slowdown_function = "perfgate::workloads::consensus::PbftReplica::process_round",
      .default_ops_ci = 10'000,
      .default_ops_nightly = 50'000,
      // A process's p99 is the slowest of the 128 replayed rounds, the same
      // work in every repetition: processes no slow spell of the machine met
      // reach it within 0.3 % (518.7 µs clean, 518.7-520.3 µs twin in two
      // pools), the others 10-100 % above it (docs/gate.md, "consensus by
      // permutation").
      .fixed_work_tail = true,
      .metrics = {"verifications_per_round", "rounds_per_s"}};
};

}  // namespace

std::unique_ptr<Workload> make_workload() { return std::make_unique<ConsensusWorkload>(); }

}  // namespace perfgate::workloads::consensus
