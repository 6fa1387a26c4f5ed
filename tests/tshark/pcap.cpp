#include "tests/tshark/pcap.hpp"

namespace bras::test {

namespace {
void le32(std::ofstream& o, std::uint32_t v) {
  char b[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff), static_cast<char>((v >> 16) & 0xff),
               static_cast<char>((v >> 24) & 0xff)};
  o.write(b, 4);
}
void le16(std::ofstream& o, std::uint16_t v) {
  char b[2] = {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
  o.write(b, 2);
}
}  // namespace

pcap_writer::pcap_writer(const std::string& path) : out_(path, std::ios::binary) {
  le32(out_, 0xa1b2c3d4);  // magic, microsecond timestamps
  le16(out_, 2);
  le16(out_, 4);
  le32(out_, 0);      // thiszone
  le32(out_, 0);      // sigfigs
  le32(out_, 65535);  // snaplen
  le32(out_, 1);      // LINKTYPE_ETHERNET
}

void pcap_writer::record(const wire::bytes& frame) {
  ++frames_;
  le32(out_, 1700000000u + static_cast<std::uint32_t>(frames_));
  le32(out_, 0);
  le32(out_, static_cast<std::uint32_t>(frame.size()));
  le32(out_, static_cast<std::uint32_t>(frame.size()));
  out_.write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
}

void pcap_writer::ethernet(wire::byte_span frame) {
  record(wire::to_bytes(frame));
}

void pcap_writer::udp(wire::byte_span payload, std::uint16_t src_port, std::uint16_t dst_port) {
  wire::bytes f;
  wire::writer w{f};
  // Ethernet: locally administered MACs, IPv4.
  w.put(wire::byte_span{*wire::from_hex("020000000002 020000000001 0800")});
  // IPv4 header 192.0.2.1 -> 192.0.2.2 (documentation range; never sent anywhere).
  std::size_t ip_at = f.size();
  auto total = static_cast<std::uint16_t>(20 + 8 + payload.size());
  w.u8(0x45);
  w.u8(0);
  w.u16(total);
  w.u16(static_cast<std::uint16_t>(frames_));
  w.u16(0x4000);  // DF
  w.u8(64);
  w.u8(17);  // UDP
  w.u16(0);  // checksum, patched below
  w.u32(0xc0000201);
  w.u32(0xc0000202);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < 20; i += 2) sum += wire::load_u16(f.data() + ip_at + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  w.patch_u16(ip_at + 10, static_cast<std::uint16_t>(~sum & 0xffff));
  // UDP, checksum 0 (none) as allowed for IPv4.
  w.u16(src_port);
  w.u16(dst_port);
  w.u16(static_cast<std::uint16_t>(8 + payload.size()));
  w.u16(0);
  w.put(payload);
  record(f);
}

}  // namespace bras::test
