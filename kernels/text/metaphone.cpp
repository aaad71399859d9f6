#include "kernels/text/metaphone.hpp"

#include <initializer_list>

namespace ch::text {
namespace {

// The rule engine of the paper: a cursor over the upper-cased word padded with spaces (so
// look-ahead past the end sees ' '), and two keys that grow together unless a rule gives an
// alternate.
class Encoder {
 public:
  Encoder(std::string_view word, std::size_t max_length) : max_(max_length) {
    for (char c : word) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c >= 'A' && c <= 'Z') w_.push_back(c);
    }
    length_ = static_cast<int>(w_.size());
    last_ = length_ - 1;
    w_.append("     ");
  }

  PhoneticKey run();

 private:
  char at(int i) const { return (i < 0 || i >= static_cast<int>(w_.size())) ? '\0' : w_[static_cast<std::size_t>(i)]; }
  bool is_vowel(int i) const {
    if (i < 0 || i >= length_) return false;
    const char c = w_[static_cast<std::size_t>(i)];
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y';
  }
  // True when the `n` characters at `start` equal one of `options`.
  bool string_at(int start, int n, std::initializer_list<std::string_view> options) const {
    if (start < 0 || start + n > static_cast<int>(w_.size())) return false;
    const std::string_view here(w_.data() + start, static_cast<std::size_t>(n));
    for (auto o : options)
      if (o == here) return true;
    return false;
  }
  bool slavo_germanic() const {
    const std::string_view s(w_.data(), static_cast<std::size_t>(length_));
    return s.find('W') != std::string_view::npos || s.find('K') != std::string_view::npos ||
           s.find("CZ") != std::string_view::npos || s.find("WITZ") != std::string_view::npos;
  }
  void add(std::string_view main) { add(main, main); }
  void add(std::string_view main, std::string_view alt) {
    primary_.append(main);
    alternate_.append(alt == " " ? std::string_view() : alt);
  }
  bool germanic_prefix() const { return string_at(0, 4, {"VAN ", "VON "}) || string_at(0, 3, {"SCH"}); }

  void letter_c(int& cur);
  void letter_g(int& cur);
  void letter_j(int& cur);
  void letter_s(int& cur);

  std::string w_;
  int length_ = 0, last_ = -1;
  std::size_t max_;
  std::string primary_, alternate_;
};

void Encoder::letter_c(int& cur) {
  // Germanic "-ach-" as in "bacher", "macher": a hard K.
  if (cur > 1 && !is_vowel(cur - 2) && string_at(cur - 1, 3, {"ACH"}) && at(cur + 2) != 'I' &&
      (at(cur + 2) != 'E' || string_at(cur - 2, 6, {"BACHER", "MACHER"}))) {
    add("K");
    cur += 2;
    return;
  }
  if (cur == 0 && string_at(cur, 6, {"CAESAR"})) {
    add("S");
    cur += 2;
    return;
  }
  if (string_at(cur, 4, {"CHIA"})) {  // Italian "chianti"
    add("K");
    cur += 2;
    return;
  }
  if (string_at(cur, 2, {"CH"})) {
    if (cur > 0 && string_at(cur, 4, {"CHAE"})) {  // "michael"
      add("K", "X");
      cur += 2;
      return;
    }
    // Greek roots at the start: "chemistry", "chorus", but not "chore".
    if (cur == 0 && (string_at(cur + 1, 5, {"HARAC", "HARIS"}) ||
                     string_at(cur + 1, 3, {"HOR", "HYM", "HIA", "HEM"})) &&
        !string_at(0, 5, {"CHORE"})) {
      add("K");
      cur += 2;
      return;
    }
    // Germanic or Greek "ch" for a "kh" sound: "architect", "orchestra", "wachtler".
    if (germanic_prefix() || string_at(cur - 2, 6, {"ORCHES", "ARCHIT", "ORCHID"}) ||
        string_at(cur + 2, 1, {"T", "S"}) ||
        ((string_at(cur - 1, 1, {"A", "O", "U", "E"}) || cur == 0) &&
         string_at(cur + 2, 1, {"L", "R", "N", "M", "B", "H", "F", "V", "W", " "}))) {
      add("K");
    } else if (cur > 0) {
      if (string_at(0, 2, {"MC"})) add("K");  // "McHugh"
      else add("X", "K");
    } else {
      add("X");
    }
    cur += 2;
    return;
  }
  if (string_at(cur, 2, {"CZ"}) && !string_at(cur - 2, 4, {"WICZ"})) {  // "czerny"
    add("S", "X");
    cur += 2;
    return;
  }
  if (string_at(cur + 1, 3, {"CIA"})) {  // "focaccia"
    add("X");
    cur += 3;
    return;
  }
  if (string_at(cur, 2, {"CC"}) && !(cur == 1 && at(0) == 'M')) {  // not "McClellan"
    if (string_at(cur + 2, 1, {"I", "E", "H"}) && !string_at(cur + 2, 2, {"HU"})) {
      // "accident", "succeed" vs. Italian "bacci", "bertucci"
      if ((cur == 1 && at(cur - 1) == 'A') || string_at(cur - 1, 5, {"UCCEE", "UCCES"})) add("KS");
      else add("X");
      cur += 3;
      return;
    }
    add("K");  // Pierce's rule
    cur += 2;
    return;
  }
  if (string_at(cur, 2, {"CK", "CG", "CQ"})) {
    add("K");
    cur += 2;
    return;
  }
  if (string_at(cur, 2, {"CI", "CE", "CY"})) {
    if (string_at(cur, 3, {"CIO", "CIE", "CIA"})) add("S", "X");  // Italian vs. English
    else add("S");
    cur += 2;
    return;
  }
  add("K");
  if (string_at(cur + 1, 2, {" C", " Q", " G"})) cur += 3;  // "mac caffrey", "mac gregor"
  else if (string_at(cur + 1, 1, {"C", "K", "Q"}) && !string_at(cur + 1, 2, {"CE", "CI"})) cur += 2;
  else cur += 1;
}

