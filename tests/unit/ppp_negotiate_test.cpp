// The LNS's negotiation policy: replies to the peer's Configure-Requests, our
// requests, and our reaction to the peer's Naks and Rejects, for LCP, IPCP
// and IPv6CP; then the authenticator's side of PAP and CHAP-MD5.
#include "protocol/ppp/negotiate.hpp"

#include <array>

#include "protocol/ppp/frame.hpp"
#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp {
namespace {

using test::encoded;
using test::hex;
using test::ipcp_codec;
using test::ipv6cp_codec;
using test::lcp_codec;

/// The reply encodes to the annotated vector byte for byte.
template <class Codec>
void expect_encodes(const typename Codec::packet& p, std::string_view annotated) {
  EXPECT_EQ(wire::to_hex(encoded<Codec>(p)), wire::to_hex(hex(annotated)));
}

/// Decodes an annotated Configure-Request.
template <class Codec, class Request>
Request decode_request(std::string_view annotated) {
  const wire::bytes bytes = hex(annotated);
  auto decoded = Codec::decode(test::span(bytes));
  EXPECT_TRUE(decoded.ok());
  const Request* request = decoded ? std::get_if<Request>(&*decoded) : nullptr;
  EXPECT_NE(request, nullptr);
  return request != nullptr ? *request : Request{};
}

// ---- LCP ----

namespace lcp_cases {

using namespace lcp;

constexpr std::uint32_t our_magic = 0x11223344;
constexpr std::uint32_t fresh = 0x55667788;

policy lns_policy() {
  policy p;
  p.auth = {auth_method::chap_md5, auth_method::pap};
  p.magic = our_magic;
  p.fresh_magic = fresh;
  return p;
}

TEST(PppNegotiateLcp, AcksAnAcceptableRequestAsReceived) {
  const auto peer = decode_request<lcp_codec, configure_request>(
      "01 07 00 14       # Configure-Request, id 7, length 20\n"
      "01 04 05 d4       # MRU 1492\n"
      "02 06 00 00 00 00 # ACCM 0\n"
      "05 06 12 34 56 78 # Magic-Number\n");
  const reply r = respond(peer, lns_policy());
  EXPECT_EQ(r.event(), ppp_event::rcr_plus);
  EXPECT_FALSE(r.loop_suspected);
  EXPECT_EQ(r.answer, (packet{configure_ack{7, peer.options}}));
  expect_encodes<lcp_codec>(r.answer,
                            "02 07 00 14       # Configure-Ack, id 7 echoed, length 20\n"
                            "01 04 05 d4       # MRU 1492\n"
                            "02 06 00 00 00 00 # ACCM 0\n"
                            "05 06 12 34 56 78 # Magic-Number\n");
}

TEST(PppNegotiateLcp, AcksAnEmptyRequest) {
  EXPECT_EQ(respond(configure_request{3, {}}, lns_policy()).answer, (packet{configure_ack{3, {}}}));
}

TEST(PppNegotiateLcp, MruBounds) {
  const policy p = lns_policy();
  const reply low = respond(configure_request{1, {mru{575}}}, p);
  EXPECT_EQ(low.event(), ppp_event::rcr_minus);
  EXPECT_EQ(low.answer, (packet{configure_nak{1, {mru{576}}}}));
  expect_encodes<lcp_codec>(low.answer, "03 01 00 08 # Configure-Nak, id 1, length 8\n 01 04 02 40 # MRU: use 576\n");
  EXPECT_EQ(respond(configure_request{2, {mru{576}}}, p).event(), ppp_event::rcr_plus);
  // A larger MRU only bounds what we send.
  EXPECT_EQ(respond(configure_request{3, {mru{9000}}}, p).event(), ppp_event::rcr_plus);
}

TEST(PppNegotiateLcp, MagicNumberEqualToOursIsNakedAsALoop) {
  const reply r = respond(configure_request{9, {magic_number{our_magic}}}, lns_policy());
  EXPECT_TRUE(r.loop_suspected);
  EXPECT_EQ(r.event(), ppp_event::rcr_minus);
  expect_encodes<lcp_codec>(r.answer,
                            "03 09 00 0a       # Configure-Nak, id 9, length 10\n"
                            "05 06 55 66 77 88 # Magic-Number: use fresh_magic\n");
}

TEST(PppNegotiateLcp, ZeroMagicNumberIsNakedWithoutSuspectingALoop) {
  const reply r = respond(configure_request{9, {magic_number{0}}}, lns_policy());
  EXPECT_FALSE(r.loop_suspected);
  EXPECT_EQ(r.answer, (packet{configure_nak{9, {magic_number{fresh}}}}));
}

TEST(PppNegotiateLcp, NakedMagicNumberNeverRepeatsOursOrZero) {
  policy p = lns_policy();
  p.fresh_magic = our_magic;  // a caller bug: still a different, nonzero number
  const reply r = respond(configure_request{1, {magic_number{our_magic}}}, p);
  const auto* nak = std::get_if<configure_nak>(&r.answer);
  ASSERT_NE(nak, nullptr);
  const auto* m = find_option<magic_number>(nak->options);
  ASSERT_NE(m, nullptr);
  EXPECT_NE(m->value, our_magic);
  EXPECT_NE(m->value, 0u);
  p.magic = 0xffffffff;
  p.fresh_magic = 0;
  const reply wrapped = respond(configure_request{1, {magic_number{0xffffffff}}}, p);
  EXPECT_EQ(wrapped.answer, (packet{configure_nak{1, {magic_number{1}}}}));
}

TEST(PppNegotiateLcp, WithoutOurMagicNoLoopIsSuspected) {
  policy p = lns_policy();
  p.magic = 0;
  const reply r = respond(configure_request{1, {magic_number{0x12345678}}}, p);
  EXPECT_FALSE(r.loop_suspected);
  EXPECT_EQ(r.event(), ppp_event::rcr_plus);
}

TEST(PppNegotiateLcp, RejectsOptionsWeNeverAcceptInPeerOrder) {
  const auto peer = decode_request<lcp_codec, configure_request>(
      "01 05 00 23       # Configure-Request, id 5, length 35\n"
      "1e 03 aa          # unknown option 30\n"
      "01 04 05 dc       # MRU 1500: acceptable, not in the Reject\n"
      "03 05 c2 23 05    # Authentication-Protocol: CHAP MD5 (we do not authenticate ourselves)\n"
      "04 08 c0 25 00 00 00 0a # Quality-Protocol: LQR\n"
      "07 02             # PFC\n"
      "08 02             # ACFC\n"
      "11 04 05 dc       # MRRU 1500\n"
      "13 03 00          # Endpoint Discriminator: null class\n");
  const reply r = respond(peer, lns_policy());
  EXPECT_EQ(r.event(), ppp_event::rcr_minus);
  expect_encodes<lcp_codec>(r.answer,
                            "04 05 00 1f       # Configure-Reject, id 5, length 31\n"
                            "1e 03 aa          # unknown option 30\n"
                            "03 05 c2 23 05    # Authentication-Protocol\n"
                            "04 08 c0 25 00 00 00 0a # Quality-Protocol\n"
                            "07 02             # PFC\n"
                            "08 02             # ACFC\n"
                            "11 04 05 dc       # MRRU\n"
                            "13 03 00          # Endpoint Discriminator\n");
}

TEST(PppNegotiateLcp, PfcAndAcfcAreAckedWhenAccepted) {
  policy p = lns_policy();
  p.accept_pfc = true;
  EXPECT_EQ(respond(configure_request{1, {pfc{}, acfc{}}}, p).answer, (packet{configure_reject{1, {acfc{}}}}));
  p.accept_acfc = true;
  EXPECT_EQ(respond(configure_request{1, {pfc{}, acfc{}}}, p).answer, (packet{configure_ack{1, {pfc{}, acfc{}}}}));
}

TEST(PppNegotiateLcp, RejectTakesPrecedenceOverNak) {
  const reply r =
      respond(configure_request{4, {mru{100}, unknown_option{0x1e, {}}, magic_number{our_magic}}}, lns_policy());
  EXPECT_EQ(r.answer, (packet{configure_reject{4, {unknown_option{0x1e, {}}}}}));
  EXPECT_TRUE(r.loop_suspected);  // still reported: the caller counts it
}

TEST(PppNegotiateLcp, NakListsOnlyTheUnacceptableOptionsInPeerOrder) {
  const reply r = respond(configure_request{6, {magic_number{our_magic}, accm{0}, mru{100}}}, lns_policy());
  EXPECT_EQ(r.answer, (packet{configure_nak{6, {magic_number{fresh}, mru{576}}}}));
}

TEST(PppNegotiateLcp, RejectsInsteadOfNakingOnceTheNakBudgetIsSpent) {
  const reply r = respond(configure_request{6, {accm{0}, mru{100}, magic_number{our_magic}}}, lns_policy(), true);
  EXPECT_EQ(r.answer, (packet{configure_reject{6, {mru{100}, magic_number{our_magic}}}}));
  EXPECT_EQ(r.event(), ppp_event::rcr_minus);
}

TEST(PppNegotiateLcp, OurRequest) {
  expect_encodes<lcp_codec>(our_request(lns_policy(), 1),
                            "01 01 00 0f       # Configure-Request, id 1, length 15\n"
                            "03 05 c2 23 05    # Authentication-Protocol: CHAP MD5, our first preference\n"
                            "05 06 11 22 33 44 # Magic-Number\n");
  policy p;
  p.mru = 1400;
  p.auth = {auth_method::pap};
  p.magic = 0;
  EXPECT_EQ(our_request(p, 2), (configure_request{2, {mru{1400}, auth_protocol::pap()}}));
  EXPECT_EQ(our_request(policy{}, 3), (configure_request{3, {}}));
}

TEST(PppNegotiateLcp, AuthMethodOfOption) {
  EXPECT_EQ(auth_method_of(auth_protocol::pap()), auth_method::pap);
  EXPECT_EQ(auth_method_of(auth_protocol::chap(chap_algorithm::md5)), auth_method::chap_md5);
  EXPECT_EQ(auth_method_of(auth_protocol::chap(chap_algorithm::ms_chap_v2)), std::nullopt);
  EXPECT_EQ(auth_method_of(auth_protocol{proto::eap, {}}), std::nullopt);
  EXPECT_EQ(auth_method_of(auth_protocol{proto::pap, {std::byte{0}}}), std::nullopt);
  EXPECT_EQ(auth_option(auth_method::chap_md5), auth_protocol::chap(chap_algorithm::md5));
}

TEST(PppNegotiateLcp, NakOfAuthSwitchesToAnAllowedSuggestion) {
  const policy p = lns_policy();
  const configure_request ours = our_request(p, 1);
  const auto nak = decode_request<lcp_codec, configure_nak>(
      "03 01 00 08 # Configure-Nak, id 1, length 8\n"
      "03 04 c0 23 # Authentication-Protocol: PAP instead\n");
  const auto next = handle_nak(ours, nak, p);
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options, (std::vector<option>{auth_protocol::pap(), magic_number{our_magic}}));
}

TEST(PppNegotiateLcp, AuthFallsBackThroughThePreferenceListToFailure) {
  const policy p = lns_policy();
  const configure_nak wants_ms_chap_v2{1, {auth_protocol::chap(chap_algorithm::ms_chap_v2)}};
  // CHAP MD5 Nak'd with a protocol we do not allow: try the next, PAP.
  configure_request ours = our_request(p, 1);
  auto next = handle_nak(ours, wants_ms_chap_v2, p);
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options, (std::vector<option>{auth_protocol::pap(), magic_number{our_magic}}));
  // PAP Nak'd too: the list is exhausted.
  ours = configure_request{1, next.options};
  next = handle_nak(ours, wants_ms_chap_v2, p);
  EXPECT_EQ(next.kind, revision_kind::fail);
  EXPECT_EQ(next.failure, (negotiation_failure{15, "auth-protocol-unacceptable"}));
}

