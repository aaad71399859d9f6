// The identity fields of observations as entity resolution holds them.
//
// ObservationFields is one observation with owning strings: what tests and benchmarks build one
// at a time. ObservationStore holds many, row-major in one byte buffer: each observation's text
// fields back to back, a 2-byte end offset per field and its numbers in arrays. As
// ObservationFields (a dozen std::string of 32 bytes, a vector of extras, heap blocks for longer
// values) the fields were ~1.2 KB per observation and the largest thing resolve held (medium,
// 2 ranks: half of the 6.3 GB peak); here they cost their bytes plus ~60. Row-major, not one
// column per field, because the comparison kernel reads one observation's fields together, at
// random rows: one observation is one or two cache lines.
//
// The kernels read both through ObservationView: string_views into either.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tbb/parallel_for.h>

#include "kernels/match/similarity.hpp"

namespace ch::match {

// Global counts of an observation's exact given and family values (term frequencies); 0 = unknown.
struct NameCounts {
  std::uint32_t family = 0, given = 0;
};

// The configured extra fields of one observation (ComparisonSpec::extra order). A missing one
// (index ≥ size()) reads as empty.
class ExtraFields {
 public:
  ExtraFields() = default;
  explicit ExtraFields(std::span<const std::string> owned) : owned_(owned.data()), n_(owned.size()) {}
  // bounds[e] .. bounds[e + 1]: extra e within `text`.
  ExtraFields(const char* text, const std::uint16_t* bounds, std::size_t n) : text_(text), bounds_(bounds), n_(n) {}
  std::size_t size() const { return n_; }
  std::string_view operator[](std::size_t e) const {
    if (owned_ != nullptr) return owned_[e];
    return {text_ + bounds_[e], static_cast<std::size_t>(bounds_[e + 1] - bounds_[e])};
  }

 private:
  const std::string* owned_ = nullptr;
  const char* text_ = nullptr;
  const std::uint16_t* bounds_ = nullptr;
  std::size_t n_ = 0;
};

// One observation's fields, normalized (docs/schema.md, records.h5), as views; valid while the
// store or ObservationFields it came from is unchanged.
struct ObservationView {
  std::uint64_t row = 0;  // dense global row index in /observations
  std::string_view given, family;
  std::string_view given_phon1, given_phon2, family_phon1, family_phon2;  // Double Metaphone keys
  std::int32_t dob = kMissingDate;
  std::string_view sex, nationality, document, phone, email;
  ExtraFields extra;
  std::uint32_t given_count = 0, family_count = 0;
  NameCounts name_counts() const { return {family_count, given_count}; }
};

// One observation with owning strings.
struct ObservationFields {
  std::uint64_t row = 0;
  std::string given, family;
  std::string given_phon1, given_phon2, family_phon1, family_phon2;
  std::int32_t dob = kMissingDate;
  std::string sex, nationality, document, phone, email;
  std::vector<std::string> extra;  // configured extra fields, in ComparisonSpec::extra order
  std::uint32_t given_count = 0, family_count = 0;

  ObservationView view() const {
    return {row,   given, family, given_phon1, given_phon2, family_phon1, family_phon2, dob, sex, nationality,
            document, phone, email, ExtraFields(extra), given_count, family_count};
  }
  operator ObservationView() const { return view(); }  // NOLINT: a view of itself, as std::string does
};

// The text fields of an observation in the store's order; extras follow kFixedTextFields.
enum TextField : std::uint8_t {
  kGivenText, kFamilyText, kGivenPhon1Text, kGivenPhon2Text, kFamilyPhon1Text, kFamilyPhon2Text,
  kSexText, kNationalityText, kDocumentText, kPhoneText, kEmailText, kFixedTextFields
};

class ObservationStore {
 public:
  // Every observation has `extras` extra fields (missing ones are empty).
  explicit ObservationStore(std::size_t extras = 0) : stride_(kFixedTextFields + extras) {}
  ObservationStore(ObservationStore&&) noexcept = default;
  ObservationStore& operator=(ObservationStore&&) noexcept = default;
  ObservationStore(const ObservationStore&) = delete;  // hundreds of MB: never what is meant
  ObservationStore& operator=(const ObservationStore&) = delete;

