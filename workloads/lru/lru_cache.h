#pragma once
// O(1) least-recently-used cache from 64-bit keys to values.
//
// Layout: all entries live in one node array allocated at construction
// (capacity nodes), linked MRU -> LRU by 32-bit indices (an intrusive doubly
// linked list), and found through an open-addressing index (linear probing,
// Fibonacci hashing, backward-shift deletion: Knuth, TAOCP vol. 3, 6.4,
// Algorithm R). No allocation happens after create(), so a get or put costs a
// few cache lines and never a call into malloc.
//
// Every access stamps the entry with a strictly increasing tick. The stamps let
// check_order() prove the list is in recency order, and they are what the
// `linear_scan` eviction policy searches (the O(n) regression variant).
//
// Keys are expected to be hashes already (see cache_key.h); the index still
// remixes them so low-entropy keys do not cluster. Not thread-safe; move-only.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <expected>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace perfgate::workloads::lru {

enum class Eviction {
  list_tail,    // evict the tail of the recency list: O(1)
  linear_scan,  // scan every entry for the oldest stamp: O(capacity), same victim
};

template <typename Value>
class LruCache {
 public:
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 30;

  // capacity in entries, 1 .. kMaxCapacity.
  static std::expected<LruCache, std::string> create(std::size_t capacity,
                                                     Eviction eviction = Eviction::list_tail) {
    if (capacity == 0 || capacity > kMaxCapacity)
      return std::unexpected("LRU capacity must be between 1 and 2^30 entries, got " +
                             std::to_string(capacity));
    return LruCache(capacity, eviction);
  }

  LruCache(LruCache&&) noexcept = default;
  LruCache& operator=(LruCache&&) noexcept = default;
  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The value for key, now the most recently used entry; nullptr on a miss.
  // The pointer is valid until the next put.
  Value* get(std::uint64_t key) {
    const std::uint32_t n = find(key);
    if (n == kNone) return nullptr;
    touch(n);
    return &nodes_[n].value;
  }

  // Inserts or replaces key's value as the most recently used entry. When the
  // cache is full and key is new, the least recently used entry is evicted
  // first; its key is returned.
  std::optional<std::uint64_t> put(std::uint64_t key, const Value& value) {
    if (const std::uint32_t n = find(key); n != kNone) {
      nodes_[n].value = value;
      touch(n);
      return std::nullopt;
    }
    std::optional<std::uint64_t> evicted;
    std::uint32_t n;
    if (size_ < capacity()) {
      n = static_cast<std::uint32_t>(size_++);
    } else {
      n = eviction_ == Eviction::list_tail ? tail_ : oldest_by_scan();
      evicted = nodes_[n].key;
      erase_from_index(nodes_[n].key);
      unlink(n);
    }
    nodes_[n].key = key;
    nodes_[n].value = value;
    insert_into_index(key, n);
    push_front(n);
    nodes_[n].stamp = ++tick_;
    return evicted;
  }

  bool contains(std::uint64_t key) const { return find(key) != kNone; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return nodes_.size(); }

  // Visits keys from most to least recently used.
  template <typename F>
  void for_each_mru_to_lru(F&& f) const {
    for (std::uint32_t n = head_; n != kNone; n = nodes_[n].next) f(nodes_[n].key);
  }

  // Structural self-check for invariant monitoring and tests: the list holds
  // exactly size() entries with strictly decreasing access stamps from head to
  // tail (so the tail is the least recently used), back links agree, and every
  // listed key is found in the index at its node. O(size); returns a
  // description of the first violation, or nothing when all hold.
  std::optional<std::string> check_order() const {
    std::size_t count = 0;
    std::uint32_t prev = kNone;
    std::uint64_t last_stamp = std::numeric_limits<std::uint64_t>::max();
    for (std::uint32_t n = head_; n != kNone; n = nodes_[n].next) {
      if (++count > size_) return "list is longer than size " + std::to_string(size_);
      const Node& node = nodes_[n];
      if (node.prev != prev) return "broken back link at node " + std::to_string(n);
      if (node.stamp >= last_stamp)
        return "entry at list position " + std::to_string(count - 1) +
               " was used no earlier than the entry before it";
      if (find(node.key) != n) return "listed key missing from the index";
      last_stamp = node.stamp;
      prev = n;
    }
    if (prev != tail_) return "tail does not end the list";
    if (count != size_)
      return "list holds " + std::to_string(count) + " entries, size says " + std::to_string(size_);
    return std::nullopt;
  }

