// The RADIUS configuration: aaa.method / aaa.domains and the radius section
// (server groups, spool, CoA clients), each refusal naming its file, line,
// key path and reason, and the shipped lns-radius example.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "configs/config.hpp"

namespace bras::config {
namespace {

const std::string examples = std::string{BRAS_SOURCE_DIR} + "/configs/examples";

const settings& settings_of(const load_result& r) {
  EXPECT_TRUE(std::holds_alternative<settings>(r)) << std::get<load_error>(r).to_string();
  return std::get<settings>(r);
}

/// Loads `yaml` and expects it refused at `line` for `path` with a reason containing `reason`.
void expect_refused(const std::string& yaml, int line, const std::string& path, const std::string& reason) {
  auto r = load(yaml, "r.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(r)) << "accepted:\n" << yaml;
  const auto& e = std::get<load_error>(r);
  EXPECT_EQ(e.file, "r.yaml") << e.to_string();
  EXPECT_EQ(e.line, line) << e.to_string();
  EXPECT_EQ(e.path, path) << e.to_string();
  EXPECT_NE(e.reason.find(reason), std::string::npos) << e.to_string();
}

const std::string auth_server = "radius:\n  authentication:\n    servers:\n";

TEST(ConfigRadius, NoSectionLeavesRadiusOffAndAaaLocal) {
  const auto embedded = load_default();
  const auto& s = settings_of(embedded);
  EXPECT_FALSE(s.radius.enabled);
  EXPECT_EQ(s.aaa.method, aaa_method::local);
  EXPECT_TRUE(s.aaa.domains.empty());
  EXPECT_TRUE(s.radius.authentication.servers.empty());
  EXPECT_TRUE(s.radius.coa_listen.empty());
}

TEST(ConfigRadius, ServerDefaultsAndNasIdentityFromL2tp) {
  const auto r = load(
      "l2tp:\n  host-name: lns7\n  local-gateways:\n    - {address: 192.0.2.7}\n" + auth_server +
          "      - {address: 10.0.0.1, secret: s1}\n  accounting:\n    servers:\n      - {address: 10.0.0.2, secret: "
          "s2}\n    spool: {directory: /tmp/spool}\n",
      "t.yaml");
  const auto& s = settings_of(r);
  const auto& rad = s.radius;
  EXPECT_TRUE(rad.enabled);
  EXPECT_EQ(rad.nas_identifier, "lns7");
  EXPECT_EQ(rad.nas_ip_address, 0xc0000207u);
  ASSERT_EQ(rad.authentication.servers.size(), 1u);
  const auto& a = rad.authentication.servers[0];
  EXPECT_EQ(a.name, "10.0.0.1:1812");
  EXPECT_EQ(a.address, 0x0a000001u);
  EXPECT_EQ(a.port, 1812);
  EXPECT_EQ(a.secret, "s1");
  EXPECT_EQ(a.weight, 1u);
  EXPECT_EQ(a.max_outstanding, 256u);
  EXPECT_EQ(a.timeout, milliseconds{3000});
  EXPECT_EQ(a.retries, 2u);
  EXPECT_EQ(a.message_authenticator, message_authenticator_mode::automatic);
  ASSERT_EQ(rad.accounting.servers.size(), 1u);
  EXPECT_EQ(rad.accounting.servers[0].port, 1813);
  EXPECT_EQ(rad.accounting.servers[0].name, "10.0.0.2:1813");
  EXPECT_EQ(rad.spool.directory, "/tmp/spool");
  EXPECT_EQ(rad.spool.max_bytes, 256ull << 20);
  EXPECT_EQ(rad.spool.when_full, spool_full_policy::refuse_new_sessions);
  EXPECT_EQ(rad.authentication.dead_after, 3u);
  EXPECT_EQ(rad.authentication.dead_time, seconds{30});
  EXPECT_EQ(rad.queue_limit, 4096u);
}

TEST(ConfigRadius, EveryKeyIsRead) {
  const auto r = load(R"(aaa:
  method: radius
  domains:
    - {realm: example.net, method: local}
    - {realm: "*", method: radius}
radius:
  nas-identifier: bras-a
  nas-ip-address: 198.51.100.1
  source-address: 127.0.0.1
  queue-limit: 10
  authentication:
    dead-after: 5
    dead-time: 60
    probe-interval: 3
    servers:
      - {name: a, address: 127.0.0.1, port: 11812, secret: x, weight: 3, max-outstanding: 16, timeout-ms: 500,
         retries: 0, message-authenticator: yes}
      - {name: b, address: 127.0.0.2, secret: y, message-authenticator: no}
  accounting:
    interim-interval: 600
    max-in-flight: 8
    servers: [{name: c, address: 127.0.0.3, secret: z}]
    spool: {directory: /var/tmp/acct, max-size-mb: 2, fsync-interval-ms: 0, when-full: drop-oldest-interims}
  dynamic-authorization:
    listen: 127.0.0.1:13799
    replay-window: 30
    clients: [{address: 127.0.0.1, secret: coa}]
)",
                      "t.yaml");
  const auto& s = settings_of(r);
  EXPECT_EQ(s.aaa.method, aaa_method::radius);
  ASSERT_EQ(s.aaa.domains.size(), 2u);
  EXPECT_EQ(s.aaa.domains[0].realm, "example.net");
  EXPECT_EQ(s.aaa.domains[0].method, aaa_method::local);
  EXPECT_EQ(s.aaa.domains[1].realm, "*");
  EXPECT_EQ(s.aaa.domains[1].method, aaa_method::radius);
  const auto& rad = s.radius;
  EXPECT_EQ(rad.nas_identifier, "bras-a");
  EXPECT_EQ(rad.nas_ip_address, 0xc6336401u);
  EXPECT_EQ(rad.source_address, 0x7f000001u);
  EXPECT_EQ(rad.queue_limit, 10u);
  EXPECT_EQ(rad.authentication.dead_after, 5u);
  EXPECT_EQ(rad.authentication.dead_time, seconds{60});
  EXPECT_EQ(rad.authentication.probe_interval, seconds{3});
  ASSERT_EQ(rad.authentication.servers.size(), 2u);
  const auto& a = rad.authentication.servers[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.port, 11812);
  EXPECT_EQ(a.weight, 3u);
  EXPECT_EQ(a.max_outstanding, 16u);
  EXPECT_EQ(a.timeout, milliseconds{500});
  EXPECT_EQ(a.retries, 0u);
  EXPECT_EQ(a.message_authenticator, message_authenticator_mode::yes);
  EXPECT_EQ(rad.authentication.servers[1].message_authenticator, message_authenticator_mode::no);
  EXPECT_EQ(rad.interim_interval, seconds{600});
  EXPECT_EQ(rad.acct_max_in_flight, 8u);
  EXPECT_EQ(rad.spool.directory, "/var/tmp/acct");
  EXPECT_EQ(rad.spool.max_bytes, 2ull << 20);
  EXPECT_EQ(rad.spool.fsync_interval, milliseconds{0});
  EXPECT_EQ(rad.spool.when_full, spool_full_policy::drop_oldest_interims);
  EXPECT_EQ(rad.coa_listen, "127.0.0.1:13799");
  EXPECT_EQ(rad.coa_replay_window, seconds{30});
  ASSERT_EQ(rad.coa_clients.size(), 1u);
  EXPECT_EQ(rad.coa_clients[0].address, 0x7f000001u);
  EXPECT_EQ(rad.coa_clients[0].secret, "coa");
}

TEST(ConfigRadius, EmptySecretIsRefusedWithItsLine) {
  expect_refused(auth_server + "      - address: 10.0.0.1\n        secret: \"\"\n", 5,
                 "radius.authentication.servers[0].secret", "must not be empty");
  expect_refused(auth_server + "      - address: 10.0.0.1\n", 4, "radius.authentication.servers[0].secret", "required");
}

TEST(ConfigRadius, BadAddressIsRefusedWithItsLine) {
  expect_refused(auth_server + "      - {address: 10.0.0.1, secret: s}\n      - {address: 10.0.0.300, secret: s}\n", 5,
                 "radius.authentication.servers[1].address", "not an IPv4 address: 10.0.0.300");
  expect_refused("radius:\n  nas-ip-address: localhost\n", 2, "radius.nas-ip-address", "not an IPv4 address");
  expect_refused("radius:\n  source-address: 1.2.3\n", 2, "radius.source-address", "not an IPv4 address");
  expect_refused(auth_server + "      - {secret: s}\n", 4, "radius.authentication.servers[0].address", "required");
}

TEST(ConfigRadius, PortZeroIsRefused) {
  expect_refused(auth_server + "      - address: 10.0.0.1\n        secret: s\n        port: 0\n", 6,
                 "radius.authentication.servers[0].port", "must be between 1 and 65535");
}

TEST(ConfigRadius, WeightsSummingToZeroAreRefused) {
  expect_refused(auth_server + "      - {address: 10.0.0.1, secret: s, weight: 0}\n", 3,
                 "radius.authentication.servers", "weights sum to 0");
  // One standby (weight 0) beside a weighted server is fine.
  settings_of(load(auth_server + "      - {address: 10.0.0.1, secret: s, weight: 0}\n"
                                 "      - {address: 10.0.0.2, secret: s}\n",
                   "t.yaml"));
}

TEST(ConfigRadius, UnknownKeysAreRefusedWhereTheyAre) {
  expect_refused("radius:\n  nas-identifer: x\n", 2, "radius.nas-identifer", "unknown key");
  expect_refused(auth_server + "      - {address: 10.0.0.1, secret: s, retry: 3}\n", 4,
                 "radius.authentication.servers[0].retry", "unknown key");
  expect_refused("radius:\n  accounting:\n    spool: {directory: /x, size: 1}\n", 3, "radius.accounting.spool.size",
                 "unknown key");
  expect_refused("radius:\n  dynamic-authorization:\n    port: 3799\n", 3, "radius.dynamic-authorization.port",
                 "unknown key");
  expect_refused("aaa:\n  domains:\n    - {realm: a, method: radius, tunnel: x}\n", 3, "aaa.domains[0].tunnel",
                 "unknown key");
}

TEST(ConfigRadius, BadChoicesAreRefused) {
  expect_refused(auth_server + "      - {address: 10.0.0.1, secret: s, message-authenticator: maybe}\n", 4,
                 "radius.authentication.servers[0].message-authenticator", "unknown mode maybe (auto, yes, no)");
  expect_refused("aaa:\n  method: ldap\n", 2, "aaa.method", "unknown method ldap (local, radius)");
  expect_refused("radius:\n  accounting:\n    spool: {directory: /x, when-full: panic}\n", 3,
                 "radius.accounting.spool.when-full", "unknown policy panic");
}

TEST(ConfigRadius, MethodRadiusWithoutAuthenticationServersIsRefused) {
  expect_refused("aaa:\n  subscribers: []\n  method: radius\n", 3, "aaa.method",
                 "radius needs radius.authentication.servers");
  expect_refused("aaa:\n  domains:\n    - {realm: a.net, method: local}\n    - realm: b.net\n      method: radius\n", 5,
                 "aaa.domains[1].method", "radius needs radius.authentication.servers");
  settings_of(load("aaa:\n  method: radius\n" + auth_server + "      - {address: 10.0.0.1, secret: s}\n", "t.yaml"));
}

TEST(ConfigRadius, AccountingServersWithoutASpoolDirectoryAreRefused) {
  expect_refused("radius:\n  accounting:\n    servers:\n      - {address: 10.0.0.1, secret: s}\n", 3,
                 "radius.accounting.spool.directory", "need a spool directory");
  expect_refused(
      "radius:\n  accounting:\n    servers:\n      - {address: 10.0.0.1, secret: s}\n    spool:\n"
      "      max-size-mb: 5\n",
      5, "radius.accounting.spool.directory", "need a spool directory");
  expect_refused("radius:\n  accounting:\n    spool: {directory: var/spool}\n", 3, "radius.accounting.spool.directory",
                 "absolute path");
}

TEST(ConfigRadius, CoaListenerNeedsClientsWithSecrets) {
  expect_refused("radius:\n  dynamic-authorization:\n    listen: 127.0.0.1:3799\n", 3,
                 "radius.dynamic-authorization.clients", "at least one client");
  expect_refused(
      "radius:\n  dynamic-authorization:\n    listen: 127.0.0.1:3799\n    clients:\n"
      "      - address: 127.0.0.1\n",
      5, "radius.dynamic-authorization.clients[0].secret", "required");
  expect_refused(
      "radius:\n  dynamic-authorization:\n    listen: 127.0.0.1:0\n    clients: [{address: 127.0.0.1, "
      "secret: s}]\n",
      3, "radius.dynamic-authorization.listen", "IPv4-ADDRESS:PORT");
  expect_refused(
      "radius:\n  dynamic-authorization:\n    listen: 127.0.0.1:3799\n    clients:\n"
      "      - {address: 127.0.0.1, secret: a}\n      - {address: 127.0.0.1, secret: b}\n",
      6, "radius.dynamic-authorization.clients[1].address", "duplicate client 127.0.0.1");
}

TEST(ConfigRadius, DuplicateServerNamesAreRefused) {
  expect_refused(auth_server +
                     "      - {name: r1, address: 10.0.0.1, secret: s}\n"
                     "      - {name: r1, address: 10.0.0.2, secret: s}\n",
                 5, "radius.authentication.servers[1].name", "duplicate server name r1");
  // Default names (address:port) collide too; across groups as well (they label the same metrics).
  expect_refused(auth_server + "      - {address: 10.0.0.1, secret: s}\n      - {address: 10.0.0.1, secret: t}\n", 5,
                 "radius.authentication.servers[1].name", "duplicate server name 10.0.0.1:1812");
  expect_refused(auth_server +
                     "      - {name: r1, address: 10.0.0.1, secret: s}\n  accounting:\n    servers:\n"
                     "      - {name: r1, address: 10.0.0.1, secret: s}\n    spool: {directory: /x}\n",
                 7, "radius.accounting.servers[0].name", "duplicate server name r1");
}

TEST(ConfigRadius, DuplicateRealmsAreRefused) {
  expect_refused("aaa:\n  domains:\n    - {realm: A.net, method: local}\n    - {realm: a.NET, method: local}\n", 4,
                 "aaa.domains[1].realm", "duplicate realm");
}

// issue #14 "Names other work relies on": the default LNS with AAA through a local FreeRADIUS.
TEST(ConfigRadius, LnsRadiusExampleTalksToTheStockFreeRadiusOnLoopback) {
  const auto loaded = load_file(examples + "/lns-radius.yaml");
  const auto& s = settings_of(loaded);
  EXPECT_EQ(s.aaa.method, aaa_method::radius);
  EXPECT_TRUE(s.radius.enabled);
  ASSERT_EQ(s.radius.authentication.servers.size(), 1u);
  const auto& auth = s.radius.authentication.servers[0];
  EXPECT_EQ(auth.address, 0x7f000001u);
  EXPECT_EQ(auth.port, 1812);
  EXPECT_EQ(auth.secret, "testing123");
  // Debian 12's FreeRADIUS 3.2.1 sends no Message-Authenticator: auto must accept that.
  EXPECT_EQ(auth.message_authenticator, message_authenticator_mode::automatic);
  ASSERT_EQ(s.radius.accounting.servers.size(), 1u);
  EXPECT_EQ(s.radius.accounting.servers[0].address, 0x7f000001u);
  EXPECT_EQ(s.radius.accounting.servers[0].port, 1813);
  EXPECT_EQ(s.radius.accounting.servers[0].secret, "testing123");
  EXPECT_EQ(s.radius.spool.directory, "/var/lib/brasd/accounting");
  EXPECT_EQ(s.radius.coa_listen, "127.0.0.1:3799");
  ASSERT_EQ(s.radius.coa_clients.size(), 1u);
  EXPECT_EQ(s.radius.coa_clients[0].address, 0x7f000001u);
  EXPECT_EQ(s.radius.coa_clients[0].secret, "testing123");
  EXPECT_EQ(s.radius.nas_ip_address, 0x7f000001u);
  // Otherwise the embedded default LNS.
  const auto embedded = load_default();
  const auto& d = settings_of(embedded);
  ASSERT_EQ(s.l2tp.local_gateways.size(), d.l2tp.local_gateways.size());
  EXPECT_EQ(s.l2tp.local_gateways[0].address, d.l2tp.local_gateways[0].address);
  EXPECT_EQ(s.l2tp.local_gateways[0].port, d.l2tp.local_gateways[0].port);
  EXPECT_EQ(s.ppp.address_pool, d.ppp.address_pool);
  EXPECT_EQ(s.data_plane.tun, d.data_plane.tun);
  EXPECT_EQ(s.cli.socket, d.cli.socket);
}

}  // namespace
}  // namespace bras::config
