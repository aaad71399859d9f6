// Country, airport and corridor tables. Calling codes and mobile prefixes follow the ITU E.164
// national numbering plans; document number formats imitate each country's published pattern
// (letters/digits and length), not real numbers. Airports are real IATA codes. Default corridors
// follow the air routes named in the UNODC Global Study on Smuggling of Migrants (2018) and
// Europol/Frontex risk analyses: South Asia via the Gulf and Istanbul to Western Europe, Nepal/
// India via the Gulf to Mexico (towards the US), the Horn of Africa via Khartoum/Cairo, West
// Africa via Casablanca/Addis/Cairo, Vietnam and China via Moscow/the Gulf, the Andes via Madrid
// and Panama, the Levant via Beirut/Amman/Istanbul to Athens.
#include "kernels/world/geography.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "kernels/error.hpp"
#include "kernels/rng.hpp"
#include "kernels/world/names.hpp"

namespace ch::world {
namespace {

constexpr std::uint8_t O = kOriginRole, H = kHubRole, D = kDestinationRole;

// clang-format off
constexpr Country kCountries[] = {
  // iso3  code  mobile prefixes                       digits passport      id card            region          culture            roles  idtravel weight carriers   gateway
  {"SYR", 963, "9",                                       8, "N99999999",  "99999999999",    kMiddleEast,    kArabic,           O,     false, 3,  "RB",        ""},
  {"IRQ", 964, "7",                                       9, "A99999999",  "999999999999",   kMiddleEast,    kArabic,           O,     false, 3,  "IA",        ""},
  {"EGY",  20, "10|11|12|15",                              8, "A99999999",  "99999999999999", kNorthAfrica,   kArabic,           O | H, false, 3,  "MS",        ""},
  {"JOR", 962, "7",                                       8, "A9999999",   "9999999999",     kMiddleEast,    kArabic,           H,     false, 1,  "RJ",        ""},
  {"LBN", 961, "7|8",                                     7, "AA9999999",  "999999999",      kMiddleEast,    kArabic,           H,     false, 1,  "ME",        ""},
  {"SDN", 249, "9",                                       8, "P99999999",  "99999999999",    kEastAfrica,    kArabic,           O | H, false, 1.5,"SD",        ""},
  {"YEM", 967, "7",                                       8, "99999999",   "99999999999",    kMiddleEast,    kArabic,           O,     false, 1,  "IY",        ""},
  {"MAR", 212, "6|7",                                      8, "AA9999999",  "AA999999",       kNorthAfrica,   kArabic,           O | H, false, 2,  "AT",        ""},
  {"TUN", 216, "2|5|9",                                    7, "A9999999",   "99999999",       kNorthAfrica,   kArabic,           O,     false, 1,  "TU",        ""},
  {"ARE", 971, "5",                                       8, "A99999999",  "784-9999-9999999-9", kMiddleEast, kArabic,         H,     false, 0.3,"EK|FZ|EY",  ""},
  {"QAT", 974, "3|5|6|7",                                  7, "99999999",   "99999999999",    kMiddleEast,    kArabic,           H,     false, 0.2,"QR",        ""},
  {"SAU", 966, "5",                                       8, "A99999999",  "1999999999",     kMiddleEast,    kArabic,           H,     false, 1,  "SV",        ""},
  {"PAK",  92, "3",                                       9, "AA9999999",  "99999-9999999-9",kSouthAsia,     kSouthAsianMuslim, O,     false, 5,  "PK",        ""},
  {"AFG",  93, "7",                                       8, "P99999999",  "9999-9999-99999",kSouthAsia,     kSouthAsianMuslim, O,     false, 3,  "FG",        ""},
  {"BGD", 880, "13|15|16|17|18|19",                        8, "AA9999999",  "9999999999",     kSouthAsia,     kSouthAsianMuslim, O,     false, 4,  "BG",        ""},
  {"IND",  91, "70|73|78|80|81|88|90|91|93|96|98|99",      8, "A9999999",   "9999 9999 9999", kSouthAsia,     kSouthAsian,       O,     false, 8,  "AI|6E",     ""},
  {"NPL", 977, "97|98",                                   8, "PA9999999",  "99-99-99-99999", kSouthAsia,     kSouthAsian,       O,     false, 2,  "RA",        ""},
  {"LKA",  94, "7",                                       8, "N99999999",   "999999999V",     kSouthAsia,     kSouthAsian,       O,     false, 1,  "UL",        ""},
  {"NGA", 234, "70|80|81|90|91",                          8, "A99999999",  "99999999999",    kWestAfrica,    kWestAfrican,      O,     false, 6,  "P4|W3",     ""},
  {"GHA", 233, "2|5",                                     8, "G99999999",   "GHA-999999999-9",kWestAfrica,    kWestAfrican,      O,     false, 3,  "",          ""},
  {"SEN", 221, "7",                                       8, "A9999999",   "9999999999999",  kWestAfrica,    kWestAfrican,      O,     false, 2,  "HC",        ""},
  {"GIN", 224, "6",                                       8, "R99999999",   "",               kWestAfrica,    kWestAfrican,      O,     false, 1,  "",          ""},
  {"CIV", 225, "01|05|07",                                 8, "99AA99999",  "C999999999",     kWestAfrica,    kWestAfrican,      O,     false, 1.5,"HF",        ""},
  {"GMB", 220, "2|3|7|9",                                 7, "PC9999999",   "",               kWestAfrica,    kWestAfrican,      O,     false, 0.5,"",          ""},
  {"ERI", 291, "7",                                       8, "P99999999",   "",               kEastAfrica,    kHornOfAfrica,     O,     false, 1,  "",          "KRT"},
  {"ETH", 251, "7|9",                                     8, "EA9999999",  "999999999999",   kEastAfrica,    kHornOfAfrica,     O | H, false, 2,  "ET",        ""},
  {"COL",  57, "3",                                       9, "AA999999",   "9999999999",     kLatinAmerica,  kLatinAmerican,    O | H, false, 3,  "AV",        ""},
  {"ECU", 593, "9",                                       8, "A9999999",   "9999999999",     kLatinAmerica,  kLatinAmerican,    O,     false, 1.5,"",          ""},
  {"VEN",  58, "4",                                       9, "999999999",  "V-99999999",     kLatinAmerica,  kLatinAmerican,    O,     false, 2,  "V0",        ""},
  {"MEX",  52, "22|33|55|81",                             8, "G99999999",  "AAAA999999AAAAAA99", kLatinAmerica, kLatinAmerican, H | D, false, 2,  "AM|Y4",     ""},
  {"PER",  51, "9",                                        8, "999999999",  "99999999",       kLatinAmerica,  kLatinAmerican,    O,     false, 1,  "",          ""},
  {"PAN", 507, "6",                                        7, "PA9999999",  "9-999-9999",     kLatinAmerica,  kLatinAmerican,    H,     false, 0.3,"CM",        ""},
  {"UKR", 380, "50|63|66|67|68|73|93|95|96|97|98|99",      7, "AA999999",   "999999999",      kEurope,        kEastEuropean,     O,     false, 3,  "PS",        "RZE"},
  {"RUS",   7, "9",                                        9, "99 9999999", "9999 999999",    kCis,           kEastEuropean,     H,     false, 3,  "SU|S7",     ""},
  {"BLR", 375, "25|29|33|44",                              7, "AA9999999",  "9999999A999AA9", kCis,           kEastEuropean,     O,     false, 1,  "B2",        ""},
  {"MDA", 373, "6|7",                                     7, "AA9999999",  "9999999999999",  kEurope,        kEastEuropean,     O,     false, 0.5,"9U",        ""},
  {"POL",  48, "50|51|53|57|60|66|69|72|73|78|79|88",      7, "AA9999999",  "AAA999999",      kEurope,        kEastEuropean,     D,     true,  3,  "LO",        ""},
  {"CHN",  86, "130|133|135|138|150|158|177|186|189",      8, "E99999999",  "999999999999999999", kEastAsia,  kChinese,          O,     false, 1,  "CA|MU|CZ|MF", ""},
  {"VNM",  84, "32|33|35|38|39|70|77|86|90|91|96|98",     7, "C99999999",   "999999999999",   kSoutheastAsia, kVietnamese,       O,     false, 1,  "VN|VJ",     ""},
  {"THA",  66, "61|62|63|80|81|86|89|90|91",               7, "AA9999999",  "9999999999999",  kSoutheastAsia, -1,                H,     false, 1,  "TG",        ""},
  {"TUR",  90, "50|53|54|55",                              8, "U99999999",  "99999999999",    kEurope,        -1,                H,     false, 1,  "TK|PC",     ""},
  {"GBR",  44, "7",                                        9, "999999999",  "",               kEurope,        kAnglo,            D,     false, 5,  "BA|VS|U2",  ""},
  {"IRL", 353, "8",                                       8, "AA9999999",  "",               kEurope,        kAnglo,            D,     true,  1,  "EI|FR",     ""},
  {"USA",   1, "201|212|213|305|312|415|617|646|718|917",  7, "999999999",  "",               kNorthAmerica,  kAnglo,            D,     false, 6,  "AA|DL|UA",  ""},
  {"CAN",   1, "403|416|437|438|514|587|604|613|647|778", 7, "AA999999",   "",               kNorthAmerica,  kAnglo,            D,     false, 2,  "AC",        ""},
  {"AUS",  61, "4",                                        8, "PA9999999",  "",               kOceania,       kAnglo,            D,     false, 1.5,"QF",        ""},
  {"DEU",  49, "151|152|157|160|170|171|172|175|176|177",  8, "CXXXXXXXX",  "LXXXXXXXX",      kEurope,        kWestEuropean,     D,     true,  5,  "LH|EW|DE",  ""},
  {"FRA",  33, "6|7",                                      8, "99AA99999",  "XXXXXXXXX",      kEurope,        kWestEuropean,     D,     true,  4,  "AF",        ""},
  {"ITA",  39, "3",                                       9, "AA9999999",  "CA99999AA",      kEurope,        kWestEuropean,     D,     true,  3,  "AZ",        ""},
  {"ESP",  34, "6|7",                                      8, "AAA999999",  "99999999A",      kEurope,        kWestEuropean,     D | H, true,  3,  "IB|VY|UX",  ""},
  {"NLD",  31, "6",                                        8, "AAXXXXXX9",  "AAXXXXXX9",      kEurope,        kWestEuropean,     D,     true,  1.5,"KL|HV",     ""},
  {"BEL",  32, "4",                                       8, "AA999999", "999-9999999-99", kEurope, kWestEuropean, D, true, 1, "SN", ""},
  {"AUT",  43, "6",                                       9, "A9999999",   "9999999",        kEurope,        kWestEuropean,     D,     true,  1,  "OS",        ""},
  {"CHE",  41, "7",                                       8, "A9999999",   "A9999999",       kEurope,        kWestEuropean,     D,     true,  1,  "LX",        ""},
  {"DNK",  45, "2|3|4|5|6|7|8|9",                          7, "999999999",  "",               kEurope,        kWestEuropean,     D,     true,  0.5,"SK",        ""},
  {"SWE",  46, "7",                                       8, "99999999",   "99999999",       kEurope,        kWestEuropean,     D,     true,  1,  "SK",        ""},
  {"GRC",  30, "69",                                       8, "AA9999999",  "AA-999999",      kEurope,        -1,                D,     true,  1,  "A3",        ""},
  {"PRT", 351, "9",                                       8, "AA999999",    "99999999",       kEurope,        kWestEuropean,     D,     true,  1,  "TP",        ""},
};
// clang-format on

constexpr std::uint16_t bit(Region r) { return static_cast<std::uint16_t>(1u << r); }
constexpr std::uint16_t kAllRegions = (1u << kRegionCount) - 1;
constexpr std::uint16_t kAsiaAfricaEurope =
    bit(kEurope) | bit(kMiddleEast) | bit(kSouthAsia) | bit(kEastAsia) | bit(kSoutheastAsia) |
    bit(kWestAfrica) | bit(kEastAfrica) | bit(kNorthAfrica) | bit(kCis) | bit(kNorthAmerica) |
    bit(kOceania);
constexpr std::uint16_t kAmericasEurope =
    bit(kEurope) | bit(kNorthAmerica) | bit(kLatinAmerica);

struct BuiltinAirport {
  std::string_view iata, city, country;
  double weight;
  std::uint16_t serves;  // for hubs
};

// clang-format off
constexpr BuiltinAirport kAirports[] = {
  // origins
  {"ISB", "Islamabad", "PAK", 2, 0}, {"LHE", "Lahore", "PAK", 2, 0}, {"KHI", "Karachi", "PAK", 2, 0},
  {"KBL", "Kabul", "AFG", 1, 0}, {"DEL", "Delhi", "IND", 3, 0}, {"BOM", "Mumbai", "IND", 3, 0},
  {"ATQ", "Amritsar", "IND", 1, 0}, {"AMD", "Ahmedabad", "IND", 1, 0}, {"KTM", "Kathmandu", "NPL", 1, 0},
  {"DAC", "Dhaka", "BGD", 2, 0}, {"ZYL", "Sylhet", "BGD", 0.5, 0}, {"CMB", "Colombo", "LKA", 1, 0},
  {"DAM", "Damascus", "SYR", 1, 0}, {"BGW", "Baghdad", "IRQ", 1, 0}, {"EBL", "Erbil", "IRQ", 1, 0},
  {"LOS", "Lagos", "NGA", 2, 0}, {"ABV", "Abuja", "NGA", 1, 0}, {"ACC", "Accra", "GHA", 1, 0},
  {"DSS", "Dakar", "SEN", 1, 0}, {"CKY", "Conakry", "GIN", 0.5, 0}, {"ABJ", "Abidjan", "CIV", 1, 0},
  {"BJL", "Banjul", "GMB", 0.3, 0}, {"ASM", "Asmara", "ERI", 0.3, 0}, {"HAN", "Hanoi", "VNM", 2, 0},
  {"SGN", "Ho Chi Minh City", "VNM", 2, 0}, {"PEK", "Beijing", "CHN", 3, 0},
  {"PVG", "Shanghai", "CHN", 3, 0}, {"CAN", "Guangzhou", "CHN", 2, 0}, {"FOC", "Fuzhou", "CHN", 1, 0},
  {"MDE", "Medellín", "COL", 1, 0}, {"UIO", "Quito", "ECU", 1, 0}, {"GYE", "Guayaquil", "ECU", 1, 0},
  {"CCS", "Caracas", "VEN", 1, 0}, {"LIM", "Lima", "PER", 1, 0}, {"KIV", "Chișinău", "MDA", 0.5, 0},
  {"MSQ", "Minsk", "BLR", 0.5, 0}, {"TUN", "Tunis", "TUN", 1, 0}, {"ADE", "Aden", "YEM", 0.3, 0},
  // transit hubs (serves: regions they connect)
  {"IST", "Istanbul", "TUR", 5, kAsiaAfricaEurope}, {"SAW", "Istanbul", "TUR", 2, kAsiaAfricaEurope},
  {"DXB", "Dubai", "ARE", 5, kAsiaAfricaEurope}, {"AUH", "Abu Dhabi", "ARE", 2, kAsiaAfricaEurope},
  {"DOH", "Doha", "QAT", 4, kAsiaAfricaEurope},
  {"ADD", "Addis Ababa", "ETH", 2, bit(kEastAfrica) | bit(kWestAfrica) | bit(kEurope) | bit(kMiddleEast) | bit(kNorthAmerica)},
  {"CAI", "Cairo", "EGY", 3, bit(kEastAfrica) | bit(kWestAfrica) | bit(kNorthAfrica) | bit(kEurope) | bit(kMiddleEast)},
  {"AMM", "Amman", "JOR", 1.5, bit(kMiddleEast) | bit(kEurope) | bit(kNorthAfrica)},
  {"BEY", "Beirut", "LBN", 1, bit(kMiddleEast) | bit(kEurope) | bit(kWestAfrica)},
  {"CMN", "Casablanca", "MAR", 2, bit(kWestAfrica) | bit(kNorthAfrica) | bit(kEurope) | bit(kNorthAmerica)},
  {"SVO", "Moscow", "RUS", 3, bit(kCis) | bit(kEastAsia) | bit(kSoutheastAsia) | bit(kSouthAsia) | bit(kMiddleEast)},
  {"BKK", "Bangkok", "THA", 3, bit(kSoutheastAsia) | bit(kEastAsia) | bit(kSouthAsia) | bit(kEurope) | bit(kOceania)},
  {"JED", "Jeddah", "SAU", 2, bit(kMiddleEast) | bit(kSouthAsia) | bit(kEastAfrica) | bit(kNorthAfrica)},
  {"BOG", "Bogotá", "COL", 2, kAmericasEurope}, {"PTY", "Panama City", "PAN", 1.5, kAmericasEurope},
  {"MEX", "Mexico City", "MEX", 3, kAmericasEurope}, {"KRT", "Khartoum", "SDN", 0.7, bit(kEastAfrica) | bit(kMiddleEast) | bit(kNorthAfrica)},
  // destinations
  {"LHR", "London", "GBR", 6, 0}, {"LGW", "London", "GBR", 2, 0}, {"MAN", "Manchester", "GBR", 2, 0},
  {"BHX", "Birmingham", "GBR", 1, 0}, {"CDG", "Paris", "FRA", 5, 0}, {"ORY", "Paris", "FRA", 1, 0},
  {"FRA", "Frankfurt", "DEU", 4, 0}, {"MUC", "Munich", "DEU", 3, 0}, {"BER", "Berlin", "DEU", 2, 0},
  {"AMS", "Amsterdam", "NLD", 4, 0}, {"BRU", "Brussels", "BEL", 2, 0}, {"FCO", "Rome", "ITA", 3, 0},
  {"MXP", "Milan", "ITA", 2, 0}, {"MAD", "Madrid", "ESP", 4, kAmericasEurope | bit(kWestAfrica) | bit(kNorthAfrica)},
  {"BCN", "Barcelona", "ESP", 3, 0}, {"ATH", "Athens", "GRC", 2, 0}, {"CPH", "Copenhagen", "DNK", 2, 0},
  {"ARN", "Stockholm", "SWE", 2, 0}, {"VIE", "Vienna", "AUT", 2, 0}, {"ZRH", "Zürich", "CHE", 2, 0},
  {"DUB", "Dublin", "IRL", 2, 0}, {"LIS", "Lisbon", "PRT", 2, 0}, {"WAW", "Warsaw", "POL", 2, 0},
  {"RZE", "Rzeszów", "POL", 0.3, 0}, {"JFK", "New York", "USA", 5, 0}, {"MIA", "Miami", "USA", 3, 0},
  {"LAX", "Los Angeles", "USA", 3, 0}, {"ORD", "Chicago", "USA", 3, 0}, {"YYZ", "Toronto", "CAN", 3, 0},
  {"YUL", "Montréal", "CAN", 2, 0}, {"SYD", "Sydney", "AUS", 2, 0}, {"CUN", "Cancún", "MEX", 1, 0},
};

// "[NAT:]ORIGIN-HUB-DEST"
constexpr std::string_view kDefaultCorridors[] = {
  "ISB-DXB-LHR", "LHE-DOH-MAN", "KHI-IST-CDG", "KBL-IST-FRA", "KBL-DXB-ATH", "DEL-IST-MEX",
  "ATQ-DXB-MEX", "KTM-DOH-MEX", "DAC-DXB-FCO", "ZYL-IST-LHR", "CMB-DOH-CDG",
  "DAM-BEY-ATH", "BGW-IST-ATH", "EBL-IST-BRU", "LOS-CAI-FCO", "LOS-ADD-MAD", "ACC-ADD-BRU",
  "DSS-CMN-MAD", "CKY-CMN-CDG", "ERI:KRT-CAI-FCO", "ERI:KRT-IST-AMS", "HAN-SVO-FRA",
  "SGN-DOH-LHR", "FOC-BKK-JFK", "CAN-DXB-FCO", "UIO-PTY-MEX", "CCS-BOG-MEX", "GYE-MAD-BCN",
  "MDE-MAD-AMS", "UKR:RZE-WAW-LHR",
};
// clang-format on

bool is_code(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// Minimal RFC 4180 line splitter for the airports CSV (quoted city names may hold commas).
std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  for (auto& f : out) {
    while (!f.empty() && f.back() == ' ') f.pop_back();
    while (!f.empty() && f.front() == ' ') f.erase(f.begin());
  }
  return out;
}

enum : std::uint64_t { kKeyRoute = 0x726f757465ULL, kKeyCorridor = 0x636f727269ULL };

}  // namespace

std::span<const Country> Geography::countries() { return kCountries; }

int Geography::country_index(std::string_view iso3) {
  for (std::size_t i = 0; i < std::size(kCountries); ++i)
    if (kCountries[i].iso3 == iso3) return static_cast<int>(i);
  return -1;
}

Geography::Geography(const Scenario& s) : seed_(s.seed) {
  if (s.geography.airports_csv.empty())
    load_builtin();
  else
    load_csv(s.airports_csv_text, s.geography.airports_csv);
  index();
  build_corridors(s);
}

void Geography::load_builtin() {
  for (const auto& a : kAirports) {
    const int c = country_index(a.country);
    const auto roles = kCountries[static_cast<std::size_t>(c)].roles;
    // An airport is a hub only where the table says it connects regions (MAD is a destination
    // that doubles as the Latin America hub; Addis, Cairo and Khartoum also serve origins).
    std::uint8_t r = roles;
    if (a.serves != 0) r |= H; else r &= static_cast<std::uint8_t>(~H);
    if (r == 0) r = D;
    airports_.push_back(Airport{std::string(a.iata), std::string(a.city), c, r, a.weight,
                                a.serves != 0 ? a.serves : kAllRegions});
  }
}

void Geography::load_csv(const std::string& text, const std::string& path) {
  const std::string where = fmt::format("geography.airports_csv '{}'", path);
  if (text.empty())
    throw UsageError(fmt::format(
        "{}: the file's text was not loaded (empty); the job must read it into "
        "Scenario::airports_csv_text",
        where));
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
    auto f = split_csv_line(line);
    if (line_no == 1 && !f.empty() && (f[0] == "iata" || f[0] == "IATA")) continue;
    if (f.size() != 3)
      throw UsageError(fmt::format("{}: line {}: expected 3 fields iata,city,country, got {}",
                                   where, line_no, f.size()));
    if (!is_code(f[0], 3))
      throw UsageError(fmt::format("{}: line {}: '{}' is not a 3-letter IATA airport code", where,
                                   line_no, f[0]));
    if (f[2].size() != 3 || !is_code(f[2], 3))
      throw UsageError(fmt::format("{}: line {}: '{}' is not an ISO 3166 alpha-3 country code",
                                   where, line_no, f[2]));
    if (airport_index(f[0]) >= 0)
      throw UsageError(fmt::format("{}: line {}: airport {} listed twice", where, line_no, f[0]));
    const int c = country_index(f[2]);
    // Countries we have no identity data for can still be flown through: treat them as hubs.
    const std::uint8_t roles = c >= 0 ? kCountries[static_cast<std::size_t>(c)].roles : H;
    airports_.push_back(Airport{f[0], f[1], c, roles, 1.0, kAllRegions});
  }
  if (airports_.empty()) throw UsageError(fmt::format("{}: no airports", where));
}

