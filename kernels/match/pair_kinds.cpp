#include "kernels/match/pair_kinds.hpp"

#include <limits>
#include <stdexcept>

#include "kernels/rng.hpp"

namespace ch::match {

namespace {
std::uint64_t slot_hash(std::uint64_t pattern, bool names_swapped) { return mix64(pattern * 2 + names_swapped); }
}  // namespace

std::uint32_t PairKinds::id(std::uint64_t pattern, bool names_swapped) {
  if (2 * (kinds_.size() + 1) > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t s = slot_hash(pattern, names_swapped) & mask;; s = (s + 1) & mask) {
    if (slots_[s] == 0) {
      if (kinds_.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("more than 2^32 - 1 distinct comparison outcomes");
      kinds_.push_back({pattern, names_swapped});
      slots_[s] = static_cast<std::uint32_t>(kinds_.size());
      return slots_[s] - 1;
    }
    const PairKind& k = kinds_[slots_[s] - 1];
    if (k.pattern == pattern && k.names_swapped == names_swapped) return slots_[s] - 1;
  }
}

void PairKinds::grow() {
  slots_.assign(slots_.empty() ? 1024 : 2 * slots_.size(), 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    std::size_t s = slot_hash(kinds_[i].pattern, kinds_[i].names_swapped) & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = static_cast<std::uint32_t>(i + 1);
  }
}

}  // namespace ch::match
