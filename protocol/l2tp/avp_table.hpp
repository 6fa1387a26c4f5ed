// The one list of L2TP AVPs (RFC 2661 §4.4, RFC 3145, RFC 5515). Each line
// drives the avp_type enumerators, the names and M/H rules (avp.cpp), the
// control_message field (message.hpp), its decoding and encoding and the
// check() wording (message.cpp, message_check.cpp). Adding an AVP is one line
// here plus, for a new value shape, one codec in avp_codec.*.
//
// IETF_AVP(enumerator, type, "Name", M bit we send, may be hidden, field, codec)
// FRAMING_AVP(enumerator, type, "Name", M bit, may be hidden): AVPs the
//   decoder handles itself (Message Type, Random Vector): no field.
// BBF_AVP(enumerator, type, field of access_line_info, codec): Broadband
//   Forum (vendor 3561) access-line AVPs, sent with M=0, never hidden.
#pragma once

// clang-format off
#define BRAS_L2TP_IETF_AVPS(IETF_AVP, FRAMING_AVP) \
  FRAMING_AVP(message_type, 0, "Message Type", true, false) \
  IETF_AVP(result_code, 1, "Result Code", true, false, result, codec::result) \
  IETF_AVP(protocol_version, 2, "Protocol Version", true, false, protocol_version, codec::version) \
  IETF_AVP(framing_capabilities, 3, "Framing Capabilities", true, true, framing_capabilities, codec::u32) \
  IETF_AVP(bearer_capabilities, 4, "Bearer Capabilities", true, true, bearer_capabilities, codec::u32) \
  IETF_AVP(tie_breaker, 5, "Tie Breaker", false, false, tie_breaker, codec::u64) \
  IETF_AVP(firmware_revision, 6, "Firmware Revision", false, true, firmware_revision, codec::u16) \
  IETF_AVP(host_name, 7, "Host Name", true, false, host_name, codec::text_nonempty) \
  IETF_AVP(vendor_name, 8, "Vendor Name", false, true, vendor_name, codec::text) \
  IETF_AVP(assigned_tunnel_id, 9, "Assigned Tunnel ID", true, true, assigned_tunnel_id, codec::u16) \
  IETF_AVP(receive_window_size, 10, "Receive Window Size", true, false, receive_window_size, codec::u16) \
  IETF_AVP(challenge, 11, "Challenge", true, true, challenge, codec::octets_nonempty) \
  IETF_AVP(q931_cause_code, 12, "Q.931 Cause Code", true, false, q931, codec::q931) \
  IETF_AVP(challenge_response, 13, "Challenge Response", true, true, challenge_response, codec::digest) \
  IETF_AVP(assigned_session_id, 14, "Assigned Session ID", true, true, assigned_session_id, codec::u16) \
  IETF_AVP(call_serial_number, 15, "Call Serial Number", true, true, call_serial_number, codec::u32) \
  IETF_AVP(minimum_bps, 16, "Minimum BPS", true, true, minimum_bps, codec::u32) \
  IETF_AVP(maximum_bps, 17, "Maximum BPS", true, true, maximum_bps, codec::u32) \
  IETF_AVP(bearer_type, 18, "Bearer Type", true, true, bearer_type, codec::u32) \
  IETF_AVP(framing_type, 19, "Framing Type", true, true, framing_type, codec::u32) \
  IETF_AVP(called_number, 21, "Called Number", true, true, called_number, codec::text) \
  IETF_AVP(calling_number, 22, "Calling Number", true, true, calling_number, codec::text) \
  IETF_AVP(sub_address, 23, "Sub-Address", true, true, sub_address, codec::text) \
  IETF_AVP(tx_connect_speed, 24, "Tx Connect Speed", true, true, tx_connect_speed, codec::u32) \
  IETF_AVP(physical_channel_id, 25, "Physical Channel ID", false, true, physical_channel_id, codec::u32) \
  IETF_AVP(initial_received_lcp_confreq, 26, "Initial Received LCP CONFREQ", false, true, initial_received_lcp_confreq, codec::octets) \
  IETF_AVP(last_sent_lcp_confreq, 27, "Last Sent LCP CONFREQ", false, true, last_sent_lcp_confreq, codec::octets) \
  IETF_AVP(last_received_lcp_confreq, 28, "Last Received LCP CONFREQ", false, true, last_received_lcp_confreq, codec::octets) \
  IETF_AVP(proxy_authen_type, 29, "Proxy Authen Type", false, true, proxy_authen_type, codec::u16) \
  IETF_AVP(proxy_authen_name, 30, "Proxy Authen Name", false, true, proxy_authen_name, codec::text) \
  IETF_AVP(proxy_authen_challenge, 31, "Proxy Authen Challenge", false, true, proxy_authen_challenge, codec::octets) \
  IETF_AVP(proxy_authen_id, 32, "Proxy Authen ID", false, true, proxy_authen_id, codec::u16) \
  IETF_AVP(proxy_authen_response, 33, "Proxy Authen Response", false, true, proxy_authen_response, codec::octets) \
  IETF_AVP(call_errors, 34, "Call Errors", true, true, call_errors, codec::call_errors) \
  IETF_AVP(accm, 35, "ACCM", true, true, accm, codec::accm) \
  FRAMING_AVP(random_vector, 36, "Random Vector", true, false) \
  IETF_AVP(private_group_id, 37, "Private Group ID", false, true, private_group_id, codec::octets) \
  IETF_AVP(rx_connect_speed, 38, "Rx Connect Speed", false, true, rx_connect_speed, codec::u32) \
  IETF_AVP(sequencing_required, 39, "Sequencing Required", true, false, sequencing_required, codec::flag) \
  IETF_AVP(ppp_disconnect_cause_code, 46, "PPP Disconnect Cause Code", false, true, disconnect_cause, codec::disconnect_cause) \
  IETF_AVP(connect_speed_update, 97, "Connect Speed Update", false, true, speed_updates, codec::speed_updates) \
  IETF_AVP(connect_speed_update_enable, 98, "Connect Speed Update Enable", false, true, connect_speed_update_enable, codec::flag)

