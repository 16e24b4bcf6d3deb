#include "interrupt.h"

#include <atomic>
#include <csignal>

namespace lightvl::caption {
namespace {

// Lock-free, so reading and writing it from a signal handler is allowed.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_signal(int) { g_interrupted.store(true); }

}  // namespace

InterruptHandlers::InterruptHandlers() {
  g_interrupted.store(false);
  struct sigaction action {};
  action.sa_handler = on_signal;
  // SA_RESETHAND: the second signal gets the default action (immediate exit). SA_RESTART: reads and writes
  // in flight resume instead of failing with EINTR.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

InterruptHandlers::~InterruptHandlers() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

bool interrupt_requested() { return g_interrupted.load(); }

}  // namespace lightvl::caption