void Encoder::letter_g(int& cur) {
  if (at(cur + 1) == 'H') {
    if (cur > 0 && !is_vowel(cur - 1)) {
      add("K");
      cur += 2;
      return;
    }
    if (cur == 0) {  // "ghislane", "ghiradelli"
      add(at(cur + 2) == 'I' ? "J" : "K");
      cur += 2;
      return;
    }
    // Parker's rule: silent in "hugh", "bough", "broughton".
    if ((cur > 1 && string_at(cur - 2, 1, {"B", "H", "D"})) ||
        (cur > 2 && string_at(cur - 3, 1, {"B", "H", "D"})) ||
        (cur > 3 && string_at(cur - 4, 1, {"B", "H"}))) {
      cur += 2;
      return;
    }
    // "laugh", "McLaughlin", "cough", "rough", "tough"
    if (cur > 2 && at(cur - 1) == 'U' && string_at(cur - 3, 1, {"C", "G", "L", "R", "T"})) add("F");
    else if (cur > 0 && at(cur - 1) != 'I') add("K");
    cur += 2;
    return;
  }
  if (at(cur + 1) == 'N') {
    if (cur == 1 && is_vowel(0) && !slavo_germanic()) add("KN", "N");
    else if (!string_at(cur + 2, 2, {"EY"}) && at(cur + 1) != 'Y' && !slavo_germanic()) add("N", "KN");  // not "cagney"
    else add("KN");
    cur += 2;
    return;
  }
  if (string_at(cur + 1, 2, {"LI"}) && !slavo_germanic()) {  // "tagliaro"
    add("KL", "L");
    cur += 2;
    return;
  }
  // -ges-, -gep-, -gel-, -gie- at the beginning
  if (cur == 0 && (at(cur + 1) == 'Y' || string_at(cur + 1, 2, {"ES", "EP", "EB", "EL", "EY", "IB",
                                                                 "IL", "IN", "IE", "EI", "ER"}))) {
    add("K", "J");
    cur += 2;
    return;
  }
  // -ger-, -gy-
  if ((string_at(cur + 1, 2, {"ER"}) || at(cur + 1) == 'Y') &&
      !string_at(0, 6, {"DANGER", "RANGER", "MANGER"}) && !string_at(cur - 1, 1, {"E", "I"}) &&
      !string_at(cur - 1, 3, {"RGY", "OGY"})) {
    add("K", "J");
    cur += 2;
    return;
  }
  // Italian "biaggi"
  if (string_at(cur + 1, 1, {"E", "I", "Y"}) || string_at(cur - 1, 4, {"AGGI", "OGGI"})) {
    if (germanic_prefix() || string_at(cur + 1, 2, {"ET"})) add("K");
    else if (string_at(cur + 1, 4, {"IER "})) add("J");  // French ending: always soft
    else add("J", "K");
    cur += 2;
    return;
  }
  cur += at(cur + 1) == 'G' ? 2 : 1;
  add("K");
}

void Encoder::letter_j(int& cur) {
  // Spanish "jose", "san jacinto"
  if (string_at(cur, 4, {"JOSE"}) || string_at(0, 4, {"SAN "})) {
    if ((cur == 0 && at(cur + 4) == ' ') || string_at(0, 4, {"SAN "})) add("H");
    else add("J", "H");
    cur += 1;
    return;
  }
  if (cur == 0 && !string_at(cur, 4, {"JOSE"})) {
    add("J", "A");  // Yankelovich / Jankelowicz
  } else if (is_vowel(cur - 1) && !slavo_germanic() && (at(cur + 1) == 'A' || at(cur + 1) == 'O')) {
    add("J", "H");  // Spanish "bajador"
  } else if (cur == last_) {
    add("J", " ");
  } else if (!string_at(cur + 1, 1, {"L", "T", "K", "S", "N", "M", "B", "Z"}) &&
             !string_at(cur - 1, 1, {"S", "K", "L"})) {
    add("J");
  }
  cur += at(cur + 1) == 'J' ? 2 : 1;
}