TEST(PppNegotiateLcp, AuthNeverGoesBackToARefusedMethod) {
  const policy p = lns_policy();
  // We moved on to PAP after CHAP was Nak'd; a Nak suggesting CHAP again ends it.
  const configure_request ours{2, {auth_protocol::pap(), magic_number{our_magic}}};
  const auto next = handle_nak(ours, configure_nak{2, {auth_protocol::chap(chap_algorithm::md5)}}, p);
  EXPECT_EQ(next.kind, revision_kind::fail);
}

TEST(PppNegotiateLcp, AuthSuggestionLaterInTheListSkipsAhead) {
  policy p = lns_policy();
  p.auth = {auth_method::chap_md5, auth_method::chap_md5, auth_method::pap};
  const auto next = handle_nak(our_request(p, 1), configure_nak{1, {auth_protocol::pap()}}, p);
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options.front(), option{auth_protocol::pap()});
}

TEST(PppNegotiateLcp, NakOfMruIsTakenWithinOurBounds) {
  policy p = lns_policy();
  p.mru = 1400;
  p.max_mru = 1460;
  const configure_request ours = our_request(p, 1);
  auto next = handle_nak(ours, configure_nak{1, {mru{1460}}}, p);
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options.front(), option{mru{1460}});
  // Out of bounds either way: keep ours (the peer's Max-Failure turns its Nak into a Reject).
  EXPECT_EQ(handle_nak(ours, configure_nak{1, {mru{1500}}}, p).options, ours.options);
  EXPECT_EQ(handle_nak(ours, configure_nak{1, {mru{500}}}, p).options, ours.options);
}

