#include "jobs/release.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cluster/collectives.hpp"
#include "io/hash.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/config.hpp"
#include "jobs/log.hpp"
#include "jobs/network.hpp"
#include "kernels/release/assessment.hpp"
#include "kernels/release/csv_cell.hpp"
#include "kernels/release/extract.hpp"

namespace ch::jobs {
namespace {

namespace fs = std::filesystem;
using network::EdgeType;

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// Lexically inside `dir` after resolving symlinks of the existing part of both paths.
bool is_inside(const fs::path& dir, const fs::path& candidate) {
  const auto base = fs::weakly_canonical(fs::absolute(dir));
  const auto path = fs::weakly_canonical(fs::absolute(candidate));
  auto b = base.begin();
  auto p = path.begin();
  for (; b != base.end(); ++b, ++p)
    if (p == path.end() || *p != *b) return false;
  return true;
}

// Rows [begin, end) of every column: each rank writes its even share of a table all ranks hold.
io::Table slice(const io::Table& full, std::uint64_t begin, std::uint64_t end) {
  io::Table out;
  for (const auto& c : full.columns()) {
    io::Column part{c.name, {}, c.encoding};
    std::visit([&](const auto& v) {
      using V = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<V, io::StringColumn>) {
        part.data = v.slice(begin, end);
      } else {
        part.data = V(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(end));
      }
    }, c.data);
    out.add_column(std::move(part));
  }
  return out;
}

void write_share(const cluster::Context& ctx, io::TableWriter& writer, const std::string& group,
                 const io::Table& full) {
  const auto [b, e] = io::even_share(full.rows(), ctx.rank(), ctx.size());
  writer.write_table(group, slice(full, b, e));
}

std::string cell_text(const io::ColumnData& data, std::size_t row, bool& is_text) {
  return std::visit([&](const auto& v) -> std::string {
    using T = typename std::decay_t<decltype(v)>::value_type;
    is_text = std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>;
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) return std::string(v[row]);
    else if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) return std::to_string(static_cast<int>(v[row]));
    else if constexpr (std::is_floating_point_v<T>) return fmt::format("{}", v[row]);
    else return std::to_string(v[row]);
  }, data);
}

// Text cells are neutralized against formula injection; numbers are ours and written plainly.
std::string table_csv(const io::Table& t) {
  std::string out;
  for (std::size_t c = 0; c < t.columns().size(); ++c)
    out += (c ? "," : "") + release::csv_text_cell(t.columns()[c].name);
  out += "\n";
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < t.columns().size(); ++c) {
      bool is_text = false;
      const auto v = cell_text(t.columns()[c].data, r, is_text);
      out += (c ? "," : "") + (is_text ? release::csv_text_cell(v) : v);
    }
    out += "\n";
  }
  return out;
}

// The network stage's effective [network] section, as --set overrides, so the extract's edges
// follow the same parameters as the run's network.h5.
release::EdgeRules edge_rules(const JobEnv& env, const fs::path& network_h5) {
  std::vector<std::string> overrides;
  if (fs::exists(network_h5)) {
    const io::TableReader reader(env.ctx, network_h5);
    const auto attrs = reader.attributes("/");
    if (const auto it = attrs.find("config"); it != attrs.end())
      if (const auto* text = std::get_if<std::string>(&it->second)) {
        std::istringstream lines(*text);
        for (std::string line; std::getline(lines, line);) {
          const auto eq = line.find(" = ");
          if (eq != std::string::npos) overrides.push_back("network." + line.substr(0, eq) + "=" + line.substr(eq + 3));
        }
      }
  }
  for (const auto& o : stage_overrides(env.overrides, "network")) overrides.push_back(o);
  const JobEnv with_run_config{env.ctx, env.threads, overrides, "", ""};
  return load_network_config(with_run_config).rules;
}

struct ManifestRow {
  std::string item, kind;
  std::uint64_t source_rows = 0, released = 0, withheld = 0;
  std::string sha256;
};

void write_file_0640(const fs::path& path, const std::string& bytes) {
  const auto partial = fs::path(path.string() + ".partial");
  {
    std::ofstream f(partial, std::ios::binary | std::ios::trunc);
    f << bytes;
    if (!f.flush()) throw Error(kExitFailure, "cannot write " + partial.string());
  }
  fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  fs::rename(partial, path);
}

}  // namespace