int Geography::airport_index(std::string_view iata) const {
  for (std::size_t i = 0; i < airports_.size(); ++i)
    if (airports_[i].iata == iata) return static_cast<int>(i);
  return -1;
}

void Geography::index() {
  by_country_.assign(std::size(kCountries), {});
  origins_.clear();
  hubs_.clear();
  destinations_.clear();
  for (std::size_t i = 0; i < airports_.size(); ++i) {
    const auto& a = airports_[i];
    const int id = static_cast<int>(i);
    if (a.country >= 0) by_country_[static_cast<std::size_t>(a.country)].push_back(id);
    if (a.roles & O) origins_.push_back(id);
    if (a.roles & H) hubs_.push_back(id);
    if (a.roles & D) destinations_.push_back(id);
  }
  culture_countries_.assign(kCultureCount, {});
  destination_countries_.clear();
  for (std::size_t c = 0; c < std::size(kCountries); ++c) {
    const auto& k = kCountries[c];
    // A country whose residents cannot reach any airport is left out of the population.
    if (by_country_[c].empty() && (k.gateway.empty() || airport_index(k.gateway) < 0)) continue;
    if (k.culture >= 0) culture_countries_[static_cast<std::size_t>(k.culture)].push_back(static_cast<int>(c));
    if (k.roles & D) destination_countries_.push_back(static_cast<int>(c));
  }
  if (destinations_.empty() || destination_countries_.empty())
    throw UsageError(
        "geography: no destination airport (a country such as GBR, DEU, FRA, USA) in the airport "
        "table");
}

