// The distributed runtime's handle: who am I, how many are we, and the limits of one message.
// Jobs never call MPI directly; they use the verbs in cluster/ that take a Context.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>

namespace ch::cluster {

// Owns MPI_Init/MPI_Finalize for the process. Threads: only the main thread calls MPI
// (MPI_THREAD_FUNNELED); TBB workers compute between collective calls.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

class Context {
 public:
  explicit Context(MPI_Comm comm);
  static Context world() { return Context(MPI_COMM_WORLD); }

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  MPI_Comm comm() const { return comm_; }
  // Ranks sharing this node: the default thread count is cores / ranks on the node.
  int node_local_size() const { return node_local_size_; }

  // Largest payload a single point-to-point piece of a shuffle may carry. MPI counts are `int`,
  // so pieces must stay below 2 GiB; tests lower it to exercise the multi-round path.
  std::size_t max_message_bytes() const { return max_message_bytes_; }
  void set_max_message_bytes(std::size_t bytes) { max_message_bytes_ = bytes; }

  // Bytes this rank has sent to other ranks through shuffles, for the scaling model.
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  void add_bytes_sent(std::uint64_t n) const { bytes_sent_ += n; }
  // Wall seconds this rank spent inside shuffle exchanges (copies, transfer and waiting for the
  // other ranks): with bytes_sent, what a stage's communication costs.
  double shuffle_seconds() const { return shuffle_seconds_; }
  void add_shuffle_seconds(double s) const { shuffle_seconds_ += s; }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  int node_local_size_ = 1;
  std::size_t max_message_bytes_ = std::size_t{1} << 30;
  mutable std::uint64_t bytes_sent_ = 0;
  mutable double shuffle_seconds_ = 0;
};

}  // namespace ch::cluster
