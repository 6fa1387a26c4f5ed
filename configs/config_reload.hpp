// What a configuration reload (SIGHUP) changes: the settings that differ
// between two configuration texts, and which of them brasd applies without a
// restart. Pure: YAML text in, key paths out.
//
// A setting is named by its section and key ("l2tp.tunnel-setup-rate"); a key
// whose value is a list or a map ("l2tp.tunnel-groups", "log.components") is
// one setting, changed when anything under it changes. A key written in one
// text and left to its default in the other counts as changed: the
// comparison is of what the operator wrote, not of the values in force.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bras::config {

/// The settings ("section.key") whose values differ between two configuration texts, in the order
/// of the sections and keys as written (`before`'s first, then those only in `after`). Both must
/// parse as YAML (a caller loads `after` with load() first); a text that does not parse counts as
/// an empty document.
[[nodiscard]] std::vector<std::string> changed_settings(std::string_view before, std::string_view after);

/// Whether a reload applies `setting` (a changed_settings() name) to the running daemon: the log
/// levels (`log.level`, `log.components`), the L2TP capacity limits (`l2tp.max-tunnels`,
/// `max-sessions`, `max-sessions-in-setup`) and the tunnel set-up limits (`l2tp.tunnel-setup-rate`,
/// `-per-source`, `max-tunnels-in-setup`, `-per-source`): each read at every admission decision, so
/// a new value holds from the next tunnel or session on. Every other change takes a restart.
[[nodiscard]] bool applied_on_reload(std::string_view setting) noexcept;

/// A reload's plan: the changed settings split by applied_on_reload().
struct reload_plan {
  std::vector<std::string> applied;  ///< changed since the last load, applied now
  std::vector<std::string> pending;  ///< changed since the daemon started, waiting for a restart
};

/// `started`: the text brasd started on; `last`: the text last loaded (start or reload); `now`: the
/// text being loaded. Applied: live settings that differ from `last`. Pending: the others that
/// differ from `started` (a change undone in the file is no longer pending).
[[nodiscard]] reload_plan plan_reload(std::string_view started, std::string_view last, std::string_view now);

}  // namespace bras::config
