// kernels/text/normalize: the normalized forms stored beside raw values.
#include <gtest/gtest.h>

#include "kernels/text/normalize.hpp"

using namespace ch::text;

TEST(Normalize, NamesFoldCaseAndPunctuation) {
  EXPECT_EQ(normalize_name("  José-María  D'Souza "), "jose maria dsouza");
  EXPECT_EQ(normalize_name("O'BRIEN"), normalize_name("obrien"));
  EXPECT_EQ(normalize_name("MÜLLER"), "muller");
  EXPECT_EQ(normalize_name("Łukasz"), "lukasz");
  EXPECT_EQ(normalize_name("J.R.R. Tolkien"), "j r r tolkien");
  EXPECT_EQ(normalize_name("Мухаммед"), "muhammed");
  EXPECT_EQ(normalize_name("...!"), "");
  EXPECT_EQ(normalize_name(""), "");
  const auto tokens = name_tokens("jose maria dsouza");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[2], "dsouza");
}

TEST(Normalize, IdentifiersCodesAndEmail) {
  EXPECT_EQ(normalize_identifier("ab-123 456"), "AB123456");
  EXPECT_EQ(normalize_identifier(" x/y.z "), "XYZ");
  EXPECT_EQ(normalize_identifier("Ø123"), "O123");
  EXPECT_EQ(normalize_code(" pak "), "PAK");
  // The buffered form views its input when that is already a code, else the buffer.
  std::string buf;
  const std::string_view usa = "USA";
  EXPECT_EQ(normalize_code(usa, buf).data(), usa.data());
  EXPECT_EQ(normalize_code(" pak ", buf), "PAK");
  EXPECT_EQ(normalize_code("Pak", buf), "PAK");
  EXPECT_EQ(normalize_code("PAK ", buf), "PAK");
  EXPECT_EQ(normalize_code("Ö", buf), "O");
  EXPECT_EQ(normalize_email("  Jose@Example.COM "), "jose@example.com");
  EXPECT_EQ(trim(" \t a b \r\n"), "a b");
}

TEST(Normalize, Sex) {
  EXPECT_EQ(normalize_sex("m"), std::optional<std::string>("M"));
  EXPECT_EQ(normalize_sex("Female"), std::optional<std::string>("F"));
  EXPECT_EQ(normalize_sex("X"), std::optional<std::string>("X"));
  EXPECT_EQ(normalize_sex(""), std::optional<std::string>(""));
  EXPECT_FALSE(normalize_sex("banana"));
}

TEST(Normalize, SplitFullName) {
  auto s = split_full_name("Anna Maria Kowalska", NameOrder::kGivenFirst);
  EXPECT_EQ(s.given, "Anna Maria");
  EXPECT_EQ(s.family, "Kowalska");
  s = split_full_name("KIM Min-jun", NameOrder::kFamilyFirst);
  EXPECT_EQ(s.given, "Min-jun");
  EXPECT_EQ(s.family, "KIM");
  s = split_full_name("Kowalska, Anna", NameOrder::kGivenFirst);  // a comma overrides the order
  EXPECT_EQ(s.given, "Anna");
  EXPECT_EQ(s.family, "Kowalska");
  s = split_full_name("Madonna", NameOrder::kGivenFirst);
  EXPECT_EQ(s.given, "");
  EXPECT_EQ(s.family, "Madonna");
}

TEST(Normalize, PartnerCodes) {
  EXPECT_EQ(normalize_partners(""), std::optional<std::string>(""));
  EXPECT_EQ(normalize_partners("Interpol; europol;;INTERPOL"), std::optional<std::string>("europol;interpol"));
  EXPECT_EQ(normalize_partners("frontex"), std::optional<std::string>("frontex"));
  std::string bad;
  EXPECT_FALSE(normalize_partners("interpol;nato", &bad));
  EXPECT_EQ(bad, "nato");
}
