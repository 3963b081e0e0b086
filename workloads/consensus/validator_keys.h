#pragma once
// Ed25519 key pairs of a validator set, derived deterministically from a seed
// (libsodium crypto_sign_seed_keypair), so runs and tests are reproducible.

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "workloads/consensus/pbft_message.h"

namespace perfgate::workloads::consensus {

using PublicKey = std::array<std::uint8_t, 32>;
using SecretKey = std::array<std::uint8_t, 64>;

struct KeyPair {
  PublicKey public_key{};
  SecretKey secret_key{};
};

// n key pairs; fails only when libsodium cannot initialize.
std::expected<std::vector<KeyPair>, std::string> make_validator_keys(std::size_t n, std::uint64_t seed);

// Signs h's signing payload with sk into h.signature.
void sign(MessageHeader& h, const SecretKey& sk);
// True when h.signature is a valid Ed25519 signature of h's payload by pk.
bool signature_valid(const MessageHeader& h, const PublicKey& pk);

}  // namespace perfgate::workloads::consensus
