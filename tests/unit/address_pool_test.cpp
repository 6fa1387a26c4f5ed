#include "actors/address_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <list>
#include <numeric>
#include <random>
#include <set>
#include <variant>

namespace bras::actors {
namespace {

std::uint32_t ip(std::string_view text) {
  auto a = config::parse_ipv4(text);
  EXPECT_TRUE(a) << text;
  return a.value_or(0);
}

config::ipv4_prefix prefix(std::string_view text) {
  auto p = config::parse_prefix(text);
  EXPECT_TRUE(p) << text;
  return p.value_or(config::ipv4_prefix{});
}

std::variant<address_pool, address_pool_error> try_make(address_pool_config c) {
  return address_pool::make(c);
}

address_pool make(address_pool_config c) {
  auto r = address_pool::make(c);
  if (auto* e = std::get_if<address_pool_error>(&r)) ADD_FAILURE() << e->reason;
  return std::get<address_pool>(std::move(r));
}

std::string refusal(address_pool_config c) {
  auto r = address_pool::make(c);
  if (!std::holds_alternative<address_pool_error>(r)) return "<built>";
  return std::get<address_pool_error>(r).reason;
}

TEST(AddressPool, PrefixLeavesOutNetworkAndBroadcast) {
  auto pool = make({"p", {prefix("100.64.0.0/29")}, {}, {}});
  EXPECT_EQ(pool.name(), "p");
  EXPECT_EQ(pool.size(), 6u);
  EXPECT_FALSE(pool.contains(ip("100.64.0.0")));
  EXPECT_FALSE(pool.contains(ip("100.64.0.7")));
  EXPECT_TRUE(pool.contains(ip("100.64.0.1")));
  EXPECT_TRUE(pool.contains(ip("100.64.0.6")));
  for (int i = 1; i <= 6; ++i) EXPECT_EQ(pool.allocate(), ip("100.64.0." + std::to_string(i))) << "ascending";
  EXPECT_EQ(pool.allocate(), std::nullopt);
  EXPECT_EQ(pool.in_use(), 6u);
  EXPECT_EQ(pool.available(), 0u);
  EXPECT_EQ(pool.reserve(ip("100.64.0.0")), reservation::excluded);
  EXPECT_EQ(pool.reserve(ip("100.64.0.7")), reservation::excluded);
  EXPECT_EQ(pool.reserve(ip("100.64.0.8")), reservation::outside);
}

TEST(AddressPool, ExhaustionThenReleaseReusesInReleaseOrder) {
  auto pool = make({"p", {prefix("10.0.0.0/29")}, {}, {}});
  while (pool.allocate()) {
  }
  EXPECT_TRUE(pool.release(ip("10.0.0.3")));
  EXPECT_TRUE(pool.release(ip("10.0.0.1")));
  EXPECT_TRUE(pool.release(ip("10.0.0.5")));
  EXPECT_EQ(pool.in_use(), 3u);
  EXPECT_EQ(pool.allocate(), ip("10.0.0.3"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.1"));
  EXPECT_TRUE(pool.release(ip("10.0.0.3")));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.5"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.3"));
  EXPECT_EQ(pool.allocate(), std::nullopt);
}

TEST(AddressPool, NeverUsedAddressesComeBeforeReleasedOnes) {
  auto pool = make({"p", {}, {{ip("10.0.0.1"), ip("10.0.0.3")}}, {}});
  EXPECT_EQ(pool.allocate(), ip("10.0.0.1"));
  EXPECT_TRUE(pool.release(ip("10.0.0.1")));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.2")) << "a just-released address is not handed straight back";
  EXPECT_EQ(pool.allocate(), ip("10.0.0.3"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.1"));
}

TEST(AddressPool, ReserveAndAllocateInterplay) {
  auto pool = make({"p", {}, {{ip("10.0.0.1"), ip("10.0.0.6")}}, {}});
  // Ahead of the fresh cursor: allocate() skips it.
  EXPECT_EQ(pool.reserve(ip("10.0.0.2")), reservation::reserved);
  EXPECT_TRUE(pool.allocated(ip("10.0.0.2")));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.1"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.3"));
  EXPECT_EQ(pool.reserve(ip("10.0.0.2")), reservation::in_use);
  EXPECT_EQ(pool.reserve(ip("10.0.0.3")), reservation::in_use);
  // Released, then reserved while waiting in the FIFO: the FIFO skips it.
  EXPECT_TRUE(pool.release(ip("10.0.0.1")));
  EXPECT_TRUE(pool.release(ip("10.0.0.3")));
  EXPECT_EQ(pool.reserve(ip("10.0.0.1")), reservation::reserved);
  // A reserved fresh address, released, is no longer fresh: it queues.
  EXPECT_TRUE(pool.release(ip("10.0.0.2")));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.4"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.5"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.6"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.3"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.2"));
  EXPECT_EQ(pool.allocate(), std::nullopt) << "10.0.0.1 is still reserved";
  // Released again: it comes back in the order of this release, not its first one.
  EXPECT_TRUE(pool.release(ip("10.0.0.6")));
  EXPECT_TRUE(pool.release(ip("10.0.0.1")));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.6"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.1"));
  EXPECT_EQ(pool.in_use(), 6u);
}

