#include "kernels/match/comparison.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace ch::match {

std::uint8_t level_count(FieldKind kind) {
  switch (kind) {
    case FieldKind::kName: return 5;
    case FieldKind::kDate: return 6;
    case FieldKind::kIdentifier: return 4;
    case FieldKind::kExact: return 3;
  }
  return 3;
}

std::string level_label(FieldKind kind, std::uint8_t level) {
  if (level == 0) return "missing";
  if (level == 1) return "different";
  switch (kind) {
    case FieldKind::kName: {
      static const char* labels[] = {"", "", "similar (jw>=0.80|phonetic|tokens)", "close (jw>=0.92|1 edit)", "exact"};
      return level < 5 ? labels[level] : "?";
    }
    case FieldKind::kDate: {
      static const char* labels[] = {"", "", "within 1 year", "same year", "swapped d/m or 1 digit", "exact"};
      return level < 6 ? labels[level] : "?";
    }
    case FieldKind::kIdentifier: return level == 2 ? "1 edit" : "exact";
    case FieldKind::kExact: return "equal";
  }
  return "?";
}

namespace {
bool phonetic_equal(std::string_view a1, std::string_view a2, std::string_view b1, std::string_view b2) {
  if (a1.empty() || b1.empty()) return false;
  return a1 == b1 || a1 == b2 || a2 == b1 || (!a2.empty() && a2 == b2);
}
}  // namespace

std::uint8_t name_level(std::string_view a, std::string_view b, std::string_view phon_a1,
                        std::string_view phon_a2, std::string_view phon_b1, std::string_view phon_b2) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 4;
  const double jw = jaro_winkler(a, b);
  if (jw >= 0.92) return 3;
  // One edit is a typo whatever the length; the banded OSA would do, but names are short.
  const std::size_t longer = std::max(a.size(), b.size()), shorter = std::min(a.size(), b.size());
  if (longer >= 4 && longer - shorter <= 1 && within_one_edit(a, b)) return 3;
  if (jw >= 0.80 || phonetic_equal(phon_a1, phon_a2, phon_b1, phon_b2)) return 2;
  const bool multi = a.find(' ') != std::string_view::npos || b.find(' ') != std::string_view::npos ||
                     a.find('-') != std::string_view::npos || b.find('-') != std::string_view::npos;
  if (multi && token_set_similarity(a, b) >= 0.5) return 2;
  return 1;
}

std::uint8_t date_level(std::int32_t days_a, std::int32_t days_b) {
  switch (compare_dates(days_a, days_b)) {
    case DateAgreement::kMissing: return 0;
    case DateAgreement::kExact: return 5;
    case DateAgreement::kDayMonthSwapped: return 4;
    default: break;
  }
  // A single mistyped digit of YYYYMMDD (1985-03-17 vs 1985-03-12, 1958 vs 1985 is not one).
  int ya, yb;
  unsigned ma, mb, da, db;
  civil_from_days(days_a, ya, ma, da);
  civil_from_days(days_b, yb, mb, db);
  auto digits = [](int y, unsigned m, unsigned d) {
    return std::array<int, 8>{y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10,
                              static_cast<int>(m / 10), static_cast<int>(m % 10),
                              static_cast<int>(d / 10), static_cast<int>(d % 10)};
  };
  const auto x = digits(ya, ma, da), y = digits(yb, mb, db);
  int differing = 0;
  for (std::size_t i = 0; i < 8; ++i) differing += x[i] != y[i];
  if (differing == 1) return 4;
  if (ya == yb) return 3;
  if (std::abs(days_a - days_b) <= 366) return 2;
  return 1;
}

std::uint8_t identifier_level(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 3;
  if (std::min(a.size(), b.size()) >= 5 && within_one_edit(a, b)) return 2;
  return 1;
}

std::uint8_t exact_level(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0;
  return a == b ? 2 : 1;
}

std::size_t ComparisonSpec::size() const { return kinds().size(); }

std::vector<FieldKind> ComparisonSpec::kinds() const {
  std::vector<FieldKind> k = {FieldKind::kName, FieldKind::kName, FieldKind::kDate};
  if (sex) k.push_back(FieldKind::kExact);
  if (nationality) k.push_back(FieldKind::kExact);
  if (document) k.push_back(FieldKind::kIdentifier);
  if (phone) k.push_back(FieldKind::kExact);
  if (email) k.push_back(FieldKind::kExact);
  for (const auto& e : extra) k.push_back(e.second);
  return k;
}

std::vector<ComparisonLevels> ComparisonSpec::levels() const {
  std::vector<std::string> names = {"family_name", "given_name", "dob"};
  if (sex) names.emplace_back("sex");
  if (nationality) names.emplace_back("nationality");
  if (document) names.emplace_back("document");
  if (phone) names.emplace_back("phone");
  if (email) names.emplace_back("email");
  for (const auto& e : extra) names.push_back(e.first);
  const auto k = kinds();
  std::vector<ComparisonLevels> out;
  for (std::size_t i = 0; i < k.size(); ++i) out.push_back({names[i], level_count(k[i])});
  return out;
}

