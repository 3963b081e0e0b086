#pragma once
// A block proposal as the PBFT leader broadcasts it in its pre-prepare.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace perfgate::workloads::consensus {

using Digest = std::array<std::uint8_t, 32>;  // SHA-256

struct Proposal {
  std::uint64_t view = 0;
  std::uint64_t sequence = 0;
  std::uint64_t timestamp_ns = 0;
  Digest parent{};                         // digest of the previous committed proposal
  std::vector<std::string> transactions;   // canonical form: strictly ascending, no duplicates

  bool operator==(const Proposal&) const = default;
};

}  // namespace perfgate::workloads::consensus
