// Types shared by the BPF sampler (sampler.bpf.c) and its loader
// (profiler/sampler.cpp). Fixed-width types only, and pg_-prefixed names so
// nothing clashes with libc typedefs (key_t does).
#ifndef PERFGATE_PROFILER_BPF_SAMPLER_H
#define PERFGATE_PROFILER_BPF_SAMPLER_H

#ifdef __cplusplus
#include <cstdint>
typedef std::uint32_t pg_u32;
typedef std::uint64_t pg_u64;
typedef std::uint8_t pg_u8;
#else
typedef __u32 pg_u32;
typedef __u64 pg_u64;
typedef __u8 pg_u8;
#endif

// kernel.perf_event_max_stack's default. The loader refuses to run with a
// smaller sysctl value than needed only by marking stacks truncated; a stack
// whose depth reaches this is counted as truncated.
#define PG_MAX_STACK_DEPTH 127

// How much of the top of the user stack is scanned for return addresses
// (words; a slot must fit in a byte), and how many are kept.
#define PG_SCAN_WORDS 128
#define PG_STACK_RETS 8
// How much is scanned for a leaf in code whose leaves keep their return
// address near the top (pg_code_ranges.shallow).
#define PG_SHALLOW_SCAN_WORDS 4
// The lowest address code is looked for at: the x86-64 linkers' default base
// of a non-PIE executable (PIE executables and shared libraries are mapped
// far above it).
#define PG_MIN_CODE_ADDR 0x400000ull

// Executable ranges of one process (the code_ranges map, tgid -> ranges),
// written by user space from its /proc/PID/maps snapshots. A scanned stack
// word outside every range cannot be a return address and is skipped before
// any user-memory read. Sorted by start, disjoint; unused entries have
// start = end = ~0 so a bisection over all PG_CODE_RANGES entries (a power of
// two) needs no bound on count. User space merges the closest neighbours when
// a process has more mappings: the ranges only ever cover more, never less.
#define PG_CODE_RANGES 32
struct pg_code_ranges {
  pg_u32 code_gen;  // pg_target.code_gen when user space started reading the maps
  pg_u32 count;     // used entries; 0 is never written
  // Pages of executable, non-writable mappings in that snapshot: the
  // kernel's mm->exec_vm, which every mmap, munmap or mprotect of code
  // changes. Ranges whose count differs from the live one are stale.
  pg_u64 exec_pages;
  // Bit i: a leaf in range i has an rbp frame (the rbp walk has its
  // callers) or its return address within the top PG_SHALLOW_SCAN_WORDS
  // words (a prologue, an epilogue, a frameless leaf of code built with
  // frame pointers): only those words are scanned.
  pg_u64 shallow;
  pg_u64 start[PG_CODE_RANGES];
  pg_u64 end[PG_CODE_RANGES];  // exclusive
};

// One sampled stack: the value of the stacks map, and the key of the
// collided map (the rare stack whose pg_count_key another stack already has).
// Only the first user_depth / kernel_depth frames are meaningful; as a
// collided key the unused tails are zeroed, so equal stacks are equal bytes.
struct pg_stack_key {
  pg_u32 tgid;
  pg_u32 user_depth;    // frames in user[], leaf first
  pg_u32 kernel_depth;  // frames in kernel[], leaf first
  pg_u32 flags;         // PG_STACK_*
  // Return-address-like words on top of the user stack (each follows a call
  // instruction) and their slots (8-byte words above the user sp). The
  // frame-pointer walk skips every caller of a function that has no rbp frame
  // (glibc's syscall wrappers and mutex/condvar code are built without frame
  // pointers); user space re-links those frames by walking the leaf's CFI
  // over these slots. Unused entries are zero, so equal stacks stay equal.
  pg_u32 ret_count;
  pg_u32 pad;
  pg_u64 ret_addr[PG_STACK_RETS];
  pg_u8 ret_slot[PG_STACK_RETS];
  pg_u64 user[PG_MAX_STACK_DEPTH];
  pg_u64 kernel[PG_MAX_STACK_DEPTH];
};