std::span<const int> Geography::with_role(RoleBits role) const {
  return role == kOriginRole ? origins_ : role == kHubRole ? hubs_ : destinations_;
}

int Geography::home_airport(int country, std::uint64_t pick) const {
  const auto& own = by_country_[static_cast<std::size_t>(country)];
  if (!own.empty()) {
    // Weighted by airport size so that most residents use the main airport.
    double total = 0;
    for (int a : own) total += airports_[static_cast<std::size_t>(a)].weight;
    double x = static_cast<double>(pick >> 11) * 0x1.0p-53 * total;
    for (int a : own) {
      x -= airports_[static_cast<std::size_t>(a)].weight;
      if (x < 0) return a;
    }
    return own.back();
  }
  const int g = airport_index(kCountries[static_cast<std::size_t>(country)].gateway);
  if (g >= 0) return g;
  const auto region = kCountries[static_cast<std::size_t>(country)].region;
  std::vector<int> near;
  for (std::size_t i = 0; i < airports_.size(); ++i)
    if (airports_[i].country >= 0 &&
        kCountries[static_cast<std::size_t>(airports_[i].country)].region == region)
      near.push_back(static_cast<int>(i));
  const auto& pool = near.empty() ? destinations_ : near;
  return pool[pick % pool.size()];
}

