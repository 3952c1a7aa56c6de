#include "parallel.h"

#include <cstdlib>
#include <new>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

namespace spatial::cpu {

namespace {
thread_local bool t_in_region = false;
}

ThreadPool& ThreadPool::instance() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::ThreadPool() {
  int n = hardware_threads();
  if (const char* env = std::getenv("SPATIAL_NUM_THREADS")) {
    int e = std::atoi(env);
    if (e > 0) n = e;
  }
  start(n);
#if defined(__unix__) || defined(__APPLE__)
  pthread_atfork(nullptr, nullptr, &ThreadPool::after_fork_in_child);
#endif
}

// A forked child (e.g. a DataLoader worker) has none of the parent's worker threads: forget them (their
// std::thread handles are leaked on purpose; joining or destroying them is not possible) and start anew.
void ThreadPool::after_fork_in_child() {
  ThreadPool& p = instance();
  new (&p.m_) std::mutex();
  new (&p.region_mutex_) std::mutex();
  new (&p.cv_start_) std::condition_variable();
  new (&p.cv_done_) std::condition_variable();
  new std::vector<std::thread>(std::move(p.workers_));
  p.workers_.clear();
  p.pending_ = 0;
  p.job_ = nullptr;
  p.stopping_ = false;
  p.restart_after_fork_ = true;  // threads cannot be created inside a fork handler: start them on first use
}

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::start(int n) {
  num_threads_ = n < 1 ? 1 : n;
  stopping_ = false;
  // workers start from the current generation: only regions started after this point are theirs
  const uint64_t gen = generation_;
  for (int t = 1; t < num_threads_; ++t) workers_.emplace_back([this, t, gen] { worker(t, gen); });
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lk(m_);
    stopping_ = true;
  }
  cv_start_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void ThreadPool::set_num_threads(int n) {
  if (n <= 0) n = hardware_threads();
  std::lock_guard<std::mutex> region(region_mutex_);
  if (restart_after_fork_) {
    restart_after_fork_ = false;
    start(n);
    return;
  }
  if (n == num_threads_) return;
  stop();
  start(n);
}

void ThreadPool::worker(int tid, uint64_t seen) {
  for (;;) {
    const std::function<void(int)>* job;
    {
      std::unique_lock<std::mutex> lk(m_);
      cv_start_.wait(lk, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      job = job_;
    }
    t_in_region = true;
    (*job)(tid);
    t_in_region = false;
    {
      std::lock_guard<std::mutex> lk(m_);
      if (--pending_ == 0) cv_done_.notify_all();
    }
  }
}

void ThreadPool::parallel_for(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  if (chunk < 1) chunk = 1;
  if (t_in_region || num_threads_ == 1 || n <= chunk) {
    for (int64_t b = 0; b < n; b += chunk) fn(b, b + chunk < n ? b + chunk : n, 0);
    return;
  }
  std::lock_guard<std::mutex> region(region_mutex_);
  if (restart_after_fork_) {
    restart_after_fork_ = false;
    start(num_threads_);
  }
  std::atomic<int64_t> next{0};
  std::function<void(int)> job = [&](int tid) {
    for (;;) {
      int64_t b = next.fetch_add(chunk, std::memory_order_relaxed);
      if (b >= n) break;
      fn(b, b + chunk < n ? b + chunk : n, tid);
    }
  };
  {
    std::lock_guard<std::mutex> lk(m_);
    job_ = &job;
    pending_ = num_threads_ - 1;
    ++generation_;
  }
  cv_start_.notify_all();
  t_in_region = true;
  job(0);
  t_in_region = false;
  std::unique_lock<std::mutex> lk(m_);
  cv_done_.wait(lk, [&] { return pending_ == 0; });
  job_ = nullptr;
}

}  // namespace spatial::cpu
