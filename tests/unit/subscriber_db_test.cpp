#include "actors/subscriber_db.hpp"

#include <gtest/gtest.h>

#include <random>
#include <variant>

#include "protocol/common/bytes.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::actors {
namespace {

using test::hex;
using test::span;
using namespace std::string_view_literals;

const config::load_error& error_of(const subscribers_result& r) {
  return std::get<config::load_error>(r);
}

subscriber_db load_ok(std::string_view yaml) {
  auto r = load_subscribers(yaml, "subs.yaml");
  if (auto* e = std::get_if<config::load_error>(&r)) ADD_FAILURE() << e->to_string();
  return std::get<subscriber_db>(std::move(r));
}

constexpr const char* example = R"(subscribers:
  - user: demo
    password: demo
  - user: alice@isp.example
    password: s3cret
    address: 100.64.10.5        # optional static IPv4
    session-timeout: 86400      # optional, seconds
    idle-timeout: 600           # optional, seconds
    max-sessions: 1             # optional per-user limit
)";

TEST(Subscribers, ParsesTheExampleFile) {
  auto db = load_ok(example);
  EXPECT_EQ(db.size(), 2u);
  const subscriber* demo = db.find("demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(demo->password, "demo");
  EXPECT_FALSE(demo->address.has_value());
  EXPECT_FALSE(demo->session_timeout.has_value());
  EXPECT_FALSE(demo->idle_timeout.has_value());
  EXPECT_EQ(demo->max_sessions, 0u) << "unlimited";

  const subscriber* alice = db.find("alice@isp.example");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->user, "alice@isp.example");
  EXPECT_EQ(alice->password, "s3cret");
  EXPECT_EQ(alice->address, 0x64400a05u);
  EXPECT_EQ(alice->session_timeout, std::chrono::seconds{86400});
  EXPECT_EQ(alice->idle_timeout, std::chrono::seconds{600});
  EXPECT_EQ(alice->max_sessions, 1u);
}

TEST(Subscribers, FindIsExact) {
  auto db = load_ok(example);
  EXPECT_EQ(db.find("Demo"), nullptr);
  EXPECT_EQ(db.find("demo "), nullptr);
  EXPECT_EQ(db.find("alice"), nullptr);
  EXPECT_EQ(db.find(""), nullptr);
}

TEST(Subscribers, EmptyFileAndEmptyListHaveNobody) {
  EXPECT_EQ(load_ok("").size(), 0u);
  EXPECT_EQ(load_ok("subscribers: []\n").size(), 0u);
  EXPECT_EQ(load_ok("subscribers:\n").size(), 0u);
}

TEST(Subscribers, NumericPasswordIsText) {
  auto db = load_ok("subscribers:\n  - {user: bob, password: 0123}\n");
  ASSERT_NE(db.find("bob"), nullptr);
  EXPECT_EQ(db.find("bob")->password, "0123");
}

struct bad_file {
  const char* name;
  const char* yaml;
  int line;
  const char* path;
  const char* reason_starts;
};

class SubscribersRejects : public ::testing::TestWithParam<bad_file> {};

