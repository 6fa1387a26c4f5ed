// The structured (`| display xml`, `| display json`) side of the show
// renderers: one element tree built from a command and a query snapshot, and
// two serialisations of it. Element names follow Junos habits (lower-case,
// hyphenated, one element per CLI field); docs/cli-structured.md lists them
// and says which are confirmed Junos names.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/command.hpp"
#include "cli/render.hpp"
#include "model/query.hpp"

namespace bras::cli {

/// One XML element: a leaf carries `text`, an inner node `children` (never
/// both in the trees built here). Attributes keep their order.
struct xml_node {
  std::string name;
  std::string text;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<xml_node> children;

  /// Appends a child and returns it (the reference is valid until the next append to this node).
  xml_node& add(std::string child_name, std::string child_text = {});
  /// The first child called `child_name`, or nullptr.
  [[nodiscard]] const xml_node* find(std::string_view child_name) const;
};

/// The whole `<rpc-reply>` for a show command: the reply root, a warning when
/// shards did not answer, and the trailing `<cli><banner></banner></cli>`.
[[nodiscard]] xml_node build_reply(const command& c, const model::query_snapshot& s, const render_options& o);

/// XML text of `n` and its subtree, `depth` levels of two-space indentation in.
[[nodiscard]] std::string to_xml(const xml_node& n, int depth = 0);

/// Junos' JSON mapping of `nodes` as one top-level object: every element is a
/// key whose value is an array of objects ("data" for text, "attributes").
[[nodiscard]] std::string to_json(const std::vector<xml_node>& nodes);

/// `s` made safe for XML character data and attribute values: & < > " '
/// escaped, tab/LF/CR as character references, other C0 controls, U+FFFE/
/// U+FFFF and invalid UTF-8 replaced by U+FFFD (XML 1.0 cannot carry them).
[[nodiscard]] std::string xml_escape(std::string_view s);

/// `s` as the inside of a JSON string: " \ and controls escaped (\n, \t, ...,
/// \u00XX), invalid UTF-8 replaced by U+FFFD so the document always parses.
[[nodiscard]] std::string json_escape(std::string_view s);

/// Junos' spelling of an RFC 2661 session state (l2tp::to_string), e.g.
/// "established" -> "Established", LNS "wait-connect" -> "lns-ic-wait-connect".
[[nodiscard]] std::string junos_session_state(bool lac, std::string_view rfc_state);

/// Junos' spelling of an RFC 2661 tunnel state, e.g. LNS "wait-ctl-conn" ->
/// "cc-responder-wait-ctl-conn", "closing" -> "closed".
[[nodiscard]] std::string junos_tunnel_state(bool lac, std::string_view rfc_state);

}  // namespace bras::cli
