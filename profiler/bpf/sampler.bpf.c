// The kernel side of perfgate's sampler (DESIGN §7). Two programs share the
// aggregation: pg_sample (perf_event, cpu-clock per CPU: on-CPU time) and
// pg_switch (sched_switch: off-CPU time in ns). Both keep only the target's
// process tree, whose tgids live in `targets`, maintained across fork/exec/exit.
// Built against UAPI headers only; the four task_struct fields we read are
// relocated by CO-RE against the running kernel's BTF.
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/types.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sampler.h"

char LICENSE[] SEC("license") = "GPL";

// Set before load from kernel.perf_event_max_stack: bpf_get_stack never returns
// more frames than that, so a stack that reaches it was cut.
const volatile __u32 max_depth = PG_MAX_STACK_DEPTH;
// Scan the top of the user stack for return addresses (pg_stack_key.ret_addr);
// PERFGATE_NO_STACK_SCAN=1 turns it off (to measure what it costs).
const volatile __u32 scan_stack = 1;
// ANDed into every stack hash. Tests set 0, which gives all stacks of equal
// depths one key, to exercise the collided path.
const volatile __u64 hash_mask = ~0ull;
// The recording's window: samples, blocked spans and calls are taken while
// it is open. Open from the start unless user space closes it before load
// (Sampler::Options::window_marker); then the first call of the marker
// function by the target tree (a uprobe of pg_call with the cookie
// PG_WINDOW_MARKER) opens it, for good: a program's "my measured operations
// begin here" (the bundled workloads' perfgate_operations_begin), so that
// its setup is neither sampled nor counted.
__u32 window_open = 1;

// CO-RE views of the kernel's structs: only the fields read here.
struct mm_struct {
  unsigned long exec_vm;  // pages of VM_EXEC & ~VM_WRITE & ~VM_STACK mappings
} __attribute__((preserve_access_index));

struct task_struct {
  int pid;
  int tgid;
  struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, __u32);  // tgid
  __type(value, struct pg_target);
} targets SEC(".maps");

// Hashed stack -> the stack and its samples (cpu) or blocked ns (offcpu);
// see pg_count_key and pg_stack_entry. max_entries set by the loader.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);
  __type(key, struct pg_count_key);
  __type(value, struct pg_stack_entry);
} stacks SEC(".maps");

// The rare stack whose hashed key another stack already holds, counted under
// its whole stack (tails zeroed).
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, struct pg_stack_key);
  __type(value, __u64);
} collided SEC(".maps");

// Keys are too big for the 512-byte BPF stack: each program builds its key in
// its own per-CPU slot (separate slots, so a sample interrupting a
// sched_switch hook cannot scribble over its key).
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pg_stack_entry);
} sample_scratch SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pg_stack_entry);
} switch_scratch SEC(".maps");

// offcpu: thread id -> when it left the CPU and with which stack.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u32);
  __type(value, struct pg_stack_entry);
} offcpu_start SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pg_counters);
} counters SEC(".maps");

// tgid -> its executable ranges (see pg_code_ranges), written by user space
// at every maps snapshot, copied to a forked child, ignored after an exec
// (code_gen) or any change of the process's code (exec_pages) until
// rewritten.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, __u32);
  __type(value, struct pg_code_ranges);
} code_ranges SEC(".maps");

// Calls counted at the entry of the functions user space asked for (one
// uprobe each, its attach cookie the index here); see pg_call.
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, PG_MAX_CALL_SITES);
  __type(key, __u32);
  __type(value, __u64);
} calls SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline struct pg_counters *get_counters(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&counters, &zero);
}

// True when the 8 bytes before addr end in a call instruction: e8 rel32,
// ff 15 disp32 (through the GOT), ff d0+r (call *%reg), ff 10+r (call
// *(%reg)), ff 50+r disp8 (virtual calls). A false match costs nothing: user
// space keeps a word only where the CFI puts a return address.
static __always_inline int follows_call(__u64 addr) {
  __u8 code[8];
  if (bpf_probe_read_user(code, sizeof(code), (const void *)(addr - 8)) != 0) return 0;
  if (code[3] == 0xe8) return 1;
  if (code[2] == 0xff && code[3] == 0x15) return 1;
  if (code[6] == 0xff && ((code[7] & 0xf8) == 0xd0 || (code[7] & 0xf8) == 0x10)) return 1;
  if (code[5] == 0xff && (code[6] & 0xf8) == 0x50) return 1;
  return 0;
}