TEST_P(SubscribersRejects, WithFileLinePathAndReason) {
  auto r = load_subscribers(GetParam().yaml, "subs.yaml");
  ASSERT_TRUE(std::holds_alternative<config::load_error>(r));
  const auto& e = error_of(r);
  EXPECT_EQ(e.file, "subs.yaml");
  EXPECT_EQ(e.line, GetParam().line) << e.to_string();
  EXPECT_EQ(e.path, GetParam().path) << e.to_string();
  EXPECT_EQ(e.reason.rfind(GetParam().reason_starts, 0), 0u) << e.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Subscribers, SubscribersRejects,
    ::testing::Values(
        bad_file{"unknown_top_key", "subscribers: []\nusers: []\n", 2, "users", "unknown key"},
        bad_file{"top_not_a_map", "- user: a\n", 1, "", "expected a mapping"},
        bad_file{"list_not_a_list", "subscribers:\n  user: a\n", 2, "subscribers", "expected a list"},
        bad_file{"entry_not_a_map", "subscribers:\n  - demo\n", 2, "subscribers[0]", "expected a mapping"},
        bad_file{"unknown_key", "subscribers:\n  - user: a\n    password: b\n    passwd: c\n", 4,
                 "subscribers[0].passwd", "unknown key"},
        bad_file{"repeated_key", "subscribers:\n  - user: a\n    password: b\n    password: c\n", 4,
                 "subscribers[0].password", "repeated key"},
        bad_file{"missing_user", "subscribers:\n  - user: a\n    password: b\n  - password: c\n", 4,
                 "subscribers[1].user", "required"},
        bad_file{"missing_password", "subscribers:\n  - user: a\n", 2, "subscribers[0].password", "required"},
        bad_file{"empty_user", "subscribers:\n  - user: \"\"\n    password: b\n", 2, "subscribers[0].user",
                 "must not be empty"},
        bad_file{"empty_password", "subscribers:\n  - user: a\n    password: ''\n", 3, "subscribers[0].password",
                 "must not be empty"},
        bad_file{"user_not_text", "subscribers:\n  - user: [a]\n    password: b\n", 2, "subscribers[0].user",
                 "expected a string"},
        bad_file{"null_password", "subscribers:\n  - user: a\n    password:\n    max-sessions: 1\n", 3,
                 "subscribers[0].password", "expected a string"},
        bad_file{"null_address_at_end", "subscribers:\n  - user: a\n    password: b\n    address:\n", 4,
                 "subscribers[0].address", "expected a string"},
        bad_file{"null_timeout", "subscribers:\n  - user: a\n    idle-timeout:\n    password: b\n", 3,
                 "subscribers[0].idle-timeout", "expected an integer"},
        bad_file{"duplicate_user",
                 "subscribers:\n  - user: a\n    password: b\n  - user: c\n    password: d\n"
                 "  - user: a\n    password: e\n",
                 6, "subscribers[2].user", "duplicate user a"},
        bad_file{"bad_address", "subscribers:\n  - user: a\n    password: b\n    address: 100.64.10.256\n", 4,
                 "subscribers[0].address", "not an IPv4 address: 100.64.10.256"},
        bad_file{"prefix_as_address", "subscribers:\n  - user: a\n    password: b\n    address: 10.0.0.1/32\n", 4,
                 "subscribers[0].address", "not an IPv4 address"},
        bad_file{"shared_address",
                 "subscribers:\n  - {user: a, password: b, address: 10.0.0.1}\n"
                 "  - {user: c, password: d, address: 10.0.0.1}\n",
                 3, "subscribers[1].address", "address 10.0.0.1 already belongs to a"},
        bad_file{"timeout_zero", "subscribers:\n  - user: a\n    password: b\n    session-timeout: 0\n", 4,
                 "subscribers[0].session-timeout", "must be between 1 and 4294967295"},
        bad_file{"timeout_text", "subscribers:\n  - user: a\n    password: b\n    idle-timeout: 10m\n", 4,
                 "subscribers[0].idle-timeout", "expected an integer"},
        bad_file{"max_sessions_negative", "subscribers:\n  - user: a\n    password: b\n    max-sessions: -1\n", 4,
                 "subscribers[0].max-sessions", "must be between 0 and 65535"},
        bad_file{"yaml_syntax", "subscribers:\n  - user: [a,\n", 3, "", ""}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

TEST(Subscribers, MissingFileIsAnError) {
  auto r = load_subscribers_file("/nonexistent/subscribers.yaml");
  ASSERT_TRUE(std::holds_alternative<config::load_error>(r));
  EXPECT_EQ(error_of(r).to_string(), "/nonexistent/subscribers.yaml: cannot read the file");
}

TEST(Subscribers, Pap) {
  auto db = load_ok(example);
  EXPECT_EQ(db.check_pap("demo", "demo"), verdict::accept);
  EXPECT_EQ(db.check_pap("alice@isp.example", "s3cret"), verdict::accept);
  EXPECT_EQ(db.check_pap("alice@isp.example", "s3cres"), verdict::reject_bad_password);
  EXPECT_EQ(db.check_pap("alice@isp.example", "s3cret "), verdict::reject_bad_password);
  EXPECT_EQ(db.check_pap("alice@isp.example", "s3cre"), verdict::reject_bad_password);
  EXPECT_EQ(db.check_pap("alice@isp.example", ""), verdict::reject_bad_password);
  EXPECT_EQ(db.check_pap("alice@isp.example", "demo"), verdict::reject_bad_password) << "another user's password";
  EXPECT_EQ(db.check_pap("mallory", "demo"), verdict::reject_unknown_user);
  EXPECT_EQ(db.check_pap("DEMO", "demo"), verdict::reject_unknown_user);
}

TEST(Subscribers, ChapMd5) {
  auto db = load_ok(example);
  // python3 -c "import hashlib; print(hashlib.md5(bytes([0x2a]) + b's3cret' +
  //   bytes.fromhex('0123456789abcdeffedcba9876543210')).hexdigest())"
  const auto challenge = hex("01 23 45 67 89 ab cd ef fe dc ba 98 76 54 32 10");
  const auto response = hex("f9 a9 71 d5 53 f0 4f 30 26 04 63 7c f8 96 b5 fe");
  EXPECT_EQ(db.check_chap_md5("alice@isp.example", 0x2a, span(challenge), span(response)), verdict::accept);
  EXPECT_EQ(db.check_chap_md5("alice@isp.example", 0x2b, span(challenge), span(response)), verdict::reject_bad_password)
      << "another identifier";
  auto flipped = response;
  flipped[15] ^= std::byte{0x01};
  EXPECT_EQ(db.check_chap_md5("alice@isp.example", 0x2a, span(challenge), span(flipped)), verdict::reject_bad_password);
  const auto short_response = hex("f9 a9 71 d5 53 f0 4f 30 26 04 63 7c f8 96 b5");
  EXPECT_EQ(db.check_chap_md5("alice@isp.example", 0x2a, span(challenge), span(short_response)),
            verdict::reject_bad_password);
  EXPECT_EQ(db.check_chap_md5("alice@isp.example", 0x2a, span(challenge), {}), verdict::reject_bad_password);
  EXPECT_EQ(db.check_chap_md5("bob", 0x2a, span(challenge), span(response)), verdict::reject_unknown_user);

  // hashlib.md5(bytes([0x07]) + b'demo' + bytes.fromhex('deadbeef')).hexdigest()
  EXPECT_EQ(db.check_chap_md5("demo", 0x07, span(hex("de ad be ef")), span(hex("13eb2dcbe54fccfee674a5e5c47e2f2c"))),
            verdict::accept);
}

TEST(Subscribers, ConstantTimeCompareIsEquality) {
  auto eq = [](std::string_view a, std::string_view b) {
    return constant_time_equal(wire::as_bytes(a), wire::as_bytes(b));
  };
  EXPECT_TRUE(eq("", ""));
  EXPECT_TRUE(eq("secret", "secret"));
  EXPECT_FALSE(eq("secret", "secreT"));
  EXPECT_FALSE(eq("secret", "Secret"));
  EXPECT_FALSE(eq("secret", "secret\0"sv));
  EXPECT_FALSE(eq("secret\0"sv, "secret"));
  EXPECT_FALSE(eq("secret", ""));
  EXPECT_FALSE(eq("", "secret"));
  EXPECT_FALSE(eq("a", std::string_view{"\0", 1}));

  std::mt19937 rng{11};
  std::uniform_int_distribution<int> len{0, 4};
  std::uniform_int_distribution<int> byte{0, 2};  // a tiny alphabet, so equal pairs are common
  int equal_pairs = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string a(static_cast<std::size_t>(len(rng)), '\0');
    std::string b(static_cast<std::size_t>(len(rng)), '\0');
    for (auto& c : a) c = static_cast<char>(byte(rng));
    for (auto& c : b) c = static_cast<char>(byte(rng));
    ASSERT_EQ(eq(a, b), a == b) << "case " << i;
    equal_pairs += a == b;
  }
  EXPECT_GT(equal_pairs, 100);
}

}  // namespace
}  // namespace bras::actors
