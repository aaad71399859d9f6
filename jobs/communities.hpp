// The `communities` stage: organizations in a weighted person network, by deterministic
// distributed Leiden-class community detection, with key actors per community.
//
//   load (edge CSV, byte ranges per rank) → dense ids from the sorted labels → shuffle arcs to
//   the owners of their endpoints → detect communities (cluster/louvain) → key actors →
//   write communities.h5 (/membership, /communities, /centrality; docs/algorithms.md)
#pragma once

#include <filesystem>
#include <string>

#include "jobs/job.hpp"
#include "kernels/community/leiden.hpp"

namespace ch::jobs {

struct CommunitiesOptions {
  std::filesystem::path edges;    // edge-list CSV (source,target[,weight])
  std::filesystem::path network;  // or network.h5 from the network stage (vertices = entity ids)
  std::filesystem::path out;
  community::LeidenOptions leiden;
  std::size_t betweenness_sources = 64;
};

// Collective. Throws UsageError (exit 2) for bad options and bad edge files (naming file:line).
void communities(const JobEnv& env, const CommunitiesOptions& options);

}  // namespace ch::jobs
