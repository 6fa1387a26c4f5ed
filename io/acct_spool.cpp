#include "io/acct_spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <span>
#include <system_error>

#include "io/spool_frame.hpp"
#include "protocol/radius/dictionary.hpp"

namespace bras::io {

namespace {

using namespace spool;

class acct_spool final : public actors::accounting_store {
 public:
  ~acct_spool() override {
    sync();
    if (current_fd_ >= 0) ::close(current_fd_);
    if (read_fd_ >= 0) ::close(read_fd_);
    if (dir_fd_ >= 0) ::close(dir_fd_);  // releases the lock
  }

  /// Opens and locks the directory, bumps the boot number and replays every segment.
  std::optional<std::string> open(const config::spool_settings& cfg) {
    dir_ = cfg.directory;
    max_bytes_ = cfg.max_bytes;
    // Segments small enough that acknowledged ones are deleted well before the bound.
    segment_limit_ = std::clamp<std::uint64_t>(max_bytes_ / 16, 4096, 4u << 20);
    if (dir_.empty()) return "accounting spool: no directory configured";
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return "accounting spool: create " + dir_ + ": " + ec.message();
    dir_fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd_ < 0) return failure("accounting spool: open", dir_, errno);
    // Two daemons appending to one spool would interleave their records.
    if (::flock(dir_fd_, LOCK_EX | LOCK_NB) != 0) return failure("accounting spool: lock", dir_, errno);
    if (auto e = bump_boot()) return e;
    return replay();
  }

  std::uint32_t boot() const noexcept override { return boot_; }

  std::optional<actors::spooled_record> append(wire::byte_span record, std::uint8_t kind,
                                               std::uint32_t now_unix) override {
    const std::uint64_t framed = frame_header + record.size();
    if (record.size() > max_payload || bytes_ + framed > limit_for(kind)) {
      last_error_ = record.size() > max_payload ? EMSGSIZE : ENOSPC;
      return std::nullopt;
    }
    if (!ensure_current(framed)) return std::nullopt;
    const std::uint64_t seq = next_seq_;
    auto& seg = segments_.at(current_);
    if (!write_frame({static_cast<std::uint32_t>(record.size()), seq, frame_record, kind, now_unix}, record))
      return std::nullopt;
    ++next_seq_;
    index_.push_back({seq, current_, static_cast<std::uint32_t>(seg.bytes - framed),
                      static_cast<std::uint32_t>(record.size()), now_unix, kind, true});
    ++live_;
    ++seg.live;
    return actors::spooled_record{seq, now_unix, kind, static_cast<std::uint32_t>(record.size())};
  }

  std::optional<wire::bytes> read(std::uint64_t seq) override {
    const entry* e = find(seq);
    if (e == nullptr) return std::nullopt;
    if (read_segment_ != e->segment || read_fd_ < 0) {
      if (read_fd_ >= 0) ::close(read_fd_);
      read_fd_ = ::open(segments_.at(e->segment).path.c_str(), O_RDONLY | O_CLOEXEC);
      read_segment_ = e->segment;
      if (read_fd_ < 0) {
        last_error_ = errno;
        return std::nullopt;
      }
    }
    wire::bytes buf(frame_header + e->size);
    if (!read_all(read_fd_, buf.data(), buf.size(), e->offset)) {
      last_error_ = errno;
      return std::nullopt;
    }
    auto f = decode_frame(buf);
    if (!f || f->seq != seq || f->type != frame_record) {
      last_error_ = EIO;
      return std::nullopt;
    }
    return wire::bytes(buf.begin() + frame_header, buf.end());
  }

  void acknowledge(std::uint64_t seq) override {
    entry* e = find(seq);
    if (e == nullptr) return;
    const std::uint64_t home = e->segment;
    e->live = false;
    --live_;
    --segments_.at(home).live;
    // Written even past the bound: an acknowledgement is what lets segments go.
    if (ensure_current(frame_header) && write_frame({0, seq, frame_ack, e->kind, 0}, {})) {
      // (`home` may be gone already: rotation deletes a segment whose last record this was.)
      if (home != current_ && segments_.count(home) != 0) hold_ack(current_, home);
    }
    while (!index_.empty() && !index_.front().live) index_.pop_front();
    if (index_.size() > 2 * live_ + 1024) {
      index_.erase(std::remove_if(index_.begin(), index_.end(), [](const entry& x) { return !x.live; }), index_.end());
    }
    maybe_delete(home);
  }