#define BRAS_L2TP_BBF_AVPS(BBF_AVP) \
  BBF_AVP(agent_circuit_id, 0x01, agent_circuit_id, codec::text) \
  BBF_AVP(agent_remote_id, 0x02, agent_remote_id, codec::text) \
  BBF_AVP(actual_data_rate_upstream, 0x81, actual_rate_up, codec::u64) \
  BBF_AVP(actual_data_rate_downstream, 0x82, actual_rate_down, codec::u64) \
  BBF_AVP(minimum_data_rate_upstream, 0x83, minimum_rate_up, codec::u64) \
  BBF_AVP(minimum_data_rate_downstream, 0x84, minimum_rate_down, codec::u64) \
  BBF_AVP(attainable_data_rate_upstream, 0x85, attainable_rate_up, codec::u64) \
  BBF_AVP(attainable_data_rate_downstream, 0x86, attainable_rate_down, codec::u64) \
  BBF_AVP(maximum_data_rate_upstream, 0x87, maximum_rate_up, codec::u64) \
  BBF_AVP(maximum_data_rate_downstream, 0x88, maximum_rate_down, codec::u64) \
  BBF_AVP(minimum_data_rate_upstream_low_power, 0x89, minimum_rate_up_low_power, codec::u64) \
  BBF_AVP(minimum_data_rate_downstream_low_power, 0x8a, minimum_rate_down_low_power, codec::u64) \
  BBF_AVP(maximum_interleaving_delay_upstream, 0x8b, maximum_interleaving_delay_up, codec::u32) \
  BBF_AVP(actual_interleaving_delay_upstream, 0x8c, actual_interleaving_delay_up, codec::u32) \
  BBF_AVP(maximum_interleaving_delay_downstream, 0x8d, maximum_interleaving_delay_down, codec::u32) \
  BBF_AVP(actual_interleaving_delay_downstream, 0x8e, actual_interleaving_delay_down, codec::u32) \
  BBF_AVP(access_loop_encapsulation, 0x90, access_loop_encapsulation, codec::encapsulation)
// clang-format on
