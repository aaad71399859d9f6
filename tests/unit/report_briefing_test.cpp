// kernels/report/briefing: the page has its sections, escapes whatever the data holds, refers to
// nothing outside itself, and shows the top organizations only.
#include <gtest/gtest.h>

#include <string>

#include "kernels/report/briefing.hpp"
#include "tests/unit/count_text.hpp"

namespace {

using namespace ch::report;

using ch::test::count;

// A small assessment whose strings try to break out of the markup.
Briefing hostile_briefing() {
  Briefing b;
  b.run.scenario = "demo <b>bold</b>";
  b.run.run_dir = "/runs/a&b";
  b.run.run_hash = std::string(64, 'a');
  b.run.assessed_utc = "2025-12-31T23:59:59Z";
  b.run.program_version = "0.1.0";
  b.run.program_commit = "abc123";
  b.run.inputs = {{"records.h5", std::string(64, 'b')}};
  b.run.organization_candidates = 12;
  b.run.score_threshold = 0.5;
  for (std::int64_t id = 1; id <= 3; ++id) {
    Organization o;
    o.id = id;
    o.size = static_cast<std::uint32_t>(10 - id);
    o.clients = 40 / static_cast<std::uint64_t>(id);
    o.active_months = 3;
    o.first_seen = "2025-01";
    o.last_seen = "2025-03";
    o.main_corridors = "KBL>DXB>ATH;A<B>C>\"D\"";
    o.nationalities = "AFG;PAK";
    o.status = id == 1 ? "disrupted" : "active\"><script>alert(1)</script>";
    o.score = 0.9;
    o.cohesion = 0.2;
    b.organizations.push_back(o);
  }
  const char* roles[] = {"organizer", "recruiter", "transporter", "client"};
  for (std::uint64_t i = 0; i < 12; ++i) {
    Member m;
    m.organization = 1 + static_cast<std::int64_t>(i % 3);
    m.entity = 100 + i;
    m.name = i == 0 ? "<img src=x onerror=alert(1)>" : "O'Brien & \"Sons\"";
    m.role = roles[i % 4];
    m.evidence = "booked <3> bookings";
    m.key_actor_score = 0.1 * static_cast<double>(i % 5);
    m.arrested = i == 3;
    b.members.push_back(m);
  }
  b.ties = {{100, 103, 1.0}, {100, 106, 2.0}, {101, 104, 0.5}};
  b.have_ties = true;
  for (const char* month : {"2025-01", "2025-02", "2025-03"}) {
    b.corridors.push_back({"KBL", "DXB", "ATH", month, 10, 2, "1;2"});
    b.corridors.push_back({"A<B", "", "C&D", month, 3, 1, "3"});
    b.trends.push_back({"corridor", "KBL>DXB>ATH", month, 10});
    b.trends.push_back({"organization", "1", month, 7});
    b.trends.push_back({"nationality", "AFG", month, 5});
  }
  b.schemes = {{1, "burner_phones", 4}, {2, "cash_payment", 1}};
  Lead lead;
  lead.rank = 1;
  lead.kind = "person";
  lead.subject = "100";
  lead.name = "<img src=x onerror=alert(1)>";
  lead.reason = "organizer of <organization> 1 & co";
  lead.agency = "border_police";
  lead.issue = "document_fraud";
  lead.jurisdiction = "AFG";
  lead.organization = 1;
  lead.score = 0.8;
  b.leads = {lead};
  b.referrals = {{"border_police", "document_fraud", "100", "AFG", 1, 1}, {"interpol", "facilitator_abroad", "+44<1>", "PAK", 2, -1}};
  return b;
}

TEST(ReportBriefing, HasEverySectionAndChart) {
  auto b = hostile_briefing();
  b.have_progress = true;
  b.progress = {{1, "dissolved", "", 0.05, 10, 0, 1.0, 5, 4, 2}, {2, "split", "1;2", 0.4, 8, 6, 0.25, 9, 7, 0}};
  b.dismantling_index = 0.72;
  b.previous_run = "/runs/early";
  const auto html = render_briefing(b);
  for (const char* id : {"provenance", "summary", "organizations", "packages", "org-1", "org-2", "org-3", "corridors",
                         "trends", "progress", "leads", "referrals"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  // Organizations bar chart, 3 × (diagram + monthly line), corridor bars and flows, 3 trends,
  // 2 progress charts, referrals.
  EXPECT_EQ(count(html, "<svg"), 1u + 3u * 2u + 2u + 3u + 2u + 1u);
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_NE(html.find("0.72"), std::string::npos);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html, render_briefing(b));  // deterministic
}

TEST(ReportBriefing, EscapesDataAndReferencesNothingOutside) {
  const auto html = render_briefing(hostile_briefing());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<organization>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("O&#39;Brien &amp; &quot;Sons&quot;"), std::string::npos);
  EXPECT_NE(html.find("A&lt;B \u2192 C&amp;D"), std::string::npos);
  EXPECT_NE(html.find("/runs/a&amp;b"), std::string::npos);
  for (const char* external : {"http:", "https:", "//cdn", "src=\"", "@import", "url(", "<link", "<script"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
}

TEST(ReportBriefing, TopLimitsSectionsAndProgressNeedsAnEarlierRun) {
  auto b = hostile_briefing();
  b.top = 2;
  const auto html = render_briefing(b);
  EXPECT_NE(html.find("id=\"org-2\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"org-3\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"progress\""), std::string::npos);
  EXPECT_NE(html.find("progress is not measured"), std::string::npos);
  ASSERT_EQ(top_organizations(b).size(), 2u);
  EXPECT_EQ(top_organizations(b)[0]->id, 1);
}

TEST(ReportBriefing, APredecessorSaysWhichOrganizationItMergedInto) {
  auto b = hostile_briefing();
  b.organizations[2].status = "merged";
  b.organizations[2].merged_into = 1;
  const auto html = render_briefing(b);
  const auto section = html.substr(html.find("id=\"org-3\""));
  EXPECT_NE(section.find("status-merged"), std::string::npos);
  EXPECT_NE(section.find("merged into organization 1"), std::string::npos);
  EXPECT_EQ(html.substr(0, html.find("id=\"org-3\"")).find("merged into organization"), std::string::npos);
}

TEST(ReportBriefing, DiagramCapsMembersByKeyActorScore) {
  auto b = hostile_briefing();
  b.max_nodes = 2;
  const auto drawn = diagram_members(b, 1);  // members 100, 103, 106, 109 with scores 0, .3, .1, .4
  ASSERT_EQ(drawn.size(), 2u);
  EXPECT_EQ(drawn[0]->entity, 109u);
  EXPECT_EQ(drawn[1]->entity, 103u);
  const auto html = render_briefing(b);
  EXPECT_NE(html.find("2 of 4 members"), std::string::npos);
}

}  // namespace
