// Counter-based random streams (after Salmon et al., "Parallel random numbers: as easy as
// 1, 2, 3", SC 2011): draw i of stream (seed, key) is a pure function mix(seed, key, i).
//
// Why: results must not depend on which rank or thread generates what. Keying every stream by a
// stable id (a person, a trip, a month) means any rank can reproduce any entity's draws without
// communication and in any order. The mixer is SplitMix64's finalizer (Steele et al., OOPSLA
// 2014), applied twice to decorrelate neighbouring keys and counters.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace ch {

constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The rank of `ranks` that owns `key` when keys are spread by hash: balanced even where ids are
// not (dense ids that put the busiest vertices or the most labels first).
constexpr int hash_owner(std::uint64_t key, int ranks) {
  return static_cast<int>(mix64(key) % static_cast<std::uint64_t>(ranks));
}

// A hash of bytes that is the same on every platform and run (std::hash is not): FNV-1a seeded
// with mix64(seed), finished with mix64. For owner ranks and value keys, not for security.
constexpr std::uint64_t stable_hash(std::string_view s, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed);
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return mix64(h);
}

// The same role for many short strings (ids, names, codes: tens of millions per stage), eight
// bytes a step instead of one: for hash tables and owner ranks, never for stored results (the
// words are read in the machine's byte order).
inline std::uint64_t word_hash(std::string_view s, std::uint64_t seed) {
  std::uint64_t h = mix64(0x9e3779b97f4a7c15ULL ^ (seed << 32) ^ s.size());
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix64(h ^ w);
  }
  std::uint64_t w = 0;
  if (i < s.size()) std::memcpy(&w, s.data() + i, s.size() - i);
  return mix64(h ^ w ^ 0xff51afd7ed558ccdULL);
}

// Combines ids into one stream key: key(kPerson, id), key(kTrip, id, month), ...
constexpr std::uint64_t stream_key(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) {
  return mix64(mix64(mix64(a) ^ b) ^ (c * 0xd1b54a32d192ed03ULL));
}

class Rng {
 public:
  constexpr Rng(std::uint64_t seed, std::uint64_t key) : base_(mix64(seed ^ mix64(key))) {}

  constexpr std::uint64_t next() { return mix64(base_ + 0x632be59bd9b4e019ULL * ++counter_); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n); Lemire's multiply-shift (bias < n / 2^64, negligible here).
  std::uint64_t below(std::uint64_t n) {
    __extension__ using u128 = unsigned __int128;  // GCC/Clang; -Wpedantic knows no 128-bit type
    return n == 0 ? 0 : static_cast<std::uint64_t>((static_cast<u128>(next()) * n) >> 64);
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool chance(double p) { return uniform() < p; }
  double normal(double mean, double sd) {  // Box-Muller; one value per call keeps streams simple
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Poisson by inversion for small means, normal approximation above 30.
  std::uint64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) {
      const double x = normal(mean, std::sqrt(mean));
      return x < 0 ? 0 : static_cast<std::uint64_t>(std::llround(x));
    }
    double l = std::exp(-mean), p = 1.0;
    std::uint64_t k = 0;
    do {
      ++k;
      p *= uniform();
    } while (p > l);
    return k - 1;
  }
  template <class T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }
  // Index drawn with probability proportional to weights[i].
  std::size_t weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.empty() ? 0 : weights.size() - 1;
  }

 private:
  std::uint64_t base_;
  std::uint64_t counter_ = 0;
};

}  // namespace ch