TEST(PppNegotiateLcp, UnrequestedHintsInANakAreIgnored) {
  const policy p = lns_policy();
  const configure_request ours = our_request(p, 1);  // no MRU: the default
  const auto next = handle_nak(ours, configure_nak{1, {mru{1400}, pfc{}}}, p);
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options, ours.options);
}

TEST(PppNegotiateLcp, NakOfMagicNumberChoosesANewOne) {
  const policy p = lns_policy();
  const configure_request ours{1, {magic_number{our_magic}}};
  EXPECT_EQ(handle_nak(ours, configure_nak{1, {magic_number{0xabcdef01}}}, p).options,
            (std::vector<option>{magic_number{0xabcdef01}}));
  // The peer suggests ours again, or zero: use our spare random number.
  EXPECT_EQ(handle_nak(ours, configure_nak{1, {magic_number{our_magic}}}, p).options,
            (std::vector<option>{magic_number{fresh}}));
  EXPECT_EQ(handle_nak(ours, configure_nak{1, {magic_number{0}}}, p).options,
            (std::vector<option>{magic_number{fresh}}));
}

TEST(PppNegotiateLcp, NakWithAnotherIdentifierIsDiscarded) {
  const policy p = lns_policy();
  EXPECT_EQ(handle_nak(our_request(p, 1), configure_nak{2, {auth_protocol::pap()}}, p).kind, revision_kind::discard);
}