  // n observations built in parallel: text(i, f) is text field f (TextField, then extras) of
  // observation i, row(i) and dob(i) its numbers. Each observation writes only its own bytes.
  template <class Text, class Row, class Dob>
  static ObservationStore build(std::size_t n, std::size_t extras, Text&& text, Row&& row, Dob&& dob) {
    ObservationStore s(extras);
    const std::size_t k = s.stride_;
    s.row_.resize(n);
    s.dob_.resize(n);
    s.counts_.resize(n);
    s.ends_.resize(n * k);
    s.begin_.resize(n + 1);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        std::size_t end = 0;
        for (std::size_t f = 0; f < k; ++f) {
          end += text(i, f).size();
          s.ends_[i * k + f] = s.checked_end(end, row(i));
        }
        s.row_[i] = row(i);
        s.dob_[i] = dob(i);
      }
    });
    s.begin_[0] = 0;
    for (std::size_t i = 0; i < n; ++i) s.begin_[i + 1] = s.begin_[i] + (k == 0 ? 0 : s.ends_[i * k + k - 1]);
    s.text_.resize(s.begin_[n]);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        char* out = s.text_.data() + s.begin_[i];
        for (std::size_t f = 0; f < k; ++f) {
          const auto t = text(i, f);
          out = std::copy(t.begin(), t.end(), out);
        }
      }
    });
    return s;
  }

  std::size_t size() const { return row_.size(); }
  bool empty() const { return row_.empty(); }
  std::size_t extras() const { return stride_ - kFixedTextFields; }
  std::uint64_t row(std::size_t i) const { return row_[i]; }
  std::int32_t dob(std::size_t i) const { return dob_[i]; }
  std::string_view text(std::size_t i, std::size_t field) const {
    const std::uint16_t* e = ends_.data() + i * stride_;
    const std::uint16_t b = field == 0 ? 0 : e[field - 1];
    return {text_.data() + begin_[i] + b, static_cast<std::size_t>(e[field] - b)};
  }
  ObservationView operator[](std::size_t i) const;

  // Cache hints for reading observation i soon, in random order (kernels/match/comparison.cpp):
  // its parts sit in five arrays and its text in a sixth, a miss each when rows come at random.
  // prefetch() first, prefetch_text() some rows later, when begin_[i] has likely arrived.
  void prefetch(std::size_t i) const {
    __builtin_prefetch(row_.data() + i);
    __builtin_prefetch(dob_.data() + i);
    __builtin_prefetch(counts_.data() + i);
    __builtin_prefetch(begin_.data() + i);
    const auto* e = ends_.data() + i * stride_;
    __builtin_prefetch(e);
    __builtin_prefetch(e + stride_ - 1);
  }
  void prefetch_text(std::size_t i) const {
    const char* t = text_.data() + begin_[i];
    const char* end = text_.data() + begin_[i + 1];
    if (t == end) return;
    for (const char* c = t; c < end; c += 64) __builtin_prefetch(c);
    __builtin_prefetch(end - 1);  // the last line, when the text straddles one more
  }

  NameCounts name_counts(std::size_t i) const { return counts_[i]; }
  void set_name_counts(std::size_t i, NameCounts c) { counts_[i] = c; }

  // Appends one observation (its extras beyond extras() are an error; fewer are padded empty).
  void push_back(const ObservationView& o);
  void reserve(std::size_t n, std::size_t text_bytes);

  // Flat byte form of observation i, for sending it to another rank; read_bytes appends the
  // observation at `at` to this store (of the same extras()) and returns the offset after it.
  void append_bytes(std::size_t i, std::vector<std::byte>& out) const;
  std::size_t read_bytes(std::span<const std::byte> in, std::size_t at);

  // Frees all memory.
  void clear();
  // Bytes held (capacity), for the per-observation figures of the scale notes.
  std::size_t footprint() const;

 private:
  std::uint16_t checked_end(std::size_t end, std::uint64_t row) const;

  std::size_t stride_;                  // text fields per observation
  std::vector<std::uint64_t> row_;
  std::vector<std::int32_t> dob_;
  std::vector<NameCounts> counts_;
  std::vector<std::uint64_t> begin_ = {0};  // observation i's text starts at begin_[i]
  std::vector<std::uint16_t> ends_;     // end of field f of observation i: ends_[i * stride_ + f]
  std::vector<char> text_;
};

}  // namespace ch::match
