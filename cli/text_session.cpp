// `show services l2tp session [brief|detail|extensive|statistics]` as text.
// Three layouts, each reproducing its Junos sample (docs/cli.md lists the
// samples and every difference): the MX LNS layout, the M Series LNS layout
// (render_options::session_layout = m_series) and the LAC layout, which Junos
// has on MX only and which every LAC session uses whatever the option says.
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli::text_detail {
namespace {

using model::query_snapshot;
using model::session_snapshot;

enum class style : std::uint8_t {
  mx_lns,  ///< "show services l2tp session (LNS on MX Series Routers)"
  m_lns,   ///< "(LNS on M Series Routers)": Interface / Tunnel group header, Bundle and Username columns
  lac,     ///< "(LAC)": right-aligned IDs, Policer / overhead lines, no statistics table
};

[[nodiscard]] style style_of(const session_snapshot& s, const render_options& o) {
  if (s.lac) return style::lac;
  return o.session_layout == layout::m_series ? style::m_lns : style::mx_lns;
}

// ---- appending to the listing's buffer: no string per field or line (100,000 sessions) ----

/// printf's "%5u" of a value (the LAC and M Series IDs).
struct pad5_of {
  std::uint64_t value;
};
/// A session's Junos state name.
struct state_of {
  const session_snapshot& s;
};
/// A dotted quad, nothing for 0.
struct ipv4_of {
  std::uint32_t address;
};
/// Junos' local date.
struct date_of {
  model::wall_time when;
};
/// HH:MM:SS, or N/A for none.
struct hms_of {
  std::optional<std::chrono::seconds> d;
};
/// "Label: value", or "Label:" for an empty value.
struct field_of {
  std::string_view label, value;
};

/// `out << "text" << number << pad5_of{id} << '\n'`: appends to one std::string.
class text {
 public:
  text(std::string& out, session_listing::date_memo& dates) : out_(out), dates_(dates) {}
  text& operator<<(std::string_view v) {
    out_ += v;
    return *this;
  }
  text& operator<<(const char* v) { return *this << std::string_view(v); }
  text& operator<<(const std::string& v) { return *this << std::string_view(v); }
  text& operator<<(char c) {
    out_ += c;
    return *this;
  }
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) text& operator<<(T v) {
    append_uint(out_, v);
    return *this;
  }
  text& operator<<(pad5_of v) {
    append_pad5(out_, v.value);
    return *this;
  }
  text& operator<<(state_of v) {
    append_session_state(out_, v.s.state, v.s.lac);
    return *this;
  }
  text& operator<<(ipv4_of v) {
    append_ipv4(out_, v.address);
    return *this;
  }
  text& operator<<(date_of v) {
    // localtime_r for each date of 100,000 sessions costs more than the rest of their lines;
    // consecutive sessions were mostly created (and their statistics started) in the same second.
    const auto t = static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(v.when));
    for (const auto& [when, shown] : dates_.recent) {
      if (when == t) {
        out_ += shown;
        return *this;
      }
    }
    auto& [when, shown] = dates_.recent[dates_.next];
    dates_.next = (dates_.next + 1) % dates_.recent.size();
    when = t;
    shown.clear();
    append_junos_date(shown, v.when);
    out_ += shown;
    return *this;
  }
  text& operator<<(hms_of v) {
    if (v.d) {
      append_duration_hms(out_, *v.d);
    } else {
      out_ += "N/A";
    }
    return *this;
  }
  text& operator<<(field_of v) {
    append_field(out_, v.label, v.value);
    return *this;
  }
  [[nodiscard]] std::string& out() { return out_; }

 private:
  std::string& out_;
  session_listing::date_memo& dates_;
};

/// Session IDs: "%5u" in the LAC and M Series samples ("Session remote ID:     1"),
/// plain in the MX LNS samples ("Session remote ID: 1").
void put_id(text& t, style st, std::uint16_t value) {
  if (st == style::mx_lns) {
    t << value;
  } else {
    t << pad5_of{value};
  }
}

/// The line that opens each group of sessions. The tunnel ID is "%5u" as in
/// the M Series sample ("Tunnel local ID:  8802"), the only one with a short ID.
void group_header(text& t, style st, const session_snapshot& s) {
  if (st == style::m_lns) t << "Interface: " << s.interface_name << ", Tunnel group: " << s.tunnel_group << ", ";
  t << "Tunnel local ID: " << pad5_of{s.local_tunnel_id} << '\n';
}

// ---- standard / brief: one row per session under a column header ----

