// ThreadSanitizer annotations for Debian's Abseil synchronization, linked
// into every binary built with --config=tsan (as --custom_malloc).
//
// Debian's libabsl_synchronization.so is not built with TSan, so to TSan an
// absl::Mutex is invisible: every field guarded by one would be reported as a
// race. With -Wl,--wrap (this library's linkopts) each call from kensho's
// code to Mutex::Lock, Unlock, ... goes through a __wrap_ function here that
// tells TSan what happened (the same __tsan_mutex_* calls Abseil makes when it
// is itself built with TSan), then calls the real function.
//
// Also: TSan's default options and suppressions for uninstrumented system
// libraries (gRPC, protobuf, RocksDB, OpenSSL), compiled in so that tests and
// the server processes they start need no environment.
#include <sanitizer/tsan_interface.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

extern "C" {

#define MU "_ZN4absl7debian35Mutex"
// Declares __real_<sym> and defines __wrap_<sym>.
#define WRAP(ret, sym, params) \
  ret __real_##sym params;     \
  ret __wrap_##sym params

// absl::Mutex::Lock() / Unlock() / ReaderLock() / ReaderUnlock()
WRAP(void, _ZN4absl7debian35Mutex4LockEv, (void* mu)) {
  __tsan_mutex_pre_lock(mu, 0);
  __real__ZN4absl7debian35Mutex4LockEv(mu);
  __tsan_mutex_post_lock(mu, 0, 0);
}
WRAP(void, _ZN4absl7debian35Mutex6UnlockEv, (void* mu)) {
  __tsan_mutex_pre_unlock(mu, 0);
  __real__ZN4absl7debian35Mutex6UnlockEv(mu);
  __tsan_mutex_post_unlock(mu, 0);
}
WRAP(void, _ZN4absl7debian35Mutex10ReaderLockEv, (void* mu)) {
  __tsan_mutex_pre_lock(mu, __tsan_mutex_read_lock);
  __real__ZN4absl7debian35Mutex10ReaderLockEv(mu);
  __tsan_mutex_post_lock(mu, __tsan_mutex_read_lock, 0);
}
WRAP(void, _ZN4absl7debian35Mutex12ReaderUnlockEv, (void* mu)) {
  __tsan_mutex_pre_unlock(mu, __tsan_mutex_read_lock);
  __real__ZN4absl7debian35Mutex12ReaderUnlockEv(mu);
  __tsan_mutex_post_unlock(mu, __tsan_mutex_read_lock);
}
// bool TryLock() / ReaderTryLock()
WRAP(bool, _ZN4absl7debian35Mutex7TryLockEv, (void* mu)) {
  __tsan_mutex_pre_lock(mu, __tsan_mutex_try_lock);
  bool ok = __real__ZN4absl7debian35Mutex7TryLockEv(mu);
  __tsan_mutex_post_lock(mu, __tsan_mutex_try_lock | (ok ? 0 : __tsan_mutex_try_lock_failed), 0);
  return ok;
}
WRAP(bool, _ZN4absl7debian35Mutex13ReaderTryLockEv, (void* mu)) {
  const unsigned f = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(mu, f);
  bool ok = __real__ZN4absl7debian35Mutex13ReaderTryLockEv(mu);
  __tsan_mutex_post_lock(mu, f | (ok ? 0 : __tsan_mutex_try_lock_failed), 0);
  return ok;
}
// LockWhen(const Condition&) / ReaderLockWhen: the condition is evaluated
// inside, possibly by the unlocking thread: ignored between pre and post.
WRAP(void, _ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE, (void* mu, const void* cond)) {
  __tsan_mutex_pre_lock(mu, 0);
  __real__ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE(mu, cond);
  __tsan_mutex_post_lock(mu, 0, 0);
}
WRAP(void, _ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE,
     (void* mu, const void* cond)) {
  __tsan_mutex_pre_lock(mu, __tsan_mutex_read_lock);
  __real__ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE(mu, cond);
  __tsan_mutex_post_lock(mu, __tsan_mutex_read_lock, 0);
}
// Await(const Condition&): called holding the lock; releases and reacquires.
WRAP(void, _ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE, (void* mu, const void* cond)) {
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  __real__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(mu, cond);
  __tsan_mutex_post_lock(mu, 0, 0);
}
// CondVar::Wait(Mutex*): likewise for the mutex.
WRAP(void, _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE, (void* cv, void* mu)) {
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  __real__ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(cv, mu);
  __tsan_mutex_post_lock(mu, 0, 0);
}
// The timed forms return whether the condition held; same shape.
WRAP(bool, _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE,
     (void* mu, const absl::Condition& cond, absl::Duration d)) {
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  bool r = __real__ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE(
      mu, cond, d);
  __tsan_mutex_post_lock(mu, 0, 0);
  return r;
}
WRAP(bool, _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE,
     (void* mu, const absl::Condition& cond, absl::Time t)) {
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  bool r =
      __real__ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE(mu, cond, t);
  __tsan_mutex_post_lock(mu, 0, 0);
  return r;
}
WRAP(bool, _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE,
     (void* mu, const absl::Condition& cond, absl::Duration d)) {
  __tsan_mutex_pre_lock(mu, 0);
  bool r = __real__ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(
      mu, cond, d);
  __tsan_mutex_post_lock(mu, 0, 0);
  return r;
}
WRAP(bool, _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE,
     (void* cv, void* mu, absl::Duration d)) {
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  bool r = __real__ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(cv, mu, d);
  __tsan_mutex_post_lock(mu, 0, 0);
  return r;
}
WRAP(bool, _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE,
     (void* cv, void* mu, absl::Time t)) {
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  bool r = __real__ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(cv, mu, t);
  __tsan_mutex_post_lock(mu, 0, 0);
  return r;
}
WRAP(bool, _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE,
     (const void* n, absl::Duration d)) {
  bool r = __real__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
      n, d);
  if (r) __tsan_acquire(const_cast<void*>(n));
  return r;
}
// ~Mutex()
WRAP(void, _ZN4absl7debian35MutexD1Ev, (void* mu)) {
  __tsan_mutex_destroy(mu, 0);
  __real__ZN4absl7debian35MutexD1Ev(mu);
}
// Notification::Notify() happens before WaitForNotification() returns.
WRAP(void, _ZN4absl7debian312Notification6NotifyEv, (void* n)) {
  __tsan_release(n);
  __real__ZN4absl7debian312Notification6NotifyEv(n);
}
WRAP(void, _ZNK4absl7debian312Notification19WaitForNotificationEv, (const void* n)) {
  __real__ZNK4absl7debian312Notification19WaitForNotificationEv(n);
  __tsan_acquire(const_cast<void*>(n));
}

// Read at startup by TSan; TSAN_OPTIONS can still override.
const char* __tsan_default_options() {
  return "halt_on_error=1:second_deadlock_stack=1:history_size=4:report_signal_unsafe=0:die_after_fork=0:ignore_noninstrumented_modules=1";
}

// Races whose both sides are in uninstrumented system libraries cannot be
// reported (TSan only sees instrumented accesses); what remains is listed
// in suppressions.txt, with the reason for each entry.
const char* __tsan_default_suppressions() {
  return
#include "fuzz/tsan/suppressions.inc"
      ;
}

}  // extern "C"
