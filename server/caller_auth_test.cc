#include "server/caller_auth.h"

#include <string>
#include <thread>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "testing/shared_dir.h"
#include "verify/certificate.h"

namespace kensho::server {
namespace {

// A real certificate to present as a client's (only its fingerprint and
// subject matter here).
std::string ClientPem() {
  const std::string shared = kensho::testing::SharedDir();
  if (shared.empty()) return "";
  auto pem = ReadFileBounded(shared + "/data/jpki-roots/sign_ca_2023.pem", 1 << 20);
  return pem.ok() ? *pem : "";
}

TEST(CallerAuthorizerTest, WithoutMtlsEveryCallerGetsTheOpenRightsAndFollowsReloads) {
  v1::ServerConfig config;
  CallerAuthorizer auth(config);
  auto rights = auth.IdentifyPem("");
  ASSERT_TRUE(rights.ok()) << rights.status();
  EXPECT_EQ(rights->name, "(unauthenticated loopback)");
  EXPECT_TRUE(rights->relying_party);
  EXPECT_FALSE(rights->personal_data);
  // The same thread asks again after a reload: it sees the new switch, not
  // the copy it kept.
  config.set_allow_subject_without_authentication(true);
  auth.Reload(config);
  EXPECT_TRUE(auth.IdentifyPem("")->personal_data);
  bool other_thread = false;
  std::thread([&] { other_thread = auth.IdentifyPem("")->personal_data; }).join();
  EXPECT_TRUE(other_thread);
  // A second authorizer is not served the first one's copy.
  CallerAuthorizer fresh((v1::ServerConfig()));
  EXPECT_FALSE(fresh.IdentifyPem("")->personal_data);
}

TEST(CallerAuthorizerTest, WithMtlsAConfiguredCertificateGetsItsRolesUntilAReloadDropsIt) {
  const std::string pem = ClientPem();
  ASSERT_FALSE(pem.empty()) << "../shared/data/jpki-roots not found";
  auto cert = verify::Certificate::ParseBundle(pem);
  ASSERT_TRUE(cert.ok() && !cert->empty());
  v1::ServerConfig config;
  config.mutable_tls()->set_client_ca_file("ca.pem");  // mTLS on; not read here
  v1::CallerConfig* caller = config.add_callers();
  caller->set_name("tax-office");
  caller->set_sha256_fingerprint(cert->front()->sha256_hex());
  caller->add_roles(v1::RELYING_PARTY);
  CallerAuthorizer auth(config);

  EXPECT_EQ(auth.IdentifyPem("").status().code(), absl::StatusCode::kUnauthenticated);
  for (int i = 0; i < 2; ++i) {  // the second answer comes from the memo
    auto rights = auth.IdentifyPem(pem);
    ASSERT_TRUE(rights.ok()) << rights.status();
    EXPECT_EQ(rights->name, "tax-office");
    EXPECT_TRUE(rights->relying_party);
    EXPECT_FALSE(rights->admin);
  }
  config.clear_callers();
  auth.Reload(config);
  EXPECT_EQ(auth.IdentifyPem(pem).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth.IdentifyPem("garbage").status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace kensho::server
