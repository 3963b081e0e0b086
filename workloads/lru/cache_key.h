#pragma once
// Cache keys: a request's content hashed to 64 bits (seed 000 #2).
//
// xxh3 is the clean choice: XXH3_64bits, a non-cryptographic hash that runs
// at memory speed. sha256 is the regression the seed reports fixing: SHA-256
// of the content (libsodium) truncated to its first 8 bytes, which is what
// `hashlib.sha256(content).hexdigest()[:16]` keys by. A cache key needs no
// collision resistance against an adversary here, so the cryptographic hash
// buys nothing and costs an order of magnitude. Thread-safe (pure).

#include <cstdint>
#include <string_view>

namespace perfgate::workloads::lru {

enum class KeyHash { xxh3, sha256 };

std::uint64_t cache_key(std::string_view content, KeyHash hash);

}  // namespace perfgate::workloads::lru
