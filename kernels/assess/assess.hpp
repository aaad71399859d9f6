// Assessment kernels: the pure rules that turn resolved travel and call evidence into
// organizations, member roles, schemes, fates across runs and ranked leads.
//
// Everything here is node-local and deterministic: inputs are plain vectors, ties are broken by
// id, and no function depends on hash-map iteration order. The job (jobs/assess.cpp) gathers the
// data and calls these in a fixed order. Method and thresholds: docs/assessment.md.
//
// Sources: role shares and stage structure after Campana (2018, Eur. J. Criminology 15(4));
// fates by member-set Jaccard after Greene, Doyle & Cunningham (2010, "Tracking the evolution of
// communities in dynamic social networks", ASONAM); passenger-data indicators after the
// Europol/Frontex PNR indicator lists summarised in /work/shared/notes/domain.md.
#pragma once

#include <cstdint>
#include <set>
#include <utility>
#include <string>
#include <span>
#include <string_view>
#include <vector>

namespace ch::assess {

// ---- journeys ------------------------------------------------------------------------------

// One flight leg of one person (an entity), in any order.
// Its text views the caller's columns (millions of legs: copies were a fifth of assess's load).
struct Leg {
  std::int64_t departure_utc = 0;
  std::string_view origin, destination;
  std::string_view document_country;  // document shown on this leg
  std::uint64_t obs = 0;         // tie-breaker and evidence
};

// What the legs of one person say about being a smuggled client.
struct Journey {
  bool one_way_via_hub = false;  // origin → hub, a stop of ≥ min_stop_hours, → elsewhere, never back
  bool document_swap = false;    // document country changes between the legs of that journey
  std::string origin, transit, destination;
  std::int64_t departure_utc = 0;  // first leg
  std::int64_t last_departure_utc = 0;  // last leg: the client is at the destination a day later
  std::size_t legs = 0;
  bool returns = false;            // some leg comes back to the first origin (a round trip)
  bool backtracks = false;         // some leg goes back to an airport left earlier (never one-way)
};

// Contact that starts only after the client arrived (a day after his last leg): the destination
// stage's. Contact while the client waits at the hub is the transit stage's.
inline bool contact_after_arrival(std::int64_t first_contact_utc, const Journey& j) {
  return first_contact_utc > j.last_departure_utc + 86400;
}

// A smuggled client's journey: an outbound trip that stops at a hub for between min and max
// hours (smugglers stage groups at the hub for days; legitimate connections take < 1 day) and
// never returns to its origin within the period. Legs are sorted by (time, obs) inside.
Journey classify_journey(std::vector<Leg> legs, double min_stop_hours = 20, double max_stop_hours = 288);

// Endpoint pairs of client routes: (origin, transit), (transit, destination), (origin, destination).
using RouteHalves = std::set<std::pair<std::string, std::string>>;
RouteHalves route_halves(const std::vector<Journey>& client_journeys);

// On a client route without being a hub journey: legs that never come back, going from an origin
// to a hub, from a hub to a destination, or the whole route with a stop too short for the hub
// rule (a one-day gap at the hub can be a few hours between flights). The resolver splits a
// client whose legs show different names or documents (split booking, forged document) into such
// parts. Only counts on bookings (is_smuggling_booking): many lone travellers fit it.
bool is_partial_client(const Journey& j, const RouteHalves& halves);

// A smuggling booking carries clients, and they are at least half of its passengers — or most
// passengers never come back to their origin: legs of clients that the resolver split into
// one-leg entities inflate the passengers, while a family's or a tour's members return.
bool is_smuggling_booking(std::size_t clients, std::size_t returning, std::size_t passengers);

// Flew back from where it took a group: a leg that reverses one of the group's legs (`group_obs`:
// observation rows on smuggling bookings) within `max_days` after it — the escort's flight home
// from the destination. A resolver merge of a client with a tourist returns months later.
bool flies_back(const std::vector<Leg>& legs, const std::vector<std::uint64_t>& group_obs, double max_days = 7);

// An escort (a non-client on smuggling bookings) travels with several groups — bookings departing
// at least `min_days` apart — or flies back from where it took a group (`flew_back`). The two
// legs of one client's split booking are a few days apart and never go back.
bool is_escort(std::vector<std::int64_t> departures_utc, bool flew_back, double min_days = 14);

// Bookings linked to the smuggling bookings through an identifier of the organization: a
// non-smuggling booking showing a contact phone or paying account (`identifiers[b]`) of which at
// least `min_share` of the bookings showing it are smuggling bookings. A migrant whose leg the
// resolver split off (a forged document, an alias) sits on such a booking with the booker's
// phone; a travel agency's phone or a card used for ordinary trips is mostly on other bookings.
// O(total identifiers): each is hashed once, then counted by number (the form below).
std::vector<bool> linked_bookings(const std::vector<std::vector<std::string_view>>& identifiers,
                                  const std::vector<bool>& smuggling, double min_share = 0.5);
// The same with identifiers numbered 0 .. `numbers` − 1: booking b shows
// `identifiers[first[b] .. first[b + 1])` (repeats allowed). O(total identifiers), no hashing.
std::vector<bool> linked_bookings(std::span<const std::uint32_t> first, std::span<const std::uint32_t> identifiers,
                                  std::size_t numbers, const std::vector<bool>& smuggling, double min_share = 0.5);

// Names as normalised by ingest, with their primary Double Metaphone keys (ingest's *_dm1);
// dob "YYYY-MM-DD" or empty.
struct PersonName {
  std::string given, family, dob;
  std::string given_sound, family_sound;
};
// Same person by name: given and family names equal and non-empty, and birth dates, where both
// records show one, equal; or, with the same birth date on both, names that sound alike in either
// order (Kwasi/Kwesi Fall, Abdallah Alrifai/Abdullah Al Rifai, Edwin Mendoza/Mendoza Edwin: a
// migrant's SIM registered under the spelling of his papers at home, his bookings under another).
// Used only to tie a subscriber-only entity to a client's travel records.
bool same_person_by_name(const PersonName& a, const PersonName& b);
// A subscriber-only entity with a client's name is the client's own phone only if it calls like a
// migrant: the booker, the coordinator and home, a handful of numbers (medium: 97 % of the true
// twins have at most 5 call partners). Names repeat (a given and family name is held by ~18
// entities on medium), so a name match alone also took residents, families and members of the
// organizations whose name a client shares; they call many numbers.
bool calls_like_a_migrant(std::uint32_t call_partners, std::uint32_t max_partners);

// One booking on which a phone is shown on passengers' travel rows.
struct PhoneOnBooking {
  bool smuggling = false;
  std::size_t passengers = 0;     // distinct passenger entities on the booking
  std::size_t holders = 0;        // of them, those whose rows show the phone
  bool holder_is_client = false;  // the one holder (when holders == 1) is a client
};
// A client's own phone: every booking that shows it (at least one) is a smuggling booking that
// shows it on one passenger's rows only, a client's, among several passengers. Migrants give their
// own number on their own rows; the booker's number is on the rows of several passengers, and
// ordinary travellers' phones are on their own, ordinary bookings. An entity that registered such
// a phone and is not that client (the registration under the name the migrant really has, the
// journey under a borrowed or forged one) would otherwise pass for the booking's booker.
bool clients_own_phone(const std::vector<PhoneOnBooking>& uses);

// A contact of the organization that behaves like a client, not a member: it has no call ties to
// clients (checked by the caller) and its first contact with an aide who deals with clients after
// their arrival (a coordinator abroad) comes at least `min_days` after its first contact with any
// other aide. A migrant's own phone that no record ties to his journey (he travelled under
// another name or number) calls the booker before departure and the coordinator after arrival,
// weeks later; members work one stage and talk to the coordinator from the start. Times in UTC
// seconds; INT64_MIN for no such contact (then false).
bool contacts_like_a_client(std::int64_t first_other_aide_utc, std::int64_t first_coordinator_utc, double min_days);

// ---- roles ---------------------------------------------------------------------------------

enum class MemberRole : std::uint8_t {
  kOrganizer = 1, kRecruiter, kTransporter, kDocumentSupplier, kFinancier, kCoordinatorAbroad,
  kClient,  // a smuggled migrant (not an aide: not counted as organization staff)
};
// "organizer", "recruiter", ..., "client" (values as in truth.h5 /codes/role: 1..7).
const char* role_name(MemberRole r);

// Counted evidence about one aide (a non-client member).
struct RoleEvidence {
  std::uint32_t escorted_bookings = 0;   // passenger (not client) on smuggling bookings
  std::uint32_t booked_bookings = 0;     // own phone is the contact phone of smuggling bookings
  std::uint32_t paid_bookings = 0;       // own payment account pays smuggling bookings
  std::uint32_t document_changes = 0;    // clients tied to the aide who changed documents
  std::uint32_t clients_before = 0;      // clients in contact before their departure
  std::uint32_t clients_after = 0;       // clients in contact only after their arrival
  std::uint32_t member_partners = 0;     // other aides of the organization in contact
  std::uint32_t max_member_partners = 0; // the organization's largest member_partners
  std::uint32_t destination_partners = 0; // of member_partners, those with more clients after arrival than before
};

struct RoleVerdict {
  MemberRole role = MemberRole::kRecruiter;
  std::string evidence;  // plain words with the counts, e.g. "booked 3 smuggling bookings"
};

// Rules, first match wins (strongest, most specific evidence first):
//   transporter     escorts ≥ 1 smuggling group as a passenger (seen on the group's booking:
//                   the most direct evidence; the organization pays an escort's own trips
//                   home from its account, which then looks like the escort's own)
//   financier       pays ≥ 1 smuggling booking from an own account
//   coordinator     in contact with more clients after arrival than before (destination stage)
//   organizer       ties to the most other members (≥ 75 % of the organization's maximum, ≥ 3),
//                   `kOrganizerDestinationTies` of them to members who deal with arrived clients:
//                   the hub of a segmented hierarchy, who bridges its stages (Campana 2018). Ties
//                   are rarer within a role, so the minority roles of the origin stage (document
//                   suppliers, financiers) have about as many ties as an organizer, nearly all of
//                   them inside that stage.
//   recruiter       books for clients or is in contact with clients before departure
//   document supp.  tied to clients who change documents, otherwise
//   recruiter       the commonest aide role, as the default.
inline constexpr std::uint32_t kOrganizerDestinationTies = 1;
RoleVerdict infer_role(const RoleEvidence& e);

// Key-actor score in [0, 1] of an aide within its organization: 0.4 control of the destination
// stage (clients in contact after arrival, relative to the organization's maximum
// `max_clients_after`), 0.4 command (ties to other members relative to `max_member_partners`,
// counted for an organizer by infer_role only: within a stage ties are dense for all and rarer
// within a role, so the destination's financiers out-tie its coordinators),
// 0.2 distance from the operational business (no booking, escorting, paying or pre-departure
// contact — organizers delegate it and keep off the phone: Campana 2018; Agreste et al. on leaders
// who are not central in call networks). The two shares enter as square roots: one coordinator
// takes most arrivals' calls, yet a second with a quarter of them is still a coordinator.

double key_actor_score(const RoleEvidence& e, std::uint32_t max_clients_after);

// ---- schemes -------------------------------------------------------------------------------

// Burner phone: used (calls, registrations) for fewer than `max_days` days in all.
bool is_burner(std::int64_t first_utc, std::int64_t last_utc, std::uint32_t uses, double max_days);

// ---- organization signature ----------------------------------------------------------------

struct SignatureEvidence {
  std::uint32_t aides = 0;
  std::uint32_t clients = 0;                  // persons moved on one-way hub journeys / bookings
  std::uint32_t smuggling_bookings = 0;
  std::uint32_t third_party_paid = 0;         // group bookings paid by an account of no passenger
  std::uint32_t document_swaps = 0;
  std::uint32_t burner_phones = 0;
  std::uint32_t multiple_identities = 0;
};

// Score in [0, 1]: saturating evidence of moving clients (the dominant term), of organization
// (aides) and of concealment (schemes). Families and tour groups move no clients on one-way hub
// journeys and score ≈ 0. Documented weights in docs/assessment.md.
double signature_score(const SignatureEvidence& e);

// Concealment per aide: burner phones and aides with several identities, per aide. Smuggling
// organizations hide, most of their members over and over (on small every true organization shows
// 1.2–5.3); a crowd of ordinary travellers that the aide rules chained together shows a handful
// among thousands (medium: a median 0.04 in the 433 candidates with < 10 % true members), however
// many absolute patterns its sheer size collects.
double concealment_per_aide(const SignatureEvidence& e);

// ---- fates across runs ---------------------------------------------------------------------

enum class Fate : std::uint8_t { kPersisted = 0, kSplit, kMerged, kDissolved, kReconstituted };
const char* fate_name(Fate f);

struct FateOptions {
  double match_jaccard = 0.3;    // a later organization continues an earlier one at this overlap
  double part_share = 0.25;      // a part of a split holds at least this share of the earlier members
  // Inactive months before a re-formed organization counts as reconstituted: one, the shortest
  // pause that shows in monthly activity (dissolved by a raid in month m, back in m + 2).
  std::int64_t gap_months = 1;
};

struct FateResult {
  Fate fate = Fate::kDissolved;
  std::vector<std::size_t> successors;  // indices of later organizations, best first
  double best_jaccard = 0;
};

// A later organization continuing an earlier one.
struct Continuation {
  double jaccard = 0;
  std::size_t shared = 0;  // earlier members in it
  std::size_t later = 0;   // index of the later organization
};

// Continuations of each earlier organization (members sorted, mapped into the later run's entity
// ids) among later organizations' `later_then` (sorted: members already active when the earlier
// run ended): Jaccard ≥ θ or holding ≥ part_share of the earlier members, best Jaccard first.
// Members are compared over the months both runs saw, as Greene et al. (2010) match snapshots of
// one time step, so that recruits who joined later do not dilute a continuation.
std::vector<std::vector<Continuation>> continuations(const std::vector<std::vector<std::uint64_t>>& earlier,
                                                     const std::vector<std::vector<std::uint64_t>>& later_then,
                                                     const FateOptions& options = {});

// Fates of earlier organizations from their continuations, `active_months` (months in which
// the later run shows the earlier members, or the members of their continuations, working
// together), `arrest_months` (months in which its members were arrested) and
// `later_arrest_months` (the same for each later organization's members). The earlier run
// ended in month `earlier_end`, the later one in `later_end`. Its raids: arrests of its
// members or of its best own continuation's (see split). Rules, first match wins:
//   persisted      no raid in earlier_end..later_end-1: splits, mergers and
//                  dissolutions are responses to enforcement (Duijn, Kashirin & Sloot 2014), and
//                  a quiet month of a group that no raid touched is a thin record (a small
//                  organization's members often show no call between them for a month). A raid
//                  in later_end itself has consequences only after the run;
//   dissolved      no activity in later_end (members of a dissolved organization go dormant;
//                  those of a split or merged one carry on elsewhere) — or in later_end - 1 when
//                  a raid hit its best own continuation in later_end: arrests cut that month's
//                  record short and the response to them comes after the run, so the month
//                  before shows how it ended (it also ends the pause counted below);
//   reconstituted  activity stopped for ≥ gap_months after earlier_end and started again, and a
//                  later organization continues it (without one, a pause in the ties of members
//                  whom the assessment no longer finds together is as likely a thin record);
//   split          several continuations of its own — a continuation holding more members of
//                  another earlier organization is that one's (some members moved there, or the
//                  earlier assessment chained a piece of it to this one), not a breakaway;
//   merged         continuations, none of them its own: it joined an organization that
//                  continues a larger part of another earlier one (the larger one stays itself);
//   persisted      otherwise, also without a continuation (the assessment lost it, the members
//                  did not stop).
std::vector<FateResult> classify_fates(const std::vector<std::vector<Continuation>>& parts,
                                       const std::vector<std::set<std::int32_t>>& active_months,
                                       const std::vector<std::set<std::int32_t>>& arrest_months,
                                       const std::vector<std::set<std::int32_t>>& later_arrest_months,
                                       std::int32_t earlier_end, std::int32_t later_end,
                                       const FateOptions& options = {});

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

// ---- leads ---------------------------------------------------------------------------------

struct LeadEvidence {
  double centrality = 0;          // within-organization key-actor score, in [0, 1]
  std::uint32_t clients = 0;      // clients tied to the lead
  std::uint32_t bookings = 0;     // smuggling bookings tied to the lead
  std::uint32_t identities = 1;   // identities (aliases) used
  std::uint32_t burner_phones = 0;
  double organization_score = 0;  // signature score of its organization
  bool key_role = false;          // organizer, financier or coordinator abroad
};

// Score in [0, 1]: organization certainty × (centrality, activity, concealment, key role).
double lead_score(const LeadEvidence& e);

// ---- small helpers -------------------------------------------------------------------------

// Record ids joined by ';', at most `max_ids`, then ";…(+N more)" so a reader sees the total.
std::string evidence_ids(std::vector<std::string> ids, std::size_t max_ids);

// Organizations among n aides: connected components of `links` after cutting the links between
// Louvain communities of the aide graph (links as unit weights; Blondel et al. 2008, modularity at
// `resolution`, serial and in id order: deterministic). The whole network's communities are
// coarse; members who moved between two organizations chain them into one component, while most
// of each organization's ties stay inside it. Label = smallest member. O(levels · rounds · links).
std::vector<std::size_t> organizations(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& links,
                                       double resolution = 1.0);

// A tie between two members of one organization in one month (network.h5 /edges_monthly).
struct MemberTie {
  std::uint32_t a = 0, b = 0;  // member indices
  std::int32_t month = 0;
};

// Predecessors of an organization found over the whole period: organizations that merged into
// it during the period. Ties are added month by month (connected components over time); when two
// parts that have each had ≥ `min_part` members for at least a month join, the smaller one is a
// predecessor, made of its members who worked more months before the merger than after it (the
// rule the truth uses: a member belongs where he spent most months) — if they are ≥ `min_piece`.
// Members arrested or gone before the merger never worked for the merged organization; those who
// joined it early are its members. A part needs a month of its own, so one stray tie in the month
// two parts form chains them without a merger. Parts of one organization that first meet late and
// lost members before meeting would split it wrongly: hence min_piece above min_part (demo,
// world.seed=6: three pieces of 3 members cut from the absorbing organization at 3, one at 4;
// small: 2 at 3, 1 at 4). Returns each member's piece: 0 = the organization as it ends, k ≥ 1 =
// the k-th predecessor (by merger month, then smallest member). Pieces nest: a member already in a
// predecessor stays there when his part later merges again.
std::vector<std::uint32_t> predecessors(std::size_t members, std::vector<MemberTie> ties, std::size_t min_part,
                                        std::size_t min_piece);

// Connected components over [0, n) given undirected edges; component label = smallest member.
std::vector<std::size_t> components(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges);

}  // namespace ch::assess
