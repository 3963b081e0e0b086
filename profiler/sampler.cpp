#include "profiler/sampler.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "pg_sampler_bpf.skel.h"

namespace perfgate::profiler {
namespace {

// libbpf stays silent unless asked (as libbpf-bootstrap's -v).
int libbpf_print(enum libbpf_print_level level, const char* format, va_list args) {
  static const bool verbose = std::getenv("PERFGATE_BPF_VERBOSE") != nullptr;
  if (!verbose && level != LIBBPF_WARN) return 0;
  if (!verbose) return 0;
  return std::vfprintf(stderr, format, args);
}

std::vector<int> online_cpus() {
  // "0-3,5,7-8"
  std::vector<int> cpus;
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string text;
  std::getline(in, text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto comma = text.find(',', pos);
    std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto dash = part.find('-');
    int lo = std::atoi(part.c_str());
    int hi = dash == std::string::npos ? lo : std::atoi(part.c_str() + dash + 1);
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (cpus.empty())
    for (int c = 0; c < libbpf_num_possible_cpus(); ++c) cpus.push_back(c);
  return cpus;
}

std::uint32_t max_stack_sysctl() {
  std::ifstream in("/proc/sys/kernel/perf_event_max_stack");
  std::uint32_t v = PG_MAX_STACK_DEPTH;
  if (!(in >> v) || v == 0 || v > PG_MAX_STACK_DEPTH) v = PG_MAX_STACK_DEPTH;
  return v;
}

}  // namespace

// Whether this process may load tracing BPF programs: CAP_BPF with
// CAP_PERFMON, or CAP_SYS_ADMIN, in its effective set. Not the same as
// root: a container's root lacks them by default.
bool has_bpf_capabilities() {
  constexpr int kCapSysAdmin = 21, kCapPerfmon = 38, kCapBpf = 39;  // linux/capability.h (5.8+)
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return geteuid() == 0;
  auto has = [&](int cap) { return (data[cap / 32].effective >> (cap % 32)) & 1u; };
  return has(kCapSysAdmin) || (has(kCapBpf) && has(kCapPerfmon));
}

Error bpf_error(const char* what, int err) {
  err = err < 0 ? -err : err;
  if (err == EPERM || err == EACCES)
    return {Error::Kind::permission,
            std::string(what) +
                (geteuid() == 0
                     ? ": permission denied — perfgate runs as root but without CAP_BPF and "
                       "CAP_PERFMON "
                       "(a container's default capabilities): grant them (docker run --cap-add BPF "
                       "--cap-add PERFMON, or setcap cap_bpf,cap_perfmon+ep perfgate)"
                     : ": permission denied — run as root or grant CAP_BPF and CAP_PERFMON "
                       "(setcap cap_bpf,cap_perfmon+ep perfgate)")};
  if (err == ENOSYS || err == EOPNOTSUPP || err == ENOENT || err == EINVAL)
    return {Error::Kind::unsupported,
            std::string(what) + ": " + std::strerror(err) +
                " — the kernel lacks BPF support needed here (CONFIG_BPF_SYSCALL, "
                "CONFIG_DEBUG_INFO_BTF, perf events)"};
  return {Error::Kind::runtime, std::string(what) + ": " + std::strerror(err)};
}

void Sampler::SkeletonDeleter::operator()(pg_sampler_bpf* skel) const { pg_sampler_bpf__destroy(skel); }
void Sampler::LinkDeleter::operator()(bpf_link* link) const { bpf_link__destroy(link); }
void Sampler::RingBufferDeleter::operator()(ring_buffer* rb) const { ring_buffer__free(rb); }

std::vector<CodeRange> cover_code_ranges(std::vector<CodeRange> ranges, std::size_t max_ranges) {
  std::erase_if(ranges, [](const CodeRange& r) { return r.first >= r.second; });
  std::sort(ranges.begin(), ranges.end());
  std::vector<CodeRange> out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.first <= out.back().second)
      out.back().second = std::max(out.back().second, r.second);
    else
      out.push_back(r);
  }
  // A few dozen ranges at most: quadratic is fine.
  while (out.size() > std::max<std::size_t>(max_ranges, 1)) {
    std::size_t best = 0;
    for (std::size_t i = 1; i + 1 < out.size(); ++i)
      if (out[i + 1].first - out[i].second < out[best + 1].first - out[best].second) best = i;
    out[best].second = out[best + 1].second;
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  return out;
}

Sampler::Sampler(Sampler&&) noexcept = default;
Sampler& Sampler::operator=(Sampler&&) noexcept = default;
Sampler::~Sampler() = default;

std::expected<Sampler, Error> Sampler::create(const Options& options) {
  libbpf_set_print(libbpf_print);
  Sampler s;
  s.options_ = options;
  if (options.program_stats) {
    s.stats_fd_ = UniqueFd(bpf_enable_stats(BPF_STATS_RUN_TIME));
    if (!s.stats_fd_) return std::unexpected(bpf_error("cannot enable BPF run-time stats", errno));
  }
  s.skel_.reset(pg_sampler_bpf__open());
  if (!s.skel_) return std::unexpected(bpf_error("cannot open the BPF sampler", errno));
  s.skel_->rodata->max_depth = max_stack_sysctl();
  if (const char* off = std::getenv("PERFGATE_NO_STACK_SCAN"); off != nullptr && off[0] == '1')
    s.skel_->rodata->scan_stack = 0;
  if (const char* off = std::getenv("PERFGATE_NO_SCAN_FILTER"); off != nullptr && off[0] == '1')
    s.code_filter_ = false;
  // PERFGATE_STACK_HASH_MASK=0 (tests) gives every stack of equal depths one
  // hashed key, so all but the first of them take the collided path, which
  // then needs as many entries as the stacks.
  std::uint32_t collided_entries = std::max<std::uint32_t>(256, options.max_stacks / 16);
  if (const char* mask = std::getenv("PERFGATE_STACK_HASH_MASK"); mask != nullptr && mask[0] != '\0') {
    s.skel_->rodata->hash_mask = std::strtoull(mask, nullptr, 0);
    collided_entries = options.max_stacks;
  }
  bpf_map__set_max_entries(s.skel_->maps.stacks, options.max_stacks);
  bpf_map__set_max_entries(s.skel_->maps.collided, collided_entries);
  // Only the programs of the chosen mode are loaded; the tree hooks always.
  bpf_program__set_autoload(s.skel_->progs.pg_sample, options.mode == Mode::cpu);
  bpf_program__set_autoload(s.skel_->progs.pg_switch, options.mode == Mode::offcpu);
  bpf_program__set_autoload(s.skel_->progs.pg_call, options.count_calls || options.window_marker);
  s.skel_->data->window_open = options.window_marker ? 0 : 1;
  if (int err = pg_sampler_bpf__load(s.skel_.get()); err != 0) {
    // The verifier also answers EACCES: with the capabilities that is a
    // rejected program, not a missing permission.
    if (has_bpf_capabilities() && (err == -EACCES || err == -EPERM))
      return std::unexpected(Error{Error::Kind::runtime,
                                   "the kernel's verifier rejected the BPF sampler (PERFGATE_BPF_VERBOSE=1 "
                                   "prints its log)"});
    return std::unexpected(bpf_error("cannot load the BPF sampler", err));
  }

  s.events_.reset(ring_buffer__new(
      bpf_map__fd(s.skel_->maps.events),
      [](void* ctx, void* data, size_t size) -> int {
        if (size < sizeof(pg_event)) return 0;
        auto* handler = static_cast<EventHandler*>(ctx);
        pg_event ev;
        std::memcpy(&ev, data, sizeof ev);
        if (*handler) (*handler)(ev);
        return 0;
      },
      s.handler_.get(), nullptr));
  if (!s.events_) return std::unexpected(bpf_error("cannot create the BPF ring buffer", errno));
  return s;
}

std::expected<void, Error> Sampler::add_target(pid_t tgid) {
  const auto key = static_cast<std::uint32_t>(tgid);
  pg_target value{};
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.targets), &key, &value, BPF_ANY) != 0)
    return std::unexpected(bpf_error("cannot add the target process", errno));
  return {};
}

