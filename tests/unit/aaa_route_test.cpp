// Which AAA backend a user goes to (actors/aaa_route.hpp): the realm after the
// last '@' picks an aaa.domains entry (exact, case-insensitive), a user without
// a realm takes the "" entry, "*" takes the rest, and aaa.method the others.
#include "actors/aaa_route.hpp"

#include <gtest/gtest.h>

namespace bras::actors {
namespace {

using config::aaa_method;

config::aaa_settings routed() {
  config::aaa_settings a;
  a.method = aaa_method::local;
  a.domains = {{"ISP.example", aaa_method::radius}, {"", aaa_method::local}, {"corp.example", aaa_method::local}};
  return a;
}

TEST(AaaRoute, NoDomainsIsTheMethodForEveryone) {
  config::aaa_settings a;
  a.method = aaa_method::radius;
  EXPECT_EQ(method_for(a, "alice"), aaa_method::radius);
  EXPECT_EQ(method_for(a, "alice@isp.example"), aaa_method::radius);
  a.method = aaa_method::local;
  EXPECT_EQ(method_for(a, "alice@isp.example"), aaa_method::local);
}

TEST(AaaRoute, ExactRealmCaseInsensitiveAfterTheLastAt) {
  auto a = routed();
  EXPECT_EQ(method_for(a, "bob@isp.EXAMPLE"), aaa_method::radius);
  EXPECT_EQ(method_for(a, "bob@corp.example@isp.example"), aaa_method::radius);
  EXPECT_EQ(method_for(a, "bob@isp.example@corp.example"), aaa_method::local);
}

TEST(AaaRoute, EmptyRealmEntryIsForUsersWithoutOne) {
  auto a = routed();
  a.method = aaa_method::radius;
  EXPECT_EQ(method_for(a, "bob"), aaa_method::local);
  EXPECT_EQ(method_for(a, "bob@unlisted.example"), aaa_method::radius) << "no entry and no '*': aaa.method";
}

TEST(AaaRoute, StarCoversOtherRealmsAndNoRealmWithoutAnEmptyEntry) {
  config::aaa_settings a;
  a.method = aaa_method::local;
  a.domains = {{"*", aaa_method::radius}, {"corp.example", aaa_method::local}};
  EXPECT_EQ(method_for(a, "bob@other.example"), aaa_method::radius);
  EXPECT_EQ(method_for(a, "bob"), aaa_method::radius);
  EXPECT_EQ(method_for(a, "bob@corp.example"), aaa_method::local) << "an exact realm wins over '*' in any order";
}

}  // namespace
}  // namespace bras::actors
