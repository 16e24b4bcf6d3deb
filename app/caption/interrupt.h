// Ctrl-C for a caption run. The first SIGINT or SIGTERM only sets a flag: the run stops taking new images,
// finishes and records the one in flight, and exits cleanly. The handler then resets itself to the
// default action (SA_RESETHAND), so a second Ctrl-C ends the process at once; the output stays valid up
// to its last complete line (a torn line is repaired by the next run).
#pragma once

namespace lightvl::caption {

// Installs the handlers for SIGINT and SIGTERM and clears the flag for its lifetime; restores the default
// actions when destroyed. Not thread-safe: create it on main's thread before starting workers, one at a
// time.
class InterruptHandlers {
 public:
  InterruptHandlers();
  ~InterruptHandlers();
  InterruptHandlers(const InterruptHandlers&) = delete;
  InterruptHandlers& operator=(const InterruptHandlers&) = delete;
};

// Whether SIGINT or SIGTERM arrived while InterruptHandlers were installed. Thread-safe, lock-free.
bool interrupt_requested();

}  // namespace lightvl::caption
