#include "io/parallel_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include "cluster/collectives.hpp"

namespace ch::io {
namespace {

constexpr std::uint64_t kFailed = std::uint64_t{1} << 63;  // in a gathered size: that rank's write failed

// Writes all of `bytes` at `offset`; false on an error (a full disk: ENOSPC, EFBIG).
bool write_fully(int fd, std::string_view bytes, std::uint64_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

}  // namespace

ParallelFileWriter::ParallelFileWriter(const cluster::Context& ctx, std::filesystem::path final_path)
    : ctx_(ctx), final_path_(std::move(final_path)), gathered_(static_cast<std::size_t>(ctx.size())) {
  partial_path_ = final_path_;
  partial_path_ += ".partial";
  if (ctx_.is_root()) {
    std::error_code ec;
    if (!final_path_.parent_path().empty()) std::filesystem::create_directories(final_path_.parent_path(), ec);
    // Truncated: a stale partial file of a larger earlier run must not leave a tail.
    fd_ = ::open(partial_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  const bool root_failed = cluster::allreduce_or(ctx_, ctx_.is_root() && fd_ < 0);
  if (!root_failed && !ctx_.is_root()) fd_ = ::open(partial_path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (root_failed || cluster::allreduce_or(ctx_, fd_ < 0)) {
    discard();
    throw std::runtime_error("cannot create " + partial_path_.string());
  }
}

ParallelFileWriter::~ParallelFileWriter() {
  if (!committed_) discard();
}

void ParallelFileWriter::discard() {
  // Every rank posted the pending round before any could throw past it, so this completes (a
  // rank failing elsewhere then ends the job with MPI_Abort); its buffers must outlive it.
  if (request_ != MPI_REQUEST_NULL) MPI_Wait(&request_, MPI_STATUS_IGNORE);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  if (ctx_.is_root()) std::filesystem::remove(partial_path_, ec);
}

void ParallelFileWriter::settle() {
  if (request_ == MPI_REQUEST_NULL) return;
  MPI_Wait(&request_, MPI_STATUS_IGNORE);
  std::uint64_t offset = file_size_;
  bool any_failed = false;
  for (int r = 0; r < ctx_.size(); ++r) {
    const std::uint64_t word = gathered_[static_cast<std::size_t>(r)];
    if (r == ctx_.rank()) offset = file_size_;
    file_size_ += word & ~kFailed;
    any_failed = any_failed || (word & kFailed) != 0;
  }
  if (any_failed) throw std::runtime_error("cannot write " + partial_path_.string() + " (disk full?)");
  failed_ = failed_ || !write_fully(fd_, pending_, offset);
  pending_.clear();
}

void ParallelFileWriter::append(std::string bytes) {
  settle();
  pending_ = std::move(bytes);
  local_size_ += pending_.size();
  sent_ = pending_.size() | (failed_ ? kFailed : 0);
  MPI_Iallgather(&sent_, 1, MPI_UINT64_T, gathered_.data(), 1, MPI_UINT64_T, ctx_.comm(), &request_);
}

void ParallelFileWriter::commit() {
  settle();
  const bool failed = ::close(fd_) != 0 || failed_;
  fd_ = -1;
  if (cluster::allreduce_or(ctx_, failed))
    throw std::runtime_error("cannot write " + partial_path_.string() + " (disk full?)");
  std::error_code ec;
  if (ctx_.is_root()) std::filesystem::rename(partial_path_, final_path_, ec);
  if (cluster::allreduce_or(ctx_, static_cast<bool>(ec)))
    throw std::runtime_error("cannot rename " + partial_path_.string() + ": " + ec.message());
  committed_ = true;
}

}  // namespace ch::io