// The key of the stacks map: a 64-bit hash of the used frames instead of the
// 2 KiB stack, which the hash map would hash and compare whole on every
// sample. The hash never decides alone: every sample compares its frames with
// the stored stack, and a different stack under the same key is counted in
// the collided map under its whole stack — no two stacks ever share a count.
struct pg_count_key {
  pg_u32 tgid;
  pg_u32 flags;
  pg_u32 user_depth;
  pg_u32 kernel_depth;
  pg_u32 ret_count;
  pg_u32 pad;
  pg_u64 hash;  // of user[], kernel[], ret_addr[], ret_slot[] up to their depths
};

#define PG_STACK_USER_TRUNCATED 1u
#define PG_STACK_KERNEL_TRUNCATED 2u
#define PG_STACK_NO_USER 4u

// Per-CPU counters (one pg_counters per CPU in an array of size 1).
struct pg_counters {
  pg_u64 samples;        // samples of the target tree (cpu) or blocked spans (offcpu)
  pg_u64 lost;           // not aggregated: stacks map full
  pg_u64 truncated;      // a stack that reached PG_MAX_STACK_DEPTH
  pg_u64 missing_user;   // no user stack (kernel thread context, or unwinding failed)
  pg_u64 events_lost;    // ring buffer full: a new-process notice was dropped
  pg_u64 offcpu_lost;    // offcpu: switch-out records that did not fit
  // The return-address scan (pg_stack_key.ret_addr):
  pg_u64 scan_filtered;    // samples scanned with the process's code ranges known
  pg_u64 scan_unfiltered;  // samples scanned before they were (every pointer-like word checked)
  pg_u64 scan_outside;     // pointer-like words skipped: outside every code range, nothing read
  pg_u64 scan_probes;      // call-instruction checks, one user-memory read each
  pg_u64 collided;         // samples of a stack whose hash key another stack had
  pg_u64 scan_shallow;     // samples whose leaf is in a shallow range: PG_SHALLOW_SCAN_WORDS scanned
  pg_u64 cut_outside_code;  // user stacks cut where the rbp walk left the code ranges (junk frames)
};

// Functions whose calls one recording can count (RecordOptions::count_calls):
// entries of the calls map, indexed by the uprobe's attach cookie.
#define PG_MAX_CALL_SITES 64
// The attach cookie of the uprobe on the window's marker function: its first
// call opens the recording's window (window_open in sampler.bpf.c).
#define PG_WINDOW_MARKER 0xffffffffu

// Ring-buffer notices that make user space snapshot /proc/PID/maps while the
// process still lives.
#define PG_EVENT_NEW_PROCESS 1u  // first sample of a tgid (or first after exec)
#define PG_EVENT_EXEC 2u
#define PG_EVENT_EXIT 3u

struct pg_event {
  pg_u32 type;
  pg_u32 tgid;
};

// Value of the targets map (tgid -> state).
struct pg_target {
  pg_u32 announced;  // a PG_EVENT_NEW_PROCESS has been sent since start/exec
  // Counts the process's execs: code_ranges read before an exec describe
  // the old address space and carry an older value, so they are not used
  // (exec_pages alone could match by chance: the same program again).
  pg_u32 code_gen;
};

// A stack and its weight: the value of the stacks map, whose weight is the
// samples (cpu) or blocked ns (offcpu) counted so far — one lookup per sample
// finds the stack to compare with and the count to add to. Also what a
// program builds a sample in, and, in offcpu_start, what a thread left the
// CPU with: there weight holds when it left (ns) until it comes back.
struct pg_stack_entry {
  pg_u64 weight;
  struct pg_stack_key key;
};

#define PG_MODE_CPU 0u
#define PG_MODE_OFFCPU 1u

#endif