Region Geography::region_of(int airport) const {
  const int c = airports_[static_cast<std::size_t>(airport)].country;
  return c < 0 ? kRegionCount : kCountries[static_cast<std::size_t>(c)].region;
}

bool Geography::long_haul(int from, int to) const {
  const Region a = region_of(from), b = region_of(to);
  if (a == b) return false;
  auto near = [](Region x, Region y) {
    auto in = [&](Region r, std::initializer_list<Region> s) {
      return std::find(s.begin(), s.end(), r) != s.end();
    };
    return (in(x, {kEurope, kCis, kNorthAfrica, kMiddleEast}) &&
            in(y, {kEurope, kCis, kNorthAfrica, kMiddleEast})) ||
           (in(x, {kNorthAmerica, kLatinAmerica}) && in(y, {kNorthAmerica, kLatinAmerica}));
  };
  return !near(a, b);
}

int Geography::hub_between(int from, int to, std::uint64_t pick) const {
  const Region a = region_of(from), b = region_of(to);
  const int ca = airports_[static_cast<std::size_t>(from)].country;
  const int cb = airports_[static_cast<std::size_t>(to)].country;
  double total = 0;
  auto ok = [&](int h) {
    const auto& x = airports_[static_cast<std::size_t>(h)];
    if (h == from || h == to || (x.country >= 0 && (x.country == ca || x.country == cb)))
      return false;
    auto serves = [&](Region r) { return r == kRegionCount || (x.serves >> r) & 1u; };
    return serves(a) && serves(b);
  };
  for (int h : hubs_)
    if (ok(h)) total += airports_[static_cast<std::size_t>(h)].weight;
  if (total <= 0) return -1;
  double x = static_cast<double>(pick >> 11) * 0x1.0p-53 * total;
  int last = -1;
  for (int h : hubs_) {
    if (!ok(h)) continue;
    last = h;
    x -= airports_[static_cast<std::size_t>(h)].weight;
    if (x < 0) return h;
  }
  return last;
}

