#include "kernels/match/observation.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace ch::match {

namespace {
template <class T>
void append_value(std::vector<std::byte>& out, const T& v) {
  const auto* b = reinterpret_cast<const std::byte*>(&v);
  out.insert(out.end(), b, b + sizeof v);
}
template <class T>
std::size_t read_value(std::span<const std::byte> in, std::size_t at, T& v) {
  if (at + sizeof v > in.size()) throw std::out_of_range("ObservationStore::read_bytes: truncated record");
  std::memcpy(&v, in.data() + at, sizeof v);
  return at + sizeof v;
}
}  // namespace

ObservationView ObservationStore::operator[](std::size_t i) const {
  const char* t = text_.data() + begin_[i];
  const std::uint16_t* e = ends_.data() + i * stride_;
  const auto field = [&](std::size_t f) {
    const std::uint16_t b = f == 0 ? 0 : e[f - 1];
    return std::string_view(t + b, static_cast<std::size_t>(e[f] - b));
  };
  ObservationView v;
  v.row = row_[i];
  v.given = field(kGivenText);
  v.family = field(kFamilyText);
  v.given_phon1 = field(kGivenPhon1Text);
  v.given_phon2 = field(kGivenPhon2Text);
  v.family_phon1 = field(kFamilyPhon1Text);
  v.family_phon2 = field(kFamilyPhon2Text);
  v.dob = dob_[i];
  v.sex = field(kSexText);
  v.nationality = field(kNationalityText);
  v.document = field(kDocumentText);
  v.phone = field(kPhoneText);
  v.email = field(kEmailText);
  // Extra e runs from the end of field kFixedTextFields - 1 + e to the end of the next.
  v.extra = ExtraFields(t, e + kFixedTextFields - 1, extras());
  v.family_count = counts_[i].family;
  v.given_count = counts_[i].given;
  return v;
}

std::uint16_t ObservationStore::checked_end(std::size_t end, std::uint64_t row) const {
  if (end > std::numeric_limits<std::uint16_t>::max())
    throw std::length_error("observation at row " + std::to_string(row) + ": its identity fields hold " +
                            std::to_string(end) + " bytes, more than the 65535 resolve keeps per observation");
  return static_cast<std::uint16_t>(end);
}

void ObservationStore::push_back(const ObservationView& o) {
  if (o.extra.size() > extras())
    throw std::invalid_argument("ObservationStore::push_back: " + std::to_string(o.extra.size()) +
                                " extra fields, the store has " + std::to_string(extras()));
  const std::string_view fixed[kFixedTextFields] = {o.given,        o.family,       o.given_phon1, o.given_phon2,
                                                    o.family_phon1, o.family_phon2, o.sex,         o.nationality,
                                                    o.document,     o.phone,        o.email};
  const auto field = [&](std::size_t f) {
    if (f < kFixedTextFields) return fixed[f];
    const std::size_t e = f - kFixedTextFields;
    return e < o.extra.size() ? o.extra[e] : std::string_view();
  };
  std::size_t total = 0;
  for (std::size_t f = 0; f < stride_; ++f) total += field(f).size();
  checked_end(total, o.row);  // before anything is added: a refused observation leaves no trace
  std::size_t end = 0;
  for (std::size_t f = 0; f < stride_; ++f) {
    const auto t = field(f);
    text_.insert(text_.end(), t.begin(), t.end());
    end += t.size();
    ends_.push_back(static_cast<std::uint16_t>(end));
  }
  begin_.push_back(text_.size());
  row_.push_back(o.row);
  dob_.push_back(o.dob);
  counts_.push_back(o.name_counts());
}

void ObservationStore::reserve(std::size_t n, std::size_t text_bytes) {
  row_.reserve(n);
  dob_.reserve(n);
  counts_.reserve(n);
  begin_.reserve(n + 1);
  ends_.reserve(n * stride_);
  text_.reserve(text_bytes);
}

void ObservationStore::append_bytes(std::size_t i, std::vector<std::byte>& out) const {
  append_value(out, row_[i]);
  append_value(out, dob_[i]);
  append_value(out, counts_[i]);
  const auto* e = reinterpret_cast<const std::byte*>(ends_.data() + i * stride_);
  out.insert(out.end(), e, e + stride_ * sizeof(std::uint16_t));
  const auto* t = reinterpret_cast<const std::byte*>(text_.data() + begin_[i]);
  out.insert(out.end(), t, t + (begin_[i + 1] - begin_[i]));
}

std::size_t ObservationStore::read_bytes(std::span<const std::byte> in, std::size_t at) {
  std::uint64_t row = 0;
  std::int32_t dob = 0;
  NameCounts counts;
  at = read_value(in, at, row);
  at = read_value(in, at, dob);
  at = read_value(in, at, counts);
  // Checked whole before anything is added.
  const std::size_t ends_bytes = stride_ * sizeof(std::uint16_t);
  std::uint16_t n = 0;
  if (at + ends_bytes > in.size()) throw std::out_of_range("ObservationStore::read_bytes: truncated record");
  std::memcpy(&n, in.data() + at + ends_bytes - sizeof n, sizeof n);
  if (at + ends_bytes + n > in.size()) throw std::out_of_range("ObservationStore::read_bytes: truncated record");
  const std::size_t ends_at = ends_.size();
  ends_.resize(ends_at + stride_);
  std::memcpy(ends_.data() + ends_at, in.data() + at, ends_bytes);
  at += ends_bytes;
  const auto* t = reinterpret_cast<const char*>(in.data() + at);
  text_.insert(text_.end(), t, t + n);
  begin_.push_back(text_.size());
  row_.push_back(row);
  dob_.push_back(dob);
  counts_.push_back(counts);
  return at + n;
}

void ObservationStore::clear() {
  std::vector<std::uint64_t>().swap(row_);
  std::vector<std::int32_t>().swap(dob_);
  std::vector<NameCounts>().swap(counts_);
  std::vector<std::uint64_t>{0}.swap(begin_);
  std::vector<std::uint16_t>().swap(ends_);
  std::vector<char>().swap(text_);
}

std::size_t ObservationStore::footprint() const {
  return row_.capacity() * sizeof(std::uint64_t) + dob_.capacity() * sizeof(std::int32_t) +
         counts_.capacity() * sizeof(NameCounts) + begin_.capacity() * sizeof(std::uint64_t) +
         ends_.capacity() * sizeof(std::uint16_t) + text_.capacity();
}

}  // namespace ch::match
