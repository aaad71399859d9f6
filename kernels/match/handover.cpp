#include "kernels/match/handover.hpp"

#include <algorithm>
#include <tuple>

#include <tbb/parallel_sort.h>

#include "kernels/rng.hpp"

namespace ch::match {

std::uint64_t phone_pair_value(std::uint64_t phone_a, std::uint64_t phone_b) {
  const auto lo = std::min(phone_a, phone_b), hi = std::max(phone_a, phone_b);
  return mix64(mix64(lo) ^ (hi * 0x9e3779b97f4a7c15ULL));
}

void collapse_calls(std::vector<PhoneCall>& calls) {
  tbb::parallel_sort(calls.begin(), calls.end(), [](const PhoneCall& x, const PhoneCall& y) {
    return std::tie(x.phone, x.contact) < std::tie(y.phone, y.contact);
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto& c = calls[i];
    if (kept > 0 && calls[kept - 1].phone == c.phone && calls[kept - 1].contact == c.contact) {
      calls[kept - 1].first_day = std::min(calls[kept - 1].first_day, c.first_day);
      calls[kept - 1].last_day = std::max(calls[kept - 1].last_day, c.last_day);
    } else {
      calls[kept++] = c;
    }
  }
  calls.resize(kept);
}

void contacts_of_phone(std::span<const PhoneCall> calls, std::span<const std::uint64_t> holders,
                       const HandoverParams& params, std::vector<ContactPhone>& out) {
  if (calls.empty()) return;
  std::int32_t first = calls[0].first_day, last = calls[0].last_day;
  std::vector<std::uint64_t> contacts;
  contacts.reserve(calls.size());
  for (const auto& c : calls) {
    first = std::min(first, c.first_day);
    last = std::max(last, c.last_day);
    contacts.push_back(c.contact);
  }
  std::sort(contacts.begin(), contacts.end());
  contacts.erase(std::unique(contacts.begin(), contacts.end()), contacts.end());
  if (contacts.size() > params.max_phone_contacts) return;  // a hub
  const auto phone = calls[0].phone;
  for (const auto contact : contacts) {
    if (holders.empty()) out.push_back({contact, phone, kNoEntity, first, last});
    for (const auto e : holders) out.push_back({contact, phone, e, first, last});
  }
}

void shares_of_contact(std::span<const ContactPhone> rows, const HandoverParams& params,
                       std::vector<PhonePairShare>& out) {
  std::vector<ContactPhone> held;
  std::vector<std::uint64_t> phones;
  for (const auto& r : rows) {
    phones.push_back(r.phone);
    if (r.entity != kNoEntity) held.push_back(r);
  }
  std::sort(phones.begin(), phones.end());
  const auto df = static_cast<std::size_t>(std::unique(phones.begin(), phones.end()) - phones.begin());
  if (df < 2 || df > params.max_contact_phones || held.size() < 2) return;
  // With min_private_shared = 0 no contact counts as private (step 3 never looks for them).
  const bool is_private = params.min_private_shared > 0 && df <= params.max_private_phones;
  std::sort(held.begin(), held.end(), [](const ContactPhone& x, const ContactPhone& y) {
    return std::tie(x.entity, x.phone) < std::tie(y.entity, y.phone);
  });
  for (std::size_t i = 0; i < held.size(); ++i)
    for (std::size_t j = i + 1; j < held.size(); ++j) {
      const auto& a = held[i];
      const auto& b = held[j];
      if (a.entity == b.entity || a.phone == b.phone) continue;
      const auto verdict = span_verdict(a.first_day, a.last_day, b.first_day, b.last_day, params);
      if (verdict == SpanVerdict::kNone && !is_private) continue;  // can change no pair's outcome
      out.push_back({a.entity, b.entity, phone_pair_value(a.phone, b.phone), is_private ? a.contact : 0, verdict,
                     is_private});
    }
}

SpanVerdict span_verdict(std::int32_t first_a, std::int32_t last_a, std::int32_t first_b, std::int32_t last_b,
                         const HandoverParams& params) {
  const std::int32_t overlap = std::min(last_a, last_b) - std::max(first_a, first_b);
  if (overlap > params.max_overlap_days) return SpanVerdict::kConcurrent;
  // Not concurrent: the later phone's first call after the earlier one's last (≥ −max_overlap).
  const std::int32_t gap = first_a <= first_b ? first_b - last_a : first_a - last_b;
  return gap <= params.max_gap_days ? SpanVerdict::kHandover : SpanVerdict::kNone;
}

void handover_evidence(std::span<const PhonePairShare> shares, const HandoverParams& params,
                       std::vector<AliasEvidence>& out) {
  if (shares.empty()) return;
  const auto& s = shares[0];
  std::vector<std::uint64_t> priv;
  for (const auto& x : shares)
    if (x.is_private) priv.push_back(x.private_contact);
  std::sort(priv.begin(), priv.end());
  priv.erase(std::unique(priv.begin(), priv.end()), priv.end());
  if (params.min_private_shared > 0 && priv.size() >= params.min_private_shared) {
    for (const auto c : priv)
      out.push_back({s.entity_a, s.entity_b, mix64(c ^ 0x5c0e7ac75ULL), static_cast<std::uint8_t>(AliasEvidenceKind::kSharedContacts)});
    return;
  }
  if (s.verdict == SpanVerdict::kConcurrent)
    out.push_back({s.entity_a, s.entity_b, s.phones, static_cast<std::uint8_t>(AliasEvidenceKind::kConcurrentPhones)});
  else if (s.verdict == SpanVerdict::kHandover)
    out.push_back({s.entity_a, s.entity_b, s.phones, static_cast<std::uint8_t>(AliasEvidenceKind::kPhoneHandover)});
}

void handover_evidence_grouped(std::vector<PhonePairShare> shares, const HandoverParams& params,
                               std::vector<AliasEvidence>& out) {
  const auto group = [](const PhonePairShare& s) { return std::tie(s.entity_a, s.entity_b, s.phones); };
  tbb::parallel_sort(shares.begin(), shares.end(), [&](const PhonePairShare& x, const PhonePairShare& y) {
    return group(x) < group(y);
  });
  // At most one item per group, or one per private contact: reserved at once, since the items
  // (8.7 M vetoes on one rank of `medium`) grown by doubling left holes the size of the array.
  std::size_t most = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) most += shares[i].is_private || i == 0 || group(shares[i]) != group(shares[i - 1]);
  out.reserve(out.size() + most);
  for (std::size_t i = 0; i < shares.size();) {
    std::size_t j = i;
    while (j < shares.size() && group(shares[j]) == group(shares[i])) ++j;
    handover_evidence(std::span<const PhonePairShare>(shares.data() + i, j - i), params, out);
    i = j;
  }
}

void contacts_of_phones(std::span<const PhoneCall> calls, std::span<const PhoneHolder> holders,
                        const HandoverParams& params, std::vector<ContactPhone>& out) {
  std::vector<std::uint64_t> ents;
  std::size_t h = 0;
  for (std::size_t i = 0; i < calls.size();) {
    std::size_t j = i;
    while (j < calls.size() && calls[j].phone == calls[i].phone) ++j;
    while (h < holders.size() && holders[h].phone < calls[i].phone) ++h;
    ents.clear();
    for (std::size_t k = h; k < holders.size() && holders[k].phone == calls[i].phone; ++k)
      if (ents.empty() || ents.back() != holders[k].entity) ents.push_back(holders[k].entity);
    contacts_of_phone(calls.subspan(i, j - i), ents, params, out);
    i = j;
  }
}

std::vector<AliasEvidence> phone_handover_serial(std::vector<PhoneCall> calls, std::vector<PhoneHolder> holders,
                                                 const HandoverParams& params) {
  collapse_calls(calls);
  std::sort(holders.begin(), holders.end(), [](const PhoneHolder& x, const PhoneHolder& y) {
    return std::tie(x.phone, x.entity) < std::tie(y.phone, y.entity);
  });
  std::vector<ContactPhone> rows;
  contacts_of_phones(calls, holders, params, rows);
  std::sort(rows.begin(), rows.end(), [](const ContactPhone& x, const ContactPhone& y) {
    return std::tie(x.contact, x.phone, x.entity) < std::tie(y.contact, y.phone, y.entity);
  });
  std::vector<PhonePairShare> shares;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i;
    while (j < rows.size() && rows[j].contact == rows[i].contact) ++j;
    shares_of_contact(std::span<const ContactPhone>(rows.data() + i, j - i), params, shares);
    i = j;
  }
  std::vector<AliasEvidence> out;
  handover_evidence_grouped(std::move(shares), params, out);
  std::sort(out.begin(), out.end(), [](const AliasEvidence& x, const AliasEvidence& y) {
    return std::tie(x.entity_a, x.entity_b, x.kind, x.value) < std::tie(y.entity_a, y.entity_b, y.kind, y.value);
  });
  return out;
}

}  // namespace ch::match
