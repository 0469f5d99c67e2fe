"""End-to-end checks of a jpki_sim world with the openssl CLI.

Generates a 30-person world into $TEST_TMPDIR and checks, at the world's
`now` (-attime), that:
  - openssl verify accepts good certificates and rejects unknown-issuer,
    expired and not-yet-valid ones; with -crl_check and the partition CRL it
    rejects revoked ones and accepts good ones;
  - openssl cms -verify accepts good signed documents (attached and
    detached) and rejects tampered, wrong-key and unknown-issuer ones;
  - every CRL verifies against its issuing root generation;
  - login signatures verify with openssl dgst (PKCS#1 v1.5, SHA-256) and the
    pool key in the item reproduces them;
  - openssl ocsp, answering from the OCSP index, says good/revoked as the
    manifest does (a request file through the responder, and one request
    over 127.0.0.1 to a short-lived responder).
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

SIM = sys.argv[1]
TMP = os.environ.get("TEST_TMPDIR", tempfile.mkdtemp())
NOW = "2026-03-01T00:00:00Z"
EPOCH = "1772323200"  # NOW as seconds since the epoch
WORLD = os.path.join(TMP, "world")
failures = []


def run(args, **kw):
    return subprocess.run(args, cwd=WORLD, capture_output=True, text=True, **kw)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def to_pem(der_file):
    out = os.path.join(TMP, os.path.basename(der_file) + ".pem")
    r = run(["openssl", "x509", "-inform", "DER", "-in", der_file, "-out", out])
    return out if r.returncode == 0 else None


def main():
    r = subprocess.run([SIM, "--out=" + WORLD, "--people=30", "--seed=5", "--now=" + NOW,
                        "--key_pool=" + os.path.join(TMP, "pool"), "--key_pool_size=12",
                        "--scale_crl_entries=5000"], capture_output=True, text=True)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, "jpki_sim failed"
    m = json.load(open(os.path.join(WORLD, "manifest.json")))
    assert m["version"] == 1 and m["now"] == NOW and m["people"] == 30
    parts = json.load(open(os.path.join(WORLD, m["partitions"])))
    certs = {c["sha256"]: c for c in m["certificates"]}
    items = m["items"]
    variants = {i["variant"] for i in items}
    for v in ["good", "tampered", "wrong_key", "auth_cert_signing", "sign_cert_login", "truncated", "expired",
              "not_yet_valid", "unknown_issuer"]:
        check(v in variants, "variant %s present" % v)
    check(any(v.startswith("revoked_") for v in variants), "revoked variants present")
    for i in items:
        for f in i["files"].values():
            check(os.path.exists(os.path.join(WORLD, f)), "%s: file %s exists" % (i["id"], f))

    # Every CRL verifies against its root generation.
    for pid, p in parts.items():
        r = run(["openssl", "crl", "-inform", "DER", "-in", p["file"], "-CAfile", p["issuer"], "-noout"])
        check(r.returncode == 0 and "verify OK" in r.stderr + r.stdout, "CRL %s verifies: %s" % (pid, r.stderr))
        check(p["dirname"].startswith("CN=") and "OU=CRL Distribution Points" in p["dirname"], "dirname " + pid)
    r = run(["openssl", "crl", "-inform", "DER", "-in", "crl/scale.crl", "-CAfile", m["scale_crl_issuer"],
             "-noout"])
    check(r.returncode == 0 and "verify OK" in r.stderr + r.stdout, "scale CRL verifies")

    # Certificates with openssl verify.
    counts = {}
    for i in items:
        if i["type"] != "certificate" or i["variant"] == "truncated":
            if i["type"] == "certificate":
                r = run(["openssl", "x509", "-inform", "DER", "-in", i["files"]["certificate"], "-noout"])
                check(r.returncode != 0, "%s truncated certificate does not parse" % i["id"])
            continue
        pem = to_pem(i["files"]["certificate"])
        check(pem is not None, "%s parses" % i["id"])
        trust = "trust/jpki-sign.pem" if i["kind"] == "JPKI_SIGNATURE" else "trust/jpki-auth.pem"
        r = run(["openssl", "verify", "-attime", EPOCH, "-CAfile", trust, pem])
        ok = r.returncode == 0
        v = i["variant"]
        counts[v] = counts.get(v, 0) + 1
        if v in ("good", "auth_cert_signing", "sign_cert_login") or v.startswith("revoked_"):
            check(ok, "%s (%s) chains at now: %s" % (i["id"], v, r.stdout + r.stderr))
        elif v in ("unknown_issuer", "expired", "not_yet_valid"):
            check(not ok, "%s (%s) is rejected" % (i["id"], v))
        if v == "expired":
            check("expired" in r.stdout + r.stderr, "%s says expired" % i["id"])
        # Revocation through the partition CRL.
        c = certs.get(i["certificate_sha256"])
        if c and (v == "good" or v.startswith("revoked_")):
            crl_pem = os.path.join(TMP, c["partition"] + ".crl.pem")
            run(["openssl", "crl", "-inform", "DER", "-in", parts[c["partition"]]["file"], "-out", crl_pem])
            r = run(["openssl", "verify", "-attime", EPOCH, "-crl_check", "-CRLfile", crl_pem, "-CAfile", trust,
                     pem])
            if v == "good":
                check(r.returncode == 0, "%s good with CRL: %s" % (i["id"], r.stdout + r.stderr))
            else:
                check(r.returncode != 0 and "revoked" in r.stdout + r.stderr,
                      "%s revoked by CRL: %s" % (i["id"], r.stdout + r.stderr))
    check(counts.get("good", 0) >= 10, "enough good certificate items: %s" % counts)

    # Signed documents with openssl cms.
    for i in items:
        if i["type"] != "signed_document":
            continue
        args = ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", i["files"]["cms"],
                "-CAfile", "trust/jpki-sign.pem", "-attime", EPOCH, "-out", os.devnull]
        if "content" in i["files"]:
            args += ["-content", i["files"]["content"]]
        r = run(args)
        ok = r.returncode == 0
        v = i["variant"]
        if v == "good" or v.startswith("revoked_"):
            check(ok, "%s (%s) CMS verifies: %s" % (i["id"], v, r.stderr))
        else:
            check(not ok, "%s (%s) CMS is rejected" % (i["id"], v))

    # Login assertions: PKCS#1 v1.5 over SHA-256(nonce).
    for i in items:
        if i["type"] != "auth_assertion" or i["variant"] == "truncated":
            continue
        f = i["files"]
        pem = to_pem(f["certificate"])
        pub = os.path.join(TMP, i["id"] + ".pub")
        run(["openssl", "x509", "-in", pem, "-pubkey", "-noout", "-out", pub])
        r = run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", f["signature"], f["nonce"]])
        ok = r.returncode == 0
        if i["variant"] in ("tampered", "wrong_key"):
            check(not ok, "%s (%s) login signature is rejected" % (i["id"], i["variant"]))
        else:
            check(ok, "%s (%s) login signature verifies" % (i["id"], i["variant"]))
            resig = os.path.join(TMP, i["id"] + ".resig")
            run(["openssl", "dgst", "-sha256", "-sign", f["key"], "-out", resig, f["nonce"]])
            check(open(resig, "rb").read() == open(os.path.join(WORLD, f["signature"]), "rb").read(),
                  "%s pool key reproduces the signature" % i["id"])

    # OCSP from the index files.
    def ocsp_status(c, via_network):
        gen = "%s_gen%d" % ("sign" if c["kind"] == "JPKI_SIGNATURE" else "auth", c["generation"])
        pem = to_pem(c["file"])
        base = ["-index", "ocsp/%s_index.txt" % gen, "-CA", c["issuer"], "-rsigner", c["issuer"],
                "-rkey", "keys/%s.key.pem" % gen]
        req = os.path.join(TMP, c["id"] + ".req")
        resp = os.path.join(TMP, c["id"] + ".resp")
        if not via_network:
            r = run(["openssl", "ocsp", "-issuer", c["issuer"], "-cert", pem, "-no_nonce", "-reqout", req])
            assert r.returncode == 0, r.stderr
            r = run(["openssl", "ocsp"] + base + ["-reqin", req, "-respout", resp, "-ndays", "1"])
            assert r.returncode == 0, r.stderr
            r = run(["openssl", "ocsp", "-respin", resp, "-issuer", c["issuer"], "-cert", pem,
                     "-VAfile", c["issuer"], "-no_nonce"])
        else:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            s.close()
            srv = subprocess.Popen(["openssl", "ocsp"] + base + ["-port", str(port), "-nrequest", "1",
                                                                 "-ndays", "1"],
                                   cwd=WORLD, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                r = None
                for _ in range(50):
                    time.sleep(0.1)
                    r = run(["openssl", "ocsp", "-issuer", c["issuer"], "-cert", pem,
                             "-url", "http://127.0.0.1:%d" % port, "-VAfile", c["issuer"], "-no_nonce",
                             "-timeout", "5"])
                    if "Error connecting" not in r.stderr and "connect" not in r.stderr.lower():
                        break
            finally:
                try:
                    srv.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    srv.kill()
                    srv.wait()
        return r.stdout + r.stderr

    live = [c for c in m["certificates"] if c["status"] in ("good", "revoked") and c["generation"] >= 2]
    good = [c for c in live if c["status"] == "good"][:3]
    revoked = [c for c in live if c["status"] == "revoked"][:4]
    check(good and revoked, "certificates to ask OCSP about")
    for c in good:
        out = ocsp_status(c, False)
        check(": good" in out, "OCSP good for %s: %s" % (c["id"], out))
    for c in revoked:
        out = ocsp_status(c, False)
        check(": revoked" in out, "OCSP revoked for %s: %s" % (c["id"], out))
    for c in (good[0], revoked[0]):
        out = ocsp_status(c, True)
        check((": good" if c["status"] == "good" else ": revoked") in out,
              "OCSP over 127.0.0.1 for %s: %s" % (c["id"], out))

    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("all openssl interop checks passed (%d items)" % len(items))


main()
