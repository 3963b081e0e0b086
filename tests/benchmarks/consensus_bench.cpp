// Consensus round cost (issue target: one 8-validator PBFT round p99 <= 2 ms;
// the p99 itself comes from `perfgate workloads run consensus`, this program
// shows where a round's time goes). Figures, not tests: run
//   build/tests/benchmarks/consensus_bench
//   BM_Ed25519Verify / BM_Ed25519Sign   libsodium's primitives, per call
//   BM_ProposalDigest                   canonical encoding + SHA-256 of a ~5 KB proposal
//   BM_Round/<cache>/<batch>            one round at replica 1 (mean, not p99)

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "workloads/consensus/canonical_encoding.h"
#include "workloads/consensus/pbft_replica.h"
#include "workloads/harness/rng.h"

namespace perfgate::workloads::consensus {
namespace {

constexpr std::uint64_t kSeq = 1;

struct Setup {
  std::vector<KeyPair> keys;
  Proposal proposal;
  std::vector<std::uint8_t> encoding;
  Digest digest{};
  std::vector<std::vector<std::uint8_t>> inbox;
};

const Setup& setup() {
  static const Setup s = [] {
    Setup r;
    r.keys = *make_validator_keys(8, 1);
    harness::Rng rng(2);
    r.proposal = Proposal{.view = 0, .sequence = kSeq, .timestamp_ns = 1};
    for (int i = 0; i < 64; ++i) {
      std::string tx = "transfer nonce=" + std::to_string(rng.next()) + " memo=";
      while (tx.size() < 80) tx.push_back(static_cast<char>('a' + rng.below(26)));
      r.proposal.transactions.push_back(std::move(tx));
    }
    canonicalize(r.proposal);
    r.encoding = encode(r.proposal);
    r.digest = digest_of_encoding(r.encoding);
    MessageHeader pp{.phase = Phase::pre_prepare, .sequence = kSeq, .digest = r.digest, .replica = 0};
    sign(pp, r.keys[0].secret_key);
    r.inbox.push_back(encode_pre_prepare(pp, r.encoding));
    for (Phase phase : {Phase::prepare, Phase::commit})
      for (std::uint32_t from = phase == Phase::prepare ? 2 : 0; from < 8; ++from) {
        if (from == 1) continue;
        MessageHeader v{.phase = phase, .sequence = kSeq, .digest = r.digest, .replica = from};
        sign(v, r.keys[from].secret_key);
        r.inbox.push_back(encode_vote(v));
      }
    return r;
  }();
  return s;
}

void BM_Ed25519Verify(benchmark::State& state) {
  const Setup& s = setup();
  MessageHeader v{.phase = Phase::prepare, .sequence = kSeq, .digest = s.digest, .replica = 2};
  sign(v, s.keys[2].secret_key);
  for (auto _ : state) benchmark::DoNotOptimize(signature_valid(v, s.keys[2].public_key));
}
BENCHMARK(BM_Ed25519Verify);

void BM_Ed25519Sign(benchmark::State& state) {
  const Setup& s = setup();
  MessageHeader v{.phase = Phase::prepare, .sequence = kSeq, .digest = s.digest, .replica = 2};
  for (auto _ : state) {
    sign(v, s.keys[2].secret_key);
    benchmark::DoNotOptimize(v.signature);
  }
}
BENCHMARK(BM_Ed25519Sign);

void BM_ProposalDigest(benchmark::State& state) {
  const Setup& s = setup();
  std::vector<std::uint8_t> scratch;
  for (auto _ : state) benchmark::DoNotOptimize(digest_of(s.proposal, scratch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.encoding.size()));
}
BENCHMARK(BM_ProposalDigest);

// args: cache digest, batch verify
void BM_Round(benchmark::State& state) {
  const Setup& s = setup();
  ReplicaConfig c;
  c.self = 1;
  for (const auto& k : s.keys) c.validators.push_back(k.public_key);
  c.secret_key = s.keys[1].secret_key;
  c.cache_digest = state.range(0) != 0;
  c.batch_verify = state.range(1) != 0;
  auto replica = PbftReplica::create(std::move(c));
  if (!replica) return state.SkipWithError(replica.error().c_str());
  int verified = 0;
  for (auto _ : state) {
    const RoundOutcome o = replica->process_round(0, s.inbox);
    if (!o.committed) return state.SkipWithError("round did not commit");
    verified = o.signatures_verified;
  }
  state.counters["verifications"] = verified;
  state.SetLabel(state.range(0) == 0 ? "no-digest-cache" : state.range(1) == 0 ? "no-batch-verify" : "clean");
}
BENCHMARK(BM_Round)->Args({1, 1})->Args({0, 1})->Args({1, 0})->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace perfgate::workloads::consensus

BENCHMARK_MAIN();