// Twice the scanned size: the verifier bounds a variable read size by a
// power-of-two mask, and a full scan is exactly PG_SCAN_WORDS words.
struct pg_scan_words {
  __u64 w[2 * PG_SCAN_WORDS];
};

// The top of the user stack, copied once per sample (too big for the BPF
// stack). Only one of pg_sample / pg_switch is loaded, and sched_switch runs
// with interrupts off, so the two never share a CPU's slot at once.
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pg_scan_words);
} scan_scratch SEC(".maps");

struct pg_scan_ctx {
  struct pg_scan_words *words;
  struct pg_stack_key *key;
  const struct pg_code_ranges *code;  // null until user space has written them
  __u64 sp;
  __u32 nwords;
  __u32 probes;   // follows_call checks so far (pg_counters.scan_probes)
  __u32 outside;  // words skipped by the code ranges
};

// The index of the range holding w, or -1: the last entry whose start is
// <= w, found by bisection over the whole power-of-two table (unused entries
// start at ~0, so they are never chosen), must also end above w.
static __always_inline int code_index(const struct pg_code_ranges *r, __u64 w) {
  __u32 i = 0;
#pragma unroll
  for (__u32 step = PG_CODE_RANGES / 2; step > 0; step /= 2) {
    __u32 j = i + step;
    asm volatile("" : "+r"(j));
    j &= PG_CODE_RANGES - 1;
    if (r->start[j] <= w) i = j;
  }
  asm volatile("" : "+r"(i));
  i &= PG_CODE_RANGES - 1;
  return w >= r->start[i] && w < r->end[i] ? (int)i : -1;
}

static __always_inline int in_code(const struct pg_code_ranges *r, __u64 w) { return code_index(r, w) >= 0; }

static long scan_word(__u32 i, void *data) {
  struct pg_scan_ctx *c = data;
  if (i >= c->nwords || i >= PG_SCAN_WORDS || c->key->ret_count >= PG_STACK_RETS) return 1;
  // The mask restates the bound on the register the access uses (clang
  // checks a copy, and would drop a plain mask as redundant: hence the
  // barrier); PG_SCAN_WORDS is a power of two.
  __u64 idx = i;
  asm volatile("" : "+r"(idx));
  idx &= PG_SCAN_WORDS - 1;
  __u64 w = c->words->w[idx];
  // Code lies in user space, at or above the lowest address x86-64 linkers
  // place it (small integers in 0x10000..0x400000 are common stack words,
  // and reading them faults, the dearest check), and not in the scanned
  // window (saved rbp values point there). Nothing wider may be excluded: a
  // thread's stack can sit right below libc.
  if (w < PG_MIN_CODE_ADDR || w >= 0x800000000000ull || (w >= c->sp && w < c->sp + 8 * PG_SCAN_WORDS))
    return 0;
  if (c->code && !in_code(c->code, w)) {
    c->outside++;
    return 0;
  }
  // Each check below is a user-memory read (~0.15 us here); the code ranges
  // cut an lru sample's checks from 20-24 words, mostly data pointers, to < 1.
  c->probes++;
  if (!follows_call(w)) return 0;
  __u32 n = c->key->ret_count;
  if (n >= PG_STACK_RETS) return 1;
  asm volatile("" : "+r"(n));
  n &= PG_STACK_RETS - 1;
  c->key->ret_addr[n] = w;
  c->key->ret_slot[n] = (__u8)idx;
  c->key->ret_count = n + 1;
  return 0;
}

// The barrier keeps clang from checking a copy of the index and indexing
// with the unchecked original.
#define PG_FRAME_INDEX(idx, i)                \
  __u64 idx = (i);                            \
  asm volatile("" : "+r"(idx));               \
  if (idx >= PG_MAX_STACK_DEPTH) return 1

static __always_inline __u32 depth_of(__u32 d) { return d < PG_MAX_STACK_DEPTH ? d : PG_MAX_STACK_DEPTH; }

// The user frames that lie in code: the rbp walk stops at the first frame
// outside every code range. Code built without frame pointers leaves any
// pointer in rbp, and the walk then reads the words it points at as frames:
// made-up return addresses, different on every sample, which would fill the
// stacks map with unique stacks of junk. Frame 0 is the sampled address.
struct pg_keep_ctx {
  const __u64 *frames;
  const struct pg_code_ranges *code;
  __u32 kept;
};

