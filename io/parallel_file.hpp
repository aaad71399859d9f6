// One output file written by all ranks through MPI-IO: each collective append lays the ranks'
// byte pieces one after another in rank order (offsets from an exclusive scan), so the file is
// the same for any rank count when the concatenated pieces are. Used for the generator's CSV
// feeds. Written as PATH.partial and renamed on commit(), like TableWriter.
#pragma once

#include <mpi.h>

#include <cstdint>
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

  // Collective: appends every rank's `local` bytes in rank order. Returns this rank's offset.
  std::uint64_t append(std::string_view local);
  void commit();
  std::uint64_t size() const { return end_; }

 private:
  const cluster::Context& ctx_;
  std::filesystem::path final_path_, partial_path_;
  MPI_File file_ = MPI_FILE_NULL;
  std::uint64_t end_ = 0;
  bool committed_ = false;
};

}  // namespace ch::io
