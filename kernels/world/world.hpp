// The synthetic world: persons, organizations, trips, calls, subscriptions and enforcement
// actions, as pure functions of (scenario, stable ids).
//
// Every feed is generated from a list of independent *units* (a trip/booking, a calling
// relationship, a phone subscription, an enforcement action). generate(feed, [b, e)) appends the
// CSV lines of units b..e-1, in unit order, to a chunk. Because a unit's rows depend only on the
// scenario and the unit id (counter-based RNG streams keyed by ids, see kernels/rng.hpp), the
// concatenation of chunks over any partition of the unit range is byte-identical — that is what
// makes `generate` produce the same files under any number of ranks and threads.
//
// The small, interacting part of the world (organizations, their members, roles, corridors,
// enforcement actions and the month-by-month fates that follow) is simulated once in the
// constructor, identically on every rank; the large part (persons' identity details, legitimate
// travel and calls) is computed on demand from ids.
#pragma once

#include <cstdint>
#include <climits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/world/scenario.hpp"

namespace ch::world {

enum class Feed : std::uint8_t { kTravel = 0, kCalls = 1, kSubscribers = 2, kEnforcement = 3 };
inline constexpr Feed kAllFeeds[] = {Feed::kTravel, Feed::kCalls, Feed::kSubscribers,
                                     Feed::kEnforcement};
std::string_view feed_name(Feed f);    // "travel", "calls", "subscribers", "enforcement"
std::string_view feed_header(Feed f);  // CSV header line without the trailing '\n'

// Roles of organization members (stored as uint8 in truth.h5; names in role_name()).
enum class Role : std::uint8_t {
  kNone = 0,  // not a member of any organization (legitimate traveller, migrant/client)
  kOrganizer, kRecruiter, kTransporter, kDocumentSupplier, kFinancier, kCoordinatorAbroad,
  kMigrant,   // a client moved by an organization (belongs to no organization)
};
std::string_view role_name(Role r);

enum class OrgStatus : std::uint8_t {
  kActive = 0, kDisrupted, kSplit, kMerged, kDissolved, kReconstituted,
};
std::string_view org_status_name(OrgStatus s);

// FeedChunk::person of rows about no person (the subscriber record of a travel agency's or call
// centre's line).
inline constexpr std::uint64_t kNoPerson = UINT64_MAX;

// CSV text and ground truth for a range of units. Lines end with '\n', no header.
struct FeedChunk {
  std::string csv;
  std::vector<std::string> record_id;  // per row, same order as the lines
  std::vector<std::uint64_t> person;   // true person of the row (calls: the caller's person)
  std::vector<std::uint32_t> identity; // which of the person's identities the row shows (0 = main)
  void clear();
  void append(FeedChunk&& other);
};

struct PersonTruth {
  std::vector<std::uint64_t> person;
  std::vector<std::int64_t> organization;  // -1 = none (ever); else the org the person joined first
  std::vector<std::uint8_t> role;          // Role
  std::vector<std::uint8_t> identities;    // number of identities (1 for most, 2–4 for some smugglers)
  std::vector<std::string> nationality;    // ISO 3166 alpha-3
  std::vector<std::string> category;       // "smuggler", "migrant", "family", "tourist", "business", "student", "diaspora", ...
};

// Per month and organization: members and status (small; replicated).
struct OrgMonthTruth {
  std::vector<std::int32_t> month;          // 0-based month index since scenario start
  std::vector<std::int64_t> organization;
  std::vector<std::uint8_t> status;         // OrgStatus
  std::vector<std::uint32_t> members;       // member count that month
  std::vector<std::int64_t> parent;         // org it split from / merged into, -1 if none
};
struct OrgMembershipTruth {
  std::vector<std::int32_t> month;
  std::vector<std::int64_t> organization;
  std::vector<std::uint64_t> person;
  std::vector<std::uint8_t> role;
};

class World {
 public:
  explicit World(const Scenario& scenario);
  ~World();
  World(World&&) noexcept;
  World& operator=(World&&) noexcept;

  const Scenario& scenario() const;

  std::uint64_t unit_count(Feed feed) const;
  // Appends units [begin, end) of `feed`. Thread-safe (const, no shared mutable state).
  void generate(Feed feed, std::uint64_t begin, std::uint64_t end, FeedChunk& out) const;

  std::uint64_t person_count() const;
  PersonTruth persons(std::uint64_t begin, std::uint64_t end) const;
  OrgMonthTruth org_months() const;
  OrgMembershipTruth org_membership() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ch::world