TEST(PppNegotiateLcp, RejectOfAuthProtocolFails) {
  const policy p = lns_policy();
  const auto reject = decode_request<lcp_codec, configure_reject>(
      "04 01 00 09    # Configure-Reject, id 1, length 9\n"
      "03 05 c2 23 05 # Authentication-Protocol: CHAP MD5\n");
  const auto next = handle_reject(our_request(p, 1), reject, p);
  EXPECT_EQ(next.kind, revision_kind::fail);
  EXPECT_EQ(next.failure.disconnect_cause, disconnect_cause::auth_protocol_unacceptable);
}

TEST(PppNegotiateLcp, RejectOfMagicNumberOrMruDropsIt) {
  policy p = lns_policy();
  p.mru = 1400;
  const configure_request ours = our_request(p, 4);
  auto next = handle_reject(ours, configure_reject{4, {magic_number{our_magic}}}, p);
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options, (std::vector<option>{mru{1400}, auth_protocol::chap(chap_algorithm::md5)}));
  next = handle_reject(ours, configure_reject{4, {mru{1400}, magic_number{our_magic}}}, p);
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options, (std::vector<option>{auth_protocol::chap(chap_algorithm::md5)}));
}

TEST(PppNegotiateLcp, RejectThatIsNotOfOurRequestIsDiscarded) {
  policy p = lns_policy();
  p.mru = 1400;
  const configure_request ours = our_request(p, 4);
  // Wrong identifier, a modified value, reordered options, an option we did not send.
  EXPECT_EQ(handle_reject(ours, configure_reject{5, {magic_number{our_magic}}}, p).kind, revision_kind::discard);
  EXPECT_EQ(handle_reject(ours, configure_reject{4, {mru{1500}}}, p).kind, revision_kind::discard);
  EXPECT_EQ(handle_reject(ours, configure_reject{4, {magic_number{our_magic}, mru{1400}}}, p).kind,
            revision_kind::discard);
  EXPECT_EQ(handle_reject(ours, configure_reject{4, {pfc{}}}, p).kind, revision_kind::discard);
}

