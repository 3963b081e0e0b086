#include "workloads/consensus/canonical_encoding.h"

#include <gtest/gtest.h>

#include "workloads/consensus/pbft_message.h"

namespace perfgate::workloads::consensus {
namespace {

Proposal sample() {
  Proposal p{.view = 3, .sequence = 42, .timestamp_ns = 1'700'000'000'000'000'000ULL};
  p.parent.fill(0xab);
  p.transactions = {"transfer b", "transfer a", "transfer c", "transfer a"};
  canonicalize(p);
  return p;
}

TEST(CanonicalEncoding, CanonicalizeSortsAndDeduplicates) {
  const Proposal p = sample();
  EXPECT_EQ(p.transactions, (std::vector<std::string>{"transfer a", "transfer b", "transfer c"}));
}

TEST(CanonicalEncoding, RoundTripsAndHasTheDocumentedLayout) {
  const Proposal p = sample();
  const std::vector<std::uint8_t> bytes = encode(p);
  // version + 3 u64 + parent + count + 3 x (length + 10 bytes)
  EXPECT_EQ(bytes.size(), 1u + 24u + 32u + 4u + 3u * (4u + 10u));
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes[1], 3);   // view, little-endian
  EXPECT_EQ(bytes[9], 42);  // sequence
  auto back = decode(bytes);
  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_EQ(*back, p);
}

TEST(CanonicalEncoding, RejectsEveryNonCanonicalByteString) {
  const std::vector<std::uint8_t> good = encode(sample());
  auto trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(decode(trailing).has_value());
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{30}, good.size() - 1})
    EXPECT_FALSE(decode(std::span(good).first(cut)).has_value()) << "truncated to " << cut;
  auto version = good;
  version[0] = 2;
  EXPECT_FALSE(decode(version).has_value());

  // Same transactions in another order, or a duplicate: same set, different
  // bytes, so it must not decode (one value, one encoding).
  Proposal unsorted = sample();
  std::swap(unsorted.transactions[0], unsorted.transactions[2]);
  EXPECT_FALSE(decode(encode(unsorted)).has_value());
  Proposal duplicate = sample();
  duplicate.transactions[1] = duplicate.transactions[0];
  EXPECT_FALSE(decode(encode(duplicate)).has_value());
}

TEST(CanonicalEncoding, DigestCoversEveryFieldAndIsDomainSeparated) {
  std::vector<std::uint8_t> scratch;
  const Proposal p = sample();
  const Digest d = digest_of(p, scratch);
  EXPECT_EQ(d, digest_of_encoding(encode(p)));
  Proposal q = p;
  q.timestamp_ns += 1;
  EXPECT_NE(digest_of(q, scratch), d);
  q = p;
  q.transactions.back().back() ^= 1;
  EXPECT_NE(digest_of(q, scratch), d);
  q = p;
  q.parent[31] ^= 1;
  EXPECT_NE(digest_of(q, scratch), d);
}

TEST(PbftMessage, VotesRoundTripAndMalformedBytesAreRejected) {
  MessageHeader h{.phase = Phase::commit, .view = 7, .sequence = 9, .replica = 5};
  h.digest.fill(0x11);
  h.signature.fill(0x22);
  const auto bytes = encode_vote(h);
  EXPECT_EQ(bytes.size(), kHeaderBytes);
  auto m = decode_message(bytes);
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_EQ(m->header.phase, Phase::commit);
  EXPECT_EQ(m->header.view, 7u);
  EXPECT_EQ(m->header.sequence, 9u);
  EXPECT_EQ(m->header.replica, 5u);
  EXPECT_EQ(m->header.digest, h.digest);
  EXPECT_EQ(m->header.signature, h.signature);
  EXPECT_TRUE(m->proposal.empty());

  auto bad_phase = bytes;
  bad_phase[0] = 9;
  EXPECT_FALSE(decode_message(bad_phase).has_value());
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_message(longer).has_value());
  EXPECT_FALSE(decode_message(std::span(bytes).first(bytes.size() - 1)).has_value());
}

TEST(PbftMessage, SigningPayloadSeparatesPhasesViewsAndDigests) {
  MessageHeader h{.phase = Phase::prepare, .view = 1, .sequence = 2, .replica = 3};
  const SigningPayload base = signing_payload(h);
  MessageHeader other = h;
  other.phase = Phase::commit;
  EXPECT_NE(signing_payload(other), base);
  other = h;
  other.view = 2;
  EXPECT_NE(signing_payload(other), base);
  other = h;
  other.digest[0] = 1;
  EXPECT_NE(signing_payload(other), base);
  other = h;
  other.signature.fill(0xff);  // the signature is not part of what is signed
  EXPECT_EQ(signing_payload(other), base);
}

}  // namespace
}  // namespace perfgate::workloads::consensus
