// OpenSSL ownership and conversion helpers shared by the simulator's writers.
#ifndef KENSHO_TOOLS_JPKI_SIM_OSSL_H_
#define KENSHO_TOOLS_JPKI_SIM_OSSL_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kensho::sim {

struct EvpPkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct X509NameFree { void operator()(X509_NAME* p) const { X509_NAME_free(p); } };
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509NamePtr = std::unique_ptr<X509_NAME, X509NameFree>;

// An error status carrying `what` and the drained OpenSSL error queue.
absl::Status OpenSslError(absl::string_view what);

absl::StatusOr<std::string> CertToDer(const X509* cert);
absl::StatusOr<std::string> CertToPem(const X509* cert);
absl::StatusOr<X509Ptr> CertFromDer(absl::string_view der);
absl::StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key);  // PKCS#8, unencrypted
absl::StatusOr<EvpPkeyPtr> PrivateKeyFromPem(absl::string_view pem);
absl::StatusOr<std::string> NameToDer(const X509_NAME* name);

std::string Sha256(absl::string_view data);
std::string HexLower(absl::string_view bytes);
std::string HexUpper(absl::string_view bytes);

// Sets an ASN1_TIME from an absl::Time (UTCTime before 2050, per RFC 5280).
bool SetAsn1Time(ASN1_TIME* t, absl::Time when);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_OSSL_H_