std::optional<std::uint32_t> Sampler::code_gen(pid_t tgid) const {
  const auto key = static_cast<std::uint32_t>(tgid);
  pg_target value{};
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.targets), &key, &value) != 0) return std::nullopt;
  return value.code_gen;
}

bool Sampler::set_code_ranges(pid_t tgid, std::uint32_t code_gen, std::uint64_t exec_pages,
                              std::span<const CodeRange> ranges, std::span<const CodeRange> shallow) {
  if (!code_filter_) return false;
  const auto covered = cover_code_ranges({ranges.begin(), ranges.end()}, PG_CODE_RANGES);
  if (covered.empty()) return false;
  pg_code_ranges value{};
  value.code_gen = code_gen;
  value.exec_pages = exec_pages;
  value.count = static_cast<std::uint32_t>(covered.size());
  for (std::size_t i = 0; i < PG_CODE_RANGES; ++i) {
    value.start[i] = i < covered.size() ? covered[i].first : ~std::uint64_t{0};
    value.end[i] = i < covered.size() ? covered[i].second : ~std::uint64_t{0};
  }
  // A compacted range is shallow only when every range inside it is.
  for (std::size_t i = 0; i < covered.size(); ++i) {
    bool all = false;
    for (const CodeRange& r : ranges) {
      if (r.first >= r.second || r.first < covered[i].first || r.second > covered[i].second) continue;
      all = std::ranges::find(shallow, r) != shallow.end();
      if (!all) break;
    }
    if (all) value.shallow |= std::uint64_t{1} << i;
  }
  const auto key = static_cast<std::uint32_t>(tgid);
  return bpf_map_update_elem(bpf_map__fd(skel_->maps.code_ranges), &key, &value, BPF_ANY) == 0;
}