TEST(AddressPool, ReserveReleaseCyclesKeepOrderAndStayBounded) {
  auto pool = make({"p", {}, {{ip("10.0.0.1"), ip("10.0.0.4")}}, {}});
  while (pool.allocate()) {
  }
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(pool.release(ip("10.0.0." + std::to_string(i))));
  // A flapping static subscriber: each cycle leaves a stale FIFO entry, which
  // compaction drops.
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(pool.reserve(ip("10.0.0.2")), reservation::reserved);
    ASSERT_TRUE(pool.release(ip("10.0.0.2")));
  }
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.allocate(), ip("10.0.0.1"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.3"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.4"));
  EXPECT_EQ(pool.allocate(), ip("10.0.0.2"));
  EXPECT_EQ(pool.allocate(), std::nullopt);
}

TEST(AddressPool, DoubleReleaseIsRefusedAndHarmless) {
  auto pool = make({"p", {prefix("10.0.0.0/30")}, {}, {ip("10.0.0.2")}});
  EXPECT_EQ(pool.size(), 1u);
  auto a = pool.allocate();
  ASSERT_EQ(a, ip("10.0.0.1"));
  EXPECT_TRUE(pool.release(*a));
  EXPECT_FALSE(pool.release(*a));
  EXPECT_FALSE(pool.release(ip("10.0.0.2"))) << "excluded";
  EXPECT_FALSE(pool.release(ip("10.0.0.0"))) << "network address";
  EXPECT_FALSE(pool.release(ip("192.0.2.1"))) << "outside";
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.allocate(), a);
  EXPECT_EQ(pool.allocate(), std::nullopt) << "handed out once only";
  EXPECT_EQ(pool.in_use(), 1u);
}

TEST(AddressPool, Slash31And32UseEveryAddress) {
  auto p31 = make({"p31", {prefix("10.0.0.0/31")}, {}, {}});
  EXPECT_EQ(p31.size(), 2u);
  EXPECT_EQ(p31.allocate(), ip("10.0.0.0"));
  EXPECT_EQ(p31.allocate(), ip("10.0.0.1"));
  EXPECT_EQ(p31.allocate(), std::nullopt);

  auto p32 = make({"p32", {prefix("10.0.0.9/32")}, {}, {}});
  EXPECT_EQ(p32.size(), 1u);
  EXPECT_EQ(p32.reserve(ip("10.0.0.9")), reservation::reserved);
  EXPECT_EQ(p32.allocate(), std::nullopt);
  EXPECT_EQ(p32.reserve(ip("10.0.0.8")), reservation::outside);
  EXPECT_EQ(p32.reserve(ip("10.0.0.10")), reservation::outside);

  auto p30 = make({"p30", {prefix("10.0.0.0/30")}, {}, {}});
  EXPECT_EQ(p30.size(), 2u);
  EXPECT_EQ(p30.allocate(), ip("10.0.0.1"));
  EXPECT_EQ(p30.allocate(), ip("10.0.0.2"));

  auto top = make({"top", {prefix("255.255.255.254/31")}, {}, {}});
  EXPECT_EQ(top.allocate(), ip("255.255.255.254"));
  EXPECT_EQ(top.allocate(), ip("255.255.255.255"));
  EXPECT_EQ(top.allocate(), std::nullopt);
}

