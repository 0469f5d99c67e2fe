#include "tools/jpki_sim/life_events.h"

#include <algorithm>

#include "tools/jpki_sim/five_birthday.h"
#include "tools/jpki_sim/rng.h"

namespace kensho::sim {

const char* ApiReasonName(int crl_reason) {
  switch (crl_reason) {
    case kAffiliationChanged: return "BASIC_INFO_CHANGED";
    case kSuperseded: return "RENEWED";
    case kCessationOfOperation: return "NO_LONGER_NEEDED";
    case kKeyCompromise: return "KEY_COMPROMISE";
    case kCertificateHold: return "SUSPENDED";
    case kCaCompromise: return "CA_COMPROMISE";
    default: return "UNSPECIFIED";
  }
}

const char* CrlReasonName(int crl_reason) {
  switch (crl_reason) {
    case kKeyCompromise: return "keyCompromise";
    case kCaCompromise: return "CACompromise";
    case kAffiliationChanged: return "affiliationChanged";
    case kSuperseded: return "superseded";
    case kCessationOfOperation: return "cessationOfOperation";
    case kCertificateHold: return "certificateHold";
    default: return "unspecified";
  }
}

namespace {

constexpr absl::Duration kDay = absl::Hours(24);

enum Event { kNone, kMove, kRename, kLost, kSuspend, kDeath, kDeviceChange, kCaCompromiseEvent };
// Forced event for coverage person k (index - kCoverageFirst).
constexpr Event kForced[kCoverageCount] = {kMove, kRename, kLost, kSuspend, kDeath, kDeviceChange,
                                           kCaCompromiseEvent};

absl::CivilDay JstDay(absl::Time t) { return absl::ToCivilDay(t, Jst()); }

// Counter hours, 09:00-17:00 JST.
absl::Time IssueTime(absl::CivilDay day, Rng& rng) {
  return absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 9, 0, 0), Jst()) +
         absl::Seconds(rng.Uniform(0, 8 * 3600));
}

class Life {
 public:
  Life(const Person& p, absl::Time now, uint64_t seed, std::vector<CertRecord>* out)
      : p_(p), now_(now), rng_(Rng::Derive(seed, "life", p.index)), out_(out), basic4_(p.basic4) {}

