#pragma once
// One PBFT replica (Castro & Liskov, "Practical Byzantine Fault Tolerance",
// OSDI '99) processing one consensus instance (view, sequence) in the normal
// case: pre-prepare -> prepare -> commit. n validators tolerate f = (n-1)/3
// faults; a phase completes with a quorum of 2f+1 distinct valid votes:
//   prepared  = the leader's pre-prepare + prepares from distinct backups
//               (its own included), 2f+1 replicas in all;
//   committed = prepared + 2f+1 commits from distinct replicas (own included).
// Messages that are malformed, for another view/sequence/digest, or from an
// unknown sender are ignored; a vote whose Ed25519 signature does not verify
// is rejected and never counted.
//
// Digest caching (clean): the proposal's canonical encoding and SHA-256 are
// computed once, when the pre-prepare is accepted, and every later message is
// checked against that digest. Without it (`cache_digest = false`) the
// replica re-encodes and re-hashes the proposal for every message that
// references it, as seed 000 #3 describes.
//
// "Batch verification" (clean) — what it is and is not: libsodium has no
// Ed25519 batch-verify API, so this is not the multi-scalar-multiplication
// batch equation. It is deferred, quorum-bounded verification: arriving votes
// only get cheap checks (right instance and digest, sender not yet counted,
// not a byte-identical retransmission) and are buffered; once the buffer
// plus the votes already counted could form a quorum, the buffer is verified
// in arrival order and verification stops as soon as 2f+1 are valid. Votes
// that arrive after their phase completed are dropped unverified. The eager
// mode (`batch_verify = false`) verifies every vote's signature on arrival,
// before any other check, as a receive loop that verifies first does —
// including late votes and retransmissions. Both count exactly the same
// votes; only the number of signature verifications differs.
//
// Not thread-safe. One replica object serves many rounds; process_round()
// keeps no state from one round to the next.

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "workloads/consensus/pbft_message.h"
#include "workloads/consensus/validator_keys.h"
#include "workloads/harness/slowdown.h"

namespace perfgate::workloads::consensus {

struct ReplicaConfig {
  std::uint32_t self = 1;
  std::vector<PublicKey> validators;  // index = replica id; n = size, 4 <= n <= 32
  SecretKey secret_key{};             // self's
  bool cache_digest = true;
  bool batch_verify = true;
  harness::Slowdown slowdown;         // injected into process_round()
};

struct RoundOutcome {
  bool pre_prepare_accepted = false;
  bool prepared = false;
  bool committed = false;
  std::uint64_t view = 0;
  std::uint64_t sequence = 0;
  Digest digest{};
  std::uint32_t prepare_voters = 0;  // bit i = replica i counted (leader via its pre-prepare)
  std::uint32_t commit_voters = 0;
  int signatures_verified = 0;       // Ed25519 verifications performed
  int signatures_rejected = 0;       // of those, invalid
  int messages_ignored = 0;          // malformed, stale, duplicate or late (unverified)
  std::vector<std::vector<std::uint8_t>> sent;  // own prepare and commit, wire bytes
};

class PbftReplica {
 public:
  static std::expected<PbftReplica, std::string> create(ReplicaConfig config);

  std::size_t n() const { return config_.validators.size(); }
  std::size_t f() const { return (n() - 1) / 3; }
  std::size_t quorum() const { return 2 * f() + 1; }
  std::uint32_t leader(std::uint64_t view) const { return static_cast<std::uint32_t>(view % n()); }

  // Processes one round's inbox (wire messages in arrival order) for the
  // given view. Kept out of line and named in the workload's Info so that
  // --slowdown's extra work is this function's self time.
  [[gnu::noinline]] RoundOutcome process_round(std::uint64_t view,
                                               std::span<const std::vector<std::uint8_t>> inbox);

 private:
  explicit PbftReplica(ReplicaConfig config) : config_(std::move(config)) {}

  ReplicaConfig config_;
};

}  // namespace perfgate::workloads::consensus