void Encoder::letter_s(int& cur) {
  if (string_at(cur - 1, 3, {"ISL", "YSL"})) {  // "island", "carlisle"
    cur += 1;
    return;
  }
  if (cur == 0 && string_at(cur, 5, {"SUGAR"})) {
    add("X", "S");
    cur += 1;
    return;
  }
  if (string_at(cur, 2, {"SH"})) {
    if (string_at(cur + 1, 4, {"HEIM", "HOEK", "HOLM", "HOLZ"})) add("S");  // Germanic
    else add("X");
    cur += 2;
    return;
  }
  if (string_at(cur, 3, {"SIO", "SIA"}) || string_at(cur, 4, {"SIAN"})) {  // Italian, Armenian
    if (!slavo_germanic()) add("S", "X");
    else add("S");
    cur += 3;
    return;
  }
  // "smith" meets "schmidt", "snider" meets "schneider"; Slavic -sz-
  if ((cur == 0 && string_at(cur + 1, 1, {"M", "N", "L", "W"})) || string_at(cur + 1, 1, {"Z"})) {
    add("S", "X");
    cur += string_at(cur + 1, 1, {"Z"}) ? 2 : 1;
    return;
  }
  if (string_at(cur, 2, {"SC"})) {
    if (at(cur + 2) == 'H') {  // Schlesinger's rule
      if (string_at(cur + 3, 2, {"OO", "ER", "EN", "UY", "ED", "EM"})) {  // Dutch "school"
        if (string_at(cur + 3, 2, {"ER", "EN"})) add("X", "SK");  // "schermerhorn"
        else add("SK");
      } else if (cur == 0 && !is_vowel(3) && at(3) != 'W') {
        add("X", "S");
      } else {
        add("X");
      }
      cur += 3;
      return;
    }
    if (string_at(cur + 2, 1, {"I", "E", "Y"})) add("S");
    else add("SK");
    cur += 3;
    return;
  }
  if (cur == last_ && string_at(cur - 2, 2, {"AI", "OI"})) add("", "S");  // French "resnais"
  else add("S");
  cur += string_at(cur + 1, 1, {"S", "Z"}) ? 2 : 1;
}

