#include "gate/profile_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gate/json_reader.h"

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
    if (!profile.calls_from.empty()) doc["calls_from"] = profile.calls_from;
  }
  if (!profile.recorded_from.empty()) doc["recorded_from"] = profile.recorded_from;
  // A function, module or command name that is not UTF-8 (a file name's
  // bytes) is written with U+FFFD rather than losing the recording.
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// A string that names something: "" would be a frame or mark without a name.
std::string named(const JsonReader& r, std::string_view key) {
  std::string text = r.str(key);
  if (text.empty()) r.fail_at(key, "must be a non-empty string" + JsonReader::got(r.at(key)));
  return text;
}

profiler::Frame frame_from(const JsonReader& f) {
  f.only({"function", "module", "build_id", "offset", "inlined", "kind", "symbol_size"});
  profiler::Frame frame;
  frame.function = named(f, "function");
  frame.module = f.str("module");  // "" from folded stacks, which name no module
  if (f.has("build_id")) {
    frame.build_id = f.str("build_id");
    if (frame.build_id.size() % 2 != 0 || !std::ranges::all_of(frame.build_id, [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
      f.fail_at("build_id", "must be lower-case hex" + JsonReader::got(f.at("build_id")));
  }
  if (f.has("offset")) frame.offset = f.count("offset");
  if (f.has("inlined")) frame.inlined = f.boolean("inlined");
  if (f.has("symbol_size")) frame.symbol_size = f.count("symbol_size");
  if (f.has("kind") && f.one_of("kind", {"user", "kernel"}) == "kernel")
    frame.kind = profiler::FrameKind::kernel;
  return frame;
}

}  // namespace

// Reads what profile_to_json writes, as docs/schema/profile.schema.json
// states it; only the fields a hand-made profile can do without (a frame's
// build_id, offset, inlined, kind and symbol size; unit, total, warnings,
// drop_rate) may be missing, and then take their defaults. Every breach is
// one line naming the field (JsonReader): a misspelt key would otherwise be
// a field left at its default without a word.
std::expected<profiler::Profile, Error> profile_from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed) return std::unexpected(Error::bad_input("profile: " + parsed.error().describe()));
  const json& doc = *parsed;
  const auto schema = doc.is_object() ? doc.find("schema") : doc.end();
  if (!doc.is_object() || schema == doc.end() || !schema->is_string() ||
      schema->get_ref<const std::string&>() != kProfileSchema)
    return std::unexpected(Error::bad_input(
        fmt::format("not a profile: expected \"schema\": \"{}\"", kProfileSchema)));
  try {
    const JsonReader root(doc, "profile");
    root.only({"schema", "mode", "unit", "stats", "total", "warnings", "calls_partial",
               "calls_from", "calls", "recorded_from", "frames", "stacks"});
    const std::string mode = root.one_of("mode", {"cpu", "offcpu"});
    profiler::Profile profile(mode == "cpu" ? profiler::Mode::cpu : profiler::Mode::offcpu);
    if (root.has("unit") && root.str("unit") != profile.unit())
      root.fail_at("unit", fmt::format("must be \"{}\" in {} mode{}", profile.unit(), mode,
                                       JsonReader::got(root.at("unit"))));
    const JsonReader st = root.child("stats");
    st.only(
        {"samples", "lost", "truncated", "missing_user_stacks", "hz", "duration_s", "drop_rate"});
    profile.stats.samples = st.count("samples");
    profile.stats.lost = st.count("lost");
    profile.stats.truncated = st.count("truncated");
    profile.stats.missing_user_stacks = st.count("missing_user_stacks");
    profile.stats.hz = static_cast<unsigned>(st.count_in("hz", 0, 1'000'000));
    if (profile.mode() == profiler::Mode::offcpu && profile.stats.hz != 0)
      st.fail_at("hz", "must be 0 in offcpu mode" + JsonReader::got(st.at("hz")));
    profile.stats.duration_s = st.nonneg("duration_s");
    if (root.has("warnings"))
      root.each("warnings", [&](const JsonReader& w) {
        if (!w.value().is_string()) w.fail("must be a string" + JsonReader::got(w.value()));
        profile.warnings.push_back(w.value().get<std::string>());
      });
    if (root.has("calls_partial")) profile.calls_partial = root.boolean("calls_partial");
    if (root.has("calls_from")) profile.calls_from = named(root, "calls_from");
    if (root.has("recorded_from")) profile.recorded_from = named(root, "recorded_from");
    if (root.has("calls"))
      root.each("calls", [&](const JsonReader& c) {
        c.only({"function", "module", "calls", "self_samples", "runs"});
        profiler::FunctionCalls fc{named(c, "function"), named(c, "module"), c.count("calls"),
                                   c.count("self_samples")};
        if (c.has("runs"))
          c.each("runs", [&](const JsonReader& r) {
            r.only({"calls", "self_samples"});
            fc.runs.push_back({r.count("calls"), r.count("self_samples")});
          });
        profile.calls.push_back(std::move(fc));
      });
    std::vector<std::uint32_t> ids;
    root.each("frames", [&](const JsonReader& f) { ids.push_back(profile.intern(frame_from(f))); });
    std::uint64_t total = 0;
    root.each("stacks", [&](const JsonReader& s) {
      s.only({"frames", "count"});
      const json& indices = s.at("frames");
      if (!indices.is_array() || indices.empty())
        s.fail_at("frames",
                  "must be a non-empty array of frame indices" + JsonReader::got(indices));
      // Read without a JsonReader each: a profile holds millions of indices,
      // and naming each one cost a string (`flamegraph` of a 21 MB profile,
      // 1.15 M indices: 0.68-0.70 s against 0.58-0.75 s before JsonReader;
      // 0.54-0.56 s now).
      std::vector<std::uint32_t> stack;
      stack.reserve(indices.size());
      for (std::size_t k = 0; k < indices.size(); ++k) {
        const auto index = as_count(indices[k]);
        if (!index || *index >= ids.size())
          JsonReader(indices[k], "profile", fmt::format("{}.frames[{}]", s.path(), k))
              .fail(index ? fmt::format("refers to frame {} of {}", *index, ids.size())
                          : "must be an integer >= 0" + JsonReader::got(indices[k]));
        stack.push_back(ids[*index]);
      }
      const std::uint64_t count = s.count("count", 1);
      if (__builtin_add_overflow(total, count, &total))
        s.fail_at("count", "brings the stacks' total beyond 2^64");
      profile.add(stack, count);
    });
    if (root.has("total"))
      if (const std::uint64_t stated = root.count("total"); stated != total)
        root.fail_at("total",
                     fmt::format("{}, but the stacks' counts add up to {}", stated, total));
    return profile;
  } catch (const JsonFieldError& e) {
    return std::unexpected(Error::bad_input(e.message));
  }
}

}  // namespace perfgate::gate