static long keep_frame(__u32 i, void *data) {
  struct pg_keep_ctx *k = data;
  PG_FRAME_INDEX(idx, (__u64)i + 1);
  if (!in_code(k->code, k->frames[idx])) return 1;
  k->kept = (__u32)idx + 1;
  return 0;
}

static __always_inline __u32 frames_in_code(const __u64 *frames, __u32 depth, const struct pg_code_ranges *code) {
  if (depth <= 1) return depth;
  struct pg_keep_ctx k = {.frames = frames, .code = code, .kept = 1};
  bpf_loop(depth_of(depth) - 1, keep_frame, &k, 0);
  return k.kept;
}

// The user sp and rbp of a sample: in_user, those of the sample itself
// (the interrupted user code); otherwise the task's user registers, saved
// where it entered the kernel (syscall or interrupt).
struct pg_user_regs {
  __u64 sp, bp;
  int in_user;
};

// See pg_stack_key.ret_addr. Registers and mm are read by plain loads (the
// task's through its BTF pointer), not helper calls: this runs per sample.
static __always_inline void scan_returns(struct pg_stack_key *key, const struct pg_target *t,
                                         struct pg_counters *cnt, const struct pg_user_regs *ur) {
  key->ret_count = 0;
  key->pad = 0;
  __builtin_memset(key->ret_addr, 0, sizeof(key->ret_addr));
  __builtin_memset(key->ret_slot, 0, sizeof(key->ret_slot));
  if (key->user_depth == 0 || !scan_stack) return;
  struct task_struct *task = bpf_get_current_task_btf();
  __u64 sp = 0, bp = 0;
  if (ur->in_user) {
    sp = ur->sp;
    bp = ur->bp;
  } else {
    const struct pt_regs *regs = (const struct pt_regs *)bpf_task_pt_regs(task);
    if (!regs) return;
    sp = PT_REGS_SP(regs);
    bp = PT_REGS_FP(regs);
  }
  if (sp == 0) return;
  // Frames the rbp walk skips lie below the frame rbp points to: when rbp is
  // a frame pointer into the window, only the words up to it need scanning
  // (for code built with frame pointers, a handful — this keeps the common
  // sample cheap). Otherwise rbp is garbage or far: scan the whole window.
  __u32 limit = PG_SCAN_WORDS;
  if (bp >= sp && bp < sp + 8 * PG_SCAN_WORDS) limit = (__u32)((bp - sp) / 8) + 1;
  // Until user space has read this address space's maps (a process's first
  // milliseconds, just after an exec, or after ld.so, dlopen or a JIT mapped
  // code) every pointer-like word is checked, as without ranges: a
  // short-lived process keeps its re-linked frames. mm->exec_vm changes
  // with every mmap, munmap and mprotect of code, so ranges that match it
  // cover all code (a mremap that moves code keeps it: a documented limit).
  const struct pg_code_ranges *code = bpf_map_lookup_elem(&code_ranges, &key->tgid);
  if (code && (code->code_gen != t->code_gen || code->count == 0 ||
               code->exec_pages != task->mm->exec_vm))
    code = 0;
  // A leaf in a shallow range (code built with frame pointers): the rbp
  // walk has its callers, or its return address is in the top few words.
  int shallow = 0;
  if (code) {
    __u32 kept = frames_in_code(key->user, key->user_depth, code);
    if (kept < key->user_depth) {
      key->user_depth = kept;
      if (cnt) cnt->cut_outside_code++;
    }
    int leaf = code_index(code, key->user[0]);
    shallow = leaf >= 0 && ((code->shallow >> (leaf & (PG_CODE_RANGES - 1))) & 1);
    if (shallow && limit > PG_SHALLOW_SCAN_WORDS) limit = PG_SHALLOW_SCAN_WORDS;
  }
  __u32 zero = 0;
  struct pg_scan_words *words = bpf_map_lookup_elem(&scan_scratch, &zero);
  if (!words) return;
  // Read only what is scanned; near the top of the stack mapping a full
  // read can fail, then read to the end of sp's page.
  __u32 bytes = limit * 8;
  if (bpf_probe_read_user(words->w, bytes & (sizeof(words->w) - 1) & ~7u, (const void *)sp) != 0) {
    __u32 in_page = 4096 - (__u32)(sp & 4095);
    if (in_page < bytes) bytes = in_page;
    if (bytes < 8 || bpf_probe_read_user(words->w, bytes & (sizeof(words->w) - 1) & ~7u, (const void *)sp) != 0)
      return;
  }
  __u32 nwords = bytes / 8;
  struct pg_scan_ctx c = {.words = words, .key = key, .code = code, .sp = sp, .nwords = nwords};
  bpf_loop(nwords, scan_word, &c, 0);
  if (!cnt) return;
  if (code)
    cnt->scan_filtered++;
  else
    cnt->scan_unfiltered++;
  if (shallow) cnt->scan_shallow++;
  cnt->scan_outside += c.outside;
  cnt->scan_probes += c.probes;
}