TEST(AddressPool, ExclusionsAreNeverHandedOut) {
  auto pool = make({"p",
                    {prefix("10.0.0.0/29")},
                    {{ip("10.0.1.0"), ip("10.0.1.2")}},
                    {ip("10.0.0.1"), ip("10.0.0.4"), ip("10.0.0.4"), ip("10.0.1.2"), ip("10.9.9.9")}});
  EXPECT_EQ(pool.size(), 4u + 2u);
  EXPECT_FALSE(pool.contains(ip("10.0.0.4")));
  EXPECT_EQ(pool.reserve(ip("10.0.0.4")), reservation::excluded);
  EXPECT_EQ(pool.reserve(ip("10.0.1.2")), reservation::excluded);
  EXPECT_EQ(pool.reserve(ip("10.9.9.9")), reservation::outside) << "an exclusion outside the pool changes nothing";
  std::vector<std::uint32_t> got;
  while (auto a = pool.allocate()) got.push_back(*a);
  EXPECT_EQ(got, (std::vector<std::uint32_t>{ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.5"), ip("10.0.0.6"),
                                             ip("10.0.1.0"), ip("10.0.1.1")}));
}

TEST(AddressPool, RefusesBadDefinitions) {
  EXPECT_EQ(refusal({"p", {}, {}, {}}), "no prefixes or ranges");
  EXPECT_EQ(refusal({"p", {}, {{ip("10.0.0.5"), ip("10.0.0.1")}}, {}}),
            "range 10.0.0.5-10.0.0.1: first address above last");
  EXPECT_EQ(refusal({"p", {prefix("10.0.0.0/24")}, {{ip("10.0.0.255"), ip("10.0.1.9")}}, {}}),
            "10.0.0.0/24 overlaps 10.0.0.255-10.0.1.9");
  EXPECT_EQ(refusal({"p", {prefix("10.0.0.0/24"), prefix("10.0.0.128/25")}, {}, {}}),
            "10.0.0.0/24 overlaps 10.0.0.128/25");
  EXPECT_EQ(refusal({"p", {prefix("10.0.0.7/32")}, {}, {ip("10.0.0.7")}}), "no usable addresses");
  EXPECT_EQ(refusal({"p", {prefix("10.0.0.0/7")}, {}, {}}), "more than 16777216 addresses");
  EXPECT_EQ(refusal({"p", {prefix("0.0.0.0/0")}, {}, {}}), "more than 16777216 addresses");
  EXPECT_TRUE(std::holds_alternative<address_pool>(try_make({"p", {prefix("10.0.0.0/8")}, {}, {}})));
}

TEST(AddressPool, AllocatesAndReleasesAll65536) {
  const std::uint32_t first = ip("100.64.0.0");
  auto pool = make({"big", {}, {{first, ip("100.64.255.255")}}, {}});
  ASSERT_EQ(pool.size(), 65536u);
  for (std::uint32_t i = 0; i < 65536; ++i) ASSERT_EQ(pool.allocate(), first + i);
  EXPECT_EQ(pool.allocate(), std::nullopt);
  EXPECT_EQ(pool.in_use(), 65536u);

  std::vector<std::uint32_t> order(65536);
  std::iota(order.begin(), order.end(), first);
  std::shuffle(order.begin(), order.end(), std::mt19937{7});
  for (auto a : order) ASSERT_TRUE(pool.release(a));
  for (auto a : order) ASSERT_FALSE(pool.release(a));
  EXPECT_EQ(pool.in_use(), 0u);
  for (auto a : order) ASSERT_EQ(pool.allocate(), a) << "least recently freed first";
  EXPECT_EQ(pool.allocate(), std::nullopt);
  EXPECT_EQ(pool.in_use(), 65536u);
}

