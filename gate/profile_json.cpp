#include "gate/profile_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace perfgate::gate {

using nlohmann::json;

std::string profile_to_json(const profiler::Profile& profile) {
  json frames = json::array();
  for (const auto& f : profile.frames())
    frames.push_back({{"function", f.function},
                      {"module", f.module},
                      {"build_id", f.build_id},
                      {"offset", f.offset},
                      {"inlined", f.inlined},
                      {"symbol_size", f.symbol_size},
                      {"kind", f.kind == profiler::FrameKind::kernel ? "kernel" : "user"}});
  json stacks = json::array();
  for (const auto& s : profile.stacks()) stacks.push_back({{"frames", s.frames}, {"count", s.count}});
  json calls = json::array();
  for (const auto& c : profile.calls) {
    json entry = {{"function", c.function}, {"module", c.module}, {"calls", c.calls}, {"self_samples", c.self_samples}};
    if (!c.runs.empty()) {
      entry["runs"] = json::array();
      for (const auto& r : c.runs) entry["runs"].push_back({{"calls", r.calls}, {"self_samples", r.self_samples}});
    }
    calls.push_back(std::move(entry));
  }
  const auto& st = profile.stats;
  json doc = {
      {"schema", kProfileSchema},
      {"mode", profiler::to_string(profile.mode())},
      {"unit", profile.unit()},
      {"stats",
       {{"samples", st.samples},
        {"lost", st.lost},
        {"truncated", st.truncated},
        {"missing_user_stacks", st.missing_user_stacks},
        {"hz", st.hz},
        {"duration_s", st.duration_s},
        {"drop_rate", st.drop_rate()}}},
      {"total", profile.total()},
      {"warnings", profile.warnings},
      {"frames", std::move(frames)},
      {"stacks", std::move(stacks)},
  };
  if (!profile.calls.empty()) {
    doc["calls"] = std::move(calls);
    doc["calls_partial"] = profile.calls_partial;
  }
  // A function, module or command name that is not UTF-8 (a file name's
  // bytes) is written with U+FFFD rather than losing the recording.
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// A malformed field, with the path that locates it.
struct BadProfileField {
  std::string message;
};

// A count: a JSON integer ≥ 0. nlohmann's get<std::uint64_t>() would wrap
// -5 to 2^64 - 5 and truncate 1.5 to 1.
std::uint64_t count_at(const json& object, const char* key, std::string_view where) {
  const json& v = object.at(key);
  if (!v.is_number_unsigned())
    throw BadProfileField{fmt::format("{}.{} must be a whole number ≥ 0, got {}", where, key, v.dump())};
  return v.get<std::uint64_t>();
}

}  // namespace

std::expected<profiler::Profile, Error> profile_from_json(std::string_view text) {
  try {
    const json doc = json::parse(text);
    if (!doc.is_object() || doc.value("schema", "") != kProfileSchema)
      return std::unexpected(Error::bad_input(
          fmt::format("not a profile: expected \"schema\": \"{}\"", kProfileSchema)));
    const std::string mode = doc.at("mode").get<std::string>();
    if (mode != "cpu" && mode != "offcpu")
      return std::unexpected(Error::bad_input(fmt::format("profile: unknown mode '{}'", mode)));
    profiler::Profile profile(mode == "cpu" ? profiler::Mode::cpu : profiler::Mode::offcpu);
    const json& st = doc.at("stats");
    profile.stats.samples = count_at(st, "samples", "stats");
    profile.stats.lost = count_at(st, "lost", "stats");
    profile.stats.truncated = count_at(st, "truncated", "stats");
    profile.stats.missing_user_stacks = count_at(st, "missing_user_stacks", "stats");
    profile.stats.hz = st.at("hz").get<unsigned>();
    profile.stats.duration_s = st.at("duration_s").get<double>();
    if (doc.contains("warnings")) profile.warnings = doc.at("warnings").get<std::vector<std::string>>();
    profile.calls_partial = doc.value("calls_partial", false);
    if (doc.contains("calls"))
      for (const auto& c : doc.at("calls")) {
        profiler::FunctionCalls fc{c.at("function").get<std::string>(), c.at("module").get<std::string>(),
                                   count_at(c, "calls", "calls[]"), count_at(c, "self_samples", "calls[]")};
        if (c.contains("runs"))
          for (const auto& r : c.at("runs"))
            fc.runs.push_back({count_at(r, "calls", "calls[].runs[]"), count_at(r, "self_samples", "calls[].runs[]")});
        profile.calls.push_back(std::move(fc));
      }
    std::vector<std::uint32_t> ids;
    for (const auto& f : doc.at("frames")) {
      profiler::Frame frame;
      frame.function = f.at("function").get<std::string>();
      frame.module = f.at("module").get<std::string>();
      frame.build_id = f.value("build_id", "");
      frame.offset = f.value("offset", std::uint64_t{0});
      frame.inlined = f.value("inlined", false);
      frame.symbol_size = f.value("symbol_size", std::uint64_t{0});
      frame.kind = f.value("kind", "user") == "kernel" ? profiler::FrameKind::kernel : profiler::FrameKind::user;
      ids.push_back(profile.intern(frame));
    }
    std::size_t n = 0;
    std::uint64_t total = 0;
    for (const auto& s : doc.at("stacks")) {
      std::vector<std::uint32_t> stack;
      for (const auto& i : s.at("frames")) {
        const auto index = i.get<std::size_t>();
        if (index >= ids.size())
          return std::unexpected(Error::bad_input(
              fmt::format("profile: stack {} refers to frame {} of {}", n, index, ids.size())));
        stack.push_back(ids[index]);
      }
      const std::uint64_t count = count_at(s, "count", fmt::format("stacks[{}]", n));
      if (__builtin_add_overflow(total, count, &total))
        return std::unexpected(Error::bad_input("profile: the stacks' counts add up beyond 2^64"));
      profile.add(stack, count);
      ++n;
    }
    return profile;
  } catch (const BadProfileField& e) {
    return std::unexpected(Error::bad_input("profile: " + e.message));
  } catch (const json::exception& e) {
    return std::unexpected(Error::bad_input(fmt::format("profile: {}", json_error_text(e.what()))));
  }
}

}  // namespace perfgate::gate
