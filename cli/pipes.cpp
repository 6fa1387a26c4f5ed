// The text pipes (`| match`, `| except`, `| count`) and `render`, which picks
// the renderer the display pipes ask for and runs the text pipes over its
// output, as Junos does (`| display xml | match session-user-name` works).
#include <exception>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "cli/render.hpp"

namespace bras::cli {
namespace {

/// Calls `f(line, terminated)` for each line of `text`; the last line counts
/// only when it is not empty, so "a\nb\n" has two lines, as `wc -l` says.
template <class F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) {
      f(text, false);
      return;
    }
    f(text.substr(0, end), true);
    text.remove_prefix(end + 1);
  }
}

/// The lines of `text` that match `re` (keep_matching) or that do not,
/// each with the line ending it had.
std::string filter_lines(std::string_view text, const std::regex& re, bool keep_matching) {
  std::string out;
  for_each_line(text, [&](std::string_view line, bool terminated) {
    if (std::regex_search(line.begin(), line.end(), re) != keep_matching) return;
    out += line;
    if (terminated) out += '\n';
  });
  return out;
}

std::size_t count_lines(std::string_view text) {
  std::size_t n = 0;
  for_each_line(text, [&n](std::string_view, bool) { ++n; });
  return n;
}

}  // namespace

std::variant<std::regex, std::string> pipe_regex(const pipe& p) {
  try {
    return std::regex{p.argument, std::regex::extended | std::regex::nosubs};
  } catch (const std::exception& e) {
    return "error: invalid regular expression: " + p.argument + ": " + e.what() + "\n";
  }
}

std::string apply_pipes(std::string text, const std::vector<pipe>& pipes) {
  for (const pipe& p : pipes) {
    switch (p.kind) {
      case pipe_kind::match:
      case pipe_kind::except: {
        auto re = pipe_regex(p);
        if (auto* error = std::get_if<std::string>(&re)) return std::move(*error);
        try {
          text = filter_lines(text, std::get<std::regex>(re), p.kind == pipe_kind::match);
        } catch (const std::exception& e) {
          // std::regex can give up at run time (error_complexity, error_stack).
          return "error: regular expression failed: " + p.argument + ": " + e.what() + "\n";
        }
        break;
      }
      case pipe_kind::count:
        // Junos' wording, plural even for one line.
        text = "Count: " + std::to_string(count_lines(text)) + " lines\n";
        break;
      case pipe_kind::display_json:
      case pipe_kind::display_xml:
      case pipe_kind::no_more: break;  // they chose the renderer / the pager, not the lines
    }
  }
  return text;
}

pipe_kind display_of(const command& c) {
  pipe_kind display = pipe_kind::no_more;
  for (const pipe& p : c.pipes) {
    if (p.kind == pipe_kind::display_xml || p.kind == pipe_kind::display_json) display = p.kind;
  }
  return display;
}

namespace {

/// The renderer the display pipes ask for (`xml`, `json`, else `text`), then the text pipes.
template <class Xml, class Json, class Text>
std::string render_with(const command& c, Xml xml, Json json, Text text) {
  const pipe_kind display = display_of(c);
  try {
    std::string out;
    if (display == pipe_kind::display_xml) {
      out = xml();
    } else if (display == pipe_kind::display_json) {
      out = json();
    } else {
      out = text();
    }
    return apply_pipes(std::move(out), c.pipes);
  } catch (const std::exception& e) {
    // Out of memory on a huge reply: the operator gets a line, the daemon lives on.
    return std::string("error: ") + e.what() + "\n";
  }
}

}  // namespace

std::string render(const command& c, const model::query_snapshot& s, const render_options& o) {
  return render_with(
      c, [&] { return render_xml(c, s, o); }, [&] { return render_json(c, s, o); },
      [&] { return render_text(c, s, o); });
}

std::string render(const command& c, const model::aaa_snapshot& s, const render_options& o) {
  return render_with(
      c, [&] { return render_xml(c, s, o); }, [&] { return render_json(c, s, o); }, [&] { return render_text(c, s); });
}

}  // namespace bras::cli