PairLevels compare_observations(const ObservationView& a, const ObservationView& b, const ComparisonSpec& spec) {
  PairLevels out;
  const auto fam = name_level(a.family, b.family, a.family_phon1, a.family_phon2, b.family_phon1,
                              b.family_phon2);
  const auto giv = name_level(a.given, b.given, a.given_phon1, a.given_phon2, b.given_phon1,
                              b.given_phon2);
  out.level[kFamilyComparison] = fam;
  out.level[kGivenComparison] = giv;
  if (fam <= 2 || giv <= 2) {
    // Crossed only when the direct order disagrees somewhere and the crossed one explains the
    // pair strictly better: both crossed fields at least similar, one close or exact.
    const auto fam_x = name_level(a.family, b.given, a.family_phon1, a.family_phon2, b.given_phon1,
                                  b.given_phon2);
    // Most pairs stop here: the crossed order needs both fields at least similar.
    const auto giv_x = fam_x < 2 ? std::uint8_t{0}
                                 : name_level(a.given, b.family, a.given_phon1, a.given_phon2,
                                              b.family_phon1, b.family_phon2);
    if (fam_x >= 2 && giv_x >= 2 && std::max(fam_x, giv_x) >= 3 && fam_x + giv_x > fam + giv) {
      out.level[kFamilyComparison] = fam_x;
      out.level[kGivenComparison] = giv_x;
      out.names_swapped = true;
    }
  }
  std::size_t c = kDobComparison;
  out.level[c++] = date_level(a.dob, b.dob);
  if (spec.sex) out.level[c++] = exact_level(a.sex, b.sex);
  if (spec.nationality) out.level[c++] = exact_level(a.nationality, b.nationality);
  if (spec.document) out.level[c++] = identifier_level(a.document, b.document);
  if (spec.phone) out.level[c++] = exact_level(a.phone, b.phone);
  if (spec.email) out.level[c++] = exact_level(a.email, b.email);
  for (std::size_t e = 0; e < spec.extra.size(); ++e) {
    const std::string_view x = e < a.extra.size() ? a.extra[e] : std::string_view();
    const std::string_view y = e < b.extra.size() ? b.extra[e] : std::string_view();
    switch (spec.extra[e].second) {
      case FieldKind::kName: out.level[c++] = name_level(x, y, {}, {}, {}, {}); break;
      case FieldKind::kIdentifier: out.level[c++] = identifier_level(x, y); break;
      case FieldKind::kDate: out.level[c++] = exact_level(x, y) == 0 ? 0 : (x == y ? 5 : 1); break;
      case FieldKind::kExact: out.level[c++] = exact_level(x, y); break;
    }
  }
  return out;
}

std::vector<PairLevels> compare_pairs(const ObservationStore& observations,
                                      std::span<const std::pair<std::uint32_t, std::uint32_t>> pairs,
                                      const ComparisonSpec& spec) {
  return compare_pairs(observations, ObservationStore(observations.extras()), pairs, spec);
}

std::vector<PairLevels> compare_pairs(const ObservationStore& head, const ObservationStore& tail,
                                      std::span<const std::pair<std::uint32_t, std::uint32_t>> pairs,
                                      const ComparisonSpec& spec) {
  const auto at = [&](std::uint32_t i) { return i < head.size() ? head[i] : tail[i - head.size()]; };
  // Resolve's pairs come sorted by their first row, so the second rows are random reads into
  // stores of millions of observations: their cache lines are asked for ahead, the arrays
  // kAhead pairs before the comparison and the text half as far, once its offset is in cache.
  constexpr std::size_t kAhead = 16;
  const auto prefetch = [&](std::uint32_t i, bool text) {
    const auto& s = i < head.size() ? head : tail;
    const std::size_t j = i < head.size() ? i : i - head.size();
    if (text)
      s.prefetch_text(j);
    else
      s.prefetch(j);
  };
  std::vector<PairLevels> out(pairs.size());
  // Each pair writes only its own slot, so the result is independent of the schedule.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, pairs.size(), 1024), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      if (i + kAhead < r.end()) prefetch(pairs[i + kAhead].second, false);
      if (i + kAhead / 2 < r.end()) prefetch(pairs[i + kAhead / 2].second, true);
      out[i] = compare_observations(at(pairs[i].first), at(pairs[i].second), spec);
    }
  });
  return out;
}

double tf_adjustment(double u_exact, std::uint64_t value_count, std::uint64_t total, double max_bits) {
  if (value_count == 0 || total == 0 || u_exact <= 0) return 0.0;
  const double tf = static_cast<double>(value_count) / static_cast<double>(total);
  return std::clamp(std::log2(u_exact / tf), -max_bits, max_bits);
}

std::pair<double, double> pair_tf_terms(const FsModel& model, const PairLevels& levels,
                                        const ObservationView& a, const TfTotals& tf) {
  return pair_tf_terms(model, levels, a.name_counts(), tf);
}

std::pair<double, double> pair_tf_terms(const FsModel& model, const PairLevels& levels, NameCounts a,
                                        const TfTotals& tf) {
  return pair_tf_terms(levels, exact_name_tf_terms(model, a, tf));
}

std::pair<double, double> exact_name_tf_terms(const FsModel& model, NameCounts a, const TfTotals& tf) {
  if (!tf.enabled) return {0.0, 0.0};
  // The agreed value is a's; when compared crossed, a's family value agreed with b's given one.
  return {tf_adjustment(tf.u_family_exact > 0 ? tf.u_family_exact : model.u[kFamilyComparison][4], a.family,
                        tf.family, tf.max_bits),
          tf_adjustment(tf.u_given_exact > 0 ? tf.u_given_exact : model.u[kGivenComparison][4], a.given, tf.given,
                        tf.max_bits)};
}

std::pair<double, double> pair_tf_terms(const PairLevels& levels, std::pair<double, double> exact_terms) {
  return {levels.level[kFamilyComparison] == 4 ? exact_terms.first : 0.0,
          levels.level[kGivenComparison] == 4 ? exact_terms.second : 0.0};
}

double pair_weight(const FsModel& model, const PairLevels& levels, const ObservationView& a,
                   const TfTotals& tf) {
  return pair_weight(model.match_weight(std::span<const std::uint8_t>(levels.level, model.spec.size())),
                     pair_tf_terms(model, levels, a, tf));
}

}  // namespace ch::match
