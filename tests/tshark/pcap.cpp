#include "tests/tshark/pcap.hpp"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

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

std::vector<tshark_row> run_tshark(const std::string& pcap, const std::vector<std::string>& names,
                                   const std::string& options) {
  std::string cmd = "tshark -n " + (options.empty() ? "" : options + " ") + "-r '" + pcap +
                    "' -T fields -E separator=/t -E occurrence=a -E aggregator=, -E quote=n";
  for (const auto& n : names) cmd += " -e " + n;
  cmd += " 2>/dev/null";
  std::vector<tshark_row> rows;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return rows;
  char* line = nullptr;
  std::size_t cap = 0;
  while (getline(&line, &cap, p) > 0) {
    std::string s{line};
    if (!s.empty() && s.back() == '\n') s.pop_back();
    tshark_row row;
    std::size_t start = 0;
    for (const auto& n : names) {
      const auto tab = s.find('\t', start);
      row[n] = s.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      start = tab == std::string::npos ? s.size() : tab + 1;
    }
    rows.push_back(std::move(row));
  }
  free(line);  // NOLINT: getline's buffer
  pclose(p);
  return rows;
}

void tshark_fixture::SetUp() {
  ASSERT_EQ(std::system("command -v tshark >/dev/null"), 0) << "tshark is required (./scripts/test installs it)";
  path_ = (std::filesystem::temp_directory_path() /
           (pcap_prefix() + "-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pcap"))
              .string();
}

void tshark_fixture::TearDown() {
  if (!std::getenv("KEEP_PCAP")) std::filesystem::remove(path_);
}

pcap_writer& tshark_fixture::writer() {
  if (!writer_) writer_ = std::make_unique<pcap_writer>(path_);
  return *writer_;
}

void tshark_fixture::expect_frame(std::string what, tshark_expectations expect) {
  frames_.push_back({std::move(what), std::move(expect)});
}

void tshark_fixture::verify(const std::string& options, const std::vector<std::string>& extra_names) {
  ASSERT_TRUE(writer_);
  writer_->close();
  std::set<std::string> names{"_ws.malformed", "_ws.expert.severity", "_ws.expert.message"};
  names.insert(extra_names.begin(), extra_names.end());
  for (const auto& f : frames_) {
    for (const auto& [n, v] : f.expect) names.insert(n);
  }
  const std::vector<std::string> ordered(names.begin(), names.end());
  auto rows = run_tshark(path_, ordered, options);
  ASSERT_EQ(rows.size(), frames_.size()) << "tshark did not read every frame of " << path_;
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1) + " (" + frames_[i].what + ")");
    auto& row = rows[i];
    EXPECT_EQ(row["_ws.malformed"], "") << "tshark flags a malformed packet";
    // Expert severity 0x00800000 is "Error" (4.0 numbering), a bad checksum is one; warnings are allowed.
    EXPECT_EQ(row["_ws.expert.severity"].find("8388608"), std::string::npos)
        << "tshark expert error: " << row["_ws.expert.message"];
    for (const auto& [name, value] : frames_[i].expect) EXPECT_EQ(row[name], value) << "field " << name;
  }
}

}  // namespace bras::test
