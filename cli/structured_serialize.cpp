// The two serialisations of the structured views' element tree: XML
// (`| display xml`) and Junos' JSON mapping (`| display json`), with the
// escaping that keeps hostile strings from breaking either parser.
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/structured.hpp"

namespace bras::cli {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

/// Walks `s` as UTF-8, calling `f(code_point, bytes)` per character; an
/// invalid or overlong sequence, a surrogate or a value past U+10FFFF is
/// reported one byte at a time as U+FFFD so hostile input never breaks a parser.
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      f(char32_t{lead}, s.substr(i, 1));
      ++i;
      continue;
    }
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      cp = lead & 0x1Fu;
      minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      cp = lead & 0x0Fu;
      minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      cp = lead & 0x07u;
      minimum = 0x10000;
    }
    bool valid = length != 0 && length <= s.size() - i;
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0u) != 0x80u) valid = false;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    if (valid && (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) valid = false;
    if (!valid) {
      f(char32_t{0xFFFD}, replacement);
      ++i;
      continue;
    }
    f(cp, s.substr(i, length));
    i += length;
  }
}

constexpr std::string_view hex_digits = "0123456789abcdef";

std::string indent(int depth, int width) {
  return std::string(static_cast<std::size_t>(depth * width), ' ');
}

// ---- serialisation ----

void append_xml(std::string& out, const xml_node& n, int depth) {
  out += indent(depth, 2);
  out += '<';
  out += n.name;
  for (const auto& [key, value] : n.attributes) {
    out += ' ';
    out += key;
    out += "=\"";
    out += xml_escape(value);
    out += '"';
  }
  out += '>';
  if (n.children.empty()) {
    out += xml_escape(n.text);
  } else {
    out += '\n';
    for (const xml_node& child : n.children) append_xml(out, child, depth + 1);
    out += indent(depth, 2);
  }
  out += "</";
  out += n.name;
  out += ">\n";
}

void append_json_members(std::string& out, const std::vector<xml_node>& nodes, int depth);

/// One element as a member of its array: an object, or null for an empty
/// element without attributes (Junos: `"up" : [null]`).
void append_json_value(std::string& out, const xml_node& n, int depth) {
  out += indent(depth, 4);
  if (n.attributes.empty() && n.children.empty() && n.text.empty()) {
    out += "null";
    return;
  }
  out += "{\n";
  bool first = true;
  auto separate = [&] {
    if (!first) out += ",\n";
    first = false;
  };
  if (!n.attributes.empty()) {
    separate();
    out += indent(depth + 1, 4) + "\"attributes\" : {";
    for (std::size_t i = 0; i < n.attributes.size(); ++i) {
      if (i != 0) out += ", ";
      out += '"' + json_escape(n.attributes[i].first) + "\" : \"" + json_escape(n.attributes[i].second) + '"';
    }
    out += '}';
  }
  if (n.children.empty() && !n.text.empty()) {
    separate();
    out += indent(depth + 1, 4) + "\"data\" : \"" + json_escape(n.text) + '"';
  }
  if (!n.children.empty()) {
    separate();
    append_json_members(out, n.children, depth + 1);
  }
  out += '\n' + indent(depth, 4) + '}';
}

/// The members of one JSON object: siblings that share a name become one key
/// (in order of first appearance) whose array holds them in document order.
void append_json_members(std::string& out, const std::vector<xml_node>& nodes, int depth) {
  std::vector<std::string_view> names;
  for (const xml_node& n : nodes) {
    bool seen = false;
    for (std::string_view name : names) seen = seen || name == n.name;
    if (!seen) names.push_back(n.name);
  }
  for (std::size_t k = 0; k < names.size(); ++k) {
    out += indent(depth, 4) + '"' + json_escape(names[k]) + "\" : [\n";
    bool first = true;
    for (const xml_node& n : nodes) {
      if (n.name != names[k]) continue;
      if (!first) out += ",\n";
      first = false;
      append_json_value(out, n, depth);
    }
    out += '\n' + indent(depth, 4) + ']';
    if (k + 1 != names.size()) out += ",\n";
  }
}

}  // namespace

xml_node& xml_node::add(std::string child_name, std::string child_text) {
  return children.emplace_back(xml_node{std::move(child_name), std::move(child_text), {}, {}});
}

const xml_node* xml_node::find(std::string_view child_name) const {
  for (const xml_node& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for_each_code_point(s, [&out](char32_t cp, std::string_view bytes) {
    switch (cp) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;
      case '"': out += "&quot;"; return;
      case '\'': out += "&apos;"; return;
      // Legal but escaped: a literal newline would break one-element-per-line
      // and parsers normalise a literal CR away.
      case '\t': out += "&#9;"; return;
      case '\n': out += "&#10;"; return;
      case '\r': out += "&#13;"; return;
      case 0x7f: out += "&#127;"; return;
      default: break;
    }
    if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
      out += replacement;  // not an XML 1.0 character, not even as a reference
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for_each_code_point(s, [&out](char32_t cp, std::string_view bytes) {
    switch (cp) {
      case '"': out += "\\\""; return;
      case '\\': out += "\\\\"; return;
      case '\b': out += "\\b"; return;
      case '\f': out += "\\f"; return;
      case '\n': out += "\\n"; return;
      case '\r': out += "\\r"; return;
      case '\t': out += "\\t"; return;
      default: break;
    }
    if (cp < 0x20 || cp == 0x7f) {
      out += "\\u00";
      out += hex_digits[(cp >> 4) & 0xfu];
      out += hex_digits[cp & 0xfu];
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string to_xml(const xml_node& n, int depth) {
  std::string out;
  append_xml(out, n, depth);
  return out;
}

std::string to_json(const std::vector<xml_node>& nodes) {
  std::string out = "{\n";
  append_json_members(out, nodes, 1);
  if (!nodes.empty()) out += '\n';
  out += "}\n";
  return out;
}

}  // namespace bras::cli
