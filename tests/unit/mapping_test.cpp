// Mapping files and [ingest] options: what parses, and that every error names the key, the
// column or the file it is about.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "jobs/ingest.hpp"
#include "jobs/ingest_mapping.hpp"
#include "kernels/error.hpp"
#include "kernels/text/date.hpp"

using namespace ch::jobs::ingestion;
namespace fs = std::filesystem;

namespace {

// The message of the UsageError that `f` throws ("" if it throws none).
template <class F>
std::string usage_error(F f) {
  try {
    f();
  } catch (const ch::UsageError& e) {
    return e.what();
  }
  return "";
}

const char* kPeople = R"(
[source]
name = "registry"
delimiter = ";"
phone_country_code = "61"

[constants]
agency = "registry"

[fields]
record_id = "ID"
full_name = { column = "Name", order = "family_first" }
date_of_birth = { column = "Born", format = "%d/%m/%Y", on_invalid = "blank" }
phone = "Tel"

[extras.district]
column = "District"
type = "category"
)";

}  // namespace

TEST(Mapping, ParsesFieldsConstantsAndExtras) {
  auto s = parse_mapping(kPeople, "people.toml", "people.csv");
  EXPECT_EQ(s.name, "registry");
  EXPECT_EQ(s.dialect.delimiter, ';');
  EXPECT_EQ(s.phone_country_code, "61");
  EXPECT_EQ(s.spec(Field::kFullName).order, ch::text::NameOrder::kFamilyFirst);
  EXPECT_EQ(s.spec(Field::kDateOfBirth).format, "%d/%m/%Y");
  EXPECT_EQ(s.spec(Field::kDateOfBirth).on_invalid, OnInvalid::kBlank);
  EXPECT_TRUE(s.spec(Field::kAgency).has_constant);
  ASSERT_EQ(s.extras.size(), 1u);
  EXPECT_EQ(s.extras[0].type, ExtraType::kCategory);
  bind_header(s, {"ID", "Name", "Born", "Tel", "District"});
  EXPECT_EQ(s.spec(Field::kDateOfBirth).index, 2);
  EXPECT_EQ(s.extras[0].index, 4);
}

TEST(Mapping, RowsOfAMappedCsv) {
  auto s = parse_mapping(kPeople, "people.toml", "people.csv");
  bind_header(s, {"ID", "Name", "Born", "Tel", "District"});
  std::vector<Source> all{s};
  assign_extra_slots(all);
  Limits limits;
  limits.today = ch::text::days_from_civil(2025, 1, 1);
  limits.extra_slots = 1;
  const std::string data = "1;KOWALSKA Anna;3/4/1990;0412 345 678;North\n2;LEE Min;31/02/1990;;South\n";
  const auto spans = ch::io::split_records(data, '"', 2);
  Batch out;
  out.counts.resize(1);
  process_records(all[0], 0, limits, 0, data, spans, 0, spans.size(), 0, false, out);
  ASSERT_EQ(out.obs.rows(), 2u);
  EXPECT_EQ(out.obs.text[kObsFamilyName][0], "kowalska");
  EXPECT_EQ(out.obs.text[kObsGivenName][0], "anna");
  EXPECT_EQ(out.obs.text[kObsDob][0], "1990-04-03");
  EXPECT_EQ(out.obs.text[kObsPhone][0], "+61412345678");
  EXPECT_EQ(out.obs.text[kObsAgency][0], "registry");
  EXPECT_EQ(out.obs.extras[0][1], "SOUTH");
  EXPECT_EQ(out.obs.extras[1][1], "South");
  // 31/02 is no date: blanked under on_invalid = "blank", the raw value kept, the flag set.
  EXPECT_EQ(out.obs.text[kObsDob][1], "");
  EXPECT_EQ(out.obs.text[kObsDobRaw][1], "31/02/1990");
  EXPECT_EQ(out.obs.flags[1], kFlagDobBlanked);
}

