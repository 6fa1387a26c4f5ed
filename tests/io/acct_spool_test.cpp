// io/acct_spool: the accounting spool on a real directory. Records written,
// acknowledged and replayed across reopens; a torn tail (a crash mid-write)
// cut off; a corrupt record skipped; acknowledged segments deleted; the
// bound and its Stop reserve; the boot number; and a child process killed
// with SIGKILL while appending leaves every appended record behind.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "io/acct_spool.hpp"
#include "protocol/radius/dictionary.hpp"

namespace bras {
namespace {

namespace fs = std::filesystem;

constexpr std::uint8_t start_kind = static_cast<std::uint8_t>(radius::acct_status::start);
constexpr std::uint8_t interim_kind = static_cast<std::uint8_t>(radius::acct_status::interim_update);
constexpr std::uint8_t stop_kind = static_cast<std::uint8_t>(radius::acct_status::stop);

wire::bytes payload(std::size_t n, std::uint8_t fill) {
  return wire::bytes(n, std::byte{fill});
}

class AcctSpool : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bras-spool-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    cfg.directory = dir + "/spool";
    cfg.max_bytes = 1 << 20;
  }
  void TearDown() override { fs::remove_all(dir); }

  std::unique_ptr<actors::accounting_store> open() {
    auto r = io::open_acct_spool(cfg);
    if (auto* e = std::get_if<std::string>(&r)) {
      ADD_FAILURE() << *e;
      return nullptr;
    }
    return std::move(std::get<0>(r));
  }

  std::vector<fs::path> segments() const {
    std::vector<fs::path> out;
    for (const auto& f : fs::directory_iterator(cfg.directory)) {
      if (f.path().filename().string().rfind("spool-", 0) == 0) out.push_back(f.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir;
  config::spool_settings cfg;
};

TEST_F(AcctSpool, AppendAcknowledgeReopen) {
  std::vector<std::uint64_t> seqs;
  {
    auto s = open();
    ASSERT_TRUE(s);
    for (int i = 0; i < 5; ++i) {
      auto r = s->append(payload(100 + i, static_cast<std::uint8_t>(i)), i == 4 ? stop_kind : start_kind, 1000 + i);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->size, 100u + i);
      EXPECT_EQ(r->written_unix, 1000u + i);
      seqs.push_back(r->seq);
    }
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
    EXPECT_EQ(s->pending().size(), 5u);
    auto back = s->read(seqs[2]);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, payload(102, 2));
    s->acknowledge(seqs[1]);
    s->acknowledge(seqs[3]);
    EXPECT_FALSE(s->read(seqs[1]));  // acknowledged: gone
    EXPECT_EQ(s->pending().size(), 3u);
    EXPECT_GT(s->bytes(), 5u * 100);
    s->sync();
    EXPECT_GE(s->fsyncs(), 1u);
    EXPECT_GT(s->memory_bytes(), 0u);
  }
  auto s = open();
  ASSERT_TRUE(s);
  auto p = s->pending();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].seq, seqs[0]);
  EXPECT_EQ(p[1].seq, seqs[2]);
  EXPECT_EQ(p[2].seq, seqs[4]);
  EXPECT_EQ(p[2].kind, stop_kind);
  EXPECT_EQ(p[2].written_unix, 1004u);
  EXPECT_EQ(p[1].size, 102u);
  EXPECT_EQ(*s->read(seqs[4]), payload(104, 4));
  // New records come after the old ones.
  auto r = s->append(payload(10, 9), start_kind, 2000);
  ASSERT_TRUE(r);
  EXPECT_GT(r->seq, seqs[4]);
}

TEST_F(AcctSpool, BootIncrementsAtEveryOpen) {
  std::uint32_t first = 0;
  {
    auto s = open();
    ASSERT_TRUE(s);
    first = s->boot();
    EXPECT_EQ(first, 1u);
  }
  { EXPECT_EQ(open()->boot(), first + 1); }
  EXPECT_EQ(open()->boot(), first + 2);
  std::ifstream f(cfg.directory + "/boot");
  std::uint32_t on_disk = 0;
  f >> on_disk;
  EXPECT_EQ(on_disk, first + 2);
}