  void Run() {
    const absl::CivilDay today = JstDay(now_);
    const int forced_slot = p_.index - kCoverageFirst;
    const Event forced = (forced_slot >= 0 && forced_slot < kCoverageCount) ? kForced[forced_slot] : kNone;
    absl::CivilDay first_day;
    absl::Time forced_time = absl::InfinitePast();
    if (forced != kNone) {
      first_day = today - rng_.Uniform(365, 3 * 365);
      forced_time = now_ - kDay * rng_.Uniform(5, 150) - absl::Seconds(rng_.Uniform(0, 86399));
    } else {
      absl::CivilDay earliest = std::max(p_.birth + 30, today - 10 * 365);
      if (earliest >= today) return;  // newborn: no card yet
      first_day = earliest + rng_.Uniform(0, today - earliest - 1);
    }
    absl::Time t = IssueTime(first_day, rng_);
    int sign = -1, auth = -1, phone = -1;
    int prev_sign = -1, prev_auth = -1;
    std::string pending_event;
    bool forced_done = false;
    for (int iter = 0; iter < 30 && t <= now_; ++iter) {
      auth = Issue(CertKind::kAuthentication, Device::kCard, t, absl::InfiniteFuture(), prev_auth, pending_event);
      const absl::Time expiry = (*out_)[auth].not_after;
      sign = AgeOn(p_.birth, JstDay(t)) >= 15
                 ? Issue(CertKind::kSignature, Device::kCard, t, expiry, prev_sign, pending_event)
                 : -1;
      prev_sign = prev_auth = -1;
      pending_event.clear();

      // A smartphone certificate, perhaps moved to another phone later.
      bool phone_live = phone >= 0 && !(*out_)[phone].revocation && (*out_)[phone].not_after > t;
      if (!phone_live && sign >= 0 && (forced == kDeviceChange || (forced == kNone && rng_.Chance(0.12)))) {
        absl::Time pt = t + kDay * (forced == kDeviceChange ? 10 : rng_.Uniform(10, 700));
        if (pt < std::min(expiry, now_)) {
          phone = Issue(CertKind::kAuthentication, Device::kSmartphone, pt, expiry, -1, "");
          if (forced == kNone && rng_.Chance(0.35)) {
            absl::Time dt = pt + kDay * rng_.Uniform(30, 900);
            if (dt < std::min(expiry, now_)) phone = ChangeDevice(phone, dt, expiry);
          }
        }
      }

      absl::Time cur = t;
      bool ended = false;
      std::optional<absl::Time> next_card;
      while (true) {
        Event ev = kNone;
        absl::Time et;
        if (forced != kNone) {
          if (!forced_done && forced_time > cur && forced_time < expiry) {
            ev = forced;
            et = forced_time;
            forced_done = true;
          }
        } else {
          int age = AgeOn(p_.birth, JstDay(cur));
          int r = static_cast<int>(rng_.Uniform(0, 999));
          int death_p = age >= 80 ? 120 : age >= 65 ? 40 : 4;
          if (r < 150) ev = kMove;
          else if (r < 200) ev = kRename;
          else if (r < 240) ev = kLost;
          else if (r < 260) ev = kSuspend;
          else if (r < 260 + death_p) ev = kDeath;
          et = cur + kDay * rng_.Uniform(30, 1100) + absl::Seconds(rng_.Uniform(0, 86399));
        }
        if (ev == kNone || et >= expiry) break;
        if (et > now_) {
          ended = true;
          break;
        }
        cur = et;
        if (ev == kMove || ev == kRename) {
          const char* what = ev == kMove ? "move" : "name_change";
          if (ev == kMove) {
            int n = static_cast<int>(Municipalities().size());
            int to = (basic4_.municipality + 1 + static_cast<int>(rng_.Uniform(0, n - 2))) % n;
            basic4_ = MoveTo(basic4_, to, rng_);
          } else {
            basic4_ = Rename(p_, basic4_, rng_);
          }
          if (sign >= 0 && Live(sign, et)) {
            Revoke(sign, et, kAffiliationChanged, std::nullopt);
            sign = Issue(CertKind::kSignature, Device::kCard, et, expiry, sign, what);
          }
        } else if (ev == kLost || ev == kSuspend) {
          int reason = ev == kLost ? kKeyCompromise : kCertificateHold;
          std::optional<absl::Time> lost_at;
          if (ev == kLost) lost_at = std::max((*out_)[auth].not_before, et - absl::Hours(rng_.Uniform(2, 72)));
          Revoke(sign, et, reason, lost_at);
          Revoke(auth, et, reason, lost_at);
          prev_sign = sign;
          prev_auth = auth;
          pending_event = ev == kLost ? "lost_card" : "suspension";
          next_card = et + kDay * (ev == kLost ? rng_.Uniform(7, 30) : rng_.Uniform(1, 60));
          break;
        } else if (ev == kDeath) {
          Revoke(sign, et, kCessationOfOperation, std::nullopt);
          Revoke(auth, et, kCessationOfOperation, std::nullopt);
          Revoke(phone, et, kCessationOfOperation, std::nullopt);
          ended = true;
          break;
        } else if (ev == kDeviceChange) {
          if (phone >= 0 && Live(phone, et)) phone = ChangeDevice(phone, et, expiry);
        } else if (ev == kCaCompromiseEvent) {
          if (sign >= 0 && Live(sign, et)) {
            Revoke(sign, et, kCaCompromise, std::nullopt);
            sign = Issue(CertKind::kSignature, Device::kCard, et, expiry, sign, "ca_compromise");
          }
        }
      }
      if (ended) break;
      if (next_card) {
        t = *next_card;
        continue;
      }
      if (forced != kNone) break;
      if (rng_.Chance(0.65)) {
        // Renewal somewhere in the 3-month window before expiry.
        absl::Time rt = expiry - kDay * rng_.Uniform(1, 89) - absl::Hours(rng_.Uniform(1, 12));
        if (rt <= cur) rt = cur + kDay;
        if (rt > now_ || rt >= expiry) break;  // window open now (or later): not renewed yet
        Revoke(sign, rt, kSuperseded, std::nullopt);
        Revoke(auth, rt, kSuperseded, std::nullopt);
        prev_sign = sign;
        prev_auth = auth;
        pending_event = "renewal";
        t = rt;
        continue;
      }
      if (expiry > now_) break;
      if (!rng_.Chance(0.5)) break;
      t = IssueTime(JstDay(expiry) + rng_.Uniform(30, 700), rng_);  // a new card after a gap
    }
  }

 private:
  bool Live(int idx, absl::Time at) const {
    const CertRecord& r = (*out_)[idx];
    return !r.revocation && r.not_before < at && at < r.not_after;
  }

  int Issue(CertKind kind, Device device, absl::Time at, absl::Time cap, int predecessor,
            const std::string& event) {
    CertRecord r;
    r.person = p_.index;
    r.kind = kind;
    r.device = device;
    r.not_before = at;
    r.not_after = std::min(FiveBirthdayNotAfter(p_.birth, JstDay(at)), cap);
    r.basic4 = basic4_;
    r.predecessor = predecessor;
    if (predecessor >= 0) r.link_event = event;
    out_->push_back(std::move(r));
    return static_cast<int>(out_->size()) - 1;
  }

  void Revoke(int idx, absl::Time at, int reason, std::optional<absl::Time> invalidity) {
    if (idx < 0 || !Live(idx, at)) return;
    (*out_)[idx].revocation = Revocation{at, reason, invalidity};
  }

  int ChangeDevice(int phone, absl::Time at, absl::Time cap) {
    int next = Issue(CertKind::kAuthentication, Device::kSmartphone, at, cap, phone, "device_change");
    Revoke(phone, at, kSuperseded, std::nullopt);
    return next;
  }

  const Person& p_;
  const absl::Time now_;
  Rng rng_;
  std::vector<CertRecord>* out_;
  Basic4 basic4_;
};

}  // namespace

std::vector<CertRecord> SimulateLives(const std::vector<Person>& people, absl::Time now, uint64_t seed) {
  std::vector<CertRecord> out;
  out.reserve(people.size() * 4);
  for (const Person& p : people) Life(p, now, seed, &out).Run();
  return out;
}

}  // namespace kensho::sim