/// The pool's contract, written the slow and obvious way.
struct pool_model {
  std::set<std::uint32_t> usable;
  std::set<std::uint32_t> excluded;
  std::set<std::uint32_t> fresh;   ///< never taken, handed out in ascending order
  std::list<std::uint32_t> freed;  ///< in release order
  std::set<std::uint32_t> in_use;

  std::optional<std::uint32_t> allocate() {
    std::uint32_t a = 0;
    if (!fresh.empty()) {
      a = *fresh.begin();
      fresh.erase(fresh.begin());
    } else if (!freed.empty()) {
      a = freed.front();
      freed.pop_front();
    } else {
      return std::nullopt;
    }
    in_use.insert(a);
    return a;
  }
  reservation reserve(std::uint32_t a) {
    if (excluded.count(a)) return reservation::excluded;
    if (!usable.count(a)) return reservation::outside;
    if (in_use.count(a)) return reservation::in_use;
    fresh.erase(a);
    freed.remove(a);
    in_use.insert(a);
    return reservation::reserved;
  }
  bool release(std::uint32_t a) {
    if (!in_use.erase(a)) return false;
    freed.push_back(a);
    return true;
  }
};

struct op_mix {
  const char* name;
  int allocate;  ///< percent
  int release;   ///< percent; the rest reserve
};

class AddressPoolProperty : public ::testing::TestWithParam<op_mix> {};

TEST_P(AddressPoolProperty, MatchesModelOver10000RandomOps) {
  // 10.0.0.0/28 (14 usable, .0 and .15 excluded as network/broadcast, .5
  // excluded) and 10.0.0.32-10.0.0.40; addresses drawn from 10.0.0.0-10.0.0.47
  // cover usable, excluded and outside ones.
  auto pool = make({"p", {prefix("10.0.0.0/28")}, {{ip("10.0.0.32"), ip("10.0.0.40")}}, {ip("10.0.0.5")}});
  pool_model model;
  const std::uint32_t base = ip("10.0.0.0");
  for (std::uint32_t a = base + 1; a <= base + 14; ++a) (a == base + 5 ? model.excluded : model.usable).insert(a);
  for (std::uint32_t a = base + 32; a <= base + 40; ++a) model.usable.insert(a);
  model.excluded.insert({base, base + 15});
  model.fresh = model.usable;
  ASSERT_EQ(pool.size(), model.usable.size());

  std::mt19937 rng{2024};
  std::uniform_int_distribution<int> percent{0, 99};
  std::uniform_int_distribution<std::uint32_t> any{base, base + 47};
  const auto mix = GetParam();
  for (int i = 0; i < 10000; ++i) {
    const int roll = percent(rng);
    if (roll < mix.allocate) {
      ASSERT_EQ(pool.allocate(), model.allocate()) << "op " << i;
    } else if (roll < mix.allocate + mix.release) {
      std::uint32_t a = any(rng);
      if (!model.in_use.empty() && percent(rng) < 70) {
        a = *std::next(model.in_use.begin(),
                       std::uniform_int_distribution<long>{0, static_cast<long>(model.in_use.size()) - 1}(rng));
      }
      ASSERT_EQ(pool.release(a), model.release(a)) << "op " << i;
    } else {
      const std::uint32_t a = any(rng);
      ASSERT_EQ(pool.reserve(a), model.reserve(a)) << "op " << i;
    }
    ASSERT_EQ(pool.in_use(), model.in_use.size()) << "op " << i;
  }
  for (std::uint32_t a = base; a <= base + 47; ++a) {
    EXPECT_EQ(pool.allocated(a), model.in_use.count(a) == 1) << a - base;
    EXPECT_EQ(pool.contains(a), model.usable.count(a) == 1) << a - base;
  }
  // Drain: the remaining order must match too.
  while (auto expected = model.allocate()) ASSERT_EQ(pool.allocate(), expected);
  EXPECT_EQ(pool.allocate(), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(AddressPool, AddressPoolProperty,
                         ::testing::Values(op_mix{"balanced", 40, 35}, op_mix{"release_heavy", 20, 50},
                                           op_mix{"reserve_heavy", 10, 40}, op_mix{"flapping", 2, 49}),
                         [](const auto& param_info) { return std::string{param_info.param.name}; });

}  // namespace
}  // namespace bras::actors