TEST(Mapping, ErrorsNameTheKey) {
  auto err = [](const std::string& text) {
    return usage_error([&] { parse_mapping(text, "m.toml", "x.csv"); });
  };
  EXPECT_NE(err("[fields]\nrecord_id = \"id\"\ndob = \"born\"\n").find("'fields.dob'"), std::string::npos);
  EXPECT_NE(err("[fields]\nrecord_id = \"id\"\n[colour]\n").find("'colour'"), std::string::npos);
  EXPECT_NE(err("[source]\nseparator = \";\"\n[fields]\nrecord_id = \"id\"\n").find("'source.separator'"),
            std::string::npos);
  EXPECT_NE(err("[fields]\nrecord_id = \"id\"\ndate_of_birth = { column = \"b\", on_invalid = \"drop\" }\n")
                .find("fields.date_of_birth.on_invalid"),
            std::string::npos);
  EXPECT_NE(err("[fields]\nrecord_id = \"id\"\ndate_of_birth = { column = \"b\", format = \"%Y-%q\" }\n")
                .find("%q"),
            std::string::npos);
  EXPECT_NE(err("[fields]\ngiven_name = \"g\"\n").find("fields.record_id"), std::string::npos);
  EXPECT_NE(err("[extras.x]\ncolumn = \"c\"\ntype = \"colour\"\n").find("extras.x.type"), std::string::npos);
  EXPECT_NE(err("not toml [").find("m.toml"), std::string::npos);
  for (const auto& e : {err("[fields]\nrecord_id = \"id\"\ndob = \"born\"\n"), err("not toml [")})
    EXPECT_EQ(e.rfind("m.toml", 0), 0u) << e;  // every message starts with the mapping file
}

TEST(Mapping, MissingColumnNamesColumnAndFile) {
  auto s = parse_mapping(kPeople, "people.toml", "/data/people.csv");
  const auto e = usage_error([&] { bind_header(s, {"ID", "Name", "Born", "Tel"}); });
  EXPECT_NE(e.find("'District'"), std::string::npos) << e;
  EXPECT_NE(e.find("/data/people.csv"), std::string::npos) << e;
  EXPECT_NE(e.find("extras.district"), std::string::npos) << e;
  Source travel = feed_source(SourceKind::kTravel, "feeds/travel.csv");
  const auto t = usage_error([&] { bind_header(travel, {"record_id", "agency"}); });
  EXPECT_NE(t.find("feeds/travel.csv"), std::string::npos) << t;
}

TEST(Mapping, ExtraTypesMustAgreeAcrossSources) {
  auto a = parse_mapping("[fields]\nrecord_id = \"id\"\n[extras.k]\ncolumn = \"k\"\ntype = \"text\"\n", "a.toml", "a.csv");
  auto b = parse_mapping("[fields]\nrecord_id = \"id\"\n[extras.k]\ncolumn = \"k\"\ntype = \"date\"\n", "b.toml", "b.csv");
  std::vector<Source> both{a, b};
  const auto e = usage_error([&] { assign_extra_slots(both); });
  EXPECT_NE(e.find("extras.k"), std::string::npos) << e;
}

TEST(Mapping, ShippedFebrlMappingParses) {
  const fs::path source_dir = fs::path(__FILE__).parent_path().parent_path().parent_path();
  std::ifstream in(source_dir / "examples" / "febrl.toml");
  ASSERT_TRUE(in) << "examples/febrl.toml";
  std::stringstream text;
  text << in.rdbuf();
  auto s = parse_mapping(text.str(), "examples/febrl.toml", "dataset1.csv");
  EXPECT_TRUE(s.dialect.trim_spaces);
  bind_header(s, {"rec_id", "given_name", "surname", "street_number", "address_1", "address_2",
                  "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"});
  EXPECT_EQ(s.spec(Field::kFamilyName).index, 2);
  EXPECT_EQ(s.spec(Field::kDateOfBirth).format, "%Y%m%d");
}

TEST(IngestOptions, KeysValuesAndUnknownKeys) {
  const auto o = ch::jobs::ingest_options({"ingest.max_bad_fraction=0.25", "ingest.max_field_bytes=64",
                                           "ingest.reference_date=2025-01-31"});
  EXPECT_DOUBLE_EQ(o.max_bad_fraction, 0.25);
  EXPECT_EQ(o.max_field_bytes, 64u);
  EXPECT_EQ(o.reference_date, "2025-01-31");
  EXPECT_NE(usage_error([] { ch::jobs::ingest_options({"ingest.max_bad_fractoin=0.1"}); })
                .find("ingest.max_bad_fractoin"),
            std::string::npos);
  EXPECT_NE(usage_error([] { ch::jobs::ingest_options({"ingest.max_bad_fraction=lots"}); })
                .find("ingest.max_bad_fraction"),
            std::string::npos);
  EXPECT_NE(usage_error([] { ch::jobs::ingest_options({"ingest.max_bad_fraction=1.5"}); }), "");
  EXPECT_NE(ch::jobs::ingest_options_toml(o).find("max_bad_fraction = 0.25"), std::string::npos);
}
