// Double Metaphone phonetic keys (Lawrence Philips, "The Double Metaphone Search Algorithm",
// C/C++ Users Journal 18(6), June 2000). Implemented from the rules as published there: a
// primary key for the most likely English pronunciation and an alternate for a common foreign
// one (Slavic, Germanic, Romance, Greek, Chinese spellings of names), so that "Schmidt" and
// "Smith", "Mohammed" and "Muhammad", "Jose" and "Hose", "Czerny" and "Cherny" meet.
//
// Input is a name token already folded to ASCII (fold_to_ascii); case does not matter and
// characters other than letters are ignored. Keys are at most `max_length` characters (4 in the
// paper). O(length of the word).
#pragma once

#include <string>
#include <string_view>

namespace ch::text {

struct PhoneticKey {
  std::string primary;
  std::string alternate;  // equals primary when the word has no alternate pronunciation
};

PhoneticKey double_metaphone(std::string_view word, std::size_t max_length = 4);

// Keys of every token of a normalized (space-separated) name, joined by single spaces:
// "jose maria" → {"HS MR", "HS MR"}.
PhoneticKey double_metaphone_name(std::string_view normalized_name, std::size_t max_length = 4);

}  // namespace ch::text
