// render_stream: a show command's reply in parts (cli/render.hpp). The session
// text listing comes session by session from text_detail::session_listing;
// every other view is rendered whole (render_text / render_xml / render_json)
// and handed out in slices. The text pipes are stages over the parts, line by
// line, with the semantics of apply_pipes (cli/pipes.cpp): the tests hold the
// joined parts to render()'s output.
#include <algorithm>
#include <cstring>
#include <exception>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli {
namespace {

/// A text pipe that failed: its line (what()) replaces the rest of the reply, as
/// apply_pipes returns it in place of the text.
struct pipe_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Text already rendered, in slices of `want` bytes.
class whole_text final : public reply_stream {
 public:
  explicit whole_text(std::string text) : text_(std::move(text)) {}
  bool next(std::string& out, std::size_t want) override {
    if (at_ >= text_.size()) {
      std::string{}.swap(text_);  // the memory goes back as soon as the last slice is out
      at_ = 0;
      return false;
    }
    const std::size_t n = std::min(text_.size() - at_, std::max<std::size_t>(want, 1));
    out.append(text_, at_, n);
    at_ += n;
    return true;
  }

 private:
  std::string text_;
  std::size_t at_ = 0;
};

/// The renderer a command's display pipes ask for (the last one wins, like Junos), over a
/// snapshot it owns: the session text view session by session, any other view whole.
class snapshot_view final : public reply_stream {
 public:
  snapshot_view(const command& c, model::query_snapshot s, const render_options& o)
      : command_(c), snapshot_(std::move(s)), options_(o), display_(display_of(c)) {
    if (display_ == pipe_kind::no_more && command_.target == object::session) {
      listing_.emplace(command_, snapshot_, options_);
    }
  }

  bool next(std::string& out, std::size_t want) override {
    if (listing_) return next_session(out, want);
    if (!whole_) {
      std::string text;
      if (display_ == pipe_kind::display_xml) {
        text = render_xml(command_, snapshot_, options_);
      } else if (display_ == pipe_kind::display_json) {
        text = render_json(command_, snapshot_, options_);
      } else {
        text = render_text(command_, snapshot_, options_);
      }
      snapshot_ = {};  // rendered: only the text is needed from here on
      whole_.emplace(std::move(text));
    }
    return whole_->next(out, want);
  }

 private:
  /// The listing, then the lines render_text adds after it.
  bool next_session(std::string& out, std::size_t want) {
    if (listing_->next(out, want)) return true;
    if (warned_) return false;
    warned_ = true;
    const std::size_t start = out.size();
    out += text_detail::snapshot_warnings(snapshot_);
    return out.size() > start;
  }

  command command_;
  model::query_snapshot snapshot_;
  render_options options_;
  pipe_kind display_ = pipe_kind::no_more;  ///< display_xml, display_json, or no_more for text
  std::optional<text_detail::session_listing> listing_;
  std::optional<whole_text> whole_;
  bool warned_ = false;
};

/// `| match` / `| except`: the lines of the parts before it that match (or do not), each
/// with the line ending it had (apply_pipes' filter_lines).
class line_filter final : public reply_stream {
 public:
  line_filter(std::unique_ptr<reply_stream> upstream, std::regex re, bool keep_matching, std::string pattern)
      : upstream_(std::move(upstream)), re_(std::move(re)), keep_(keep_matching), pattern_(std::move(pattern)) {}

  bool next(std::string& out, std::size_t want) override {
    const std::size_t start = out.size();
    for (;;) {
      if (out.size() > start && out.size() - start >= want) return true;
      const std::size_t newline = pending_.find('\n', at_);
      if (newline != std::string::npos) {
        take(out, std::string_view(pending_).substr(at_, newline - at_), true);
        at_ = newline + 1;
        continue;
      }
      if (upstream_done_) {
        // The last line without a line ending counts when it is not empty (for_each_line).
        if (at_ < pending_.size()) take(out, std::string_view(pending_).substr(at_), false);
        at_ = pending_.size();
        return out.size() > start;
      }
      pending_.erase(0, at_);
      at_ = 0;
      if (!upstream_->next(pending_, want)) upstream_done_ = true;
    }
  }

