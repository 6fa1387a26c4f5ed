// The accounting spool on disk: append-only segment files in one directory,
// each record framed with its sequence number, kind, time and a checksum;
// acknowledgements are appended too, and a segment whose records are all
// acknowledged is deleted. At open, every segment is read back (a torn last
// record from a crash is cut off) and what is not acknowledged is pending.
// Writes go out at once (a daemon crash loses nothing); fsync is batched by
// the accounting actor's interval (a power loss loses at most that).
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "actors/accounting_store.hpp"
#include "configs/config.hpp"

namespace bras::io {

/// Opens (creating it if needed) the spool directory and replays it; the error names the path and errno.
[[nodiscard]] std::variant<std::unique_ptr<actors::accounting_store>, std::string> open_acct_spool(
    const config::spool_settings& cfg);

}  // namespace bras::io
