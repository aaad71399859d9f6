// The distinct outcomes of comparing candidate pairs: (agreement pattern, names compared
// crossed). A rank's 10^8 pairs fall into thousands of them, so each pair holds the 4-byte
// number of its kind instead of an 8-byte pattern code and a flag, and everything that depends
// on the pattern alone (its levels, its match weight) is worked out once per kind.
//
// Numbers are given in order of first appearance: they depend on the order pairs are added
// (the same for the same pairs), never leave the rank, and are not written anywhere.
#pragma once

#include <cstdint>
#include <vector>

namespace ch::match {

struct PairKind {
  std::uint64_t pattern = 0;  // encode_pattern of the levels
  bool names_swapped = false;
};

class PairKinds {
 public:
  // The number of (pattern, names_swapped), added if new. Throws std::length_error past 2^32 − 1
  // kinds.
  std::uint32_t id(std::uint64_t pattern, bool names_swapped);
  const PairKind& operator[](std::uint32_t id) const { return kinds_[id]; }
  std::size_t size() const { return kinds_.size(); }

 private:
  void grow();
  std::vector<PairKind> kinds_;
  // Open addressing, linear probing: id + 1 per slot, 0 = empty; at most half full.
  std::vector<std::uint32_t> slots_;
};

}  // namespace ch::match
