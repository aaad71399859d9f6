#include "cluster/louvain.hpp"

namespace ch::cluster {

community::LeidenResult detect_communities(const Context& ctx, const community::GraphSlice& slice,
                                           const community::LeidenOptions& options) {
  return community::leiden(slice, options, MpiExchange(ctx));
}

std::vector<community::KeyActorRow> key_actors(const Context& ctx, const community::GraphSlice& slice,
                                               const std::vector<std::uint64_t>& membership,
                                               const community::KeyActorOptions& options) {
  return community::key_actors(slice, membership, options, MpiExchange(ctx));
}

}  // namespace ch::cluster