  void sync() override {
    if (data_dirty_ && current_fd_ >= 0) {
      if (::fdatasync(current_fd_) != 0) last_error_ = errno;
      ++fsyncs_;
    }
    data_dirty_ = false;
    if (dir_dirty_ && dir_fd_ >= 0) {
      if (::fsync(dir_fd_) != 0) last_error_ = errno;
      ++fsyncs_;
    }
    dir_dirty_ = false;
  }

  std::vector<actors::spooled_record> pending() const override {
    std::vector<actors::spooled_record> out;
    out.reserve(live_);
    for (const auto& e : index_) {
      if (e.live) out.push_back({e.seq, e.written, e.kind, e.size});
    }
    return out;
  }

  std::uint64_t bytes() const noexcept override { return bytes_; }
  std::uint64_t max_bytes() const noexcept override { return max_bytes_; }
  std::uint64_t fsyncs() const noexcept override { return fsyncs_; }
  std::size_t memory_bytes() const noexcept override {
    std::size_t n = sizeof(*this) + index_.size() * sizeof(entry);
    for (const auto& [id, seg] : segments_) {
      n += sizeof(seg) + 48 + seg.path.capacity() + seg.ack_holders.capacity() * sizeof(seg.ack_holders[0]);
    }
    return n;
  }
  int last_error() const noexcept override { return last_error_; }

 private:
  /// What memory keeps of one record (no bytes: they stay on disk).
  struct entry {
    std::uint64_t seq = 0;
    std::uint64_t segment = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint32_t written = 0;
    std::uint8_t kind = 0;
    bool live = false;
  };
  struct segment {
    std::string path;
    std::uint64_t bytes = 0;
    std::size_t live = 0;          ///< records not yet acknowledged
    std::size_t foreign_acks = 0;  ///< acknowledgements here of records in older segments still on disk
    /// Segments holding acknowledgements of this one's records (and how many): deleting one of
    /// those first would bring the records back at the next start.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> ack_holders;
  };

  /// Stops may use the whole reserve above the bound, Starts (and On) half of it, Interims none:
  /// when the spool fills, what is money is the last to be refused.
  std::uint64_t limit_for(std::uint8_t kind) const noexcept {
    const std::uint64_t reserve = max_bytes_ / 10;
    switch (static_cast<radius::acct_status>(kind)) {
      case radius::acct_status::interim_update: return max_bytes_;
      case radius::acct_status::start:
      case radius::acct_status::accounting_on: return max_bytes_ + reserve / 2;
      case radius::acct_status::stop:
      case radius::acct_status::accounting_off: return max_bytes_ + reserve;
    }
    return max_bytes_;
  }

  entry* find(std::uint64_t seq) {
    auto it =
        std::lower_bound(index_.begin(), index_.end(), seq, [](const entry& e, std::uint64_t s) { return e.seq < s; });
    if (it == index_.end() || it->seq != seq || !it->live) return nullptr;
    return &*it;
  }

  void hold_ack(std::uint64_t holder, std::uint64_t home) {
    ++segments_.at(holder).foreign_acks;
    auto& holders = segments_.at(home).ack_holders;
    auto it = std::find_if(holders.begin(), holders.end(), [&](const auto& h) { return h.first == holder; });
    if (it == holders.end()) {
      holders.emplace_back(holder, 1);
    } else {
      ++it->second;
    }
  }

  std::string path_of(std::uint64_t id) const {
    char name[40];
    std::snprintf(name, sizeof name, "spool-%020llu.log", static_cast<unsigned long long>(id));
    return dir_ + "/" + name;
  }

