// How a stage puts its subcommand on the `clearinghouse` command line. Each job file provides
// `void add_<stage>_command(Cli&)`; main.cpp only lists them. The callback stores the action to
// run once parsing succeeded on every rank.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "jobs/job.hpp"

namespace ch::jobs {

struct CommonOptions {
  int threads = 0;
  std::string log_level = "info";
  std::vector<std::string> overrides;
  std::string fault;
  std::string metrics;
};

struct Cli {
  CLI::App& app;
  CommonOptions& common;
  std::function<int(const JobEnv&)>& action;

  // A subcommand with the common options (--threads, --log-level, --set) already attached.
  CLI::App* add_command(const std::string& name, const std::string& help);
};

void add_generate_command(Cli& cli);
void add_run_command(Cli& cli);
void add_inspect_command(Cli& cli);
void add_ingest_command(Cli& cli);
void add_resolve_command(Cli& cli);
void add_explain_command(Cli& cli);
void add_evaluate_command(Cli& cli);
void add_network_command(Cli& cli);
void add_compare_command(Cli& cli);
void add_communities_command(Cli& cli);
void add_release_command(Cli& cli);
void add_assess_command(Cli& cli);
void add_report_command(Cli& cli);

}  // namespace ch::jobs
