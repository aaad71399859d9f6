#include "kernels/match/alias.hpp"

#include <algorithm>
#include <tuple>

namespace ch::match {

const char* alias_evidence_name(AliasEvidenceKind k) {
  switch (k) {
    case AliasEvidenceKind::kPhone: return "shared_phone";
    case AliasEvidenceKind::kBooking: return "shared_booking";
    case AliasEvidenceKind::kPayment: return "shared_payment";
    case AliasEvidenceKind::kDobCoTravel: return "same_dob_co_travel";
  }
  return "?";
}

void alias_evidence_for_value(std::span<const std::uint64_t> entities, AliasEvidenceKind kind,
                              std::uint64_t value, const AliasWeights& weights,
                              std::vector<AliasEvidence>& out) {
  if (entities.size() < 2 || entities.size() > weights.max_group) return;
  for (std::size_t i = 0; i < entities.size(); ++i)
    for (std::size_t j = i + 1; j < entities.size(); ++j)
      out.push_back({entities[i], entities[j], value, static_cast<std::uint8_t>(kind)});
}

std::vector<AliasLink> score_aliases(std::vector<AliasEvidence> evidence, const AliasWeights& weights) {
  auto key = [](const AliasEvidence& e) { return std::tie(e.entity_a, e.entity_b, e.kind, e.value); };
  std::sort(evidence.begin(), evidence.end(),
            [&](const AliasEvidence& x, const AliasEvidence& y) { return key(x) < key(y); });
  evidence.erase(std::unique(evidence.begin(), evidence.end(),
                             [&](const AliasEvidence& x, const AliasEvidence& y) { return key(x) == key(y); }),
                 evidence.end());
  std::vector<AliasLink> out;
  std::size_t i = 0;
  while (i < evidence.size()) {
    AliasLink link{evidence[i].entity_a, evidence[i].entity_b, 0.0, {}};
    for (; i < evidence.size() && evidence[i].entity_a == link.entity_a &&
           evidence[i].entity_b == link.entity_b;
         ++i)
      ++link.count[evidence[i].kind];
    for (std::size_t k = 0; k < kAliasEvidenceKinds; ++k)
      link.score += weights.weight[k] * std::min<std::uint32_t>(link.count[k], 3);
    if (link.score >= weights.threshold) out.push_back(link);
  }
  return out;
}

std::string alias_evidence_text(const AliasLink& link) {
  std::string out;
  for (std::size_t k = 0; k < kAliasEvidenceKinds; ++k) {
    if (link.count[k] == 0) continue;
    if (!out.empty()) out += ';';
    out += alias_evidence_name(static_cast<AliasEvidenceKind>(k));
    out += '=' + std::to_string(link.count[k]);
  }
  return out;
}

}  // namespace ch::match
