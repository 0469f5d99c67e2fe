#include "absl/strings/string_view.h"
#include "tools/jpki_sim/crl_writer.h"

#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "tools/jpki_sim/der.h"
#include "base/status_macros.h"

namespace kensho::sim {
namespace {

// AlgorithmIdentifier sha256WithRSAEncryption with NULL parameters.
constexpr char kSha256WithRsa[] = "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00";
constexpr size_t kSha256WithRsaLen = 15;

void EncodeEntry(const CrlEntry& e, std::string* out) {
  std::string body;
  der::AppendUint(&body, e.serial);
  der::AppendTime(&body, e.revoked_at);
  std::string exts;
  if (e.reason != 0) {
    // reasonCode 2.5.29.21: OCTET STRING { ENUMERATED }
    exts.append("\x30\x0a\x06\x03\x55\x1d\x15\x04\x03\x0a\x01", 11);
    exts.push_back(static_cast<char>(e.reason));
  }
  if (e.invalidity) {
    // invalidityDate 2.5.29.24: OCTET STRING { GeneralizedTime }
    std::string time;
    der::AppendGeneralizedTime(&time, *e.invalidity);
    std::string ext("\x06\x03\x55\x1d\x18", 5);
    der::AppendTlv(&ext, der::kOctetString, time);
    der::AppendTlv(&exts, der::kSequence, ext);
  }
  if (!exts.empty()) der::AppendTlv(&body, der::kSequence, exts);
  der::AppendTlv(out, der::kSequence, body);
}

absl::StatusOr<std::string> CrlExtensions(const CrlSpec& spec) {
  std::string exts;
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(const_cast<X509*>(spec.issuer));
  if (ski != nullptr) {
    std::string keyid(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)), ASN1_STRING_length(ski));
    std::string aki = der::Tlv(der::kSequence, der::Tlv(0x80, keyid));  // [0] keyIdentifier
    std::string ext("\x06\x03\x55\x1d\x23", 5);
    der::AppendTlv(&ext, der::kOctetString, aki);
    der::AppendTlv(&exts, der::kSequence, ext);
  }
  {
    std::string number;
    der::AppendUint(&number, spec.crl_number);
    std::string ext("\x06\x03\x55\x1d\x14", 5);
    der::AppendTlv(&ext, der::kOctetString, number);
    der::AppendTlv(&exts, der::kSequence, ext);
  }
  if (spec.distribution_point != nullptr) {
    ISSUING_DIST_POINT* idp = ISSUING_DIST_POINT_new();
    idp->distpoint = DIST_POINT_NAME_new();
    idp->distpoint->type = 0;
    idp->distpoint->name.fullname = sk_GENERAL_NAME_new_null();
    GENERAL_NAME* gn = GENERAL_NAME_new();
    gn->type = GEN_DIRNAME;
    gn->d.directoryName = X509_NAME_dup(spec.distribution_point);
    sk_GENERAL_NAME_push(idp->distpoint->name.fullname, gn);
    X509_EXTENSION* ext = X509V3_EXT_i2d(NID_issuing_distribution_point, 1, idp);
    ISSUING_DIST_POINT_free(idp);
    if (ext == nullptr) return OpenSslError("issuingDistributionPoint");
    unsigned char* buf = nullptr;
    int len = i2d_X509_EXTENSION(ext, &buf);
    X509_EXTENSION_free(ext);
    if (len <= 0) return OpenSslError("i2d_X509_EXTENSION");
    exts.append(reinterpret_cast<char*>(buf), len);
    OPENSSL_free(buf);
  }
  return der::Tlv(der::kContext0, der::Tlv(der::kSequence, exts));
}

class DigestingFile {
 public:
  DigestingFile(FILE* f, EVP_MD_CTX* md) : f_(f), md_(md) {}
  bool Write(absl::string_view data, bool digest) {
    if (digest && EVP_DigestSignUpdate(md_, data.data(), data.size()) != 1) return false;
    return fwrite(data.data(), 1, data.size(), f_) == data.size();
  }

