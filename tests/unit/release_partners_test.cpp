#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kernels/error.hpp"
#include "kernels/release/csv_cell.hpp"
#include "kernels/release/partners.hpp"

namespace {

using ch::release::parse_partners;

std::string message_of(const std::string& toml) {
  try {
    parse_partners(toml, "p.toml");
  } catch (const ch::UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(ReleasePartners, BuiltinHasTheThreePartnersAndMatchesTheExampleFile) {
  const auto policy = parse_partners(ch::release::builtin_partners_toml(), "built-in");
  ASSERT_EQ(policy.partners.size(), 3u);
  EXPECT_EQ(policy.partners.at("europol").name, "Europol");
  EXPECT_FALSE(policy.allow_out_outside_run);
  EXPECT_EQ(policy.out_dir, "partner");
  const auto example = std::filesystem::path(__FILE__).parent_path() / "../../examples/partners.toml";
  std::ifstream in(example);
  ASSERT_TRUE(in) << example;
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), ch::release::builtin_partners_toml()) << "examples/partners.toml drifted from the built-in table";
}

TEST(ReleasePartners, NewPartnerNeedsNoCode) {
  const auto policy = parse_partners("[partner.acme_police]\nname = \"ACME\"\nrule_version = \"1\"\n", "p.toml");
  const auto& p = policy.partners.at("acme_police");
  EXPECT_TRUE(p.may_receive("acme_police;europol", "travel", "police"));
  EXPECT_FALSE(p.may_receive("europol", "travel", "police"));
  EXPECT_TRUE(p.receives_table("edges"));
}

TEST(ReleasePartners, HandlingCodeMatchesWholeCodesOnly) {
  EXPECT_TRUE(ch::release::lists_partner("europol;frontex", "frontex"));
  EXPECT_TRUE(ch::release::lists_partner("interpol;europol;frontex", "europol"));
  EXPECT_FALSE(ch::release::lists_partner("", "europol"));
  EXPECT_FALSE(ch::release::lists_partner("europol2", "europol"));
  EXPECT_FALSE(ch::release::lists_partner("xeuropol;frontex", "europol"));
}

TEST(ReleasePartners, SourcesAgenciesAndTablesNarrowTheRule) {
  const auto policy = parse_partners(
      "[partner.europol]\nsources = [\"travel\"]\nagencies = [\"police\"]\ntables = [\"entities\"]\n", "p.toml");
  const auto& p = policy.partners.at("europol");
  EXPECT_TRUE(p.may_receive("europol", "travel", "police"));
  EXPECT_FALSE(p.may_receive("europol", "calls", "police"));
  EXPECT_FALSE(p.may_receive("europol", "travel", "customs"));
  EXPECT_TRUE(p.receives_table("entities"));
  EXPECT_FALSE(p.receives_table("edges"));
}

TEST(ReleasePartners, BadFilesNameTheKeyAndValue) {
  EXPECT_NE(message_of("[partner.europol]\nnmae = \"x\"\n").find("partner.europol.nmae"), std::string::npos);
  EXPECT_NE(message_of("[partner.\"../x\"]\n").find("../x"), std::string::npos);
  EXPECT_NE(message_of("[release]\nout_dir = \"../up\"\n[partner.a]\n").find("release.out_dir"), std::string::npos);
  EXPECT_NE(message_of("[release]\nout_dir = \"/abs\"\n[partner.a]\n").find("/abs"), std::string::npos);
  EXPECT_NE(message_of("[partner.a]\nname = \"" + std::string(300, 'x') + "\"\n").find("partner.a.name"),
            std::string::npos);
  EXPECT_NE(message_of("[partner.a]\ntables = [\"secrets\"]\n").find("secrets"), std::string::npos);
  EXPECT_NE(message_of("[partners.a]\n").find("partners"), std::string::npos);
  EXPECT_NE(message_of("[release]\n").find("partner"), std::string::npos);
  EXPECT_NE(message_of("[partner.a\n").find("p.toml"), std::string::npos);
}

TEST(ReleasePartners, PartnerCodesAndPaths) {
  EXPECT_TRUE(ch::release::valid_partner_code("europol"));
  EXPECT_FALSE(ch::release::valid_partner_code("../x"));
  EXPECT_FALSE(ch::release::valid_partner_code("Europol"));
  EXPECT_FALSE(ch::release::valid_partner_code(""));
  EXPECT_FALSE(ch::release::valid_partner_code(std::string(33, 'a')));
  EXPECT_THROW(ch::release::check_user_path("--out", "a/../b.h5"), ch::UsageError);
  EXPECT_THROW(ch::release::check_user_path("--out", ".."), ch::UsageError);
  EXPECT_THROW(ch::release::check_user_path("--out", std::string(5000, 'a')), ch::UsageError);
  EXPECT_NO_THROW(ch::release::check_user_path("--out", "run/partner/..x.h5"));
}

TEST(ReleaseCsv, FormulaCellsAreQuotedPerOwasp) {
  using ch::release::csv_text_cell;
  EXPECT_EQ(csv_text_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  EXPECT_EQ(csv_text_cell("+4930123"), "'+4930123");
  EXPECT_EQ(csv_text_cell("-2+3"), "'-2+3");
  EXPECT_EQ(csv_text_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_text_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_text_cell("=1,2"), "\"'=1,2\"");
  EXPECT_EQ(csv_text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_text_cell("anna"), "anna");
  EXPECT_EQ(csv_text_cell(""), "");
}

}  // namespace