static __always_inline void notify(__u32 type, __u32 tgid, struct pg_counters *c) {
  struct pg_event ev = {.type = type, .tgid = tgid};
  if (bpf_ringbuf_output(&events, &ev, sizeof(ev), 0) != 0 && c) c->events_lost++;
}

// Fills key with the current task's kernel and user stacks; a sample taken
// in user mode (ur->in_user) has no kernel stack, and is not asked for one.
// Only the frames up to each depth are set.
static __always_inline void capture(void *ctx, struct pg_stack_key *key, __u32 tgid,
                                    const struct pg_target *t, struct pg_counters *c,
                                    const struct pg_user_regs *ur) {
  key->tgid = tgid;
  key->flags = 0;
  long n = ur->in_user ? 0 : bpf_get_stack(ctx, key->kernel, sizeof(key->kernel), 0);
  key->kernel_depth = n > 0 ? (__u32)(n / sizeof(__u64)) : 0;
  n = bpf_get_stack(ctx, key->user, sizeof(key->user), BPF_F_USER_STACK);
  key->user_depth = n > 0 ? (__u32)(n / sizeof(__u64)) : 0;
  scan_returns(key, t, c, ur);
  if (key->user_depth == 0) {
    key->flags |= PG_STACK_NO_USER;
    if (c) c->missing_user++;
  }
  if (key->user_depth >= max_depth) key->flags |= PG_STACK_USER_TRUNCATED;
  if (key->kernel_depth >= max_depth) key->flags |= PG_STACK_KERNEL_TRUNCATED;
  if (key->flags & (PG_STACK_USER_TRUNCATED | PG_STACK_KERNEL_TRUNCATED))
    if (c) c->truncated++;
}

// Adds weight under key in the collided map, which another CPU may be
// inserting at the same moment.
static __always_inline void add_collided(const struct pg_stack_key *key, __u64 weight, struct pg_counters *c) {
  __u64 *v = bpf_map_lookup_elem(&collided, key);
  if (v) {
    __sync_fetch_and_add(v, weight);
    return;
  }
  if (bpf_map_update_elem(&collided, key, &weight, BPF_NOEXIST) == 0) return;
  v = bpf_map_lookup_elem(&collided, key);  // inserted meanwhile (-EEXIST), or full
  if (v)
    __sync_fetch_and_add(v, weight);
  else if (c)
    c->lost++;
}

static __always_inline __u64 mix(__u64 h, __u64 w) {
  h ^= w;
  h *= 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 29);
}

// bpf_loop callbacks over the used frames (i < depth <= PG_MAX_STACK_DEPTH;
// restated for the verifier): a hash, a comparison with the stored stack,
// zeroing the unused tail.
struct pg_frames_ctx {
  __u64 *a;
  const __u64 *b;  // compare: the stored frames
  __u64 h;
  __u32 from;  // zero: the first unused frame
  __u32 differ;
};

static long hash_frame(__u32 i, void *data) {
  struct pg_frames_ctx *f = data;
  PG_FRAME_INDEX(idx, i);
  f->h = mix(f->h, f->a[idx]);
  return 0;
}

static long compare_frame(__u32 i, void *data) {
  struct pg_frames_ctx *f = data;
  PG_FRAME_INDEX(idx, i);
  if (f->a[idx] == f->b[idx]) return 0;
  f->differ = 1;
  return 1;
}

static long zero_frame(__u32 i, void *data) {
  struct pg_frames_ctx *f = data;
  PG_FRAME_INDEX(idx, (__u64)f->from + i);
  f->a[idx] = 0;
  return 0;
}

static __always_inline __u64 hash_frames(__u64 *frames, __u32 depth, __u64 h) {
  struct pg_frames_ctx f = {.a = frames, .h = h};
  bpf_loop(depth_of(depth), hash_frame, &f, 0);
  return f.h;
}

static __always_inline int same_frames(__u64 *a, const __u64 *b, __u32 depth) {
  struct pg_frames_ctx f = {.a = a, .b = b};
  bpf_loop(depth_of(depth), compare_frame, &f, 0);
  return !f.differ;
}

