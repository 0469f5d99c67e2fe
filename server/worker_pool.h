// A fixed set of threads with a bounded queue, for VerifyBatch and
// VerifyStream items. Past the queue's limit TrySubmit refuses at once, so
// overload is shed (RESOURCE_EXHAUSTED) instead of queued without bound.
#ifndef KENSHO_SERVER_WORKER_POOL_H_
#define KENSHO_SERVER_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace kensho::server {

class WorkerPool {
 public:
  WorkerPool(int threads, size_t max_queue);
  // Runs what is queued, then joins.
  ~WorkerPool();

  // False when the queue is full or the pool is stopping.
  bool TrySubmit(std::function<void()> task);
  size_t queued() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();

  const size_t max_queue_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // A CondVar, not Mutex::Await: idle workers waiting on a condition would
  // send every TrySubmit's unlock through absl's slow path.
  absl::CondVar work_;
  std::vector<std::thread> threads_;
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_WORKER_POOL_H_