PhoneticKey Encoder::run() {
  int cur = 0;
  if (length_ == 0) return {};
  if (string_at(0, 2, {"GN", "KN", "PN", "WR", "PS"})) cur += 1;  // silent first letter
  if (at(0) == 'X') {  // "Xavier"
    add("S");
    cur += 1;
  }
  while ((primary_.size() < max_ || alternate_.size() < max_) && cur < length_) {
    const char c = at(cur);
    switch (c) {
      case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
        if (cur == 0) add("A");  // every initial vowel maps to A
        cur += 1;
        break;
      case 'B':
        add("P");
        cur += at(cur + 1) == 'B' ? 2 : 1;
        break;
      case 'C': letter_c(cur); break;
      case 'D':
        if (string_at(cur, 2, {"DG"})) {
          if (string_at(cur + 2, 1, {"I", "E", "Y"})) {  // "edge"
            add("J");
            cur += 3;
          } else {  // "edgar"
            add("TK");
            cur += 2;
          }
          break;
        }
        add("T");
        cur += string_at(cur, 2, {"DT", "DD"}) ? 2 : 1;
        break;
      case 'F':
        cur += at(cur + 1) == 'F' ? 2 : 1;
        add("F");
        break;
      case 'G': letter_g(cur); break;
      case 'H':
        // kept only at the start or between vowels, before a vowel
        if ((cur == 0 || is_vowel(cur - 1)) && is_vowel(cur + 1)) {
          add("H");
          cur += 2;
        } else {
          cur += 1;
        }
        break;
      case 'J': letter_j(cur); break;
      case 'K':
        cur += at(cur + 1) == 'K' ? 2 : 1;
        add("K");
        break;
      case 'L':
        if (at(cur + 1) == 'L') {
          // Spanish "cabrillo", "gallegos"
          if ((cur == length_ - 3 && string_at(cur - 1, 4, {"ILLO", "ILLA", "ALLE"})) ||
              ((string_at(last_ - 1, 2, {"AS", "OS"}) || string_at(last_, 1, {"A", "O"})) &&
               string_at(cur - 1, 4, {"ALLE"}))) {
            add("L", " ");
            cur += 2;
            break;
          }
          cur += 2;
        } else {
          cur += 1;
        }
        add("L");
        break;
      case 'M':
        if ((string_at(cur - 1, 3, {"UMB"}) && (cur + 1 == last_ || string_at(cur + 2, 2, {"ER"}))) ||
            at(cur + 1) == 'M')
          cur += 2;
        else
          cur += 1;
        add("M");
        break;
      case 'N':
        cur += at(cur + 1) == 'N' ? 2 : 1;
        add("N");
        break;
      case 'P':
        if (at(cur + 1) == 'H') {
          add("F");
          cur += 2;
          break;
        }
        cur += string_at(cur + 1, 1, {"P", "B"}) ? 2 : 1;  // "campbell", "raspberry"
        add("P");
        break;
      case 'Q':
        cur += at(cur + 1) == 'Q' ? 2 : 1;
        add("K");
        break;
      case 'R':
        // French "rogier", but not "hochmeier"
        if (cur == last_ && !slavo_germanic() && string_at(cur - 2, 2, {"IE"}) &&
            !string_at(cur - 4, 2, {"ME", "MA"}))
          add("", "R");
        else
          add("R");
        cur += at(cur + 1) == 'R' ? 2 : 1;
        break;
      case 'S': letter_s(cur); break;
      case 'T':
        if (string_at(cur, 4, {"TION"}) || string_at(cur, 3, {"TIA", "TCH"})) {
          add("X");
          cur += 3;
          break;
        }
        if (string_at(cur, 2, {"TH"}) || string_at(cur, 3, {"TTH"})) {
          // "thomas", "thames", or Germanic
          if (string_at(cur + 2, 2, {"OM", "AM"}) || germanic_prefix()) add("T");
          else add("0", "T");
          cur += 2;
          break;
        }
        cur += string_at(cur + 1, 1, {"T", "D"}) ? 2 : 1;
        add("T");
        break;
      case 'V':
        cur += at(cur + 1) == 'V' ? 2 : 1;
        add("F");
        break;
      case 'W':
        if (string_at(cur, 2, {"WR"})) {
          add("R");
          cur += 2;
          break;
        }
        if (cur == 0 && (is_vowel(cur + 1) || string_at(cur, 2, {"WH"}))) {
          if (is_vowel(cur + 1)) add("A", "F");  // "Wasserman" meets "Vasserman"
          else add("A");
        }
        // "Arnow" meets "Arnoff"
        if ((cur == last_ && is_vowel(cur - 1)) ||
            string_at(cur - 1, 5, {"EWSKI", "EWSKY", "OWSKI", "OWSKY"}) || string_at(0, 3, {"SCH"})) {
          add("", "F");
          cur += 1;
          break;
        }
        if (string_at(cur, 4, {"WICZ", "WITZ"})) {  // Polish "filipowicz"
          add("TS", "FX");
          cur += 4;
          break;
        }
        cur += 1;
        break;
      case 'X':
        // French "breaux"
        if (!(cur == last_ && (string_at(cur - 3, 3, {"IAU", "EAU"}) || string_at(cur - 2, 2, {"AU", "OU"}))))
          add("KS");
        cur += string_at(cur + 1, 1, {"C", "X"}) ? 2 : 1;
        break;
      case 'Z':
        if (at(cur + 1) == 'H') {  // Chinese pinyin "zhao"
          add("J");
          cur += 2;
          break;
        }
        if (string_at(cur + 1, 2, {"ZO", "ZI", "ZA"}) ||
            (slavo_germanic() && cur > 0 && at(cur - 1) != 'T'))
          add("S", "TS");
        else
          add("S");
        cur += at(cur + 1) == 'Z' ? 2 : 1;
        break;
      default:
        cur += 1;
    }
  }
  if (primary_.size() > max_) primary_.resize(max_);
  if (alternate_.size() > max_) alternate_.resize(max_);
  return {std::move(primary_), std::move(alternate_)};
}

}  // namespace

PhoneticKey double_metaphone(std::string_view word, std::size_t max_length) {
  return Encoder(word, max_length).run();
}

PhoneticKey double_metaphone_name(std::string_view normalized_name, std::size_t max_length) {
  PhoneticKey out;
  std::size_t at = 0;
  while (at < normalized_name.size()) {
    auto sp = normalized_name.find(' ', at);
    if (sp == std::string_view::npos) sp = normalized_name.size();
    if (sp > at) {
      const auto k = double_metaphone(normalized_name.substr(at, sp - at), max_length);
      if (!k.primary.empty() || !k.alternate.empty()) {
        if (!out.primary.empty()) {
          out.primary.push_back(' ');
          out.alternate.push_back(' ');
        }
        out.primary += k.primary;
        out.alternate += k.alternate;
      }
    }
    at = sp + 1;
  }
  return out;
}

}  // namespace ch::text
