// Reading the basic 4 (基本4情報: name, birth date, sex, address) from a JPKI
// signature certificate.
//
// They are subjectAltName otherName entries {type-id OID, [0] EXPLICIT
// UTF8String}; see oids.h. Input is untrusted: every anomaly becomes a
// ProfileFinding and the reader never crashes or aborts.
#ifndef KENSHO_JPKI_BASIC_FOUR_H_
#define KENSHO_JPKI_BASIC_FOUR_H_

#include <optional>
#include <string>
#include <vector>

#include <openssl/x509.h>

#include "absl/time/civil_time.h"
#include "jpki/profile_finding.h"

namespace kensho::jpki {

// Finding codes produced by ReadBasicFour. Informational only where noted.
inline constexpr char kCodeBasicFourMissing[] = "BASIC_FOUR_MISSING";
inline constexpr char kCodeBasicFourDuplicate[] = "BASIC_FOUR_DUPLICATE";
inline constexpr char kCodeBasicFourInvalidUtf8[] = "BASIC_FOUR_INVALID_UTF8";
// Value is not a UTF8String (e.g. INTEGER, PrintableString).
inline constexpr char kCodeBasicFourWrongType[] = "BASIC_FOUR_WRONG_TYPE";
inline constexpr char kCodeBasicFourBadBirthDate[] =
    "BASIC_FOUR_BAD_BIRTH_DATE";
// Informational: unknown otherName type-id (e.g. former surname, furigana).
inline constexpr char kCodeUnknownOtherName[] = "UNKNOWN_OTHER_NAME";
// subjectAltName present but not decodable, or present more than once.
inline constexpr char kCodeSubjectAltNameUnreadable[] =
    "SUBJECT_ALT_NAME_UNREADABLE";

// The basic 4 as written in the certificate. A string is empty when its
// attribute is missing, duplicated-and-first-was-bad, wrongly typed or not
// valid UTF-8 (always with a finding), so every non-empty string here is valid
// UTF-8 without U+0000 and safe to put in a protobuf string field.
struct BasicFour {
  std::string name;                   // full-width, e.g. "山田　太郎"
  std::string name_substitute_flags;  // digit string
  std::string sex;                    // code such as "1"/"2" (table unverified)
  std::string birth_date_raw;         // "EYYYYMMDD", e.g. "419900102"
  std::string address;                // may be an abroad form (国外転出 ...)
  std::string address_substitute_flags;
  // ParseJpkiBirthDate(birth_date_raw) when it succeeds.
  std::optional<absl::CivilDay> birth_date;
};

// Reads the basic 4 from `cert`'s subjectAltName.
//
// `cert` may be null (everything is then MISSING). Appends to `*findings`
// (may be null: findings are then dropped):
//   BASIC_FOUR_MISSING         one per absent attribute; detail names it
//   BASIC_FOUR_DUPLICATE       repeated type-id; the first occurrence is kept
//   BASIC_FOUR_WRONG_TYPE      value not a UTF8String; detail names the type
//   BASIC_FOUR_INVALID_UTF8    malformed UTF-8 (overlong, surrogate...) or NUL
//   BASIC_FOUR_BAD_BIRTH_DATE  ParseJpkiBirthDate's message
//   UNKNOWN_OTHER_NAME         informational; detail is the dotted OID
//   SUBJECT_ALT_NAME_UNREADABLE
// Other GeneralName kinds (dNSName, rfc822Name...) are ignored. Only call this
// for signature certificates: the auth certificate has no basic 4, so every
// attribute would be reported MISSING.
BasicFour ReadBasicFour(const X509* cert, std::vector<ProfileFinding>* findings);

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_BASIC_FOUR_H_