TEST(PppNegotiateLcp, WithoutAuthenticationNothingFails) {
  policy p = lns_policy();
  p.auth.clear();
  const configure_request ours{1, {auth_protocol::pap(), magic_number{our_magic}}};  // stale request
  EXPECT_EQ(handle_reject(ours, configure_reject{1, {auth_protocol::pap()}}, p).kind, revision_kind::retry);
}

TEST(PppNegotiateLcp, RepliesDriveTheAutomaton) {
  negotiation n;
  n.handle(ppp_event::up);
  n.handle(ppp_event::open);
  ASSERT_EQ(n.state(), ppp_state::req_sent);
  n.handle(respond(configure_request{1, {mru{100}}}, lns_policy()).event());
  EXPECT_EQ(n.state(), ppp_state::req_sent);
  n.handle(respond(configure_request{2, {mru{1492}}}, lns_policy()).event());
  EXPECT_EQ(n.state(), ppp_state::ack_sent);
}

}  // namespace lcp_cases

// ---- IPCP ----

namespace ipcp_cases {

using namespace ipcp;

constexpr std::uint32_t lns = 0x0a000001;       // 10.0.0.1
constexpr std::uint32_t assigned = 0x0a000063;  // 10.0.0.99
constexpr std::uint32_t dns1 = 0x08080808;      // 8.8.8.8
constexpr std::uint32_t dns2 = 0x01010101;      // 1.1.1.1

policy lns_policy() {
  policy p;
  p.local_address = lns;
  p.peer_address = assigned;
  p.primary_dns = dns1;
  p.secondary_dns = dns2;
  return p;
}

// The usual client request: address and servers all zero, NBNS included.
constexpr std::string_view client_request =
    "01 01 00 22       # Configure-Request, id 1, length 34\n"
    "03 06 00 00 00 00 # IP-Address 0.0.0.0\n"
    "81 06 00 00 00 00 # Primary DNS 0.0.0.0\n"
    "82 06 00 00 00 00 # Primary NBNS 0.0.0.0\n"
    "83 06 00 00 00 00 # Secondary DNS 0.0.0.0\n"
    "84 06 00 00 00 00 # Secondary NBNS 0.0.0.0\n";

TEST(PppNegotiateIpcp, ClientRequestRejectNakAck) {
  const policy p = lns_policy();
  // Round 1: NBNS not offered, rejected before anything is Nak'd.
  const auto first = decode_request<ipcp_codec, configure_request>(client_request);
  const reply r1 = respond(first, p);
  EXPECT_FALSE(r1.no_address);
  EXPECT_EQ(r1.event(), ppp_event::rcr_minus);
  expect_encodes<ipcp_codec>(r1.answer,
                             "04 01 00 10       # Configure-Reject, id 1, length 16\n"
                             "82 06 00 00 00 00 # Primary NBNS\n"
                             "84 06 00 00 00 00 # Secondary NBNS\n");
  // Round 2: the rest, Nak'd with our values.
  const configure_request second{2, {ip_address{0}, primary_dns{0}, secondary_dns{0}}};
  const reply r2 = respond(second, p);
  expect_encodes<ipcp_codec>(r2.answer,
                             "03 02 00 16       # Configure-Nak, id 2, length 22\n"
                             "03 06 0a 00 00 63 # IP-Address: use 10.0.0.99\n"
                             "81 06 08 08 08 08 # Primary DNS: 8.8.8.8\n"
                             "83 06 01 01 01 01 # Secondary DNS: 1.1.1.1\n");
  // Round 3: as suggested.
  const configure_request third{3, {ip_address{assigned}, primary_dns{dns1}, secondary_dns{dns2}}};
  const reply r3 = respond(third, p);
  EXPECT_EQ(r3.event(), ppp_event::rcr_plus);
  EXPECT_EQ(r3.answer, (packet{configure_ack{3, third.options}}));
}

TEST(PppNegotiateIpcp, NbnsAndDnsAreNakedWhenOffered) {
  policy p = lns_policy();
  p.primary_nbns = 0x0a000002;
  p.secondary_nbns = 0x0a000003;
  const auto peer = decode_request<ipcp_codec, configure_request>(client_request);
  EXPECT_EQ(respond(peer, p).answer,
            (packet{configure_nak{1,
                                  {ip_address{assigned}, primary_dns{dns1}, primary_nbns{0x0a000002},
                                   secondary_dns{dns2}, secondary_nbns{0x0a000003}}}}));
}

TEST(PppNegotiateIpcp, DnsNotOfferedIsRejected) {
  policy p = lns_policy();
  p.primary_dns = 0;
  p.secondary_dns = 0;
  const reply r = respond(configure_request{1, {ip_address{assigned}, primary_dns{0}, secondary_dns{dns2}}}, p);
  EXPECT_EQ(r.answer, (packet{configure_reject{1, {primary_dns{0}, secondary_dns{dns2}}}}));
}

TEST(PppNegotiateIpcp, DifferentAddressIsNakedWithTheAssignedOne) {
  const reply r = respond(configure_request{5, {ip_address{0xc0a80001}}}, lns_policy());
  EXPECT_EQ(r.answer, (packet{configure_nak{5, {ip_address{assigned}}}}));
}

TEST(PppNegotiateIpcp, CompressionAddressesAndUnknownAreRejectedBeforeAnyNak) {
  const configure_request peer{7,
                               {ip_address{0}, ip_compression_protocol{hex("00 2d 0f 01")},
                                ip_addresses{hex("00 00 00 00 00 00 00 00")}, unknown_option{0x90, {}}}};
  const reply r = respond(peer, lns_policy());
  EXPECT_EQ(r.answer,
            (packet{configure_reject{7,
                                     {ip_compression_protocol{hex("00 2d 0f 01")},
                                      ip_addresses{hex("00 00 00 00 00 00 00 00")}, unknown_option{0x90, {}}}}}));
}

TEST(PppNegotiateIpcp, NoAddressAvailable) {
  policy p = lns_policy();
  p.peer_address = 0;
  const reply r = respond(configure_request{1, {ip_address{0}}}, p);
  EXPECT_TRUE(r.no_address);
  EXPECT_EQ(r.event(), ppp_event::rcr_minus);
  EXPECT_EQ(r.answer, (packet{configure_reject{1, {}}}));
}

TEST(PppNegotiateIpcp, MissingAddressIsSuggestedAfterTheOtherNaks) {
  const policy p = lns_policy();
  EXPECT_EQ(respond(configure_request{1, {primary_dns{0}}}, p).answer,
            (packet{configure_nak{1, {primary_dns{dns1}, ip_address{assigned}}}}));
  EXPECT_EQ(respond(configure_request{2, {}}, p).answer, (packet{configure_nak{2, {ip_address{assigned}}}}));
  // Not while rejecting, and not once the Nak budget is spent.
  EXPECT_EQ(respond(configure_request{3, {unknown_option{0x90, {}}}}, p).answer,
            (packet{configure_reject{3, {unknown_option{0x90, {}}}}}));
  EXPECT_EQ(respond(configure_request{4, {}}, p, true).answer, (packet{configure_ack{4, {}}}));
}

TEST(PppNegotiateIpcp, RejectsInsteadOfNakingOnceTheNakBudgetIsSpent) {
  const reply r = respond(configure_request{1, {ip_address{0}, primary_dns{dns1}}}, lns_policy(), true);
  EXPECT_EQ(r.answer, (packet{configure_reject{1, {ip_address{0}}}}));
}

TEST(PppNegotiateIpcp, OurRequest) {
  expect_encodes<ipcp_codec>(our_request(lns_policy(), 1),
                             "01 01 00 0a       # Configure-Request, id 1, length 10\n"
                             "03 06 0a 00 00 01 # IP-Address 10.0.0.1\n");
  EXPECT_EQ(our_request(policy{}, 2), (configure_request{2, {}}));
}

TEST(PppNegotiateIpcp, NakOfOurAddressKeepsIt) {
  const configure_request ours = our_request(lns_policy(), 1);
  const auto next = handle_nak(ours, configure_nak{1, {ip_address{0xc0a80001}}});
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_EQ(next.options, ours.options);
  EXPECT_EQ(handle_nak(ours, configure_nak{2, {ip_address{0xc0a80001}}}).kind, revision_kind::discard);
}

TEST(PppNegotiateIpcp, RejectOfOurAddressDropsIt) {
  const configure_request ours = our_request(lns_policy(), 1);
  const auto next = handle_reject(ours, configure_reject{1, {ip_address{lns}}});
  ASSERT_EQ(next.kind, revision_kind::retry);
  EXPECT_TRUE(next.options.empty());
  EXPECT_EQ(handle_reject(ours, configure_reject{1, {ip_address{assigned}}}).kind, revision_kind::discard);
  EXPECT_EQ(handle_reject(ours, configure_reject{2, {ip_address{lns}}}).kind, revision_kind::discard);
}

}  // namespace ipcp_cases