  bool write_frame(const frame& f, wire::byte_span payload) {
    auto& seg = segments_.at(current_);
    const auto bytes = encode_frame(f, payload);
    if (!write_all(current_fd_, bytes, static_cast<off_t>(seg.bytes))) {
      last_error_ = errno;
      // A partial frame would hide every later one behind garbage until the next start.
      if (::ftruncate(current_fd_, static_cast<off_t>(seg.bytes)) != 0) last_error_ = errno;
      return false;
    }
    seg.bytes += bytes.size();
    bytes_ += bytes.size();
    data_dirty_ = true;
    return true;
  }

  /// The segment being written, rotated when `framed` more bytes would pass the segment size.
  bool ensure_current(std::uint64_t framed) {
    if (current_fd_ >= 0 && segments_.at(current_).bytes > 0 &&
        segments_.at(current_).bytes + framed > segment_limit_) {
      if (data_dirty_ && ::fdatasync(current_fd_) == 0) ++fsyncs_;
      data_dirty_ = false;
      ::close(current_fd_);
      current_fd_ = -1;
      maybe_delete(current_);
    }
    if (current_fd_ >= 0) return true;
    const std::uint64_t id = std::max(next_seq_, last_segment_ + 1);
    const auto path = path_of(id);
    current_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (current_fd_ < 0) {
      last_error_ = errno;
      return false;
    }
    current_ = last_segment_ = id;
    segments_[id].path = path;
    dir_dirty_ = true;
    return true;
  }

  /// Deletes a segment nothing needs any more, and then those that only waited for it.
  void maybe_delete(std::uint64_t id) {
    std::vector<std::uint64_t> todo{id};
    while (!todo.empty()) {
      const auto next = todo.back();
      todo.pop_back();
      auto it = segments_.find(next);
      if (it == segments_.end() || (next == current_ && current_fd_ >= 0)) continue;
      if (it->second.live != 0 || it->second.foreign_acks != 0) continue;
      if (::unlink(it->second.path.c_str()) != 0 && errno != ENOENT) {
        last_error_ = errno;
        continue;
      }
      dir_dirty_ = true;
      bytes_ -= it->second.bytes;
      if (read_segment_ == next && read_fd_ >= 0) {
        ::close(read_fd_);
        read_fd_ = -1;
      }
      for (const auto& [holder, count] : it->second.ack_holders) {
        auto h = segments_.find(holder);
        if (h == segments_.end()) continue;
        h->second.foreign_acks -= std::min<std::size_t>(count, h->second.foreign_acks);
        todo.push_back(holder);
      }
      segments_.erase(it);
    }
  }

  std::optional<std::string> bump_boot() {
    const auto path = dir_ + "/boot";
    const auto tmp = dir_ + "/boot.tmp";
    std::uint32_t previous = 0;
    if (int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      char text[16] = {};
      const ssize_t n = ::read(fd, text, sizeof text - 1);
      ::close(fd);
      if (n > 0) std::from_chars(text, text + n, previous);
    } else if (errno != ENOENT) {
      return failure("accounting spool: read", path, errno);
    }
    boot_ = previous + 1;
    const auto text = std::to_string(boot_) + "\n";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return failure("accounting spool: create", tmp, errno);
    const bool ok = write_all(fd, std::as_bytes(std::span(text.data(), text.size())), 0) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) return failure("accounting spool: write", tmp, err);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return failure("accounting spool: rename", tmp, errno);
    if (::fsync(dir_fd_) != 0) return failure("accounting spool: fsync", dir_, errno);
    return std::nullopt;
  }

  std::optional<std::string> replay() {
    std::vector<std::uint64_t> ids;
    std::error_code ec;
    for (const auto& item : std::filesystem::directory_iterator(dir_, ec)) {
      const auto name = item.path().filename().string();
      std::uint64_t id = 0;
      if (name.size() != 30 || name.rfind("spool-", 0) != 0 || name.substr(26) != ".log") continue;
      if (std::from_chars(name.data() + 6, name.data() + 26, id).ec != std::errc{}) continue;
      ids.push_back(id);
    }
    if (ec) return "accounting spool: list " + dir_ + ": " + ec.message();
    std::sort(ids.begin(), ids.end());
    for (auto id : ids) {
      if (auto e = replay_segment(id)) return e;
    }
    for (auto id : ids) maybe_delete(id);
    dir_dirty_ = false;
    if (::fsync(dir_fd_) != 0) return failure("accounting spool: fsync", dir_, errno);
    return std::nullopt;
  }