 private:
  void take(std::string& out, std::string_view line, bool terminated) {
    bool matched = false;
    try {
      matched = std::regex_search(line.begin(), line.end(), re_);
    } catch (const std::exception& e) {
      // std::regex can give up at run time (error_complexity, error_stack).
      throw pipe_failure("error: regular expression failed: " + pattern_ + ": " + e.what() + "\n");
    }
    if (matched != keep_) return;
    out += line;
    if (terminated) out += '\n';
  }

  std::unique_ptr<reply_stream> upstream_;
  std::regex re_;
  bool keep_;
  std::string pattern_;
  std::string pending_;  ///< parts not yet filtered, from at_
  std::size_t at_ = 0;
  bool upstream_done_ = false;
};

/// `| count`: "Count: N lines", counting as `wc -l` plus a last line without a line ending.
class line_count final : public reply_stream {
 public:
  explicit line_count(std::unique_ptr<reply_stream> upstream) : upstream_(std::move(upstream)) {}

  bool next(std::string& out, std::size_t want) override {
    if (done_) return false;
    std::size_t lines = 0;
    bool open_line = false;  ///< text after the last line ending so far
    std::string part;
    while (upstream_->next(part, want)) {
      for (const char *p = part.data(), *end = part.data() + part.size(); p != end;) {
        const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
        if (nl == nullptr) {
          open_line = true;
          break;
        }
        ++lines;
        open_line = false;
        p = static_cast<const char*>(nl) + 1;
      }
      part.clear();
    }
    done_ = true;
    // Junos' wording, plural even for one line.
    out += "Count: " + std::to_string(lines + (open_line ? 1 : 0)) + " lines\n";
    return true;
  }

 private:
  std::unique_ptr<reply_stream> upstream_;
  bool done_ = false;
};

/// Turns a failure into the reply's last line: render()'s "error: ..." (a failed pipe's own
/// line as it is). What the failing part had appended is dropped, so a failure in the first
/// part gives exactly render()'s answer.
class guarded final : public reply_stream {
 public:
  explicit guarded(std::unique_ptr<reply_stream> upstream) : upstream_(std::move(upstream)) {}
  bool next(std::string& out, std::size_t want) override {
    if (!upstream_) return false;
    const std::size_t start = out.size();
    try {
      return upstream_->next(out, want);
    } catch (const pipe_failure& e) {
      out.resize(start);
      out += e.what();
    } catch (const std::exception& e) {
      // Out of memory on a huge reply: the operator gets a line, the daemon lives on.
      out.resize(start);
      out += std::string("error: ") + e.what() + "\n";
    }
    upstream_.reset();
    return true;
  }

 private:
  std::unique_ptr<reply_stream> upstream_;
};

}  // namespace

std::unique_ptr<reply_stream> text_stream(std::string text) {
  return std::make_unique<whole_text>(std::move(text));
}

std::unique_ptr<reply_stream> render_stream(const command& c, model::query_snapshot s, const render_options& o) {
  std::unique_ptr<reply_stream> stream = std::make_unique<snapshot_view>(c, std::move(s), o);
  for (const pipe& p : c.pipes) {
    switch (p.kind) {
      case pipe_kind::match:
      case pipe_kind::except: {
        auto re = pipe_regex(p);
        if (auto* error = std::get_if<std::string>(&re)) return text_stream(std::move(*error));
        stream = std::make_unique<line_filter>(std::move(stream), std::get<std::regex>(std::move(re)),
                                               p.kind == pipe_kind::match, p.argument);
        break;
      }
      case pipe_kind::count: stream = std::make_unique<line_count>(std::move(stream)); break;
      case pipe_kind::display_json:
      case pipe_kind::display_xml:
      case pipe_kind::no_more: break;  // they chose the renderer / the pager, not the lines
    }
  }
  return std::make_unique<guarded>(std::move(stream));
}

}  // namespace bras::cli