Flight Geography::flight(int from, int to) const {
  Rng rng(seed_, stream_key(kKeyRoute, static_cast<std::uint64_t>(from),
                            static_cast<std::uint64_t>(to)));
  const auto& a = airports_[static_cast<std::size_t>(from)];
  const auto& b = airports_[static_cast<std::size_t>(to)];
  // Prefer the hub's own airline on hub legs (as Emirates dominates DXB), else either end's.
  std::string_view pool[8];
  std::size_t n = 0;
  auto add = [&](const Airport& x, int times) {
    if (x.country < 0) return;
    std::string_view cs = kCountries[static_cast<std::size_t>(x.country)].carriers;
    while (!cs.empty() && n < 8) {
      const auto p = cs.find('|');
      for (int t = 0; t < times && n < 8; ++t) pool[n++] = cs.substr(0, p);
      if (p == std::string_view::npos) break;
      cs.remove_prefix(p + 1);
    }
  };
  add(a, (a.roles & H) ? 2 : 1);
  add(b, (b.roles & H) ? 2 : 1);
  static constexpr std::string_view kCharter[] = {"XQ", "X3", "4Y", "OR"};
  Flight f;
  f.carrier = n > 0 ? pool[rng.below(n)] : kCharter[rng.below(4)];
  f.number = static_cast<int>(rng.between(1, 2999));
  f.departure_minute = static_cast<int>(rng.between(0, 287)) * 5;
  const Region ra = region_of(from), rb = region_of(to);
  const int base = ra == rb ? 110 : long_haul(from, to) ? 600 : 240;
  f.duration_minutes = base + static_cast<int>(rng.between(0, 90));
  return f;
}

