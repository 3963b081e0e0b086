#pragma once
// One 128-bit hash per item, shared by every sketch (DESIGN §5).
//
// Each stream item is hashed once; the sketches derive all the indices they
// need from the two 64-bit halves by double hashing, g_i = h1 + i·h2
// (Kirsch & Mitzenmacher 2006: k indices from two hashes lose nothing
// asymptotically for Bloom filters and Count-Min). xxh3 is the clean choice
// (XXH3_128bits, memory speed); sha256 is the `sha256-hash` regression: the
// first 16 bytes of SHA-256 (libsodium), a cryptographic hash that buys a
// sketch nothing and costs an order of magnitude. Thread-safe (pure).

#include <cstdint>
#include <string_view>

namespace perfgate::workloads::sketches {

enum class ItemHash { xxh3, sha256 };

struct Hash128 {
  std::uint64_t h1 = 0;
  std::uint64_t h2 = 0;
  // The i-th derived 64-bit hash. h2 is forced odd so that the g_i differ.
  std::uint64_t derived(std::uint64_t i) const { return h1 + i * (h2 | 1); }
};

Hash128 hash_item(std::string_view item, ItemHash hash);

// Maps a 64-bit hash uniformly onto [0, n) without a division (Lemire's
// multiply-shift; it uses the high bits, which every hash here mixes well).
inline std::uint64_t reduce(std::uint64_t hash, std::uint64_t n) {
  __extension__ using Uint128 = unsigned __int128;
  return static_cast<std::uint64_t>((static_cast<Uint128>(hash) * n) >> 64);
}

}  // namespace perfgate::workloads::sketches
