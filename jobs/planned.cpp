// Subcommands whose stages later issues build. They are on the command line already, with the
// options scripts will use, so that `--help` works and a run stops with a plain message.
#include "jobs/cli.hpp"

namespace ch::jobs {

void add_planned_commands(Cli& cli) {
  struct Planned {
    const char* name;
    const char* help;
  };
  static const Planned planned[] = {
      {"report", "A briefing (HTML) from an assessment"},
  };
  for (const auto& p : planned) {
    auto* sub = cli.add_command(p.name, std::string(p.help) + " (not implemented yet)");
    sub->add_option("--run", "Run directory");
    sub->add_option("--out", "Output file");
    sub->allow_extras();
    const std::string name = p.name;
    sub->callback([&action = cli.action, name] {
      action = [name](const JobEnv&) -> int { not_implemented(name); };
    });
  }
}

}  // namespace ch::jobs