TEST_F(AcctSpool, TornTailIsCutAndWritingGoesOn) {
  std::uint64_t last = 0;
  {
    auto s = open();
    ASSERT_TRUE(s);
    for (int i = 0; i < 4; ++i) last = s->append(payload(200, 1), start_kind, 1)->seq;
  }
  auto seg = segments();
  ASSERT_EQ(seg.size(), 1u);
  const auto full = fs::file_size(seg[0]);
  // A crash in the middle of the last record's write.
  fs::resize_file(seg[0], full - 90);
  auto s = open();
  ASSERT_TRUE(s);
  auto p = s->pending();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_LT(p.back().seq, last);
  EXPECT_EQ(fs::file_size(seg[0]), full - (full / 4));  // truncated at the torn record's start
  EXPECT_EQ(s->bytes(), full - (full / 4));
  auto r = s->append(payload(50, 2), stop_kind, 2);
  ASSERT_TRUE(r);
  s.reset();
  s = open();
  EXPECT_EQ(s->pending().size(), 4u);
  EXPECT_EQ(*s->read(r->seq), payload(50, 2));
}

TEST_F(AcctSpool, CorruptRecordIsSkipped) {
  std::vector<std::uint64_t> seqs;
  {
    auto s = open();
    ASSERT_TRUE(s);
    for (int i = 0; i < 3; ++i)
      seqs.push_back(s->append(payload(64, static_cast<std::uint8_t>(i)), start_kind, 1)->seq);
  }
  auto seg = segments();
  ASSERT_EQ(seg.size(), 1u);
  {
    // Flip one payload byte of the middle record: its CRC no longer holds.
    std::fstream f(seg[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(28 + 64 + 28 + 10);
    f.put('\x7f');
  }
  auto s = open();
  ASSERT_TRUE(s);
  auto p = s->pending();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].seq, seqs[0]);
  EXPECT_EQ(p[1].seq, seqs[2]);
  EXPECT_EQ(*s->read(seqs[2]), payload(64, 2));
}

TEST_F(AcctSpool, AcknowledgedSegmentsAreDeleted) {
  cfg.max_bytes = 64 << 10;  // 4 KiB segments
  auto s = open();
  ASSERT_TRUE(s);
  std::vector<std::uint64_t> seqs;
  for (int i = 0; i < 40; ++i) seqs.push_back(s->append(payload(500, 3), start_kind, 1)->seq);
  const auto before = segments().size();
  EXPECT_GE(before, 5u);
  const auto bytes_before = s->bytes();
  // Everything but the last record: every segment but the last two can go.
  for (std::size_t i = 0; i + 1 < seqs.size(); ++i) s->acknowledge(seqs[i]);
  EXPECT_LE(segments().size(), 3u);
  EXPECT_LT(s->bytes(), bytes_before / 2);
  s.reset();
  s = open();
  ASSERT_EQ(s->pending().size(), 1u);
  EXPECT_EQ(s->pending()[0].seq, seqs.back());
  s->acknowledge(seqs.back());
  // Acknowledgements of old records written into newer segments keep those alive until the
  // old ones go; with everything acknowledged only the segment being written is left.
  s->append(payload(10, 1), start_kind, 1);
  EXPECT_EQ(s->pending().size(), 1u);
  EXPECT_LE(segments().size(), 2u);
}

TEST_F(AcctSpool, AcknowledgementsSurviveWhileTheirRecordsLive) {
  // Records in segment A acknowledged from segment B; B's own records acknowledged too. B must
  // stay on disk while A does, or A's acknowledged records would come back after a restart.
  cfg.max_bytes = 64 << 10;
  std::uint64_t keep = 0;
  {
    auto s = open();
    std::vector<std::uint64_t> a;
    for (int i = 0; i < 7; ++i) a.push_back(s->append(payload(500, 1), start_kind, 1)->seq);
    keep = a[0];
    std::vector<std::uint64_t> b;
    for (int i = 0; i < 20; ++i) b.push_back(s->append(payload(500, 2), start_kind, 1)->seq);
    for (std::size_t i = 1; i < a.size(); ++i) s->acknowledge(a[i]);
    for (auto q : b) s->acknowledge(q);
    for (int i = 0; i < 20; ++i) s->acknowledge(s->append(payload(500, 3), interim_kind, 1)->seq);
  }
  auto s = open();
  auto p = s->pending();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].seq, keep);
}