ReleaseConfig load_release_config(const JobEnv& env, const fs::path& partners_file) {
  if (!stage_overrides(env.overrides, "release").empty())
    throw UsageError("--set " + stage_overrides(env.overrides, "release").front() +
                     ": release rules come from --partners FILE, not --set");
  ReleaseConfig config;
  std::string text(release::builtin_partners_toml());
  std::string origin = "built-in partners";
  if (!partners_file.empty()) {
    release::check_user_path("--partners", partners_file.string());
    origin = partners_file.string();
    // Rank 0 reads; the verdict travels with the text so every rank fails alike.
    std::string verdict = "ok", body;
    if (env.ctx.is_root()) {
      std::ifstream in(partners_file, std::ios::binary);
      if (!in) {
        verdict = "cannot read the partners file '" + partners_file.string() + "'";
      } else {
        std::ostringstream s;
        s << in.rdbuf();
        body = s.str();
        if (body.size() > (1u << 20)) verdict = "partners file '" + partners_file.string() + "' is over 1 MiB";
      }
    }
    verdict = cluster::broadcast_string(env.ctx, verdict);
    if (verdict != "ok") throw UsageError("--partners: " + verdict);
    text = cluster::broadcast_string(env.ctx, body);
  }
  config.policy = release::parse_partners(text, origin);
  return config;
}

fs::path default_extract_path(const RunLayout& run, const ReleaseConfig& config, const std::string& partner) {
  return run.dir / config.policy.out_dir / (partner + ".h5");
}