[[nodiscard]] std::string_view column_header(style st) {
  if (st == style::m_lns) {
    return "  Local Remote Interface State               Bundle Username\n"
           "  ID    ID     unit\n";
  }
  return "  Local  Remote   State                Interface         Interface\n"
         "  ID     ID                            unit              Name\n";
}

/// Pads what was appended since `start` to `width` columns, with at least one space (col()).
void pad_col(std::string& out, std::size_t start, std::size_t width) {
  const std::size_t written = out.size() - start;
  out.append(written < width ? width - written : 1, ' ');
}

/// Right-aligns what was appended since `start` in `width` columns (rjust()).
void align_right(std::string& out, std::size_t start, std::size_t width) {
  const std::size_t written = out.size() - start;
  if (written < width) out.insert(start, width - written, ' ');
}

void row(text& t, style st, const session_snapshot& s) {
  std::string& out = t.out();
  const std::size_t line = out.size();
  std::size_t at = out.size();
  switch (st) {
    case style::mx_lns:
      out += "  ";
      at = out.size();
      t << s.local_session_id;
      pad_col(out, at, 7);
      at = out.size();
      t << s.peer_session_id;
      pad_col(out, at, 9);
      at = out.size();
      t << state_of{s};
      pad_col(out, at, 21);
      at = out.size();
      t << s.interface_unit;
      pad_col(out, at, 18);
      t << s.interface_name << '\n';
      return;
    case style::lac:
      // The LAC sample right-aligns the numbers and pads the name to 20 (trailing spaces included).
      out += "  ";
      append_uint_rjust(out, s.local_session_id, 6);
      append_uint_rjust(out, s.peer_session_id, 7);
      out += "   ";
      at = out.size();
      t << state_of{s};
      pad_col(out, at, 20);
      append_uint_rjust(out, s.interface_unit, 10);
      out += "         ";
      append_ljust(out, s.interface_name, 20);
      out += '\n';
      return;
    case style::m_lns: {
      // Bundle is blank (no multilink); the sample row has no trailing spaces, so trim them.
      out += "  ";
      append_uint_rjust(out, s.local_session_id, 5);
      append_uint_rjust(out, s.peer_session_id, 7);
      at = out.size();
      t << s.interface_unit;
      if (out.size() - at < 10) {
        align_right(out, at, 10);
      } else {
        out.insert(at, 1, ' ');
      }
      out += ' ';
      at = out.size();
      t << state_of{s};
      pad_col(out, at, 20);
      out.append(6, ' ');
      t << ' ' << s.user;
      while (out.size() > line && out.back() == ' ') out.pop_back();
      out += '\n';
      return;
    }
  }
}

// ---- detail ----

void addresses_line(text& t, const session_snapshot& s) {
  // Local / Remote IP: the PPP (IPCP) addresses; the LAC terminates no PPP, so both are blank there.
  t << "    ";
  append_ipv4_field(t.out(), "Local IP", s.local_address);
  t << ", ";
  append_ipv4_field(t.out(), "Remote IP", s.address);
  t << '\n';
}

void names_line(text& t, const session_snapshot& s) {
  t << "    " << field_of{"Local name", s.local_name} << ", " << field_of{"Remote name", s.remote_name} << '\n';
}

/// M Series: the first session of the extensive sample has no names line at
/// all, the second has one; brasd prints it when either name is known.
void m_names_line(text& t, const session_snapshot& s) {
  if (s.local_name.empty() && s.remote_name.empty()) return;
  names_line(t, s);
}

void m_head(text& t, const session_snapshot& s) {
  t << "  Session local ID: " << pad5_of{s.local_session_id} << ", Session remote ID: " << pad5_of{s.peer_session_id}
    << '\n'
    << "    State: " << state_of{s} << ", Bundle ID:, Mode: shared\n";
  addresses_line(t, s);
  t << "    " << field_of{"Username", s.user} << ", ";
  append_ipv4_field(t.out(), "Assigned IP address", s.address);
  t << '\n';
}

// ---- IPv6 beyond IPv6CP: brasd lines no Junos sample has, printed only for a session with a
// prefix, so a session without one prints exactly its sample ----

[[nodiscard]] bool has_ipv6_prefix(const session_snapshot& s) {
  return !s.ipv6_prefix.empty() || !s.delegated_prefix.empty();
}

void ipv6_prefix_lines(text& t, const session_snapshot& s) {
  if (!has_ipv6_prefix(s)) return;
  t << "    " << field_of{"IPv6 prefix", s.ipv6_prefix} << '\n' << "    Delegated prefix:";
  if (!s.delegated_prefix.empty()) {
    t << ' ' << s.delegated_prefix << (s.delegated_bound ? " (bound)" : " (not bound)");
  }
  t << '\n';
}

