#include "workloads/consensus/pbft_replica.h"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <optional>
#include <utility>

#include "workloads/consensus/canonical_encoding.h"

namespace perfgate::workloads::consensus {
namespace {

struct PhaseState {
  std::uint32_t voters = 0;
  std::vector<MessageHeader> pending;  // batch mode: cheap-checked, not yet verified
  std::size_t count() const { return static_cast<std::size_t>(std::popcount(voters)); }
};

// The state of one consensus instance at this replica. Lives for one
// process_round() call.
class Round {
 public:
  Round(const ReplicaConfig& config, std::uint64_t view, std::size_t quorum)
      : config_(config), quorum_(quorum) {
    out_.view = view;
  }

  void receive(std::span<const std::uint8_t> bytes) {
    auto m = decode_message(bytes);
    if (!m) {
      ++out_.messages_ignored;
      return;
    }
    if (m->header.phase == Phase::pre_prepare) {
      on_pre_prepare(m->header, m->proposal);
      return;
    }
    if (!proposal_) {
      // PBFT lets votes overtake the pre-prepare; hold them until it arrives.
      early_.push_back(m->header);
      return;
    }
    on_vote(m->header);
  }

  RoundOutcome finish() { return std::move(out_); }

 private:
  std::uint32_t n() const { return static_cast<std::uint32_t>(config_.validators.size()); }
  std::uint32_t leader() const { return static_cast<std::uint32_t>(out_.view % n()); }
  static std::uint32_t bit(std::uint32_t replica) { return std::uint32_t{1} << replica; }

  // The digest every message must reference. With caching it was computed
  // once on accepting the pre-prepare; without it, every caller pays a full
  // canonical re-encoding and SHA-256 of the proposal.
  Digest current_digest() {
    if (config_.cache_digest) return out_.digest;
    return digest_of(*proposal_, scratch_);
  }

  bool verify(const MessageHeader& h) {
    ++out_.signatures_verified;
    const bool ok = signature_valid(h, config_.validators[h.replica]);
    if (!ok) ++out_.signatures_rejected;
    return ok;
  }

  void on_pre_prepare(const MessageHeader& h, std::span<const std::uint8_t> proposal_bytes) {
    if (proposal_ || h.view != out_.view || h.replica != leader()) {
      ++out_.messages_ignored;
      return;
    }
    auto p = decode(proposal_bytes);
    if (!p || p->view != h.view || p->sequence != h.sequence) {
      ++out_.messages_ignored;
      return;
    }
    // Digest the canonical re-encoding of what was decoded, never the bytes
    // as received (see canonical_encoding.h).
    const Digest d = digest_of(*p, scratch_);
    if (d != h.digest || !verify(h)) {
      if (d != h.digest) ++out_.messages_ignored;
      return;
    }
    proposal_ = std::move(*p);
    out_.pre_prepare_accepted = true;
    out_.sequence = h.sequence;
    out_.digest = d;
    prepare_.voters = bit(leader());
    send_own(Phase::prepare);
    prepare_.voters |= bit(config_.self);
    advance();
    for (const auto& e : std::exchange(early_, {})) on_vote(e);
  }

  void on_vote(const MessageHeader& h) {
    if (h.view != out_.view || h.sequence != out_.sequence || h.replica >= n() ||
        h.replica == config_.self || (h.phase == Phase::prepare && h.replica == leader())) {
      ++out_.messages_ignored;
      return;
    }
    PhaseState& ps = h.phase == Phase::prepare ? prepare_ : commit_;
    if (!config_.batch_verify) {
      if (!verify(h)) return;
      if (h.digest != current_digest() || (ps.voters & bit(h.replica)) || complete(ps, h.phase)) {
        ++out_.messages_ignored;
        return;
      }
      ps.voters |= bit(h.replica);
      advance();
      return;
    }
    if (complete(ps, h.phase) || (ps.voters & bit(h.replica)) || h.digest != current_digest() ||
        std::ranges::any_of(ps.pending, [&](const MessageHeader& q) {
          return q.replica == h.replica && q.signature == h.signature;
        })) {
      ++out_.messages_ignored;
      return;
    }
    ps.pending.push_back(h);
    verify_batch_if_quorum_possible(ps);
    advance();
  }

  // A phase is complete once it has its quorum; for commits, also once the
  // replica is prepared (its own commit counts only then).
  bool complete(const PhaseState& ps, Phase phase) const {
    if (phase == Phase::commit && !out_.prepared) return false;
    return ps.count() >= quorum_;
  }

  void verify_batch_if_quorum_possible(PhaseState& ps) {
    if (ps.count() + ps.pending.size() < quorum_) return;
    std::size_t i = 0;
    for (; i < ps.pending.size() && ps.count() < quorum_; ++i) {
      const MessageHeader& h = ps.pending[i];
      if (ps.voters & bit(h.replica)) continue;  // a valid copy was counted already
      if (verify(h)) ps.voters |= bit(h.replica);
    }
    ps.pending.erase(ps.pending.begin(), ps.pending.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void advance() {
    if (!out_.prepared && prepare_.count() >= quorum_) {
      out_.prepared = true;
      send_own(Phase::commit);
      commit_.voters |= bit(config_.self);
      if (config_.batch_verify) verify_batch_if_quorum_possible(commit_);
    }
    if (out_.prepared && commit_.count() >= quorum_) out_.committed = true;
    out_.prepare_voters = prepare_.voters;
    out_.commit_voters = commit_.voters;
  }

  void send_own(Phase phase) {
    MessageHeader h;
    h.phase = phase;
    h.view = out_.view;
    h.sequence = out_.sequence;
    h.digest = current_digest();
    h.replica = config_.self;
    sign(h, config_.secret_key);
    out_.sent.push_back(encode_vote(h));
  }

  const ReplicaConfig& config_;
  std::size_t quorum_;
  RoundOutcome out_;
  std::optional<Proposal> proposal_;
  std::vector<MessageHeader> early_;
  PhaseState prepare_;
  PhaseState commit_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace

std::expected<PbftReplica, std::string> PbftReplica::create(ReplicaConfig config) {
  if (sodium_init() < 0) return std::unexpected(std::string("libsodium failed to initialize"));
  const std::size_t n = config.validators.size();
  if (n < 4 || n > 32)
    return std::unexpected("PBFT needs 4 to 32 validators, got " + std::to_string(n));
  if (config.self >= n)
    return std::unexpected("replica id " + std::to_string(config.self) + " is not a validator");
  return PbftReplica(std::move(config));
}

RoundOutcome PbftReplica::process_round(std::uint64_t view,
                                        std::span<const std::vector<std::uint8_t>> inbox) {
  harness::SlowdownScope slow(config_.slowdown);
  Round round(config_, view, quorum());
  for (const auto& msg : inbox) round.receive(msg);
  return round.finish();
}

}  // namespace perfgate::workloads::consensus
