// GoogleTest main for tests launched under mpiexec: every rank runs every test; only rank 0
// prints the usual report, and the process fails if any rank saw a failure.
#include <gtest/gtest.h>

#include <cstdio>

#include "cluster/collectives.hpp"
#include "cluster/context.hpp"

namespace {
// Non-root ranks keep quiet except for failures, which they print with their rank.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (r.failed())
      std::fprintf(stderr, "rank %d: %s:%d: failure\n%s\n", rank_, r.file_name() ? r.file_name() : "?",
                   r.line_number(), r.summary());
  }

 private:
  int rank_;
};
}  // namespace

int main(int argc, char** argv) {
  ch::cluster::MpiSession mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  const auto ctx = ch::cluster::Context::world();
  if (!ctx.is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(ctx.rank()));
  }
  const int local = RUN_ALL_TESTS();
  const bool any_failed = ch::cluster::allreduce_or(ctx, local != 0);
  return any_failed ? 1 : 0;
}
