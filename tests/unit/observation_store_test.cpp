// ObservationStore: what goes in comes back through the views, field by field, whether added one
// by one, built in parallel or sent as bytes; limits are errors, not truncation.
#include <gtest/gtest.h>

#include <stdexcept>

#include "kernels/match/observation.hpp"

using namespace ch::match;

namespace {
ObservationFields full() {
  ObservationFields a;
  a.row = 1234567890123ULL;
  a.given = "Zoë";
  a.family = "Al Hassan";
  a.given_phon1 = "S";
  a.family_phon1 = "ALHS";
  a.family_phon2 = "ALXS";
  a.dob = -4321;
  a.sex = "F";
  a.nationality = "SYR";
  a.document = "N1234567";
  a.phone = "+963955000111";
  a.email = "z@example.org";
  a.extra = {"", "Damascus"};
  a.given_count = 7;
  a.family_count = 99;
  return a;
}

ObservationFields bare(std::uint64_t row) {  // all empty, no extras
  ObservationFields b;
  b.row = row;
  return b;
}

void expect_same(const ObservationView& got, const ObservationFields& want, std::size_t extras) {
  EXPECT_EQ(got.row, want.row);
  EXPECT_EQ(got.given, want.given);
  EXPECT_EQ(got.family, want.family);
  EXPECT_EQ(got.given_phon1, want.given_phon1);
  EXPECT_EQ(got.given_phon2, want.given_phon2);
  EXPECT_EQ(got.family_phon1, want.family_phon1);
  EXPECT_EQ(got.family_phon2, want.family_phon2);
  EXPECT_EQ(got.dob, want.dob);
  EXPECT_EQ(got.sex, want.sex);
  EXPECT_EQ(got.nationality, want.nationality);
  EXPECT_EQ(got.document, want.document);
  EXPECT_EQ(got.phone, want.phone);
  EXPECT_EQ(got.email, want.email);
  ASSERT_EQ(got.extra.size(), extras);  // the store's count: missing ones are empty
  for (std::size_t e = 0; e < extras; ++e)
    EXPECT_EQ(got.extra[e], e < want.extra.size() ? want.extra[e] : std::string()) << "extra " << e;
  EXPECT_EQ(got.given_count, want.given_count);
  EXPECT_EQ(got.family_count, want.family_count);
}
}  // namespace

TEST(ObservationStore, GivesBackEveryFieldAddedPaddingMissingExtras) {
  ObservationStore s(3);
  const auto a = full(), b = bare(5);
  s.push_back(a);
  s.push_back(b);
  s.push_back(a);
  ASSERT_EQ(s.size(), 3u);
  expect_same(s[0], a, 3);
  expect_same(s[1], b, 3);
  expect_same(s[2], a, 3);
  EXPECT_EQ(s.text(0, kFamilyText), "Al Hassan");
  EXPECT_EQ(s.text(2, kFixedTextFields + 1), "Damascus");
  s.set_name_counts(1, {.family = 3, .given = 4});
  EXPECT_EQ(s[1].family_count, 3u);
  EXPECT_EQ(s[1].given_count, 4u);
  EXPECT_EQ(s[0].family_count, 99u);  // the others unchanged
}

TEST(ObservationStore, BuiltInParallelEqualsAddedOneByOne) {
  std::vector<ObservationFields> in;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    auto o = i % 3 == 0 ? full() : bare(0);
    o.row = 1000 + i;
    o.given += std::to_string(i);  // every observation's text differs in length
    o.dob = static_cast<std::int32_t>(i);
    if (i % 5 == 0) o.extra = {"x" + std::to_string(i)};
    in.push_back(o);
  }
  ObservationStore one(2);
  for (const auto& o : in) one.push_back(o);
  const auto built = ObservationStore::build(
      in.size(), 2,
      [&](std::size_t i, std::size_t f) -> std::string_view {
        const auto& o = in[i];
        const std::string* fixed[] = {&o.given, &o.family, &o.given_phon1, &o.given_phon2, &o.family_phon1,
                                      &o.family_phon2, &o.sex, &o.nationality, &o.document, &o.phone, &o.email};
        if (f < kFixedTextFields) return *fixed[f];
        const auto e = f - kFixedTextFields;
        return e < o.extra.size() ? std::string_view(o.extra[e]) : std::string_view();
      },
      [&](std::size_t i) { return in[i].row; }, [&](std::size_t i) { return in[i].dob; });
  ASSERT_EQ(built.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto want = in[i];
    want.given_count = want.family_count = 0;  // build() leaves the counts for count_name_values
    expect_same(built[i], want, 2);
    if (HasFailure()) FAIL() << "observation " << i;
    EXPECT_EQ(one[i].row, built[i].row);
  }
}

TEST(ObservationStore, BytesRoundTripBackToBack) {
  ObservationStore s(2), got(2);
  const auto a = full(), b = bare(5);
  s.push_back(a);
  s.push_back(b);
  std::vector<std::byte> bytes;
  s.append_bytes(1, bytes);
  s.append_bytes(0, bytes);
  std::size_t at = got.read_bytes(bytes, 0);
  at = got.read_bytes(bytes, at);
  EXPECT_EQ(at, bytes.size());
  ASSERT_EQ(got.size(), 2u);
  expect_same(got[0], b, 2);
  expect_same(got[1], a, 2);
  // A cut record is an error, not a short observation, and adds nothing.
  bytes.resize(bytes.size() - 1);
  ObservationStore rest(2);
  at = rest.read_bytes(bytes, 0);
  EXPECT_THROW(rest.read_bytes(bytes, at), std::out_of_range);
  EXPECT_EQ(rest.size(), 1u);
  rest.push_back(b);
  expect_same(rest[1], b, 2);
}

TEST(ObservationStore, RefusesWhatItCannotHold) {
  ObservationStore s(1);
  auto a = full();  // two extras
  EXPECT_THROW(s.push_back(a), std::invalid_argument);
  a.extra.clear();
  a.family.assign(70000, 'x');  // past the 2-byte field ends
  EXPECT_THROW(s.push_back(a), std::length_error);
  EXPECT_TRUE(s.empty());
  s.push_back(bare(3));
  expect_same(s[0], bare(3), 1);
  const auto built = [&] {
    return ObservationStore::build(
        1, 0, [&](std::size_t, std::size_t f) { return f == kFamilyText ? std::string_view(a.family) : std::string_view(); },
        [](std::size_t) { return std::uint64_t{9}; }, [](std::size_t) { return kMissingDate; });
  };
  EXPECT_THROW(built(), std::length_error);
}
