// A small persistent thread pool for the CPU backend: parallel_for over an index range with dynamic
// chunking (an atomic counter), a settable thread count (default: all cores), and inline execution in
// 1-thread mode or when called from inside a parallel region.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace spatial::cpu {

class ThreadPool {
 public:
  static ThreadPool& instance();
  ~ThreadPool();
  void set_num_threads(int n);  // n <= 0: all hardware threads
  int num_threads() const { return num_threads_; }

  // fn(begin, end, thread_id) over [0, n) in chunks of `chunk`; thread_id in [0, num_threads()).
  void parallel_for(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t, int)>& fn);

 private:
  ThreadPool();
  void start(int n);
  void stop();
  void worker(int tid, uint64_t seen_generation);
  static void after_fork_in_child();

  int num_threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex region_mutex_;  // one parallel region at a time
  std::mutex m_;
  std::condition_variable cv_start_, cv_done_;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stopping_ = false;
  bool restart_after_fork_ = false;
  const std::function<void(int)>* job_ = nullptr;
};

inline int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : (int)n;
}

template <class F>
inline void parallel_for(int64_t n, int64_t chunk, F&& fn) {
  ThreadPool::instance().parallel_for(n, chunk, std::function<void(int64_t, int64_t, int)>(std::forward<F>(fn)));
}

inline int num_threads() { return ThreadPool::instance().num_threads(); }

}  // namespace spatial::cpu
