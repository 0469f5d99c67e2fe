// Printable form of an X.501 Name, for matching CRL issuers and issuing
// distribution points against configuration and for messages.
//
// Format: RFC 4514 order (last RDN first) joined with ", " (as OpenSSL's
// oneline-RFC2253 and jpki_sim's partitions.json print it), multi-valued RDNs
// joined with "+", short names for C, ST, L, O, OU, CN, STREET, DC, UID,
// serialNumber, emailAddress, dotted OIDs otherwise. String values
// (UTF8String, PrintableString, IA5String, VisibleString, NumericString,
// BMPString, UniversalString) are printed as UTF-8 with RFC 4514 escaping
// (plus \XX for control characters), so the form is unambiguous; other value
// types and invalid strings print as "#<hex of the DER>".
//
// Deviation: no RFC 5280 name normalisation (case folding, whitespace); two
// names match only if they print identically, which errs towards rejecting.
#ifndef KENSHO_CRL_NAME_PRINTER_H_
#define KENSHO_CRL_NAME_PRINTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kensho::crl {

// `name_der` is the whole Name (SEQUENCE OF RDN) TLV.
absl::StatusOr<std::string> NameToString(absl::string_view name_der);

}  // namespace kensho::crl

#endif  // KENSHO_CRL_NAME_PRINTER_H_