void Geography::build_corridors(const Scenario& s) {
  auto parse = [&](std::string_view text, bool strict) -> bool {
    Corridor c{};
    std::string_view v = text;
    int nat = -1;
    if (v.size() > 4 && v[3] == ':') {
      nat = country_index(v.substr(0, 3));
      if (nat < 0 || kCountries[static_cast<std::size_t>(nat)].culture < 0) {
        if (strict)
          throw UsageError(fmt::format(
              "{}: key 'geography.corridors': corridor \"{}\": nationality {} is not a country "
              "with identity data",
              s.source, text, v.substr(0, 3)));
        return false;
      }
      v.remove_prefix(4);
    }
    const int ids[3] = {airport_index(v.substr(0, 3)), airport_index(v.substr(4, 3)),
                        airport_index(v.substr(8, 3))};
    for (int i = 0; i < 3; ++i) {
      if (ids[i] >= 0) continue;
      if (strict)
        throw UsageError(fmt::format(
            "{}: key 'geography.corridors': corridor \"{}\": airport {} is not in the airport "
            "table",
            s.source, text, v.substr(static_cast<std::size_t>(i) * 4, 3)));
      return false;
    }
    c.origin = ids[0];
    c.hub = ids[1];
    c.destination = ids[2];
    if (nat < 0) nat = airports_[static_cast<std::size_t>(c.origin)].country;
    if (nat < 0 || kCountries[static_cast<std::size_t>(nat)].culture < 0) {
      if (strict)
        throw UsageError(fmt::format(
            "{}: key 'geography.corridors': corridor \"{}\": the origin's country has no "
            "identity data; prefix the migrants' nationality, e.g. \"ERI:KRT-IST-FCO\"",
            s.source, text));
      return false;
    }
    c.nationality = nat;
    corridors_.push_back(c);
    return true;
  };
  if (!s.geography.corridors.empty()) {
    for (const auto& c : s.geography.corridors) parse(c, true);
    return;
  }
  for (auto c : kDefaultCorridors) parse(c, false);
  if (!corridors_.empty()) return;
  // A CSV airport table without the default corridors' airports: make corridors from roles.
  std::vector<int> origins;
  for (int o : origins_) {
    const int c = airports_[static_cast<std::size_t>(o)].country;
    if (c >= 0 && kCountries[static_cast<std::size_t>(c)].culture >= 0) origins.push_back(o);
  }
  if (origins.empty() || hubs_.empty())
    throw UsageError(fmt::format(
        "{}: geography: the airport table needs at least one airport in an origin country "
        "(e.g. PAK, NGA, VNM) and one in a transit-hub country (e.g. TUR, ARE, QAT)",
        s.source));
  for (std::uint64_t i = 0; i < 12; ++i) {
    Rng rng(seed_, stream_key(kKeyCorridor, i));
    const int o = origins[i % origins.size()];
    corridors_.push_back(Corridor{airports_[static_cast<std::size_t>(o)].country, o,
                                  hubs_[rng.below(hubs_.size())],
                                  destinations_[rng.below(destinations_.size())]});
  }
}

}  // namespace ch::world