static __always_inline void zero_tail(__u64 *frames, __u32 depth) {
  struct pg_frames_ctx f = {.a = frames, .from = depth_of(depth)};
  bpf_loop(PG_MAX_STACK_DEPTH - f.from, zero_frame, &f, 0);
}

static __always_inline int same_returns(const struct pg_stack_key *a, const struct pg_stack_key *b) {
  __u64 differ = *(const __u64 *)a->ret_slot ^ *(const __u64 *)b->ret_slot;
#pragma unroll
  for (int i = 0; i < PG_STACK_RETS; i++) differ |= a->ret_addr[i] ^ b->ret_addr[i];
  return differ == 0;
}

// Adds weight to the stack in e->key (depths, flags and frames set by
// capture; e is scratch: its weight is overwritten, and its frames past the
// depths on a collision).
static __always_inline void add_weight(struct pg_stack_entry *e, __u64 weight, struct pg_counters *c) {
  struct pg_stack_key *key = &e->key;
  struct pg_count_key ck = {.tgid = key->tgid,
                            .flags = key->flags,
                            .user_depth = key->user_depth,
                            .kernel_depth = key->kernel_depth,
                            .ret_count = key->ret_count};
  __u64 h = *(const __u64 *)key->ret_slot;
#pragma unroll
  for (int i = 0; i < PG_STACK_RETS; i++) h = mix(h, key->ret_addr[i]);
  h = hash_frames(key->user, key->user_depth, h);
  ck.hash = hash_frames(key->kernel, key->kernel_depth, h) & hash_mask;

  struct pg_stack_entry *stored = bpf_map_lookup_elem(&stacks, &ck);
  if (!stored) {
    // A new stack: stored with its first weight.
    e->weight = weight;
    if (bpf_map_update_elem(&stacks, &ck, e, BPF_NOEXIST) == 0) return;
    stored = bpf_map_lookup_elem(&stacks, &ck);  // another CPU stored one meanwhile, or full
    if (!stored) {
      if (c) c->lost++;
      return;
    }
  }
  int same = same_returns(&stored->key, key) && same_frames(key->user, stored->key.user, key->user_depth) &&
             same_frames(key->kernel, stored->key.kernel, key->kernel_depth);
  if (same) {
    __sync_fetch_and_add(&stored->weight, weight);
    return;
  }
  // A different stack under the same key: count it under its whole stack,
  // with the tails zeroed so that equal stacks are equal keys.
  if (c) c->collided++;
  zero_tail(key->user, key->user_depth);
  zero_tail(key->kernel, key->kernel_depth);
  add_collided(key, weight, c);
}

SEC("perf_event")
int pg_sample(struct bpf_perf_event_data *ctx) {
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (tgid == 0) return 0;
  struct pg_target *t = bpf_map_lookup_elem(&targets, &tgid);
  if (!t) return 0;
  struct pg_counters* c = get_counters();
  if (!t->announced) {
    t->announced = 1;
    notify(PG_EVENT_NEW_PROCESS, tgid, c);
  }
  if (!window_open) return 0;
  if (c) c->samples++;
  __u32 zero = 0;
  struct pg_stack_entry *e = bpf_map_lookup_elem(&sample_scratch, &zero);
  if (!e) return 0;
  // cs's privilege level: 3 is user mode (x86-64).
  const struct pg_user_regs ur = {
      .sp = PT_REGS_SP(&ctx->regs), .bp = PT_REGS_FP(&ctx->regs), .in_user = (ctx->regs.cs & 3) == 3};
  capture(ctx, &e->key, tgid, t, c, &ur);
  add_weight(e, 1, c);
  return 0;
}

// A uprobe at a function's entry: counts one call of it by the target tree
// while the window is open, or (the cookie PG_WINDOW_MARKER) opens the
// window. An executable's probes are in every process that maps it, a
// shared library's in the launched process only; the targets check keeps
// the count to the tree.
SEC("uprobe")
int pg_call(struct pt_regs *ctx) {
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (!bpf_map_lookup_elem(&targets, &tgid)) return 0;
  __u32 site = (__u32)bpf_get_attach_cookie(ctx);
  if (site == PG_WINDOW_MARKER) {
    window_open = 1;
    return 0;
  }
  if (!window_open) return 0;
  __u64 *n = bpf_map_lookup_elem(&calls, &site);
  if (n) *n += 1;
  return 0;
}