  /// Reads one segment into the index: a damaged frame followed by good ones is skipped (counted);
  /// damage with nothing good after it is a torn tail, cut off.
  std::optional<std::string> replay_segment(std::uint64_t id) {
    auto& seg = segments_[id];
    seg.path = path_of(id);
    last_segment_ = std::max(last_segment_, id);
    const int fd = ::open(seg.path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return failure("accounting spool: open", seg.path, errno);
    struct stat st {};
    wire::bytes data;
    bool ok = ::fstat(fd, &st) == 0;
    if (ok) {
      data.resize(static_cast<std::size_t>(st.st_size));
      ok = data.empty() || read_all(fd, data.data(), data.size(), 0);
    }
    if (!ok) {
      const int err = errno;
      ::close(fd);
      return failure("accounting spool: read", seg.path, err);
    }
    std::size_t pos = 0;
    const wire::byte_span all(data);
    while (pos < data.size()) {
      auto f = decode_frame(all.subspan(pos));
      if (!f) {
        const auto resume = resync(all, pos + 1);
        if (resume) {
          ++corrupt_;
          pos = *resume;
          continue;
        }
        ++torn_;
        if (::ftruncate(fd, static_cast<off_t>(pos)) != 0) {
          const int err = errno;
          ::close(fd);
          return failure("accounting spool: truncate", seg.path, err);
        }
        ::fsync(fd);
        break;
      }
      next_seq_ = std::max(next_seq_, f->seq + 1);
      if (f->type == frame_record) {
        // Seqs only grow in the file order; anything else is not ours to trust.
        if (index_.empty() || index_.back().seq < f->seq) {
          index_.push_back({f->seq, id, static_cast<std::uint32_t>(pos), f->length, f->written, f->kind, true});
          ++live_;
          ++seg.live;
        }
      } else if (entry* e = find(f->seq)) {
        e->live = false;
        --live_;
        --segments_.at(e->segment).live;
        if (e->segment != id) hold_ack(id, e->segment);
      }
      pos += frame_header + f->length;
    }
    ::close(fd);
    seg.bytes = std::min<std::uint64_t>(pos, data.size());
    bytes_ += seg.bytes;
    return std::nullopt;
  }

  /// The next offset at or after `from` where a whole, valid frame starts.
  static std::optional<std::size_t> resync(wire::byte_span all, std::size_t from) {
    for (std::size_t p = from; p + frame_header <= all.size(); ++p) {
      if (starts_with_magic(all.subspan(p)) && decode_frame(all.subspan(p))) return p;
    }
    return std::nullopt;
  }

  std::string dir_;
  int dir_fd_ = -1;
  std::uint64_t max_bytes_ = 0;
  std::uint64_t segment_limit_ = 0;
  std::uint32_t boot_ = 0;
  std::map<std::uint64_t, segment> segments_;  ///< by id (the first seq written to it, or more)
  std::deque<entry> index_;                    ///< by seq; acknowledged entries linger until compacted
  std::size_t live_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t last_segment_ = 0;
  std::uint64_t current_ = 0;  ///< the segment being written, when current_fd_ is open
  int current_fd_ = -1;
  std::uint64_t read_segment_ = 0;
  int read_fd_ = -1;
  std::uint64_t bytes_ = 0;
  std::uint64_t fsyncs_ = 0;
  std::uint64_t corrupt_ = 0, torn_ = 0;
  bool data_dirty_ = false, dir_dirty_ = false;
  int last_error_ = 0;
};

}  // namespace

std::variant<std::unique_ptr<actors::accounting_store>, std::string> open_acct_spool(
    const config::spool_settings& cfg) {
  auto spool = std::make_unique<acct_spool>();
  if (auto e = spool->open(cfg)) return *e;
  return std::unique_ptr<actors::accounting_store>(std::move(spool));
}

}  // namespace bras::io
