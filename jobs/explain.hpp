// explain: why a record sits in its entity. Prints the chain of matched pairs that joins the
// record to its entity's first observation (or to a second record), each link as a waterfall of
// comparison levels and match weights (prior, per-comparison log2(m/u), TF adjustments, total,
// probability), and the blocking keys that made the pair a candidate. Reads the run's
// entities.h5 (/membership, /pairs, /model) and records.h5.
#pragma once

#include <string>

#include "jobs/job.hpp"

namespace ch::jobs {

// Returns the text it printed (rank 0; other ranks get the same text), for tests.
std::string explain(const JobEnv& env, const RunLayout& layout, const std::string& record,
                    const std::string& other_record = {});

}  // namespace ch::jobs
