#pragma once
// PBFT wire messages (Castro & Liskov, OSDI '99): pre-prepare carrying the
// proposal, prepare and commit votes, their byte layout and what is signed.
//
// Wire layout, integers little-endian:
//   vote:        u8 phase | u64 view | u64 sequence | 32 B digest | u32 replica | 64 B sig
//   pre-prepare: u8 phase | u64 view | u64 sequence | 32 B digest | u32 replica | 64 B sig |
//                u32 length | canonical proposal (canonical_encoding.h)
// Ed25519 signatures (libsodium crypto_sign_detached) cover signing_payload():
// a domain tag plus every header field except the signature, so a vote for
// one phase, view, sequence or digest cannot be replayed as another. Pure.

#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "workloads/consensus/proposal.h"

namespace perfgate::workloads::consensus {

enum class Phase : std::uint8_t { pre_prepare = 1, prepare = 2, commit = 3 };

using Signature = std::array<std::uint8_t, 64>;

struct MessageHeader {
  Phase phase = Phase::prepare;
  std::uint64_t view = 0;
  std::uint64_t sequence = 0;
  Digest digest{};
  std::uint32_t replica = 0;  // sender
  Signature signature{};
};

inline constexpr std::size_t kHeaderBytes = 1 + 8 + 8 + 32 + 4 + 64;
inline constexpr std::size_t kSigningPayloadBytes = 24 + kHeaderBytes - 64;

using SigningPayload = std::array<std::uint8_t, kSigningPayloadBytes>;

SigningPayload signing_payload(const MessageHeader& h);

std::vector<std::uint8_t> encode_vote(const MessageHeader& h);
std::vector<std::uint8_t> encode_pre_prepare(const MessageHeader& h,
                                             std::span<const std::uint8_t> proposal_encoding);

// Parses a header; for a pre-prepare also returns the proposal bytes (a view
// into `bytes`). Rejects unknown phases, truncation and trailing bytes.
struct DecodedMessage {
  MessageHeader header;
  std::span<const std::uint8_t> proposal;  // empty for votes
};
std::expected<DecodedMessage, std::string> decode_message(std::span<const std::uint8_t> bytes);

}  // namespace perfgate::workloads::consensus
