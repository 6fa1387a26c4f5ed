// RADIUS codes and attribute numbers (RFC 2865, 2866, 2868, 2869, 3162, 3576/5176,
// 4679, 5997, 6911) and the vendor attributes brasd reads or writes. Plain constants.
#pragma once

#include <cstdint>

namespace bras::radius {

enum class code : std::uint8_t {
  access_request = 1,
  access_accept = 2,
  access_reject = 3,
  accounting_request = 4,
  accounting_response = 5,
  access_challenge = 11,
  status_server = 12,
  disconnect_request = 40,
  disconnect_ack = 41,
  disconnect_nak = 42,
  coa_request = 43,
  coa_ack = 44,
  coa_nak = 45,
};

namespace attr {
inline constexpr std::uint8_t user_name = 1;
inline constexpr std::uint8_t user_password = 2;
inline constexpr std::uint8_t chap_password = 3;
inline constexpr std::uint8_t nas_ip_address = 4;
inline constexpr std::uint8_t nas_port = 5;
inline constexpr std::uint8_t service_type = 6;
inline constexpr std::uint8_t framed_protocol = 7;
inline constexpr std::uint8_t framed_ip_address = 8;
inline constexpr std::uint8_t framed_ip_netmask = 9;
inline constexpr std::uint8_t filter_id = 11;
inline constexpr std::uint8_t framed_mtu = 12;
inline constexpr std::uint8_t reply_message = 18;
inline constexpr std::uint8_t state = 24;
inline constexpr std::uint8_t class_ = 25;
inline constexpr std::uint8_t vendor_specific = 26;
inline constexpr std::uint8_t session_timeout = 27;
inline constexpr std::uint8_t idle_timeout = 28;
inline constexpr std::uint8_t termination_action = 29;
inline constexpr std::uint8_t called_station_id = 30;
inline constexpr std::uint8_t calling_station_id = 31;
inline constexpr std::uint8_t nas_identifier = 32;
inline constexpr std::uint8_t proxy_state = 33;
inline constexpr std::uint8_t acct_status_type = 40;
inline constexpr std::uint8_t acct_delay_time = 41;
inline constexpr std::uint8_t acct_input_octets = 42;
inline constexpr std::uint8_t acct_output_octets = 43;
inline constexpr std::uint8_t acct_session_id = 44;
inline constexpr std::uint8_t acct_authentic = 45;
inline constexpr std::uint8_t acct_session_time = 46;
inline constexpr std::uint8_t acct_input_packets = 47;
inline constexpr std::uint8_t acct_output_packets = 48;
inline constexpr std::uint8_t acct_terminate_cause = 49;
inline constexpr std::uint8_t acct_multi_session_id = 50;
inline constexpr std::uint8_t acct_link_count = 51;
inline constexpr std::uint8_t acct_input_gigawords = 52;
inline constexpr std::uint8_t acct_output_gigawords = 53;
inline constexpr std::uint8_t event_timestamp = 55;
inline constexpr std::uint8_t chap_challenge = 60;
inline constexpr std::uint8_t nas_port_type = 61;
inline constexpr std::uint8_t port_limit = 62;
inline constexpr std::uint8_t tunnel_type = 64;
inline constexpr std::uint8_t tunnel_medium_type = 65;
inline constexpr std::uint8_t tunnel_client_endpoint = 66;
inline constexpr std::uint8_t tunnel_server_endpoint = 67;
inline constexpr std::uint8_t acct_tunnel_connection = 68;
inline constexpr std::uint8_t tunnel_password = 69;
inline constexpr std::uint8_t connect_info = 77;
inline constexpr std::uint8_t message_authenticator = 80;
inline constexpr std::uint8_t tunnel_private_group_id = 81;
inline constexpr std::uint8_t tunnel_assignment_id = 82;
inline constexpr std::uint8_t tunnel_preference = 83;
inline constexpr std::uint8_t acct_interim_interval = 85;
inline constexpr std::uint8_t nas_port_id = 87;
inline constexpr std::uint8_t framed_pool = 88;
inline constexpr std::uint8_t chargeable_user_identity = 89;
inline constexpr std::uint8_t tunnel_client_auth_id = 90;
inline constexpr std::uint8_t tunnel_server_auth_id = 91;
inline constexpr std::uint8_t originating_line_info = 94;
inline constexpr std::uint8_t nas_ipv6_address = 95;
inline constexpr std::uint8_t framed_interface_id = 96;
inline constexpr std::uint8_t framed_ipv6_prefix = 97;
inline constexpr std::uint8_t framed_ipv6_route = 99;
inline constexpr std::uint8_t framed_ipv6_pool = 100;
inline constexpr std::uint8_t error_cause = 101;
inline constexpr std::uint8_t delegated_ipv6_prefix = 123;
inline constexpr std::uint8_t framed_ipv6_address = 168;
inline constexpr std::uint8_t dns_server_ipv6_address = 169;
inline constexpr std::uint8_t delegated_ipv6_prefix_pool = 171;
}  // namespace attr

/// Acct-Status-Type values (RFC 2866 §5.1).
enum class acct_status : std::uint32_t {
  start = 1,
  stop = 2,
  interim_update = 3,
  accounting_on = 7,
  accounting_off = 8
};

/// Acct-Terminate-Cause values (RFC 2866 §5.10).
namespace terminate {
inline constexpr std::uint32_t user_request = 1;
inline constexpr std::uint32_t lost_carrier = 2;
inline constexpr std::uint32_t lost_service = 3;
inline constexpr std::uint32_t idle_timeout = 4;
inline constexpr std::uint32_t session_timeout = 5;
inline constexpr std::uint32_t admin_reset = 6;
inline constexpr std::uint32_t admin_reboot = 7;
inline constexpr std::uint32_t port_error = 8;
inline constexpr std::uint32_t nas_error = 9;
inline constexpr std::uint32_t nas_request = 10;
inline constexpr std::uint32_t nas_reboot = 11;
inline constexpr std::uint32_t port_unneeded = 12;
inline constexpr std::uint32_t port_preempted = 13;
inline constexpr std::uint32_t port_suspended = 14;
inline constexpr std::uint32_t service_unavailable = 15;
inline constexpr std::uint32_t callback = 16;
inline constexpr std::uint32_t user_error = 17;
inline constexpr std::uint32_t host_request = 18;
}  // namespace terminate

/// Error-Cause values (RFC 5176 §3.5).
namespace error_cause {
inline constexpr std::uint32_t residual_context_removed = 201;
inline constexpr std::uint32_t unsupported_attribute = 401;
inline constexpr std::uint32_t missing_attribute = 402;
inline constexpr std::uint32_t nas_identification_mismatch = 403;
inline constexpr std::uint32_t invalid_request = 404;
inline constexpr std::uint32_t unsupported_service = 405;
inline constexpr std::uint32_t unsupported_extension = 406;
inline constexpr std::uint32_t invalid_attribute_value = 407;
inline constexpr std::uint32_t administratively_prohibited = 501;
inline constexpr std::uint32_t request_not_routable = 502;
inline constexpr std::uint32_t session_context_not_found = 503;
inline constexpr std::uint32_t session_context_not_removable = 504;
inline constexpr std::uint32_t other_proxy_processing_error = 505;
inline constexpr std::uint32_t resources_unavailable = 506;
inline constexpr std::uint32_t request_initiated = 507;
}  // namespace error_cause

/// Service-Type Framed-User, Framed-Protocol PPP, NAS-Port-Type Virtual (L2TP) and PPPoEoE/PPPoEoQinQ.
inline constexpr std::uint32_t service_framed = 2;
inline constexpr std::uint32_t framed_protocol_ppp = 1;
inline constexpr std::uint32_t nas_port_type_virtual = 5;
inline constexpr std::uint32_t nas_port_type_pppoe_ethernet = 32;  ///< RFC 4603 PPPoEoE
inline constexpr std::uint32_t nas_port_type_pppoe_vlan = 33;      ///< PPPoEoQ
inline constexpr std::uint32_t nas_port_type_pppoe_qinq = 34;      ///< PPPoEoQinQ
/// Tunnel-Type L2TP (3), Tunnel-Medium-Type IPv4 (1) (RFC 2868).
inline constexpr std::uint32_t tunnel_type_l2tp = 3;
inline constexpr std::uint32_t tunnel_medium_ipv4 = 1;
/// Framed-IP-Address 255.255.255.254: the NAS picks from a pool; 255.255.255.255: the user may pick.
inline constexpr std::uint32_t framed_ip_nas_selects = 0xfffffffe;
inline constexpr std::uint32_t framed_ip_user_selects = 0xffffffff;

/// Vendors and their attributes.
namespace vendor {
inline constexpr std::uint32_t microsoft = 311;  ///< MS-Primary/Secondary-DNS-Server (RFC 2548)
inline constexpr std::uint8_t ms_primary_dns_server = 28;
inline constexpr std::uint8_t ms_secondary_dns_server = 29;
inline constexpr std::uint32_t dsl_forum = 3561;  ///< RFC 4679 (Broadband Forum)
inline constexpr std::uint8_t agent_circuit_id = 1;
inline constexpr std::uint8_t agent_remote_id = 2;
inline constexpr std::uint8_t actual_data_rate_upstream = 129;
inline constexpr std::uint8_t actual_data_rate_downstream = 130;
inline constexpr std::uint8_t minimum_data_rate_upstream = 131;
inline constexpr std::uint8_t minimum_data_rate_downstream = 132;
inline constexpr std::uint8_t attainable_data_rate_upstream = 133;
inline constexpr std::uint8_t attainable_data_rate_downstream = 134;
inline constexpr std::uint8_t maximum_data_rate_upstream = 135;
inline constexpr std::uint8_t maximum_data_rate_downstream = 136;
inline constexpr std::uint8_t minimum_data_rate_upstream_low_power = 137;
inline constexpr std::uint8_t minimum_data_rate_downstream_low_power = 138;
inline constexpr std::uint8_t maximum_interleaving_delay_upstream = 139;
inline constexpr std::uint8_t actual_interleaving_delay_upstream = 140;
inline constexpr std::uint8_t maximum_interleaving_delay_downstream = 141;
inline constexpr std::uint8_t actual_interleaving_delay_downstream = 142;
inline constexpr std::uint8_t access_loop_encapsulation = 144;
/// Unisphere/Juniper ERX (Junos and JunosE read it): Tunnel-Group names a local tunnel profile.
inline constexpr std::uint32_t unisphere = 4874;
inline constexpr std::uint8_t erx_tunnel_group = 64;
/// IPv6 usage alone (RADIUS's RFCs define none; FreeRADIUS's dictionary.erx, Junos sends them):
/// octets and packets from / to the subscriber, and the octets' upper 32 bits (as Acct-*-Gigawords).
inline constexpr std::uint8_t erx_ipv6_acct_input_octets = 151;
inline constexpr std::uint8_t erx_ipv6_acct_output_octets = 152;
inline constexpr std::uint8_t erx_ipv6_acct_input_packets = 153;
inline constexpr std::uint8_t erx_ipv6_acct_output_packets = 154;
inline constexpr std::uint8_t erx_ipv6_acct_input_gigawords = 155;
inline constexpr std::uint8_t erx_ipv6_acct_output_gigawords = 156;
}  // namespace vendor

}  // namespace bras::radius
