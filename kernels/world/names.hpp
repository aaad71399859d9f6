// Name tables of the naming cultures, their transliteration variants and ASCII folding.
//
// Why variants are per entry: the same spelling can be a variant of different names depending on
// the culture (Cantonese "Wong" is both Wang and Huang; "Maria" is Latin American María and
// Ukrainian Mariia), so a variant group is attached to each pool entry through its canonical
// spelling, not looked up by spelling.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ch::world {

enum Culture : std::uint8_t {
  kArabic = 0, kSouthAsianMuslim, kSouthAsian, kWestAfrican, kHornOfAfrica, kLatinAmerican,
  kEastEuropean, kChinese, kVietnamese, kAnglo, kWestEuropean, kCultureCount
};

enum class NameKind : std::uint8_t { kMale = 0, kFemale = 1, kFamily = 2 };

struct NameEntry {
  std::string utf8;   // as written in the culture's usual Latin transliteration (may have accents)
  std::string ascii;  // diacritics folded ("Nguyễn" -> "Nguyen"), as on machine-readable zones
  std::uint32_t variants_begin = 0;  // other spellings of the same name: ids in variant_ids()
  std::uint32_t variants_count = 0;
  std::uint32_t female_form;         // Slavic/Polish family names: -ski -> -ska, -ov -> -ova
};

class NameTables {
 public:
  static const NameTables& get();  // built once, immutable, shared by all Worlds and threads

  std::span<const std::uint32_t> pool(int culture, NameKind kind) const {
    return pools_[static_cast<std::size_t>(culture) * 3 + static_cast<std::size_t>(kind)];
  }
  const NameEntry& entry(std::uint32_t id) const { return entries_[id]; }
  std::span<const std::uint32_t> variants(std::uint32_t id) const {
    const auto& e = entries_[id];
    return std::span<const std::uint32_t>(variant_ids_).subspan(e.variants_begin,
                                                                e.variants_count);
  }
  std::size_t size() const { return entries_.size(); }

  // Culture traits that shape families and noise.
  static bool family_name_first(int culture) { return culture == kChinese || culture == kVietnamese; }
  static bool wife_keeps_family_name(int culture) {
    return culture == kArabic || culture == kChinese || culture == kVietnamese ||
           culture == kHornOfAfrica || culture == kLatinAmerican;
  }
  static bool double_surname(int culture) { return culture == kLatinAmerican; }
  std::span<const std::string_view> email_domains(int culture) const;

 private:
  NameTables();
  std::uint32_t add_entry(std::string_view utf8);
  std::vector<NameEntry> entries_;
  std::vector<std::uint32_t> variant_ids_;
  std::vector<std::vector<std::uint32_t>> pools_;
};

// Folds Latin letters with diacritics (Latin-1, Latin Extended-A, Vietnamese) to ASCII and drops
// combining marks; other bytes are kept. "Łukasz Wiśniewski" -> "Lukasz Wisniewski".
std::string fold_to_ascii(std::string_view utf8);

}  // namespace ch::world
