// One output file written by all ranks: each rank streams its own slice (in any number of
// pieces), and commit() lays the slices out in rank order. The file is therefore the same for
// any rank count whenever the concatenated slices are — the generator's feeds rely on that.
//
// A rank's slice is spilled to a rank-local side file (PATH.partial.rankN) as it is written, so
// memory stays bounded however large the slice; commit() learns every slice's size (an exclusive
// scan), copies each slice to its offset with MPI-IO, removes the side files and renames
// PATH.partial to PATH. If the writer is destroyed without commit(), nothing is left behind.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "cluster/context.hpp"

namespace ch::io {

class ParallelFileWriter {
 public:
  ParallelFileWriter(const cluster::Context& ctx, std::filesystem::path final_path);
  ~ParallelFileWriter();
  ParallelFileWriter(const ParallelFileWriter&) = delete;
  ParallelFileWriter& operator=(const ParallelFileWriter&) = delete;

  // Local: appends bytes to this rank's slice.
  void write(std::string_view bytes);
  // Collective: assembles the file and renames it to its final name.
  void commit();
  std::uint64_t local_size() const { return local_size_; }

 private:
  void discard();

  const cluster::Context& ctx_;
  std::filesystem::path final_path_, partial_path_, slice_path_;
  std::FILE* slice_ = nullptr;
  std::uint64_t local_size_ = 0;
  bool committed_ = false;
};

}  // namespace ch::io
