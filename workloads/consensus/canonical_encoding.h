#pragma once
// Canonical (deterministic, unique) byte encoding of a Proposal, and its
// digest.
//
// Layout, all integers little-endian:
//   u8 version (= 1) | u64 view | u64 sequence | u64 timestamp_ns |
//   32 B parent | u32 count | count × (u32 length | length bytes)
// Canonical means one value has exactly one encoding: decode() rejects
// trailing bytes, truncated fields, counts and lengths over the limits, and
// transactions that are not in strictly ascending byte order (which also
// rules out duplicates). Replicas digest the re-encoding of what they decoded,
// so two byte strings that decode to the same proposal cannot get two digests
// (the malleability that canonical JSON is used against). Pure and
// thread-safe; errors are values.

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "workloads/consensus/proposal.h"

namespace perfgate::workloads::consensus {

inline constexpr std::size_t kMaxTransactions = 4096;
inline constexpr std::size_t kMaxTransactionBytes = 64 * 1024;

// Appends the encoding to out (cleared first). Precondition: transactions are
// in canonical order (see canonicalize()).
void encode(const Proposal& p, std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode(const Proposal& p);

std::expected<Proposal, std::string> decode(std::span<const std::uint8_t> bytes);

// Sorts and deduplicates the transactions into canonical order.
void canonicalize(Proposal& p);

// SHA-256 (libsodium) of a domain tag followed by the canonical encoding. The
// tag keeps a proposal digest from ever equalling the digest of another kind
// of message.
Digest digest_of_encoding(std::span<const std::uint8_t> encoding);
// encode() + digest_of_encoding(); scratch is reused to avoid an allocation.
Digest digest_of(const Proposal& p, std::vector<std::uint8_t>& scratch);

}  // namespace perfgate::workloads::consensus