 private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  struct Node {
    std::uint64_t key = 0;
    std::uint64_t stamp = 0;  // tick of the last access
    std::uint32_t prev = kNone;
    std::uint32_t next = kNone;
    Value value{};
  };
  // Keeping the key beside the node index lets a probe reject other keys
  // without touching the node array (one cache line per probe, not two).
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t node = kNone;  // kNone = empty
  };

  LruCache(std::size_t capacity, Eviction eviction)
      : nodes_(capacity),
        // Load factor <= 1/2 keeps linear-probing runs short (expected probes
        // for a hit ~1.5, Knuth's analysis).
        slots_(std::bit_ceil(capacity * 2)),
        shift_(64 - std::countr_zero(slots_.size())),
        eviction_(eviction) {}

  std::size_t home(std::uint64_t key) const {
    // Fibonacci hashing (Knuth): multiply by 2^64/phi, keep the top bits.
    return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
  }
  std::size_t mask() const { return slots_.size() - 1; }

  std::uint32_t find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.node == kNone) return kNone;
      if (s.key == key) return s.node;
    }
  }

  void insert_into_index(std::uint64_t key, std::uint32_t n) {
    std::size_t i = home(key);
    while (slots_[i].node != kNone) i = (i + 1) & mask();
    slots_[i] = Slot{key, n};
  }

  // Backward-shift deletion keeps probe sequences unbroken without tombstones.
  void erase_from_index(std::uint64_t key) {
    std::size_t i = home(key);
    while (slots_[i].key != key || slots_[i].node == kNone) i = (i + 1) & mask();
    for (std::size_t j = (i + 1) & mask();; j = (j + 1) & mask()) {
      if (slots_[j].node == kNone) break;
      const std::size_t h = home(slots_[j].key);
      // Move slot j back into the hole at i unless its home lies cyclically in
      // (i, j], where moving it would put it before its home.
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = Slot{};
  }

  void unlink(std::uint32_t n) {
    Node& node = nodes_[n];
    if (node.prev != kNone) nodes_[node.prev].next = node.next; else head_ = node.next;
    if (node.next != kNone) nodes_[node.next].prev = node.prev; else tail_ = node.prev;
    node.prev = node.next = kNone;
  }

  void push_front(std::uint32_t n) {
    Node& node = nodes_[n];
    node.prev = kNone;
    node.next = head_;
    if (head_ != kNone) nodes_[head_].prev = n; else tail_ = n;
    head_ = n;
  }

  void touch(std::uint32_t n) {
    nodes_[n].stamp = ++tick_;
    if (head_ == n) return;
    unlink(n);
    push_front(n);
  }

  // The regression variant: what an LRU without a recency list has to do.
  std::uint32_t oldest_by_scan() const {
    std::uint32_t best = 0;
    for (std::uint32_t n = 1; n < size_; ++n)
      if (nodes_[n].stamp < nodes_[best].stamp) best = n;
    return best;
  }

  std::vector<Node> nodes_;
  std::vector<Slot> slots_;
  int shift_;
  Eviction eviction_;
  std::size_t size_ = 0;
  std::uint32_t head_ = kNone;  // most recently used
  std::uint32_t tail_ = kNone;  // least recently used
  std::uint64_t tick_ = 0;
};

}  // namespace perfgate::workloads::lru
