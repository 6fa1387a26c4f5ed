// The operator command grammar, Junos style: a tree of keywords with one-line
// help, filters that take a value, unique-prefix abbreviations
// ("sh ser l2 sess ext" = "show services l2tp session extensive") and pipes.
// Shared by bras-cli (completion, '?', early syntax errors) and brasd (which
// executes what it parses). Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/command.hpp"

namespace bras::cli {

/// Why a line is not a command, and where (byte offset into the line).
struct parse_error {
  std::string message;  ///< Junos-like: "syntax error, expecting <command>." / "ambiguous input: ..."
  std::size_t offset = 0;
};

/// Parses one command line (with its pipes).
[[nodiscard]] std::variant<command, parse_error> parse(std::string_view line);

}  // namespace bras::cli