TEST_F(AcctSpool, BoundWithStopReserve) {
  cfg.max_bytes = 64 << 10;
  auto s = open();
  ASSERT_TRUE(s);
  int interims = 0;
  while (s->append(payload(1000, 1), interim_kind, 1)) ++interims;
  EXPECT_EQ(s->last_error(), ENOSPC);
  EXPECT_LE(s->bytes(), cfg.max_bytes);
  EXPECT_GT(interims, 50);
  // Starts may use half the 10 % reserve, Stops all of it; then even a Stop is refused.
  int starts = 0;
  while (s->append(payload(1000, 1), start_kind, 1)) ++starts;
  EXPECT_LE(s->bytes(), cfg.max_bytes + cfg.max_bytes / 20);
  EXPECT_GE(starts, 1);
  int stops = 0;
  while (s->append(payload(1000, 1), stop_kind, 1)) ++stops;
  EXPECT_GE(stops, 2);
  EXPECT_LE(s->bytes(), cfg.max_bytes + cfg.max_bytes / 10);
  EXPECT_EQ(s->last_error(), ENOSPC);
  // Acknowledging frees whole segments, and then there is room again.
  for (const auto& r : s->pending()) s->acknowledge(r.seq);
  EXPECT_LT(s->bytes(), cfg.max_bytes / 4);
  EXPECT_TRUE(s->append(payload(1000, 1), interim_kind, 1));
}

TEST_F(AcctSpool, SecondOpenOfTheSameDirectoryIsRefused) {
  auto s = open();
  ASSERT_TRUE(s);
  auto r = io::open_acct_spool(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find(cfg.directory), std::string::npos) << std::get<std::string>(r);
}

TEST_F(AcctSpool, ErrorNamesThePath) {
  std::ofstream(dir + "/file") << "x";
  cfg.directory = dir + "/file/spool";
  auto r = io::open_acct_spool(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  const auto& e = std::get<std::string>(r);
  EXPECT_NE(e.find(cfg.directory), std::string::npos) << e;
  EXPECT_NE(e.find("Not a directory"), std::string::npos) << e;
}

TEST_F(AcctSpool, ChildKilledWhileAppendingLosesNothingItWrote) {
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(report[0]);
    auto r = io::open_acct_spool(cfg);
    if (!std::holds_alternative<std::unique_ptr<actors::accounting_store>>(r)) ::_exit(2);
    auto& s = std::get<0>(r);
    // Report every seq once append() returned; the parent kills us mid-stream.
    for (std::uint32_t i = 0;; ++i) {
      auto rec = s->append(payload(100 + i % 50, static_cast<std::uint8_t>(i)), start_kind, i);
      if (!rec) ::_exit(3);
      if (::write(report[1], &rec->seq, sizeof rec->seq) != sizeof rec->seq) ::_exit(4);
      if (i % 3 == 0) s->acknowledge(rec->seq);
    }
  }
  ::close(report[1]);
  std::set<std::uint64_t> appended;
  std::uint64_t seq = 0;
  while (appended.size() < 3000 && ::read(report[0], &seq, sizeof seq) == sizeof seq) appended.insert(seq);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  // What the child reported after the kill was sent is in the pipe still.
  while (::read(report[0], &seq, sizeof seq) == sizeof seq) appended.insert(seq);
  ::close(report[0]);
  ASSERT_GE(appended.size(), 3000u);
  auto s = open();
  ASSERT_TRUE(s);
  std::set<std::uint64_t> found;
  for (const auto& r : s->pending()) {
    found.insert(r.seq);
    EXPECT_TRUE(s->read(r.seq)) << r.seq;
  }
  // Every record appended and not acknowledged (every third was) is there.
  std::size_t expected = 0;
  std::uint64_t index = 0;
  for (auto q : appended) {
    if (index++ % 3 == 0) continue;
    ++expected;
    EXPECT_TRUE(found.count(q)) << q;
  }
  EXPECT_GE(found.size(), expected);
}

}  // namespace
}  // namespace bras