// ---- IPv6CP ----

namespace ipv6cp_cases {

using namespace ipv6cp;

constexpr std::uint64_t ours_id = 0x0200000000000001;
constexpr std::uint64_t suggestion = 0x1122334455667788;

policy lns_policy() {
  return {ours_id, suggestion, {}};
}

TEST(PppNegotiateIpv6cp, AcksADistinctIdentifier) {
  const auto peer = decode_request<ipv6cp_codec, configure_request>(
      "01 03 00 0e             # Configure-Request, id 3, length 14\n"
      "01 0a a1 b2 c3 d4 e5 f6 07 18 # Interface-Identifier\n");
  const reply r = respond(peer, lns_policy());
  EXPECT_EQ(r.event(), ppp_event::rcr_plus);
  expect_encodes<ipv6cp_codec>(r.answer,
                               "02 03 00 0e             # Configure-Ack, id 3, length 14\n"
                               "01 0a a1 b2 c3 d4 e5 f6 07 18 # Interface-Identifier as received\n");
}

TEST(PppNegotiateIpv6cp, ZeroIdentifierIsNakedWithTheSuggestion) {
  const reply r = respond(configure_request{4, {interface_identifier{0}}}, lns_policy());
  EXPECT_EQ(r.event(), ppp_event::rcr_minus);
  expect_encodes<ipv6cp_codec>(r.answer,
                               "03 04 00 0e             # Configure-Nak, id 4, length 14\n"
                               "01 0a 11 22 33 44 55 66 77 88 # Interface-Identifier: use the suggestion\n");
}

TEST(PppNegotiateIpv6cp, IdentifierEqualToOursIsNaked) {
  const reply r = respond(configure_request{5, {interface_identifier{ours_id}}}, lns_policy());
  EXPECT_EQ(r.answer, (packet{configure_nak{5, {interface_identifier{suggestion}}}}));
}

TEST(PppNegotiateIpv6cp, IdentifierHeldByAnotherSessionIsNaked) {
  policy p = lns_policy();
  p.in_use = [](std::uint64_t id) { return id == 0xa1b2c3d4e5f60718; };
  EXPECT_EQ(respond(configure_request{6, {interface_identifier{0xa1b2c3d4e5f60718}}}, p).answer,
            (packet{configure_nak{6, {interface_identifier{suggestion}}}}));
  EXPECT_EQ(respond(configure_request{7, {interface_identifier{0xa1b2c3d4e5f60719}}}, p).answer,
            (packet{configure_ack{7, {interface_identifier{0xa1b2c3d4e5f60719}}}}))
      << "a free identifier is still Acked";
}

TEST(PppNegotiateIpv6cp, UnusableSuggestionIsReplaced) {
  const policy p{ours_id, ours_id, {}};  // a caller bug: the Nak still differs from ours and from 0
  EXPECT_EQ(respond(configure_request{5, {interface_identifier{0}}}, p).answer,
            (packet{configure_nak{5, {interface_identifier{ours_id + 1}}}}));
}

TEST(PppNegotiateIpv6cp, CompressionAndUnknownAreRejectedBeforeAnyNak) {
  const configure_request peer{
      6, {interface_identifier{0}, ipv6_compression_protocol{hex("00 61")}, unknown_option{0x09, hex("01")}}};
  EXPECT_EQ(respond(peer, lns_policy()).answer,
            (packet{configure_reject{6, {ipv6_compression_protocol{hex("00 61")}, unknown_option{0x09, hex("01")}}}}));
  EXPECT_EQ(respond(configure_request{7, {interface_identifier{0}}}, lns_policy(), true).answer,
            (packet{configure_reject{7, {interface_identifier{0}}}}));
}

TEST(PppNegotiateIpv6cp, OurRequestNakAndReject) {
  const configure_request ours = our_request(lns_policy(), 1);
  EXPECT_EQ(ours, (configure_request{1, {interface_identifier{ours_id}}}));
  EXPECT_EQ(our_request(policy{}, 2), (configure_request{2, {}}));
  const auto kept = handle_nak(ours, configure_nak{1, {interface_identifier{suggestion}}});
  ASSERT_EQ(kept.kind, revision_kind::retry);
  EXPECT_EQ(kept.options, ours.options);
  const auto dropped = handle_reject(ours, configure_reject{1, {interface_identifier{ours_id}}});
  ASSERT_EQ(dropped.kind, revision_kind::retry);
  EXPECT_TRUE(dropped.options.empty());
  EXPECT_EQ(handle_reject(ours, configure_reject{1, {interface_identifier{suggestion}}}).kind, revision_kind::discard);
}

}  // namespace ipv6cp_cases

