#include "kernels/match/fellegi_sunter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ch::match {

std::uint64_t pattern_space(std::span<const ComparisonLevels> spec) {
  std::uint64_t n = 1;
  for (const auto& c : spec) n *= c.levels;
  return n;
}

std::uint64_t encode_pattern(std::span<const ComparisonLevels> spec, std::span<const std::uint8_t> levels) {
  std::uint64_t code = 0, radix = 1;
  for (std::size_t c = 0; c < spec.size(); ++c) {
    if (levels[c] >= spec[c].levels) throw std::out_of_range("level out of range for " + spec[c].name);
    code += radix * levels[c];
    radix *= spec[c].levels;
  }
  return code;
}

void decode_pattern(std::span<const ComparisonLevels> spec, std::uint64_t code, std::span<std::uint8_t> levels) {
  for (std::size_t c = 0; c < spec.size(); ++c) {
    levels[c] = static_cast<std::uint8_t>(code % spec[c].levels);
    code /= spec[c].levels;
  }
}

double FsModel::match_weight(std::span<const std::uint8_t> levels) const {
  double w = 0;
  for (std::size_t c = 0; c < spec.size(); ++c)
    if (levels[c] != 0) w += std::log2(m[c][levels[c]] / u[c][levels[c]]);
  return w;
}

double FsModel::match_weight(std::uint64_t pattern) const {
  std::vector<std::uint8_t> levels(spec.size());
  decode_pattern(spec, pattern, levels);
  return match_weight(levels);
}

double FsModel::match_probability(double weight) const {
  const double prior = lambda / (1.0 - lambda);
  const double odds = prior * std::exp2(weight);
  return odds / (1.0 + odds);
}

double FsModel::weight_for_probability(double p) const {
  return std::log2(p / (1.0 - p)) - std::log2(lambda / (1.0 - lambda));
}

FsModel initial_model(std::vector<ComparisonLevels> spec,
                      std::span<const std::pair<std::uint64_t, std::uint64_t>> pattern_counts) {
  FsModel model;
  model.spec = std::move(spec);
  const auto& s = model.spec;
  model.m.resize(s.size());
  model.u.resize(s.size());
  std::vector<std::uint8_t> levels(s.size());
  std::vector<std::vector<double>> freq(s.size());
  for (std::size_t c = 0; c < s.size(); ++c) freq[c].assign(s[c].levels, 1.0);  // add-one smoothing
  for (const auto& [pattern, count] : pattern_counts) {
    decode_pattern(s, pattern, levels);
    for (std::size_t c = 0; c < s.size(); ++c) freq[c][levels[c]] += static_cast<double>(count);
  }
  for (std::size_t c = 0; c < s.size(); ++c) {
    const int top = s[c].levels - 1;
    model.m[c].assign(s[c].levels, 0.0);
    model.u[c].assign(s[c].levels, 0.0);
    double mass_m = 0, mass_u = 0;
    for (int l = 1; l <= top; ++l) {
      // Matches mostly agree at the top level; the share halves per level down.
      model.m[c][static_cast<std::size_t>(l)] = std::ldexp(1.0, l - top);
      model.u[c][static_cast<std::size_t>(l)] = freq[c][static_cast<std::size_t>(l)];
      mass_m += model.m[c][static_cast<std::size_t>(l)];
      mass_u += model.u[c][static_cast<std::size_t>(l)];
    }
    for (int l = 1; l <= top; ++l) {
      model.m[c][static_cast<std::size_t>(l)] /= mass_m;
      model.u[c][static_cast<std::size_t>(l)] /= mass_u;
    }
  }
  model.lambda = 0.1;
  return model;
}

EmEstimator::EmEstimator(std::span<const ComparisonLevels> spec,
                         std::span<const std::pair<std::uint64_t, std::uint64_t>> counts, EmOptions options)
    : spec_(spec.begin(), spec.end()), counts_(counts.size()), decoded_(counts.size() * spec.size()),
      options_(options) {
  const std::size_t k = spec_.size();
  for (std::size_t p = 0; p < counts.size(); ++p) {
    if (p > 0 && counts[p].first <= counts[p - 1].first)
      throw std::invalid_argument("estimate_em: pattern counts must be sorted and unique");
    decode_pattern(spec_, counts[p].first, std::span<std::uint8_t>(decoded_.data() + p * k, k));
    counts_[p] = counts[p].second;
  }
}

bool EmEstimator::converged(const FsModel& model) const {
  return model.trace.size() >= static_cast<std::size_t>(std::max(0, options_.max_iterations)) ||
         (!model.trace.empty() && model.trace.back().max_change < options_.tolerance);
}

void EmEstimator::step(FsModel& model) const {
  const auto& spec = spec_;
  const std::size_t k = spec.size();
  std::vector<std::vector<double>> m_acc(k), u_acc(k);
  for (std::size_t c = 0; c < k; ++c) {
    m_acc[c].assign(spec[c].levels, 0.0);
    u_acc[c].assign(spec[c].levels, 0.0);
  }
  double matches = 0, total = 0, loglik = 0;
  for (std::size_t p = 0; p < counts_.size(); ++p) {
    const auto* lv = decoded_.data() + p * k;
    double pm = model.lambda, pu = 1.0 - model.lambda;
    for (std::size_t c = 0; c < k; ++c)
      if (lv[c] != 0) {
        pm *= model.m[c][lv[c]];
        pu *= model.u[c][lv[c]];
      }
    const double n = static_cast<double>(counts_[p]);
    const double post = pm / (pm + pu);
    loglik += n * std::log(pm + pu);
    matches += n * post;
    total += n;
    for (std::size_t c = 0; c < k; ++c)
      if (lv[c] != 0) {
        m_acc[c][lv[c]] += n * post;
        u_acc[c][lv[c]] += n * (1.0 - post);
      }
  }
  double change = 0;
  for (std::size_t c = 0; c < k; ++c) {
    double sm = 0, su = 0;
    for (std::size_t l = 1; l < spec[c].levels; ++l) {
      sm += m_acc[c][l];
      su += u_acc[c][l];
    }
    for (std::size_t l = 1; l < spec[c].levels; ++l) {
      const double nm = std::max(options_.floor, sm > 0 ? m_acc[c][l] / sm : model.m[c][l]);
      change = std::max(change, std::abs(nm - model.m[c][l]));
      model.m[c][l] = nm;
      if (!options_.fix_u) {
        const double nu = std::max(options_.floor, su > 0 ? u_acc[c][l] / su : model.u[c][l]);
        change = std::max(change, std::abs(nu - model.u[c][l]));
        model.u[c][l] = nu;
      }
    }
  }
  model.lambda = std::clamp(total > 0 ? matches / total : model.lambda, 1e-9, 1.0 - 1e-9);
  model.trace.push_back({static_cast<int>(model.trace.size()) + 1, model.lambda, loglik, change});
}

FsModel estimate_em(FsModel model, std::span<const std::pair<std::uint64_t, std::uint64_t>> counts,
                    const EmOptions& options) {
  const EmEstimator em(model.spec, counts, options);
  while (!em.converged(model)) em.step(model);
  return model;
}

}  // namespace ch::match