/// The prefixes, then the Router Advertisement and DHCPv6 counters (extensive).
void ipv6_lines(text& t, const session_snapshot& s) {
  if (!has_ipv6_prefix(s)) return;
  ipv6_prefix_lines(t, s);
  t << "    Router advertisements sent: " << s.ra_sent << ", Router solicitations received: " << s.rs_received << '\n'
    << "    DHCPv6 received: " << s.dhcpv6_received << ", DHCPv6 sent: " << s.dhcpv6_sent << '\n';
}

void detail_block(text& t, style st, const session_snapshot& s) {
  if (st == style::m_lns) {
    m_head(t, s);
    m_names_line(t, s);
    ipv6_prefix_lines(t, s);
    return;
  }
  t << "  Session local ID: ";
  put_id(t, st, s.local_session_id);
  t << ", Session remote ID: ";
  put_id(t, st, s.peer_session_id);
  t << ", Interface unit: " << s.interface_unit << '\n'
    << "    State: " << state_of{s} << ", " << field_of{"Interface", s.interface_name} << ", Mode: Dedicated\n";
  addresses_line(t, s);
  names_line(t, s);
  ipv6_prefix_lines(t, s);
}

// ---- extensive ----

void times_lines(text& t, const session_snapshot& s, const query_snapshot& q) {
  t << "    Create time: " << date_of{s.created} << ", Up time: ";
  if (s.up_since) {
    t << hms_of{std::chrono::duration_cast<std::chrono::seconds>(q.taken_at - *s.up_since)};
  } else {
    t << "N/A";
  }
  t << '\n' << "    Idle time: " << hms_of{s.idle} << '\n';
}

void statistics_lines(text& t, const session_snapshot& s) {
  t << "    Statistics since: " << date_of{s.statistics_since} << '\n';
  append_traffic_table(t.out(), s);
  // The IPv6 share of the Data rows (included in them).
  if (has_ipv6_prefix(s)) {
    append_counter_row(t.out(), {"IPv6 Tx", s.data_tx_v6_packets, s.data_tx_v6_bytes});
    append_counter_row(t.out(), {"IPv6 Rx", s.data_rx_v6_packets, s.data_rx_v6_bytes});
  }
}

void bearer_line(text& t, const session_snapshot& s) {
  t << "    Bearer type: " << s.bearer_type << ", Framing type: " << s.framing_type << '\n';
}

void lcp_auth(text& t, const session_snapshot& s) {
  t << "    LCP renegotiation: " << on_off_name(s.lcp_renegotiation) << ", Authentication: ";
  append_auth_name(t.out(), s.auth_protocol);
}

void extensive_mx_lns(text& t, const session_snapshot& s, const query_snapshot& q) {
  // brasd has no connect-speed updates (RFC 5515), so only the initial speed, as Junos prints without updates.
  t << "  Session local ID: " << s.local_session_id << ", Session remote ID: " << s.peer_session_id << '\n'
    << "    Interface unit: " << s.interface_unit << '\n'
    << "    State: " << state_of{s} << '\n'
    << "    " << field_of{"Interface", s.interface_name} << '\n'
    << "    Mode: Dedicated\n";
  addresses_line(t, s);
  names_line(t, s);
  t << "    Tx speed: initial " << s.tx_speed << '\n' << "    Rx speed: initial " << s.rx_speed << '\n';
  bearer_line(t, s);
  lcp_auth(t, s);
  t << '\n' << "    Call serial number: " << s.call_serial_number << '\n';
  ipv6_lines(t, s);
  times_lines(t, s, q);
  statistics_lines(t, s);
}

void extensive_m_lns(text& t, const session_snapshot& s, const query_snapshot& q) {
  // No policer, firewall filter, interface-id or multilink in brasd: 0 / blank / N/A. The overhead
  // line is left out, as Junos leaves it out for a session without overhead (second sample).
  m_head(t, s);
  m_names_line(t, s);
  t << "    Local MRU: " << s.mru << ", Remote MRU: " << s.peer_mru << ", Tx speed: " << s.tx_speed
    << ", Rx speed: " << s.rx_speed << '\n';
  bearer_line(t, s);
  lcp_auth(t, s);
  t << ", Interface ID: N/A\n"
    << "    Interface unit: " << s.interface_unit << ", Call serial number: " << s.call_serial_number << '\n'
    << "    Policer bandwidth: 0, Policer burst size: 0\n"
    << "    Firewall filter:\n";
  ipv6_lines(t, s);
  times_lines(t, s, q);
  statistics_lines(t, s);
}

