// Scenario parsing: defaults, strict validation with messages that name key and source, --set
// overrides, the effective TOML and the built-in scenarios.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "kernels/error.hpp"
#include "kernels/world/scenario.hpp"

namespace ch::world {
namespace {

// The UsageError message of parsing `text` (with `overrides`); fails the test if none is thrown.
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {},
                     const std::string& source = "scenarios/x.toml") {
  try {
    parse_scenario(text, source, overrides);
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    return e.what();
  }
  ADD_FAILURE() << "no UsageError for: " << text;
  return {};
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST(Scenario, EmptyTextGivesTheDefaults) {
  const Scenario s = parse_scenario("", "empty.toml");
  const Scenario d;
  EXPECT_EQ(s.source, "empty.toml");
  EXPECT_EQ(s.persons, d.persons);
  EXPECT_EQ(s.months, d.months);
  EXPECT_EQ(s.start_month, "2025-01");
  EXPECT_EQ(s.organizations.count, d.organizations.count);
  EXPECT_DOUBLE_EQ(s.noise.transliteration, d.noise.transliteration);
  EXPECT_FALSE(s.effective_toml.empty());
}

TEST(Scenario, BuiltinsParseAndGrowInSize) {
  EXPECT_TRUE(builtin_scenario("nonexistent").empty());
  const auto names = builtin_scenario_names();
  std::int64_t previous = 0;
  for (const char* name : {"demo", "small", "medium", "large"}) {
    ASSERT_FALSE(builtin_scenario(name).empty()) << name;
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    const Scenario s = parse_scenario(builtin_scenario(name), std::string("builtin:") + name);
    EXPECT_EQ(s.name, name);
    EXPECT_GT(s.persons, previous) << name;
    previous = s.persons;
  }
}

TEST(Scenario, FileValuesOverrideDefaults) {
  const Scenario s = parse_scenario(R"(
[world]
persons = 1234
start_month = "2023-11"
[legit]
culture_weights = { anglo = 1.0, arabic = 0.5 }
family_size_weights = [1, 0, 0, 0, 0]
[enforcement]
action_months = [1, 3]
[feeds]
travel_agencies = ["api_unit"]
)",
                                    "f.toml");
  EXPECT_EQ(s.persons, 1234);
  EXPECT_EQ(s.start_month, "2023-11");
  EXPECT_DOUBLE_EQ(s.legit.culture_weights[9], 1.0);   // anglo
  EXPECT_DOUBLE_EQ(s.legit.culture_weights[0], 0.5);   // arabic
  EXPECT_DOUBLE_EQ(s.legit.culture_weights[7], 0.0);   // unnamed entries weigh 0
  EXPECT_DOUBLE_EQ(s.legit.family_size_weights[0], 1.0);  // an integer is fine for a number
  EXPECT_EQ(s.enforcement.action_months, (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(s.feeds.travel_agencies, std::vector<std::string>{"api_unit"});
}

TEST(Scenario, UnknownKeyNamesKeyAndSource) {
  const auto msg = error_of("[world]\npersns = 5\n");
  EXPECT_CONTAINS(msg, "scenarios/x.toml");
  EXPECT_CONTAINS(msg, "world.persns");
  EXPECT_CONTAINS(msg, "unknown key");
  const auto section = error_of("[wrld]\npersons = 5\n");
  EXPECT_CONTAINS(section, "wrld");
  EXPECT_CONTAINS(section, "world");  // lists the known sections
  EXPECT_CONTAINS(error_of("persons = 5\n"), "persons");
  EXPECT_CONTAINS(error_of("[legit]\nculture_weights = { klingon = 1.0 }\n"),
                  "legit.culture_weights.klingon");
}

TEST(Scenario, WrongTypesAreRejected) {
  auto msg = error_of("[world]\npersons = \"many\"\n");
  EXPECT_CONTAINS(msg, "scenarios/x.toml");
  EXPECT_CONTAINS(msg, "world.persons");
  EXPECT_CONTAINS(msg, "expected a positive integer");
  EXPECT_CONTAINS(msg, "\"many\"");
  EXPECT_CONTAINS(error_of("[world]\nmonths = 2.5\n"), "world.months");
  EXPECT_CONTAINS(error_of("[noise]\ntypo = \"often\"\n"), "noise.typo");
  EXPECT_CONTAINS(error_of("[world]\nstart_month = \"2025-13\"\n"), "YYYY-MM");
  EXPECT_CONTAINS(error_of("[feeds]\ntravel_agencies = \"police\"\n"), "array");
  EXPECT_CONTAINS(error_of("[legit]\nfamily_size_weights = [1, 2]\n"), "5 weights");
  EXPECT_CONTAINS(error_of("[feeds]\ncalls_agencies = [\"a,b\"]\n"), "feeds.calls_agencies");
}

TEST(Scenario, OutOfRangeValuesAreRejected) {
  const auto msg = error_of("[world]\npersons = -5\n");
  EXPECT_CONTAINS(msg, "scenarios/x.toml");
  EXPECT_CONTAINS(msg, "key 'world.persons': expected a positive integer, got -5");
  EXPECT_CONTAINS(error_of("[world]\nmonths = 0\n"), "world.months");
  EXPECT_CONTAINS(error_of("[noise]\ntypo = 1.5\n"), "noise.typo");
  EXPECT_CONTAINS(error_of("[organizations]\ncount = -1\n"), "organizations.count");
  EXPECT_CONTAINS(error_of("[world]\nmonths = 6\n[enforcement]\naction_months = [7]\n"),
                  "enforcement.action_months");
  EXPECT_CONTAINS(error_of("[legit]\nfamily_share = 0.7\ntourist_share = 0.5\n"), "legit.");
  EXPECT_CONTAINS(error_of("[organizations]\nsize_min = 50\nsize_max = 10\n"), "size_min");
  EXPECT_CONTAINS(error_of("[geography]\ncorridors = [\"ISB to LHR\"]\n"), "geography.corridors");
}

TEST(Scenario, SyntaxErrorsNameTheSource) {
  const auto msg = error_of("[world\npersons = 5\n", {}, "broken.toml");
  EXPECT_CONTAINS(msg, "broken.toml");
  EXPECT_CONTAINS(msg, "TOML");
}

TEST(Scenario, SetOverridesChangeValues) {
  const Scenario s = parse_scenario(builtin_scenario("demo"), "builtin:demo",
                                    {"world.persons=2500", "noise.typo=0.2", "world.name=trial",
                                     "world.start_month=2024-03", "legit.culture_weights.anglo=0.9",
                                     "feeds.travel_agencies=[\"x\", \"y\"]",
                                     "enforcement.action_months=[1]"});
  EXPECT_EQ(s.persons, 2500);
  EXPECT_DOUBLE_EQ(s.noise.typo, 0.2);
  EXPECT_EQ(s.name, "trial");              // a bare word that is not TOML is a string
  EXPECT_EQ(s.start_month, "2024-03");     // so is a month
  EXPECT_DOUBLE_EQ(s.legit.culture_weights[9], 0.9);
  EXPECT_DOUBLE_EQ(s.legit.culture_weights[0], Scenario{}.legit.culture_weights[0]);
  EXPECT_EQ(s.feeds.travel_agencies, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(s.enforcement.action_months, std::vector<std::int64_t>{1});
  EXPECT_CONTAINS(s.effective_toml, "persons = 2500");
}

TEST(Scenario, BadOverridesNameTheSetArgument) {
  const std::string demo(builtin_scenario("demo"));
  auto msg = error_of(demo, {"world.persons=-5"});
  EXPECT_CONTAINS(msg, "--set world.persons");
  EXPECT_CONTAINS(msg, "expected a positive integer, got -5");
  EXPECT_CONTAINS(error_of(demo, {"world.persons=lots"}), "--set world.persons");
  EXPECT_CONTAINS(error_of(demo, {"world.nope=1"}), "world.nope");
  EXPECT_CONTAINS(error_of(demo, {"nope.persons=1"}), "unknown section");
  EXPECT_CONTAINS(error_of(demo, {"world.persons"}), "KEY=VALUE");
  EXPECT_CONTAINS(error_of(demo, {"world.months=3"}), "enforcement.action_months");
}

TEST(Scenario, EffectiveTomlRoundTrips) {
  const Scenario a = parse_scenario(builtin_scenario("small"), "builtin:small",
                                    {"noise.typo=0.125", "legit.culture_weights.chinese=0.3"});
  const Scenario b = parse_scenario(a.effective_toml, "effective.toml");
  auto body = [](const std::string& t) { return t.substr(t.find('\n')); };  // skip the source line
  EXPECT_EQ(body(a.effective_toml), body(b.effective_toml));
  EXPECT_EQ(b.persons, a.persons);
  EXPECT_DOUBLE_EQ(b.noise.typo, 0.125);
  EXPECT_DOUBLE_EQ(b.organizations.same_role_factor, a.organizations.same_role_factor);
  for (const auto& key : scenario_keys()) {
    const auto dot = key.find('.');
    EXPECT_CONTAINS(a.effective_toml, "\n" + key.substr(dot + 1) + " = ") ;
  }
}

TEST(Scenario, EveryKeyIsDocumented) {
  const auto doc = std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "docs" /
                   "scenarios.md";
  std::ifstream in(doc);
  ASSERT_TRUE(in) << doc;
  std::stringstream ss;
  ss << in.rdbuf();
  for (const auto& key : scenario_keys()) EXPECT_CONTAINS(ss.str(), "`" + key + "`");
}

}  // namespace
}  // namespace ch::world
