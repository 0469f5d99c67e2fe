#include "tools/jpki_sim/population.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/jpki_sim/five_birthday.h"

namespace kensho::sim {
namespace {

struct FamilyName {
  const char* text;
  // Non-empty: the register spells it with a character outside JIS X 0208;
  // the certificate carries `text` (the substitute) and flags mark the spot.
  int substituted_char = -1;  // 0-based character position, -1 = none
};

const FamilyName kFamilyNames[] = {
    {"佐藤"}, {"鈴木"}, {"高橋", 0}, {"田中"}, {"伊藤"}, {"渡辺"}, {"山本"}, {"中村"},
    {"小林"}, {"加藤"}, {"吉田"}, {"山田"}, {"佐々木"}, {"山口"}, {"松本"}, {"井上"},
    {"木村"}, {"林"}, {"斎藤"}, {"清水"}, {"山崎", 1}, {"森"}, {"池田"}, {"橋本"},
    {"阿部"}, {"石川"}, {"長谷川"}, {"小野寺"}, {"五十嵐"}, {"渡部"}, {"菅原"}, {"齋藤"},
};
const char* const kMaleGiven[] = {"太郎", "一郎", "健太", "翔太", "大輔", "誠", "蓮", "湊",
                                  "陽翔", "浩二", "博", "茂", "清", "悠真", "拓海", "勇気"};
const char* const kFemaleGiven[] = {"花子", "陽子", "美咲", "さくら", "結衣", "葵", "陽葵", "凛",
                                    "恵子", "幸子", "和子", "愛", "芽依", "由美", "千尋", "トメ"};

// Real municipalities; the romanized forms follow J-LIS's DN style.
const std::vector<Municipality>* BuildMunicipalities() {
  return new std::vector<Municipality>{
      {"山形県", "西置賜郡飯豊町", "Yamagata", "Iide-machi", {"大字椿", "大字萩生", "大字手ノ子"}},
      {"東京都", "新宿区", "Tokyo", "Shinjuku-ku", {"西新宿", "歌舞伎町", "四谷"}},
      {"東京都", "千代田区", "Tokyo", "Chiyoda-ku", {"霞が関", "永田町", "丸の内"}},
      {"東京都", "世田谷区", "Tokyo", "Setagaya-ku", {"三軒茶屋", "下北沢", "成城"}},
      {"東京都", "八王子市", "Tokyo", "Hachioji-shi", {"元本郷町", "高尾町", "南大沢"}},
      {"北海道", "札幌市中央区", "Hokkaido", "Sapporo-shi", {"北一条西", "南三条西", "宮の森"}},
      {"北海道", "夕張市", "Hokkaido", "Yubari-shi", {"本町", "清水沢", "紅葉山"}},
      {"青森県", "青森市", "Aomori", "Aomori-shi", {"新町", "長島", "浪岡"}},
      {"宮城県", "仙台市青葉区", "Miyagi", "Sendai-shi", {"国分町", "一番町", "上杉"}},
      {"秋田県", "仙北郡美郷町", "Akita", "Misato-cho", {"土崎", "六郷", "千畑"}},
      {"福島県", "会津若松市", "Fukushima", "Aizuwakamatsu-shi", {"東栄町", "追手町", "材木町"}},
      {"茨城県", "つくば市", "Ibaraki", "Tsukuba-shi", {"研究学園", "竹園", "吾妻"}},
      {"埼玉県", "さいたま市浦和区", "Saitama", "Saitama-shi", {"高砂", "常盤", "岸町"}},
      {"千葉県", "浦安市", "Chiba", "Urayasu-shi", {"舞浜", "猫実", "入船"}},
      {"神奈川県", "横浜市中区", "Kanagawa", "Yokohama-shi", {"山下町", "本町", "元町"}},
      {"神奈川県", "足柄下郡箱根町", "Kanagawa", "Hakone-machi", {"湯本", "強羅", "仙石原"}},
      {"新潟県", "新潟市中央区", "Niigata", "Niigata-shi", {"古町通", "万代", "学校町通"}},
      {"長野県", "北安曇郡白馬村", "Nagano", "Hakuba-mura", {"大字北城", "大字神城", "大字北城みそら野"}},
      {"静岡県", "浜松市中央区", "Shizuoka", "Hamamatsu-shi", {"元城町", "鍛冶町", "佐鳴台"}},
      {"愛知県", "名古屋市中区", "Aichi", "Nagoya-shi", {"栄", "錦", "三の丸"}},
      {"岐阜県", "大野郡白川村", "Gifu", "Shirakawa-mura", {"大字荻町", "大字平瀬", "大字鳩谷"}},
      {"京都府", "京都市中京区", "Kyoto", "Kyoto-shi", {"寺町通", "烏丸通", "二条通"}},
      {"大阪府", "大阪市北区", "Osaka", "Osaka-shi", {"梅田", "中之島", "天神橋"}},
      {"兵庫県", "神戸市中央区", "Hyogo", "Kobe-shi", {"三宮町", "元町通", "北野町"}},
      {"奈良県", "吉野郡十津川村", "Nara", "Totsukawa-mura", {"大字小原", "大字平谷", "大字谷瀬"}},
      {"広島県", "広島市中区", "Hiroshima", "Hiroshima-shi", {"基町", "紙屋町", "大手町"}},
      {"香川県", "小豆郡小豆島町", "Kagawa", "Shodoshima-cho", {"草壁本町", "池田", "安田"}},
      {"高知県", "高岡郡梼原町", "Kochi", "Yusuhara-cho", {"梼原", "太郎川", "広野"}},
      {"福岡県", "福岡市博多区", "Fukuoka", "Fukuoka-shi", {"博多駅前", "中洲", "祇園町"}},
      {"熊本県", "阿蘇郡南小国町", "Kumamoto", "Minamioguni-machi", {"大字満願寺", "大字赤馬場", "大字中原"}},
      {"鹿児島県", "大島郡与論町", "Kagoshima", "Yoron-cho", {"茶花", "麦屋", "古里"}},
      {"沖縄県", "那覇市", "Okinawa", "Naha-shi", {"久茂地", "首里当蔵町", "おもろまち"}},
      {"沖縄県", "八重山郡竹富町", "Okinawa", "Taketomi-cho", {"字竹富", "字波照間", "字西表"}},
  };
}

// ASCII digits -> full-width digits (U+FF10..U+FF19).
std::string FullWidthDigits(int64_t n) {
  std::string ascii = absl::StrCat(n), out;
  for (char c : ascii) {
    out.append("\xEF\xBC");
    out.push_back(static_cast<char>(0x90 + (c - '0')));
  }
  return out;
}

constexpr char kIdeographicSpace[] = "\xE3\x80\x80";  // U+3000

// Number of UTF-8 characters.
int CharCount(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string MakeAddress(const Municipality& m, Rng& rng) {
  std::string town = m.towns[rng.Uniform(0, 2)];
  std::string out = absl::StrCat(m.prefecture, m.city, town);
  if (town.rfind("大字", 0) == 0 || town.rfind("字", 0) == 0) {
    absl::StrAppend(&out, FullWidthDigits(rng.Uniform(1, 3999)), "番地");
  } else {
    absl::StrAppend(&out, FullWidthDigits(rng.Uniform(1, 9)), "丁目", FullWidthDigits(rng.Uniform(1, 30)),
                    "番", FullWidthDigits(rng.Uniform(1, 25)), "号");
  }
  return out;
}

void SetName(Basic4* b, const FamilyName& family, const std::string& given) {
  b->name = absl::StrCat(family.text, kIdeographicSpace, given);
  if (family.substituted_char < 0) {
    b->name_flags = "0";
  } else {
    b->name_flags.assign(CharCount(b->name), '0');
    b->name_flags[family.substituted_char] = '1';
  }
}

}  // namespace

const std::vector<Municipality>& Municipalities() {
  static const std::vector<Municipality>* list = BuildMunicipalities();
  return *list;
}

std::string MunicipalitySlug(const Municipality& m) {
  std::string out = absl::StrCat(m.prefecture_romaji, "-", m.city_romaji);
  for (char& c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<Person> MakePopulation(int count, uint64_t seed, absl::CivilDay today) {
  // Birth dates every validator gets wrong at least once.
  const absl::CivilDay kSpecial[] = {
      absl::CivilDay(2000, 2, 29), absl::CivilDay(1989, 1, 7),  absl::CivilDay(1989, 1, 8),
      absl::CivilDay(2019, 4, 30), absl::CivilDay(2019, 5, 1),  absl::CivilDay(1996, 2, 29),
      absl::CivilDay(1926, 12, 25), absl::CivilDay(1960, 2, 29), absl::CivilDay(2008, 2, 29),
  };
  const int num_families = sizeof kFamilyNames / sizeof kFamilyNames[0];
  std::vector<Person> people;
  people.reserve(count);
  for (int i = 0; i < count; ++i) {
    Rng rng = Rng::Derive(seed, "person", i);
    Person p;
    p.index = i;
    p.id = absl::StrFormat("p-%06d", i);
    const int special = sizeof kSpecial / sizeof kSpecial[0];
    if (i < special && AgeOn(kSpecial[i], today) >= 0 && AgeOn(kSpecial[i], today) <= 100) {
      p.birth = kSpecial[i];
    } else if (i >= kCoverageFirst && i < kCoverageFirst + kCoverageCount) {
      p.birth = today - rng.Uniform(20 * 365 + 10, 80 * 365);
    } else {
      absl::CivilDay oldest = absl::CivilDay(today.year() - 100, today.month(), 1) + 31;
      p.birth = oldest + rng.Uniform(0, today - oldest);
    }
    bool male = rng.Chance(0.5);
    p.sex = male ? "1" : "2";
    const FamilyName& family = kFamilyNames[rng.Uniform(0, num_families - 1)];
    p.family_name = family.text;
    p.given_name = male ? kMaleGiven[rng.Uniform(0, 15)] : kFemaleGiven[rng.Uniform(0, 15)];
    // Everyone in the first few lives in 飯豊町; the rest are spread out.
    p.basic4.municipality =
        i % 7 == 0 ? 0 : static_cast<int>(rng.Uniform(0, static_cast<int64_t>(Municipalities().size()) - 1));
    SetName(&p.basic4, family, p.given_name);
    p.basic4.address = MakeAddress(Municipalities()[p.basic4.municipality], rng);
    p.basic4.address_flags = "0";
    people.push_back(std::move(p));
  }
  return people;
}

Basic4 MoveTo(const Basic4& current, int municipality, Rng& rng) {
  Basic4 out = current;
  out.municipality = municipality;
  out.address = MakeAddress(Municipalities()[municipality], rng);
  out.address_flags = "0";
  return out;
}

Basic4 Rename(const Person& person, const Basic4& current, Rng& rng) {
  Basic4 out = current;
  const int num_families = sizeof kFamilyNames / sizeof kFamilyNames[0];
  const FamilyName* family = &kFamilyNames[rng.Uniform(0, num_families - 1)];
  if (family->text == person.family_name) family = &kFamilyNames[(family - kFamilyNames + 1) % num_families];
  SetName(&out, *family, person.given_name);
  return out;
}

}  // namespace kensho::sim