 private:
  FILE* f_;
  EVP_MD_CTX* md_;
};

}  // namespace

absl::Status WriteCrl(const CrlSpec& spec, int64_t count, const std::function<CrlEntry(int64_t)>& entry_at,
                      const std::string& path) {
  KENSHO_ASSIGN_OR_RETURN(std::string issuer_der, NameToDer(X509_get_subject_name(spec.issuer)));
  std::string prefix("\x02\x01\x01", 3);  // version v2
  prefix.append(kSha256WithRsa, kSha256WithRsaLen);
  prefix.append(issuer_der);
  der::AppendTime(&prefix, spec.this_update);
  der::AppendTime(&prefix, spec.next_update);
  KENSHO_ASSIGN_OR_RETURN(std::string extensions, CrlExtensions(spec));

  // Pass 1: sizes.
  std::string scratch;
  size_t entries_len = 0;
  for (int64_t i = 0; i < count; ++i) {
    scratch.clear();
    EncodeEntry(entry_at(i), &scratch);
    entries_len += scratch.size();
  }
  size_t revoked_len = count > 0 ? 1 + der::LengthSize(entries_len) + entries_len : 0;
  size_t tbs_content = prefix.size() + revoked_len + extensions.size();
  size_t tbs_len = 1 + der::LengthSize(tbs_content) + tbs_content;
  const size_t sig_len = static_cast<size_t>(EVP_PKEY_get_size(spec.key));
  const size_t bits_len = 1 + der::LengthSize(sig_len + 1) + sig_len + 1;
  const size_t outer_content = tbs_len + kSha256WithRsaLen + bits_len;

  // Pass 2: write and hash.
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  FILE* f = fopen(tmp.c_str(), "wb");
  if (f == nullptr) return absl::InternalError(absl::StrCat("open ", tmp));
  static thread_local char iobuf[1 << 20];
  setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, spec.key) == 1;
  DigestingFile out(f, md);
  std::string head;
  der::AppendHeader(&head, der::kSequence, outer_content);
  ok = ok && out.Write(head, false);
  head.clear();
  der::AppendHeader(&head, der::kSequence, tbs_content);
  head.append(prefix);
  if (count > 0) der::AppendHeader(&head, der::kSequence, entries_len);
  ok = ok && out.Write(head, true);
  std::string batch;
  for (int64_t i = 0; ok && i < count; ++i) {
    EncodeEntry(entry_at(i), &batch);
    if (batch.size() >= (1 << 16)) {
      ok = out.Write(batch, true);
      batch.clear();
    }
  }
  ok = ok && out.Write(batch, true) && out.Write(extensions, true);
  std::string sig(sig_len, '\0');
  size_t got = sig_len;
  ok = ok && EVP_DigestSignFinal(md, reinterpret_cast<unsigned char*>(sig.data()), &got) == 1 && got == sig_len;
  EVP_MD_CTX_free(md);
  if (ok) {
    std::string tail(kSha256WithRsa, kSha256WithRsaLen);
    der::AppendHeader(&tail, der::kBitString, sig_len + 1);
    tail.push_back('\0');  // no unused bits
    tail.append(sig);
    ok = out.Write(tail, false);
  }
  ok = (fclose(f) == 0) && ok;
  if (!ok) {
    unlink(tmp.c_str());
    return OpenSslError(absl::StrCat("writing CRL ", path));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) return absl::InternalError(absl::StrCat("rename ", tmp));
  return absl::OkStatus();
}

absl::Status WriteCrl(const CrlSpec& spec, const std::vector<CrlEntry>& entries, const std::string& path) {
  return WriteCrl(
      spec, static_cast<int64_t>(entries.size()), [&entries](int64_t i) { return entries[i]; }, path);
}

}  // namespace kensho::sim
