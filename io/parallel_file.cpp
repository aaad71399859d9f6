#include "io/parallel_file.hpp"

#include <algorithm>
#include <stdexcept>

#include "cluster/collectives.hpp"

namespace ch::io {
namespace {
constexpr std::uint64_t kMaxWriteBytes = std::uint64_t{1} << 30;  // MPI counts are int
}

ParallelFileWriter::ParallelFileWriter(const cluster::Context& ctx, std::filesystem::path final_path)
    : ctx_(ctx), final_path_(std::move(final_path)) {
  partial_path_ = final_path_;
  partial_path_ += ".partial";
  if (ctx_.is_root()) {
    if (!final_path_.parent_path().empty()) std::filesystem::create_directories(final_path_.parent_path());
    std::error_code ec;
    std::filesystem::remove(partial_path_, ec);  // MPI_File_open does not truncate
  }
  cluster::barrier(ctx_, "partial file removed before the collective open");
  const int rc = MPI_File_open(ctx_.comm(), partial_path_.c_str(), MPI_MODE_CREATE | MPI_MODE_WRONLY,
                               MPI_INFO_NULL, &file_);
  if (cluster::allreduce_or(ctx_, rc != MPI_SUCCESS)) {
    if (file_ != MPI_FILE_NULL) MPI_File_close(&file_);
    throw std::runtime_error("cannot create " + partial_path_.string());
  }
  MPI_File_set_errhandler(file_, MPI_ERRORS_RETURN);
}

ParallelFileWriter::~ParallelFileWriter() {
  if (file_ != MPI_FILE_NULL) MPI_File_close(&file_);
  if (!committed_ && ctx_.is_root()) {
    std::error_code ec;
    std::filesystem::remove(partial_path_, ec);
  }
}

std::uint64_t ParallelFileWriter::append(std::string_view local) {
  const std::uint64_t offset = end_ + cluster::exclusive_scan(ctx_, local.size());
  const std::uint64_t rounds =
      cluster::allreduce_max(ctx_, (local.size() + kMaxWriteBytes - 1) / kMaxWriteBytes);
  bool failed = false;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    const std::uint64_t begin = std::min<std::uint64_t>(local.size(), r * kMaxWriteBytes);
    const std::uint64_t n = std::min<std::uint64_t>(kMaxWriteBytes, local.size() - begin);
    MPI_Status status;
    const int rc = MPI_File_write_at_all(file_, static_cast<MPI_Offset>(offset + begin),
                                         local.data() + begin, static_cast<int>(n), MPI_BYTE, &status);
    int written = 0;
    MPI_Get_count(&status, MPI_BYTE, &written);
    failed = failed || rc != MPI_SUCCESS || static_cast<std::uint64_t>(written) != n;
  }
  if (cluster::allreduce_or(ctx_, failed))
    throw std::runtime_error("cannot write " + partial_path_.string() + " (disk full?)");
  end_ += cluster::allreduce_sum<std::uint64_t>(ctx_, local.size());
  return offset;
}

void ParallelFileWriter::commit() {
  const int rc = MPI_File_close(&file_);
  file_ = MPI_FILE_NULL;
  if (cluster::allreduce_or(ctx_, rc != MPI_SUCCESS))
    throw std::runtime_error("cannot close " + partial_path_.string() + " (disk full?)");
  std::error_code ec;
  if (ctx_.is_root()) std::filesystem::rename(partial_path_, final_path_, ec);
  if (cluster::allreduce_or(ctx_, static_cast<bool>(ec)))
    throw std::runtime_error("cannot rename " + partial_path_.string() + ": " + ec.message());
  committed_ = true;
}

}  // namespace ch::io