// ---- PAP and CHAP ----

TEST(PppNegotiateAuth, PapCredentials) {
  const pap::packet request = pap::authenticate_request{3, "alice", "secret"};
  EXPECT_EQ(pap::credentials_of(request), (pap::credentials{3, "alice", "secret"}));
  EXPECT_EQ(pap::credentials_of(pap::packet{pap::authenticate_ack{3, "ok"}}), std::nullopt);
}

std::array<std::byte, 16> challenge_value() {
  std::array<std::byte, 16> v{};
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::byte{static_cast<std::uint8_t>(i * 0x11)};
  return v;
}

TEST(PppNegotiateAuth, ChapChallenge) {
  const chap::challenge c = chap::make_challenge(1, challenge_value(), "bras");
  expect_encodes<test::chap_codec>(c,
                                   "01 01 00 19 # Challenge, id 1, length 25\n"
                                   "10          # Value-Size 16\n"
                                   "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff # value from the caller\n"
                                   "62 72 61 73 # name: \"bras\"\n");
}

TEST(PppNegotiateAuth, ChapMd5Response) {
  const chap::challenge sent = chap::make_challenge(1, challenge_value(), "bras");
  // MD5(01 "secret" challenge), as in ppp_auth_test.cpp.
  const chap::response good{1, hex("204bb003332f6932b63b47c2c4e1a547"), "alice"};
  EXPECT_EQ(chap::verify_md5(sent, good, wire::as_bytes("secret")), chap::verdict::accepted);
  EXPECT_EQ(chap::verify_md5(sent, good, wire::as_bytes("Secret")), chap::verdict::rejected);
  chap::response flipped = good;
  flipped.value.back() ^= std::byte{1};
  EXPECT_EQ(chap::verify_md5(sent, flipped, wire::as_bytes("secret")), chap::verdict::rejected);
  chap::response truncated = good;
  truncated.value.pop_back();
  EXPECT_EQ(chap::verify_md5(sent, truncated, wire::as_bytes("secret")), chap::verdict::rejected);
  chap::response stale = good;
  stale.identifier = 2;
  EXPECT_EQ(chap::verify_md5(sent, stale, wire::as_bytes("secret")), chap::verdict::stale);
}

}  // namespace
}  // namespace bras::ppp
