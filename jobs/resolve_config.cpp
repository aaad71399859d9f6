// [resolve] config: TOML file + --set resolve.KEY=VALUE overrides, strict about keys and types.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <variant>

#include "cluster/collectives.hpp"
#include "jobs/config.hpp"
#include "jobs/resolve.hpp"

#include "io/text_file.hpp"

namespace ch::jobs {
namespace {

using Ref = std::variant<std::uint64_t ResolveConfig::*, double ResolveConfig::*, int ResolveConfig::*,
                         bool ResolveConfig::*, std::vector<std::string> ResolveConfig::*>;
struct Key {
  const char* name;
  Ref ref;
};
const Key kKeys[] = {
    {"blocking", &ResolveConfig::blocking},
    {"max_block_size", &ResolveConfig::max_block_size},
    {"window", &ResolveConfig::window},
    {"plan_piece_pairs", &ResolveConfig::plan_piece_pairs},
    {"extra_comparisons", &ResolveConfig::extra_comparisons},
    {"u_sample_pairs", &ResolveConfig::u_sample_pairs},
    {"u_from_random_pairs", &ResolveConfig::u_from_random_pairs},
    {"seed", &ResolveConfig::seed},
    {"em_max_iterations", &ResolveConfig::em_max_iterations},
    {"em_tolerance", &ResolveConfig::em_tolerance},
    {"match_probability", &ResolveConfig::match_probability},
    {"tf_adjust", &ResolveConfig::tf_adjust},
    {"tf_max_bits", &ResolveConfig::tf_max_bits},
    {"guard_size", &ResolveConfig::guard_size},
    {"guard_probability", &ResolveConfig::guard_probability},
    {"write_pairs", &ResolveConfig::write_pairs},
    {"alias_threshold", &ResolveConfig::alias_threshold},
    {"alias_max_group", &ResolveConfig::alias_max_group},
    {"alias_weight_phone", &ResolveConfig::alias_weight_phone},
    {"alias_weight_booking", &ResolveConfig::alias_weight_booking},
    {"alias_weight_payment", &ResolveConfig::alias_weight_payment},
    {"alias_weight_leg_switch", &ResolveConfig::alias_weight_leg_switch},
    {"alias_weight_phone_handover", &ResolveConfig::alias_weight_phone_handover},
    {"alias_weight_near_dob", &ResolveConfig::alias_weight_near_dob},
    {"alias_weight_same_family", &ResolveConfig::alias_weight_same_family},
    {"alias_weight_email", &ResolveConfig::alias_weight_email},
    {"alias_weight_shared_contacts", &ResolveConfig::alias_weight_shared_contacts},
    {"alias_weight_sole_leg_switch", &ResolveConfig::alias_weight_sole_leg_switch},
    {"alias_max_dob_days", &ResolveConfig::alias_max_dob_days},
    {"alias_group_min_score", &ResolveConfig::alias_group_min_score},
    {"alias_group_max_size", &ResolveConfig::alias_group_max_size},
    {"alias_concurrent_veto", &ResolveConfig::alias_concurrent_veto},
    {"alias_kin_check", &ResolveConfig::alias_kin_check},
    {"handover_max_phone_contacts", &ResolveConfig::handover_max_phone_contacts},
    {"handover_max_contact_phones", &ResolveConfig::handover_max_contact_phones},
    {"handover_max_gap_days", &ResolveConfig::handover_max_gap_days},
    {"handover_max_overlap_days", &ResolveConfig::handover_max_overlap_days},
    {"handover_max_private_phones", &ResolveConfig::handover_max_private_phones},
    {"handover_min_private_shared", &ResolveConfig::handover_min_private_shared},
};

[[noreturn]] void bad(const std::string& where, const std::string& key, const std::string& why) {
  throw UsageError(fmt::format("{}: key 'resolve.{}': {}", where, key, why));
}

void apply(ResolveConfig& c, const std::string& key, const toml::node& n, const std::string& where) {
  const Key* k = nullptr;
  for (const auto& kk : kKeys)
    if (key == kk.name) k = &kk;
  if (k == nullptr) bad(where, key, "unknown key");
  std::visit(
      [&](auto ref) {
        using T = std::remove_cvref_t<decltype(c.*ref)>;
        if constexpr (std::is_same_v<T, bool>) {
          if (!n.is_boolean()) bad(where, key, "expected true or false");
          c.*ref = n.as_boolean()->get();
        } else if constexpr (std::is_same_v<T, double>) {
          if (n.is_integer()) c.*ref = static_cast<double>(n.as_integer()->get());
          else if (n.is_floating_point()) c.*ref = n.as_floating_point()->get();
          else bad(where, key, "expected a number");
        } else if constexpr (std::is_integral_v<T>) {
          if (!n.is_integer() || n.as_integer()->get() < 0) bad(where, key, "expected a non-negative integer");
          c.*ref = static_cast<T>(n.as_integer()->get());
        } else {
          if (!n.is_array()) bad(where, key, "expected an array of strings");
          std::vector<std::string> v;
          for (const auto& e : *n.as_array()) {
            if (!e.is_string()) bad(where, key, "expected an array of strings");
            v.push_back(e.as_string()->get());
          }
          c.*ref = std::move(v);
        }
      },
      k->ref);
}

void validate(const ResolveConfig& c, const std::string& where) {
  if (c.match_probability <= 0 || c.match_probability >= 1)
    bad(where, "match_probability", "must be in (0, 1)");
  if (c.guard_probability <= 0 || c.guard_probability >= 1)
    bad(where, "guard_probability", "must be in (0, 1)");
  if (c.window < 2) bad(where, "window", "must be at least 2");
  if (c.max_block_size < 2) bad(where, "max_block_size", "must be at least 2");
  if (c.plan_piece_pairs < 1) bad(where, "plan_piece_pairs", "must be at least 1");
  if (c.blocking.empty() || c.blocking.size() > 32) bad(where, "blocking", "1 to 32 rules");
  if (c.em_max_iterations < 1) bad(where, "em_max_iterations", "must be at least 1");
}

}  // namespace

std::string ResolveConfig::effective_toml() const {
  std::ostringstream s;
  s << "[resolve]\n";
  const ResolveConfig& c = *this;
  for (const auto& k : kKeys) {
    s << k.name << " = ";
    std::visit(
        [&](auto ref) {
          using T = std::remove_cvref_t<decltype(c.*ref)>;
          if constexpr (std::is_same_v<T, bool>) s << ((c.*ref) ? "true" : "false");
          else if constexpr (std::is_same_v<T, double>) s << fmt::format("{}", c.*ref);
          else if constexpr (std::is_integral_v<T>) s << c.*ref;
          else {
            s << '[';
            for (std::size_t i = 0; i < (c.*ref).size(); ++i)
              s << (i ? ", " : "") << '"' << (c.*ref)[i] << '"';
            s << ']';
          }
        },
        k.ref);
    s << '\n';
  }
  return s.str();
}

ResolveConfig load_resolve_config(const JobEnv& env, const std::string& path_or_empty) {
  ResolveConfig c;
  if (!path_or_empty.empty()) {
    const std::string text = io::read_shared_text(env.ctx, path_or_empty, "--config");
    toml::table doc;
    try {
      doc = toml::parse(std::string_view(text), std::string_view(path_or_empty));
    } catch (const toml::parse_error& e) {
      throw UsageError(fmt::format("{}: {}", path_or_empty, e.description()));
    }
    // Other stages' sections may share the file; only [resolve] is ours.
    if (const auto* t = doc.get_as<toml::table>("resolve"))
      for (const auto& [k, v] : *t) apply(c, std::string(k.str()), v, path_or_empty);
    validate(c, path_or_empty);
  }
  for (const auto& o : stage_overrides(env.overrides, "resolve")) {
    const auto eq = o.find('=');
    const std::string where = "--set " + o;
    if (eq == std::string::npos) throw UsageError(where + ": expected resolve.KEY=VALUE");
    const std::string key = o.substr(std::string("resolve.").size(), eq - std::string("resolve.").size());
    const std::string raw = o.substr(eq + 1);
    toml::table parsed;
    try {
      const std::string doc_text = "v = " + raw;
      parsed = toml::parse(std::string_view(doc_text), std::string_view("--set"));
    } catch (const toml::parse_error&) {
      parsed = toml::table{{"v", raw}};  // a bare word
    }
    apply(c, key, *parsed.get("v"), where);
    validate(c, where);
  }
  return c;
}

}  // namespace ch::jobs