std::expected<void, Error> Sampler::attach_call_uprobe(pid_t pid, const std::string& path,
                                                       std::uint64_t file_offset,
                                                       std::uint32_t cookie) {
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookie);
  bpf_link* link = bpf_program__attach_uprobe_opts(skel_->progs.pg_call, pid, path.c_str(), file_offset, &opts);
  if (link == nullptr) {
    const int err = errno;
    const std::string what = fmt::format("cannot count calls at {}+{:#x} (a uprobe)", path, file_offset);
    if (err == EPERM || err == EACCES) return std::unexpected(bpf_error(what.c_str(), err));
    return std::unexpected(Error{Error::Kind::unsupported,
                                 fmt::format("{}: {} — the kernel needs CONFIG_UPROBE_EVENTS", what, std::strerror(err))});
  }
  links_.emplace_back(link);
  return {};
}

std::expected<void, Error> Sampler::attach_call_counter(pid_t pid, const std::string& path,
                                                        std::uint64_t file_offset,
                                                        std::uint32_t site) {
  if (!options_.count_calls || site >= PG_MAX_CALL_SITES)
    return std::unexpected(
        Error{Error::Kind::runtime, "call counting was not set up for this site"});
  return attach_call_uprobe(pid, path, file_offset, site);
}

std::expected<void, Error> Sampler::attach_window_marker(pid_t pid, const std::string& path,
                                                         std::uint64_t file_offset) {
  if (!options_.window_marker)
    return std::unexpected(
        Error{Error::Kind::runtime, "the sampler was not set up with a window marker"});
  return attach_call_uprobe(pid, path, file_offset, PG_WINDOW_MARKER);
}

bool Sampler::window_open() const {
  return __atomic_load_n(&skel_->data->window_open, __ATOMIC_RELAXED) != 0;
}

std::vector<std::uint64_t> Sampler::read_calls(std::size_t sites) const {
  std::vector<std::uint64_t> out(std::min<std::size_t>(sites, PG_MAX_CALL_SITES));
  const int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0 || !options_.count_calls) return out;
  std::vector<std::uint64_t> per_cpu(static_cast<std::size_t>(ncpu));
  for (std::uint32_t site = 0; site < out.size(); ++site)
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.calls), &site, per_cpu.data()) == 0)
      for (std::uint64_t n : per_cpu) out[site] += n;
  return out;
}

void Sampler::set_event_handler(EventHandler handler) { *handler_ = std::move(handler); }

