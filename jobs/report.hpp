// report: the briefing ("target package") of a run as one self-contained HTML file — run
// provenance, summary figures, the top organizations with member network diagrams, corridor
// flows, monthly trends, dismantling progress (with an earlier assessment), leads and
// referrals. Read-only: reads DIR/assessment.h5, and for the diagrams the member ties from
// DIR/network.h5 /edges and names from DIR/entities.h5 /entities when they are there.
//
// Distribution: every rank reads the (small) assessment tables; the large tables (edges,
// entities) are scanned by each rank's share in slices and only the rows about drawn members
// are gathered. Rank 0 renders (kernels/report, a pure function, so the page is byte-identical
// for any rank count) and writes FILE.partial, then renames it (mode 0640).
#pragma once

#include <cstddef>
#include <filesystem>

#include "jobs/job.hpp"

namespace ch::jobs {

struct ReportOptions {
  std::filesystem::path run;
  std::filesystem::path out;   // empty: RUN/report.html
  std::size_t top = 10;        // organizations with a section of their own
  std::size_t max_nodes = 40;  // members drawn per network diagram
  std::size_t max_leads = 20;  // leads listed
};

// Collective. Returns the path written.
std::filesystem::path report(const JobEnv& env, const ReportOptions& options);

}  // namespace ch::jobs