void release(const JobEnv& env, const RunLayout& run, const std::string& partner_code, const fs::path& out,
             const ReleaseConfig& config) {
  const auto& ctx = env.ctx;
  const auto& policy = config.policy;
  StageTimer timer(env, "release");
  const std::string started = io::utc_now();

  // 1. Everything the user handed us is checked before anything exists on disk.
  if (partner_code.size() > policy.max_field_bytes || !release::valid_partner_code(partner_code))
    throw UsageError(fmt::format("--partner '{}': not a partner code (1-32 of a-z 0-9 _ -, starting with a letter)",
                                 partner_code.substr(0, 64)));
  const auto found = policy.partners.find(partner_code);
  if (found == policy.partners.end()) {
    std::string known;
    for (const auto& [code, p] : policy.partners) known += (known.empty() ? "" : ", ") + code;
    throw UsageError(fmt::format("--partner '{}': unknown partner in {} (known: {})", partner_code, policy.origin, known));
  }
  const auto& partner = found->second;
  if (run.dir.empty()) throw UsageError("release: --run DIR is required");
  release::check_user_path("--run", run.dir.string());
  release::check_user_path("--out", out.string());
  if (out.extension() != ".h5") throw UsageError("--out '" + out.string() + "': an extract is an .h5 file");
  if (!fs::is_directory(run.dir)) throw UsageError("--run '" + run.dir.string() + "': not a directory");
  if (!is_inside(run.dir, run.dir / policy.out_dir))
    throw UsageError(fmt::format("{}: key 'release.out_dir': '{}' leads outside the run directory", policy.origin,
                                 policy.out_dir));
  if (!policy.allow_out_outside_run) {
    if (!is_inside(run.dir, out))
      throw UsageError(fmt::format("--out '{}': outside the run directory '{}' (set release.allow_out_outside_run "
                                   "= true in the partners file to allow it)", out.string(), run.dir.string()));
    if (!config.csv_dir.empty() && !is_inside(run.dir, config.csv_dir))
      throw UsageError(fmt::format("--csv '{}': outside the run directory '{}'", config.csv_dir.string(),
                                   run.dir.string()));
  }
  if (!config.csv_dir.empty()) release::check_user_path("--csv", config.csv_dir.string());
  for (const auto& stage_file : {run.records(), run.entities(), run.network(), run.communities(), run.assessment(),
                                 run.truth(), run.evaluation()})
    if (fs::weakly_canonical(fs::absolute(out)) == fs::weakly_canonical(fs::absolute(stage_file)))
      throw UsageError("--out '" + out.string() + "': would overwrite the run's " + stage_file.filename().string());
  for (const auto& input : {run.records(), run.entities()})
    if (!fs::exists(input)) throw UsageError("release: missing input " + input.string() + " (run the earlier stages)");
  env.fault_point("release", "start");

  // 2. The releasable subset. Every rank reads and computes the same (small) extract, then
  //    writes its even share of rows: the file is the same for any number of ranks.
  const io::TableReader records(ctx, run.records());
  const io::TableReader entities(ctx, run.entities());
  const auto obs = records.read_all(
      "/observations", {"obs", "source", "agency", "record_id", "releasable_to", "given_name", "family_name", "dob",
                        "nationality", "document_number", "phone", "email", "booking_ref", "payment_ref", "event_utc"});
  const auto member = entities.read_all("/membership", {"obs", "entity_id"});
  const std::uint64_t n_obs = obs.rows();
  if (member.rows() != n_obs || member.get<std::uint64_t>("obs") != obs.get<std::uint64_t>("obs"))
    throw UsageError(run.entities().string() + " does not match " + run.records().string() + ": different runs");
  const auto& entity_of = member.get<std::uint64_t>("entity_id");

  std::vector<release::Observation> kept;
  std::vector<std::int64_t> index_of(n_obs, -1);
  std::set<std::string> withheld_ids;  // a lead citing one of these may rest on a withheld record
  {
    const auto& source = obs.get<std::string>("source");
    const auto& agency = obs.get<std::string>("agency");
    const auto& releasable = obs.get<std::string>("releasable_to");
    for (std::uint64_t i = 0; i < n_obs; ++i) {
      if (!partner.may_receive(releasable[i], source[i], agency[i])) {
        withheld_ids.insert(obs.get<std::string>("record_id")[i]);
        continue;
      }
      index_of[i] = static_cast<std::int64_t>(kept.size());
      kept.push_back({obs.get<std::uint64_t>("obs")[i], entity_of[i], source[i], agency[i],
                      obs.get<std::string>("record_id")[i], obs.get<std::string>("given_name")[i],
                      obs.get<std::string>("family_name")[i], obs.get<std::string>("dob")[i],
                      obs.get<std::string>("nationality")[i], obs.get<std::string>("document_number")[i],
                      obs.get<std::string>("phone")[i], obs.get<std::string>("email")[i],
                      obs.get<std::string>("booking_ref")[i], obs.get<std::string>("payment_ref")[i],
                      obs.get<std::int64_t>("event_utc")[i]});
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  if (entities.has_table("/pairs")) {
    const auto t = entities.read_all("/pairs", {"row_a", "row_b", "same_entity"});
    const auto& a = t.get<std::uint64_t>("row_a");
    const auto& b = t.get<std::uint64_t>("row_b");
    const auto& same = t.get<std::uint8_t>("same_entity");
    for (std::size_t k = 0; k < a.size(); ++k)
      if (same[k] && a[k] < n_obs && b[k] < n_obs && index_of[a[k]] >= 0 && index_of[b[k]] >= 0)
        pairs.emplace_back(static_cast<std::size_t>(index_of[a[k]]), static_cast<std::size_t>(index_of[b[k]]));
  } else {
    spdlog::warn("release: {} has no /pairs: every releasable observation is released as its own person",
                 run.entities().string());
  }
  const auto person_of = release::split_persons(kept, pairs);
  const auto profiles = release::profiles(kept, person_of);

  std::vector<release::Flight> flights;
  {
    const auto seg = records.read_all("/segments", {"obs", "carrier", "flight_number", "departure_utc"});
    const auto& so = seg.get<std::uint64_t>("obs");
    const auto& dep = seg.get<std::int64_t>("departure_utc");
    for (std::size_t i = 0; i < so.size(); ++i) {
      if (so[i] >= n_obs || index_of[so[i]] < 0 || dep[i] == kNoTime) continue;
      const std::int64_t day = dep[i] >= 0 ? dep[i] / 86400 : -((-dep[i] + 86399) / 86400);
      flights.push_back({static_cast<std::size_t>(index_of[so[i]]),
                         seg.get<std::string>("carrier")[i] + seg.get<std::string>("flight_number")[i] + "@" +
                             std::to_string(day), dep[i]});
    }
  }
  std::vector<release::Call> calls;
  const std::uint64_t n_calls = records.rows("/calls");
  {
    const auto c = records.read_all("/calls", {"agency", "releasable_to", "caller", "callee", "start_utc", "duration_s"});
    for (std::size_t i = 0; i < c.rows(); ++i)
      if (partner.may_receive(c.get<std::string>("releasable_to")[i], "calls", c.get<std::string>("agency")[i]))
        calls.push_back({c.get<std::string>("caller")[i], c.get<std::string>("callee")[i],
                         c.get<std::int64_t>("start_utc")[i],
                         static_cast<std::uint64_t>(std::max<std::int64_t>(0, c.get<std::int64_t>("duration_s")[i]))});
  }
  const auto net = release::recompute_network(kept, person_of, flights, calls, edge_rules(env, run.network()));
  env.stop_point("release");

  // 3. Tables.
  std::map<std::string, io::Table> tables;
  {
    std::vector<std::uint64_t> person;
    std::vector<std::uint32_t> count;
    std::vector<std::string> name, given, family, dob, nat, docs, phones, emails;
    for (const auto& p : profiles) {
      person.push_back(p.person);
      count.push_back(p.observations);
      name.push_back(p.name);
      given.push_back(p.given_name);
      family.push_back(p.family_name);
      dob.push_back(p.dob);
      nat.push_back(p.nationalities);
      docs.push_back(p.documents);
      phones.push_back(p.phones);
      emails.push_back(p.emails);
    }
    auto& t = tables["entities"];
    t.add("person", std::move(person)).add("observations", std::move(count)).add("name", std::move(name));
    t.add("given_name", std::move(given)).add("family_name", std::move(family)).add("dob", std::move(dob));
    t.add("nationalities", std::move(nat)).add("documents", std::move(docs)).add("phones", std::move(phones));
    t.add("emails", std::move(emails));
  }
  {
    std::vector<std::uint64_t> person;
    std::vector<std::string> source, agency, record_id;
    std::vector<std::int64_t> utc;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      person.push_back(person_of[i]);
      source.push_back(kept[i].source);
      agency.push_back(kept[i].agency);
      record_id.push_back(kept[i].record_id);
      utc.push_back(kept[i].event_utc);
    }
    auto& t = tables["evidence"];
    t.add("person", std::move(person)).add("source", std::move(source), io::StringEncoding::kDictionary);
    t.add("agency", std::move(agency), io::StringEncoding::kDictionary).add("record_id", std::move(record_id));
    t.add("event_utc", std::move(utc));
  }
  {
    std::vector<std::uint64_t> a, b, seconds;
    std::vector<double> weight;
    std::array<std::vector<std::uint32_t>, network::kEdgeTypeCount> counts;
    std::vector<std::int64_t> first, last;
    for (const auto& e : net.edges) {
      a.push_back(e.a);
      b.push_back(e.b);
      weight.push_back(network::from_fixed(e.weight));
      for (std::size_t k = 0; k < network::kEdgeTypeCount; ++k) counts[k].push_back(e.count[k]);
      seconds.push_back(e.seconds);
      first.push_back(e.first_utc);
      last.push_back(e.last_utc);
    }
    auto& t = tables["edges"];
    t.add("source", std::move(a)).add("target", std::move(b)).add("weight", std::move(weight));
    for (std::size_t k = 0; k < network::kEdgeTypeCount; ++k)
      t.add(std::string(network::edge_type_name(static_cast<EdgeType>(k))), std::move(counts[k]));
    t.add("call_seconds", std::move(seconds)).add("first_utc", std::move(first)).add("last_utc", std::move(last));
  }
  {
    std::vector<std::uint64_t> a, b, count, seconds;
    std::vector<std::string> type, month;
    std::vector<double> weight;
    for (const auto& e : net.monthly) {
      a.push_back(e.a);
      b.push_back(e.b);
      type.emplace_back(network::edge_type_name(static_cast<EdgeType>(e.type)));
      const int y = 1970 + (e.month >= 0 ? e.month / 12 : (e.month - 11) / 12);
      month.push_back(fmt::format("{:04d}-{:02d}", y, e.month - (y - 1970) * 12 + 1));
      count.push_back(e.count);
      weight.push_back(network::from_fixed(e.weight));
      seconds.push_back(e.seconds);
    }
    auto& t = tables["edges_monthly"];
    t.add("source", std::move(a)).add("target", std::move(b));
    t.add("type", std::move(type), io::StringEncoding::kDictionary).add("month", std::move(month), io::StringEncoding::kDictionary);
    t.add("count", std::move(count)).add("weight", std::move(weight)).add("seconds", std::move(seconds));
  }
  {
    std::vector<std::uint64_t> person;
    std::vector<std::string> phone;
    std::vector<std::uint32_t> sharing;
    for (const auto& u : net.person_phone) {
      person.push_back(u.person);
      phone.push_back(u.phone);
      sharing.push_back(u.persons_sharing);
    }
    auto& t = tables["person_phone"];
    t.add("person", std::move(person)).add("phone", std::move(phone)).add("persons_sharing", std::move(sharing));
  }

  // The assessment, when the run has one: rows supported by releasable records only, every
  // count and text rebuilt from released persons and records (docs/release.md, "Assessment").
  std::uint64_t n_orgs = 0, n_members = 0, n_leads = 0, n_referrals = 0;
  if (fs::exists(run.assessment())) {
    const io::TableReader assessment(ctx, run.assessment());
    std::vector<release::RunMember> members;
    if (assessment.has_table("/members")) {
      // The role is not read: it may rest on withheld records (rule 8).
      const auto t = assessment.read_all("/members", {"organization", "entity"});
      for (std::size_t i = 0; i < t.rows(); ++i)
        members.push_back({t.get<std::int64_t>("organization")[i], t.get<std::uint64_t>("entity")[i]});
      n_members = t.rows();
    }
    n_orgs = assessment.has_table("/organizations") ? assessment.rows("/organizations") : 0;
    n_referrals = assessment.has_table("/referrals") ? assessment.rows("/referrals") : 0;
    // Grouped over the releasable edges (the extract's /edges), not the assessor's grouping.
    const auto orgs = release::release_organizations(members, kept, person_of, net.edges);
    std::vector<release::RunLead> run_leads;
    if (assessment.has_table("/leads")) {
      auto t = assessment.read_all("/leads", {"rank", "kind", "subject", "organization", "evidence", "issue"});
      // Rank order is the run's ranking; the released ranks keep it, densely.
      const auto& rank = t.get<std::uint32_t>("rank");
      std::vector<std::size_t> order(t.rows());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
      for (const auto i : order)
        run_leads.push_back({t.get<std::string>("kind")[i], t.get<std::string>("subject")[i],
                             t.get<std::string>("evidence")[i], t.get<std::string>("issue")[i],
                             t.get<std::int64_t>("organization")[i]});
      n_leads = t.rows();
    }
    const auto leads = release::release_leads(run_leads, kept, release::citable_records(kept, person_of, withheld_ids),
                                              orgs.organization_of);
    {
      std::vector<std::int64_t> id;
      std::vector<std::uint64_t> count, ties, phones;
      for (const auto& o : orgs.organizations)
        id.push_back(o.id), count.push_back(o.members), ties.push_back(o.ties), phones.push_back(o.phones);
      auto& t = tables["organizations"];
      t.add("id", std::move(id)).add("members", std::move(count)).add("ties", std::move(ties)).add("phones", std::move(phones));
    }
    {
      std::vector<std::int64_t> org;
      std::vector<std::uint64_t> person;
      for (const auto& m : orgs.members) org.push_back(m.organization), person.push_back(m.person);
      auto& t = tables["members"];
      t.add("organization", std::move(org)).add("person", std::move(person));
    }
    {
      std::vector<std::uint32_t> rank;
      std::vector<std::string> kind, subject, reason, evidence, issue;
      std::vector<std::uint64_t> person;
      std::vector<std::int64_t> org;
      for (const auto& l : leads) {
        rank.push_back(l.rank), kind.push_back(l.kind), subject.push_back(l.subject), person.push_back(l.person);
        org.push_back(l.organization), reason.push_back(l.reason), evidence.push_back(l.evidence), issue.push_back(l.issue);
      }
      // Referrals: the released leads grouped by issue, in rank order (agency and jurisdiction
      // are not released: they rest on nationalities of possibly withheld records).
      std::vector<std::size_t> order(leads.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return issue[a] < issue[b]; });
      std::vector<std::string> r_issue, r_subject, r_reason;
      std::vector<std::uint32_t> r_rank;
      std::vector<std::int64_t> r_org;
      for (const auto i : order)
        r_issue.push_back(issue[i]), r_rank.push_back(rank[i]), r_subject.push_back(subject[i]), r_org.push_back(org[i]),
            r_reason.push_back(reason[i]);
      auto& t = tables["leads"];
      t.add("rank", std::move(rank)).add("kind", std::move(kind), io::StringEncoding::kDictionary).add("subject", std::move(subject));
      t.add("person", std::move(person)).add("organization", std::move(org)).add("reason", std::move(reason));
      t.add("evidence", std::move(evidence)).add("issue", std::move(issue), io::StringEncoding::kDictionary);
      auto& r = tables["referrals"];
      r.add("issue", std::move(r_issue), io::StringEncoding::kDictionary).add("lead_rank", std::move(r_rank));
      r.add("subject", std::move(r_subject)).add("organization", std::move(r_org)).add("reason", std::move(r_reason));
    }
  }

  // 4. Manifest: what was released and withheld per table, and which run it came from.
  std::set<std::uint64_t> entities_released;
  for (const auto& k : kept) entities_released.insert(k.entity);
  const std::uint64_t n_entities = entities.has_table("/entities") ? entities.rows("/entities") : 0;
  std::uint64_t n_edges = 0, n_monthly = 0, n_phone = 0;
  if (fs::exists(run.network())) {
    const io::TableReader network_file(ctx, run.network());
    n_edges = network_file.has_table("/edges") ? network_file.rows("/edges") : 0;
    n_monthly = network_file.has_table("/edges_monthly") ? network_file.rows("/edges_monthly") : 0;
    n_phone = network_file.has_table("/person_phone") ? network_file.rows("/person_phone") : 0;
  }
  auto clamp_sub = [](std::uint64_t x, std::uint64_t y) { return x > y ? x - y : 0; };
  std::vector<ManifestRow> manifest;
  const std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> source_and_withheld = {
      {"entities", {n_entities, clamp_sub(n_entities, entities_released.size())}},
      {"evidence", {n_obs, n_obs - kept.size()}},
      {"edges", {n_edges, clamp_sub(n_edges, net.edges.size())}},
      {"edges_monthly", {n_monthly, clamp_sub(n_monthly, net.monthly.size())}},
      {"person_phone", {n_phone, clamp_sub(n_phone, net.person_phone.size())}},
      {"organizations", {n_orgs, clamp_sub(n_orgs, tables.count("organizations") ? tables["organizations"].rows() : 0)}},
      {"members", {n_members, clamp_sub(n_members, tables.count("members") ? tables["members"].rows() : 0)}},
      {"leads", {n_leads, clamp_sub(n_leads, tables.count("leads") ? tables["leads"].rows() : 0)}},
      {"referrals", {n_referrals, clamp_sub(n_referrals, tables.count("referrals") ? tables["referrals"].rows() : 0)}}};
  for (const auto& [name, t] : tables) {
    const auto& [source_rows, withheld] = source_and_withheld.at(name);
    const bool allowed = partner.receives_table(name);
    manifest.push_back({name, "table", source_rows, allowed ? t.rows() : 0, allowed ? withheld : source_rows, ""});
  }
  manifest.push_back({"calls", "evidence", n_calls, calls.size(), n_calls - calls.size(), ""});
  std::vector<fs::path> run_files;
  for (const auto& f : {run.records(), run.entities(), run.network(), run.communities(), run.assessment()})
    if (fs::exists(f)) run_files.push_back(f);
  const auto hashes = io::hash_inputs(ctx, run_files);
  for (const auto& [file, sha] : hashes) manifest.push_back({file, "input", 0, 0, 0, sha});
  io::Table manifest_table;
  {
    std::vector<std::string> item, kind, sha;
    std::vector<std::uint64_t> source_rows, released, withheld;
    for (const auto& m : manifest) {
      item.push_back(m.item);
      kind.push_back(m.kind);
      source_rows.push_back(m.source_rows);
      released.push_back(m.released);
      withheld.push_back(m.withheld);
      sha.push_back(m.sha256);
    }
    manifest_table.add("item", std::move(item)).add("kind", std::move(kind), io::StringEncoding::kDictionary);
    manifest_table.add("source_rows", std::move(source_rows)).add("released", std::move(released));
    manifest_table.add("withheld", std::move(withheld)).add("sha256", std::move(sha));
  }

  // 5. Write with group/world bits cleared from the start: the partial file and the final name
  //    are never readable by others (umask is per process, so every rank sets it).
  const mode_t old_mask = ::umask(027);
  struct RestoreMask {
    mode_t mask;
    ~RestoreMask() { ::umask(mask); }
  } restore{old_mask};
  if (ctx.is_root()) {
    fs::create_directories(out.parent_path().empty() ? fs::path(".") : out.parent_path());
    if (!config.csv_dir.empty()) fs::create_directories(config.csv_dir);
  }
  cluster::barrier(ctx, "release output directories");
  io::TableWriter writer(ctx, out);
  std::map<std::string, std::uint64_t> row_counts;
  for (const auto& [name, t] : tables) {
    if (!partner.receives_table(name)) continue;
    write_share(ctx, writer, "/" + name, t);
    row_counts["/" + name] = t.rows();
  }
  write_share(ctx, writer, "/manifest", manifest_table);
  row_counts["/manifest"] = manifest_table.rows();
  io::Attributes attrs;
  attrs["partner"] = partner.code;
  attrs["partner_name"] = partner.name;
  attrs["rule_version"] = partner.rule_version;
  for (const auto& m : manifest) {
    if (m.kind == "input") {
      attrs["source_sha256_" + m.item] = m.sha256;
    } else {
      attrs["released_" + m.item] = static_cast<std::int64_t>(m.released);
      attrs["withheld_" + m.item] = static_cast<std::int64_t>(m.withheld);
    }
  }
  writer.set_attributes("/", attrs);
  const std::string config_text =
      fmt::format("[release]\nout_dir = \"{}\"\nallow_out_outside_run = {}\nmax_field_bytes = {}\n\n{}", policy.out_dir,
                  policy.allow_out_outside_run, policy.max_field_bytes, partner.toml());
  io::Provenance prov{.stage = "release", .config_text = config_text, .inputs = hashes, .started_utc = started,
                      .row_counts = row_counts};
  prov.write(ctx, writer, env.threads);
  env.fault_point("release", "commit");
  writer.commit();
  if (ctx.is_root()) {
    fs::permissions(out, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    if (!config.csv_dir.empty()) {
      for (const auto& [name, t] : tables)
        if (partner.receives_table(name)) write_file_0640(config.csv_dir / (name + ".csv"), table_csv(t));
      write_file_0640(config.csv_dir / "manifest.csv", table_csv(manifest_table));
    }
  }
  cluster::barrier(ctx, "release written");
  spdlog::info("release {}: {} persons, {} edges from {} of {} observations and {} of {} calls -> {}", partner.code,
               profiles.size(), net.edges.size(), kept.size(), n_obs, calls.size(), n_calls, out.string());
  timer.report(n_obs, 0);
}

void add_release_command(Cli& cli) {
  struct Options {
    fs::path run, out, partners, csv;
    std::string partner;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("release", "Partner extract: only what records releasable to the partner support");
  sub->add_option("--run", o->run, "Run directory (reads records.h5, entities.h5, network.h5, assessment.h5)")->required();
  sub->add_option("--partner", o->partner, "Partner code from the partners table, e.g. europol")->required();
  sub->add_option("--out", o->out, "Extract file (default RUN/partner/PARTNER.h5)");
  sub->add_option("--partners", o->partners, "Partners table (TOML, see examples/partners.toml; default built-in)");
  sub->add_option("--csv", o->csv, "Also export each extract table as DIR/TABLE.csv (formula-safe cells)");
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      auto config = load_release_config(env, o->partners);
      config.csv_dir = o->csv;
      const RunLayout run{o->run};
      // Validate the code before it becomes part of a default path.
      if (!release::valid_partner_code(o->partner))
        throw UsageError(fmt::format("--partner '{}': not a partner code (1-32 of a-z 0-9 _ -, starting with a letter)",
                                     o->partner.substr(0, 64)));
      release(env, run, o->partner, o->out.empty() ? default_extract_path(run, config, o->partner) : o->out, config);
      return 0;
    };
  });
}

}  // namespace ch::jobs