std::expected<void, Error> Sampler::start() {
  auto attach = [this](bpf_program* prog, const char* what) -> std::expected<void, Error> {
    bpf_link* link = bpf_program__attach(prog);
    if (link == nullptr) return std::unexpected(bpf_error(what, errno));
    links_.emplace_back(link);
    return {};
  };
  if (auto ok = attach(skel_->progs.pg_fork, "cannot attach sched_process_fork"); !ok) return ok;
  if (auto ok = attach(skel_->progs.pg_exec, "cannot attach sched_process_exec"); !ok) return ok;
  if (auto ok = attach(skel_->progs.pg_exit, "cannot attach sched_process_exit"); !ok) return ok;

  if (options_.mode == Mode::offcpu) return attach(skel_->progs.pg_switch, "cannot attach sched_switch");

  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.freq = 1;
  attr.sample_freq = options_.hz;
  int last_err = 0;
  for (int cpu : online_cpus()) {
    const int fd = static_cast<int>(syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
    if (fd < 0) {
      last_err = errno;
      if (errno == ENODEV) continue;  // CPU went offline or has no such event
      return std::unexpected(bpf_error("cannot open the cpu-clock perf event", errno));
    }
    bpf_link* link = bpf_program__attach_perf_event(skel_->progs.pg_sample, fd);
    if (link == nullptr) {
      const int err = errno;
      close(fd);
      return std::unexpected(bpf_error("cannot attach the sampler to a perf event", err));
    }
    // From here the link owns the perf fd.
    links_.emplace_back(link);
    ++cpus_sampled_;
  }
  if (cpus_sampled_ == 0) return std::unexpected(bpf_error("no CPU accepted a cpu-clock perf event", last_err));
  return {};
}

void Sampler::stop() { links_.clear(); }

int Sampler::event_fd() const { return ring_buffer__epoll_fd(events_.get()); }

void Sampler::consume_events() { ring_buffer__consume(events_.get()); }

namespace {

RawStack raw_stack(const pg_stack_key& k, std::uint64_t weight) {
  RawStack s;
  s.tgid = k.tgid;
  s.flags = k.flags;
  const auto ud = std::min<std::uint32_t>(k.user_depth, PG_MAX_STACK_DEPTH);
  const auto kd = std::min<std::uint32_t>(k.kernel_depth, PG_MAX_STACK_DEPTH);
  s.user.assign(k.user, k.user + ud);
  // Where glibc code without frame pointers has reused rbp, the kernel's
  // walk reads data as frames ("read-sel" as an address): nothing past a
  // non-canonical or null address is a frame.
  auto bad = std::find_if(s.user.begin() + (s.user.empty() ? 0 : 1), s.user.end(),
                          [](std::uint64_t a) { return a < 0x1000 || a >= 0x800000000000ull; });
  s.user.erase(bad, s.user.end());
  s.kernel.assign(k.kernel, k.kernel + kd);
  for (std::uint32_t i = 0; i < std::min<std::uint32_t>(k.ret_count, PG_STACK_RETS); ++i)
    s.stack_returns.emplace_back(k.ret_slot[i], k.ret_addr[i]);
  s.weight = weight;
  return s;
}

// Calls f(key, value) for every entry of a hash map. Keys and values live on
// the heap: a whole stack is 2 KiB.
template <typename Key, typename Value, typename F>
void for_each_entry(int fd, F&& f) {
  auto key = std::make_unique<Key>();
  auto next = std::make_unique<Key>();
  auto value = std::make_unique<Value>();
  const Key* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, next.get()) == 0) {
    if (bpf_map_lookup_elem(fd, next.get(), value.get()) == 0) f(*next, *value);
    std::swap(key, next);
    prev = key.get();
  }
}

}  // namespace

std::vector<RawStack> Sampler::read_stacks() const {
  std::vector<RawStack> out;
  for_each_entry<pg_count_key, pg_stack_entry>(bpf_map__fd(skel_->maps.stacks),
                                               [&](const pg_count_key&, const pg_stack_entry& e) {
                                                 if (e.weight != 0) out.push_back(raw_stack(e.key, e.weight));
                                               });
  for_each_entry<pg_stack_key, std::uint64_t>(bpf_map__fd(skel_->maps.collided),
                                              [&](const pg_stack_key& k, std::uint64_t w) {
                                                if (w != 0) out.push_back(raw_stack(k, w));
                                              });
  return out;
}

std::vector<Sampler::ProgramStats> Sampler::program_stats() const {
  std::vector<ProgramStats> out;
  bpf_program* prog = nullptr;
  bpf_object__for_each_program(prog, skel_->obj) {
    const int fd = bpf_program__fd(prog);
    if (fd < 0) continue;  // not loaded in this mode
    bpf_prog_info info{};
    std::uint32_t len = sizeof info;
    if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) continue;
    out.push_back({bpf_program__name(prog), info.run_cnt, info.run_time_ns});
  }
  return out;
}

pg_counters Sampler::read_counters() const {
  pg_counters sum{};
  const int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return sum;
  std::vector<pg_counters> per_cpu(static_cast<std::size_t>(ncpu));
  const std::uint32_t zero = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.counters), &zero, per_cpu.data()) != 0) return sum;
  // Every counter is a u64: summed word by word, so a new counter needs no
  // line here.
  static_assert(sizeof(pg_counters) % sizeof(std::uint64_t) == 0);
  constexpr std::size_t kWords = sizeof(pg_counters) / sizeof(std::uint64_t);
  std::array<std::uint64_t, kWords> total{};
  for (const auto& c : per_cpu) {
    std::array<std::uint64_t, kWords> words;
    std::memcpy(words.data(), &c, sizeof c);
    for (std::size_t i = 0; i < kWords; ++i) total[i] += words[i];
  }
  std::memcpy(&sum, total.data(), sizeof sum);
  return sum;
}

}  // namespace perfgate::profiler
