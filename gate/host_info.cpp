#include "gate/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gate/timestamp.h"

namespace perfgate::gate {
namespace {

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Output of a short command's first line ("" on failure). Only used for git,
// with a fixed argv: no shell injection.
std::string command_line(const char* cmd) {
  std::array<char, 256> buf{};
  FILE* p = ::popen(cmd, "r");
  if (p == nullptr) return "";
  std::string out;
  if (std::fgets(buf.data(), buf.size(), p) != nullptr) out = buf.data();
  if (::pclose(p) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

}  // namespace

HostInfo read_host_info() {
  HostInfo h;
  utsname u{};
  if (::uname(&u) == 0) {
    h.hostname = u.nodename;
    h.kernel = u.release;
  }
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) h.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  h.cores = cores > 0 ? static_cast<unsigned>(cores) : 0;
  h.governor = first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  std::istringstream load(first_line("/proc/loadavg"));
  load >> h.load_avg_1m >> h.load_avg_5m >> h.load_avg_15m;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0) h.memory_bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
  return h;
}

std::string detect_commit() {
  return env_or("GITHUB_SHA", command_line("git rev-parse HEAD 2>/dev/null"));
}

std::string detect_ref() {
  return env_or("GITHUB_REF", command_line("git symbolic-ref -q HEAD 2>/dev/null"));
}

std::string utc_now_iso8601() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return utc_second_text(now.time_since_epoch().count());
}

}  // namespace perfgate::gate