void extensive_lac(text& t, const session_snapshot& s, const query_snapshot& q) {
  // As the LAC samples: Tx and Rx speed on one line (no speed source in brasd), the QoS lines at
  // their "nothing configured" values, and no statistics table (use `statistics`, XML or JSON).
  t << "  Session local ID: " << pad5_of{s.local_session_id} << ", Session remote ID: " << pad5_of{s.peer_session_id}
    << '\n'
    << "    Interface unit: " << s.interface_unit << '\n'
    << "    State: " << state_of{s} << ", Mode: Dedicated\n";
  addresses_line(t, s);
  names_line(t, s);
  t << "    Tx speed: " << s.tx_speed << ", Rx speed: " << s.rx_speed << '\n';
  bearer_line(t, s);
  lcp_auth(t, s);
  t << ", Interface ID: N/A\n"
    << "    Interface unit: " << s.interface_unit << ", Call serial number: " << s.call_serial_number << '\n'
    << "    Policer bandwidth: 0, Policer burst size: 0\n"
    << "    Policer exclude bandwidth: 0, Firewall filter: 0\n"
    << "    Session encapsulation overhead: 0, Session cell overhead: 0\n";
  times_lines(t, s, q);
}

void extensive_block(text& t, style st, const session_snapshot& s, const query_snapshot& q) {
  switch (st) {
    case style::mx_lns: return extensive_mx_lns(t, s, q);
    case style::m_lns: return extensive_m_lns(t, s, q);
    case style::lac: return extensive_lac(t, s, q);
  }
}

// ---- statistics: the MX sample, unindented, with its tab-separated table ----

void statistics_block(text& t, const session_snapshot& s) {
  t << "Session local ID: " << s.local_session_id << ", Session remote ID: " << s.peer_session_id
    << ", Interface unit: " << s.interface_unit << '\n'
    << "State: " << state_of{s} << '\n'
    << "Statistics since: " << date_of{s.statistics_since} << '\n';
  append_tab_table(t.out(),
                   {{"Data Tx", s.data_tx_packets, s.data_tx_bytes}, {"Data Rx", s.data_rx_packets, s.data_rx_bytes}});
}

void session_block(text& t, const command& c, style st, const session_snapshot& s, const query_snapshot& q) {
  if (c.statistics) return statistics_block(t, s);
  switch (c.detail) {
    case level::standard:
    case level::brief: return row(t, st, s);
    case level::detail: return detail_block(t, st, s);
    case level::extensive: return extensive_block(t, st, s, q);
  }
}

}  // namespace

session_listing::session_listing(const command& c, const query_snapshot& s, const render_options& o)
    : command_(c),
      snapshot_(s),
      options_(o),
      rows_(!c.statistics && (c.detail == level::standard || c.detail == level::brief)) {}

bool session_listing::next(std::string& out, std::size_t want) {
  // Rows need no separator; per-session blocks are separated by a blank line, and so are the
  // groups (one per tunnel, or per tunnel and interface in the M Series layout).
  const std::size_t start = out.size();
  text t{out, dates_};
  while (tunnel_ < snapshot_.tunnels.size()) {
    const auto& sessions = snapshot_.tunnels[tunnel_].sessions;
    if (session_ >= sessions.size()) {
      ++tunnel_;
      session_ = 0;
      group_open_ = false;
      continue;
    }
    if (out.size() > start && out.size() - start >= want) return true;
    const auto& session = sessions[session_++];
    const auto st = static_cast<std::uint8_t>(style_of(session, options_));
    const bool same_group = group_open_ && st == group_style_ &&
                            (static_cast<style>(st) != style::m_lns || session.interface_name == group_interface_);
    if (!same_group) {
      if (any_) out += '\n';
      group_header(t, static_cast<style>(st), session);
      if (rows_) out += column_header(static_cast<style>(st));
      group_open_ = true;
      group_style_ = st;
      group_interface_ = session.interface_name;
      any_ = true;
    } else if (!rows_) {
      out += '\n';
    }
    session_block(t, command_, static_cast<style>(st), session, snapshot_);
  }
  return out.size() > start;
}

std::string render_sessions(const command& c, const query_snapshot& s, const render_options& o) {
  std::string out;
  session_listing listing{c, s, o};
  while (listing.next(out, std::size_t{1} << 20)) {
  }
  return out;
}

}  // namespace bras::cli::text_detail
