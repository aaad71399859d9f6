// One output file written by all ranks in rounds: in each round every rank appends one piece
// (possibly empty), and the round's pieces follow each other in rank order behind the previous
// rounds'. The file is therefore the same for any rank count whenever the pieces, taken round by
// round and rank by rank, are — the generator hands out its batches round-robin for that.
//
// Each rank writes its pieces straight to their offsets in PATH.partial (POSIX pwrite of disjoint
// ranges, which a POSIX-compliant parallel file system keeps apart), so nothing is copied twice.
// A round's sizes are gathered without blocking and its piece is written during the next
// append(): a rank whose batch took longer does not hold the others up every round. commit()
// renames PATH.partial to PATH. If the writer is destroyed without commit(), nothing is left
// behind.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cluster/context.hpp"

namespace ch::io {

class ParallelFileWriter {
 public:
  // Collective.
  ParallelFileWriter(const cluster::Context& ctx, std::filesystem::path final_path);
  ~ParallelFileWriter();
  ParallelFileWriter(const ParallelFileWriter&) = delete;
  ParallelFileWriter& operator=(const ParallelFileWriter&) = delete;

  // Collective: one round; this rank's piece is `bytes`. Throws on every rank once any rank
  // failed to write an earlier piece.
  void append(std::string bytes);
  // Collective: writes the last piece, closes the file and renames it to its final name.
  void commit();
  std::uint64_t local_size() const { return local_size_; }  // this rank's bytes appended so far

 private:
  void settle();  // waits for the pending round's sizes and writes its piece
  void discard();

  const cluster::Context& ctx_;
  std::filesystem::path final_path_, partial_path_;
  int fd_ = -1;
  std::uint64_t file_size_ = 0;  // all ranks' bytes of the settled rounds
  std::uint64_t local_size_ = 0;
  bool failed_ = false;          // a write of this rank failed
  std::string pending_;          // this rank's piece of the pending round
  std::uint64_t sent_ = 0;       // its size, with kFailed if a write had failed
  std::vector<std::uint64_t> gathered_;  // every rank's `sent_` for the pending round
  MPI_Request request_ = MPI_REQUEST_NULL;
  bool committed_ = false;
};

}  // namespace ch::io
