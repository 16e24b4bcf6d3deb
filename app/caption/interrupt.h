// Ctrl-C for a caption run. The first SIGINT or SIGTERM only sets a flag: the run stops taking new images,
// finishes and records the one in flight, and exits cleanly. The handler then resets itself to the
// default action (SA_RESETHAND), so a second Ctrl-C ends the process at once; the output stays valid up
// to its last complete line (a torn line is repaired by the next run).
#pragma once

namespace lightvl::caption {

// Installs the handlers for SIGINT and SIGTERM and clears the flag. Not thread-safe: call from main's
// thread before starting workers.
void install_interrupt_handlers();

// Restores the default actions.
void remove_interrupt_handlers();

// Whether SIGINT or SIGTERM arrived since install_interrupt_handlers(). Thread-safe, lock-free.
bool interrupt_requested();

}  // namespace lightvl::caption
