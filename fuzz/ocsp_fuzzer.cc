// The OCSP response reader (revocation/ocsp_client.h): ReadOcspResponse over
// arbitrary bytes for one fixed certificate and issuer (embedded below, an
// EC P-256 test CA made for this fuzzer; seeds/ocsp_fuzzer holds responses it
// signed, so mutations reach the signature, CertID, window and status code
// as well as the DER parser). An answer must be self-consistent and survive
// the storage form (Encode/DecodeOcspAnswer) unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "revocation/ocsp_client.h"
#include "verify/certificate.h"

namespace {

// openssl req -x509 (prime256v1), CN=OCSP Fuzz CA, serial 1, 20 years.
constexpr char kIssuerPem[] = R"(
-----BEGIN CERTIFICATE-----
MIIBpTCCAUugAwIBAgIBATAKBggqhkjOPQQDAjA6MQswCQYDVQQGEwJKUDEUMBIG
A1UECgwLa2Vuc2hvLWZ1enoxFTATBgNVBAMMDE9DU1AgRnV6eiBDQTAeFw0yNjEx
MjYyMzE4MzZaFw00NjExMjEyMzE4MzZaMDoxCzAJBgNVBAYTAkpQMRQwEgYDVQQK
DAtrZW5zaG8tZnV6ejEVMBMGA1UEAwwMT0NTUCBGdXp6IENBMFkwEwYHKoZIzj0C
AQYIKoZIzj0DAQcDQgAE4nndxnI0FIQDHgr1MOel1F341d6CrxOYcvmGlZU6fAIk
cPIaqDRbx0nQrfdqjQgyjxtGJ/qZHoIIA/76myPXqKNCMEAwDwYDVR0TAQH/BAUw
AwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFI6V6erZpvjFfQ1lVgj+yTbn
kKKDMAoGCCqGSM49BAMCA0gAMEUCIFfqvCRD8ZUu8fXdRwlSkmwgvIjwjaHsSXxU
IPt3PZawAiEA1lkUqolnWvXM65XLJ1j7P0xI2DHKxn2wIAYnOnsUu0U=
-----END CERTIFICATE-----
)";

// Issued by the CA above, serial 0x1234.
constexpr char kLeafPem[] = R"(
-----BEGIN CERTIFICATE-----
MIIBvDCCAWKgAwIBAgICEjQwCgYIKoZIzj0EAwIwOjELMAkGA1UEBhMCSlAxFDAS
BgNVBAoMC2tlbnNoby1mdXp6MRUwEwYDVQQDDAxPQ1NQIEZ1enogQ0EwHhcNMjYx
MTI2MjMxODM2WhcNNDYwMTI1MjMxODM2WjAyMQswCQYDVQQGEwJKUDEUMBIGA1UE
CgwLa2Vuc2hvLWZ1enoxDTALBgNVBAMMBExlYWYwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATAA15BR3juW0MOFy6VH68mlV9OZU/x4qVog0tu3H8LcJwF0tV+L5sT
Edx1VyLY+ewDXQO1B1OZLZaZ+lfaMwJno2AwXjAMBgNVHRMBAf8EAjAAMA4GA1Ud
DwEB/wQEAwIHgDAfBgNVHSMEGDAWgBSOlenq2ab4xX0NZVYI/sk255CigzAdBgNV
HQ4EFgQUzA9l6Koh2PKfM32L3WGSxiwDs44wCgYIKoZIzj0EAwIDSAAwRQIgMjIj
A1XXUS5OPiyWwjbKGnUzLSjyUvW516dgtRTdGPcCIQD1B4IA0RtfHeL66LYe5KtI
EHWDEMk7g1MUoJeLWUZh8A==
-----END CERTIFICATE-----
)";

struct Fixed {
  kensho::verify::CertificateRef issuer;
  kensho::verify::CertificateRef leaf;
};

const Fixed& GetFixed() {
  static const Fixed* fixed = [] {
    auto issuer = kensho::verify::Certificate::ParseBundle(kIssuerPem);
    auto leaf = kensho::verify::Certificate::ParseBundle(kLeafPem);
    if (!issuer.ok() || !leaf.ok() || issuer->size() != 1 || leaf->size() != 1) std::abort();
    return new Fixed{(*issuer)[0], (*leaf)[0]};
  }();
  return *fixed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixed& f = GetFixed();
  absl::string_view der(reinterpret_cast<const char*>(data), size);
  const absl::Time now = absl::FromUnixSeconds(1772323200);  // 2026-03-01T00:00:00Z
  auto answer = kensho::revocation::ReadOcspResponse(der, *f.leaf, *f.issuer, now);
  if (!answer.ok()) {
    if (answer.status().message().empty()) std::abort();
    return 0;
  }
  using Status = kensho::revocation::OcspAnswer::Status;
  const auto& a = *answer;
  if (a.status != Status::kGood && a.status != Status::kRevoked && a.status != Status::kUnknown) {
    std::abort();
  }
  if (a.reason < -1 || a.reason > 10) std::abort();
  if (a.status != Status::kRevoked && a.revoked_at.has_value()) std::abort();
  if (a.fetched_at != now) std::abort();
  // The storage form keeps whole seconds; every answer must round-trip.
  auto back = kensho::revocation::DecodeOcspAnswer(kensho::revocation::EncodeOcspAnswer(a));
  if (!back.has_value() || back->status != a.status || back->reason != a.reason ||
      absl::ToUnixSeconds(back->this_update) != absl::ToUnixSeconds(a.this_update) ||
      back->next_update.has_value() != a.next_update.has_value() ||
      back->revoked_at.has_value() != a.revoked_at.has_value()) {
    std::abort();
  }
  return 0;
}
