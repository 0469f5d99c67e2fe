// kensho_cli: a small client for people and scripts.
//
//   kensho_cli [--target=HOST:PORT] health
//   kensho_cli status
//   kensho_cli validate CERT.der [--usage=signing|auth|any]
//   kensho_cli verify-document DOC.p7s [--content=FILE]
//   kensho_cli challenge
//
// Responses are printed as protobuf text; the exit code is 0 for an answer
// (whatever the verdict), 1 for a gRPC error, 2 for bad usage.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "base/file_io.h"
#include "google/protobuf/text_format.h"
#include "proto/kensho.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "kensho's HOST:PORT");
ABSL_FLAG(std::string, usage, "any", "validate: signing, auth or any");
ABSL_FLAG(std::string, content, "", "verify-document: detached content file");
ABSL_FLAG(std::string, profile, "", "trust profile (default chosen by the call)");
ABSL_FLAG(bool, trace, false, "ask for the per-check trace");
ABSL_FLAG(int, deadline_seconds, 10, "deadline of the call");

namespace {

using kensho::v1::Admin;
using kensho::v1::Validator;

// Bounded (base/file_io.h): a mistyped path to a device must not eat memory.
bool ReadFile(const std::string& path, std::string* out) {
  absl::StatusOr<std::string> data = kensho::ReadFileBounded(path);
  if (!data.ok()) return false;
  *out = *std::move(data);
  return true;
}

int Print(const grpc::Status& status, const google::protobuf::Message& response) {
  if (!status.ok()) {
    std::fprintf(stderr, "kensho_cli: %d %s\n", static_cast<int>(status.error_code()),
                 status.error_message().c_str());
    return 1;
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(response, &text);
  std::cout << text;
  return 0;
}

void SetDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(absl::GetFlag(FLAGS_deadline_seconds)));
}

kensho::v1::Policy MakePolicy() {
  kensho::v1::Policy policy;
  policy.set_trust_profile(absl::GetFlag(FLAGS_profile));
  policy.set_include_trace(absl::GetFlag(FLAGS_trace));
  return policy;
}

int Usage() {
  std::fprintf(stderr,
               "usage: kensho_cli [--target=HOST:PORT] health | status | challenge |\n"
               "       validate CERT.der [--usage=signing|auth|any] |\n"
               "       verify-document DOC.p7s [--content=FILE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("kensho_cli: talk to a kensho server");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) return Usage();
  const std::string command = args[1];
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_target),
                                     grpc::InsecureChannelCredentials());
  grpc::ClientContext ctx;
  SetDeadline(&ctx);

  if (command == "health") {
    // Through Admin.GetStatus rather than the health proto, to stay small.
    kensho::v1::ServerStatus status;
    grpc::Status s = Admin::NewStub(channel)->GetStatus(&ctx, {}, &status);
    if (!s.ok()) return Print(s, status);
    std::cout << (status.serving() ? "SERVING" : "NOT_SERVING") << "\n";
    for (const auto& reason : status.not_serving_reasons()) std::cout << "  " << reason << "\n";
    return status.serving() ? 0 : 1;
  }
  if (command == "status") {
    kensho::v1::ServerStatus status;
    return Print(Admin::NewStub(channel)->GetStatus(&ctx, {}, &status), status);
  }
  if (command == "challenge") {
    kensho::v1::Challenge challenge;
    return Print(Validator::NewStub(channel)->IssueChallenge(&ctx, {}, &challenge), challenge);
  }
  if (command == "validate" && args.size() == 3) {
    kensho::v1::ValidateCertificateRequest req;
    if (!ReadFile(args[2], req.mutable_certificate())) {
      std::fprintf(stderr, "kensho_cli: cannot read %s\n", args[2]);
      return 2;
    }
    const std::string usage = absl::GetFlag(FLAGS_usage);
    if (usage == "signing") {
      req.set_usage(kensho::v1::USAGE_DOCUMENT_SIGNING);
    } else if (usage == "auth") {
      req.set_usage(kensho::v1::USAGE_AUTHENTICATION);
    } else if (usage != "any") {
      return Usage();
    }
    *req.mutable_policy() = MakePolicy();
    kensho::v1::Verdict verdict;
    return Print(Validator::NewStub(channel)->ValidateCertificate(&ctx, req, &verdict), verdict);
  }
  if (command == "verify-document" && args.size() == 3) {
    kensho::v1::VerifySignedDocumentRequest req;
    if (!ReadFile(args[2], req.mutable_cms())) {
      std::fprintf(stderr, "kensho_cli: cannot read %s\n", args[2]);
      return 2;
    }
    const std::string content = absl::GetFlag(FLAGS_content);
    if (!content.empty() && !ReadFile(content, req.mutable_detached_content())) {
      std::fprintf(stderr, "kensho_cli: cannot read %s\n", content.c_str());
      return 2;
    }
    *req.mutable_policy() = MakePolicy();
    kensho::v1::Verdict verdict;
    return Print(Validator::NewStub(channel)->VerifySignedDocument(&ctx, req, &verdict), verdict);
  }
  return Usage();
}