// sched_process_fork(parent, child): runs in the parent. A child with a new
// tgid is a new process of the tree; threads share the parent's tgid.
SEC("raw_tp/sched_process_fork")
int pg_fork(struct bpf_raw_tracepoint_args *ctx) {
  __u32 parent_tgid = bpf_get_current_pid_tgid() >> 32;
  struct pg_target *parent = bpf_map_lookup_elem(&targets, &parent_tgid);
  if (!parent) return 0;
  struct task_struct *child = (struct task_struct *)ctx->args[1];
  __u32 child_tgid = (__u32)BPF_CORE_READ(child, tgid);
  if (child_tgid == parent_tgid) return 0;
  // The child starts with a copy of the parent's address space: the same
  // code ranges, valid for as long as the parent's were (same code_gen).
  struct pg_target t = {.announced = 0, .code_gen = parent->code_gen};
  if (bpf_map_update_elem(&targets, &child_tgid, &t, BPF_NOEXIST) != 0) return 0;
  const struct pg_code_ranges *code = bpf_map_lookup_elem(&code_ranges, &parent_tgid);
  if (code) bpf_map_update_elem(&code_ranges, &child_tgid, code, BPF_ANY);
  return 0;
}

// sched_process_exec: the address space was replaced; the next sample must
// make user space snapshot the new mappings.
SEC("raw_tp/sched_process_exec")
int pg_exec(struct bpf_raw_tracepoint_args *ctx) {
  (void)ctx;
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  struct pg_target *t = bpf_map_lookup_elem(&targets, &tgid);
  if (!t) return 0;
  t->announced = 0;
  __sync_fetch_and_add(&t->code_gen, 1);
  notify(PG_EVENT_EXEC, tgid, get_counters());
  return 0;
}

// sched_process_exit runs for every exiting thread; the tgid leaves the set
// when its main thread exits (the group leader is the last to be reaped).
SEC("raw_tp/sched_process_exit")
int pg_exit(struct bpf_raw_tracepoint_args *ctx) {
  (void)ctx;
  __u64 id = bpf_get_current_pid_tgid();
  __u32 tgid = id >> 32, pid = (__u32)id;
  bpf_map_delete_elem(&offcpu_start, &pid);
  if (pid != tgid) return 0;
  if (!bpf_map_lookup_elem(&targets, &tgid)) return 0;
  bpf_map_delete_elem(&targets, &tgid);
  bpf_map_delete_elem(&code_ranges, &tgid);
  notify(PG_EVENT_EXIT, tgid, get_counters());
  return 0;
}

// sched_switch(preempt, prev, next, prev_state): runs as prev. A target thread
// that blocks (not preempted: it gave up the CPU) stores its stack and the
// time; when it is switched back in, the blocked span is added to that stack.
SEC("raw_tp/sched_switch")
int pg_switch(struct bpf_raw_tracepoint_args *ctx) {
  __u64 now = bpf_ktime_get_ns();
  struct task_struct *next = (struct task_struct *)ctx->args[2];
  __u32 next_pid = (__u32)BPF_CORE_READ(next, pid);
  struct pg_counters *c = get_counters();

  struct pg_stack_entry *s = bpf_map_lookup_elem(&offcpu_start, &next_pid);
  if (s) {                               // stored only while the window was open
    __u64 blocked_ns = now - s->weight;  // weight: when it left the CPU
    if (c) c->samples++;
    add_weight(s, blocked_ns, c);
    bpf_map_delete_elem(&offcpu_start, &next_pid);
  }

  __u64 preempt = ctx->args[0];
  __u64 prev_state = ctx->args[3];
  if (preempt || prev_state == 0) return 0;
  __u64 id = bpf_get_current_pid_tgid();
  __u32 tgid = id >> 32, pid = (__u32)id;
  if (tgid == 0) return 0;
  struct pg_target *t = bpf_map_lookup_elem(&targets, &tgid);
  if (!t) return 0;
  if (!t->announced) {
    t->announced = 1;
    notify(PG_EVENT_NEW_PROCESS, tgid, c);
  }
  if (!window_open) return 0;
  __u32 zero = 0;
  struct pg_stack_entry *scratch = bpf_map_lookup_elem(&switch_scratch, &zero);
  if (!scratch) return 0;
  scratch->weight = now;  // when it left; the blocked span once it is back
  const struct pg_user_regs ur = {.in_user = 0};
  capture(ctx, &scratch->key, tgid, t, c, &ur);
  if (bpf_map_update_elem(&offcpu_start, &pid, scratch, BPF_ANY) != 0 && c) c->offcpu_lost++;
  return 0;
}
