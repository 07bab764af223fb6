// The repmgr.conf parser: turns tokens into "name = value" lines, follows include
// directives and hands each value to the option table (spec/config.md §2). The line rules,
// error texts and line numbers follow PostgreSQL's postgresql.conf reader, which repmgr
// reuses, including its quirks (e.g. a qualified id is not accepted as a value).

#include "repmgr/config/config_file.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "repmgr/common/strings.hpp"
#include "repmgr/config/lexer.hpp"
#include "repmgr/config/option_table.hpp"
#include "repmgr/config/values.hpp"

namespace repmgr::config {
namespace {

constexpr int kMaxIncludeDepth = 10;
constexpr int kMaxSyntaxErrors = 100;

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == s.npos; }

struct FileText {
    std::string content;
    int error = 0;  // errno when the file could not be read
};

FileText read_whole_file(const std::string& path) {
    FileText result;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(path.c_str(), "r"), &std::fclose);
    if (!fp) {
        result.error = errno;
        return result;
    }
    char buffer[8192];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, fp.get())) > 0)
        result.content.append(buffer, n);
    if (std::ferror(fp.get()) != 0) result.error = errno != 0 ? errno : EIO;
    return result;
}

// An include target relative to the directory of the file that names it; absolute names
// are taken as they are (as PostgreSQL does).
std::string absolute_location(std::string_view location, const std::string& calling_file) {
    if (!location.empty() && location.front() == '/') return std::string(location);
    const std::size_t slash = calling_file.rfind('/');
    if (slash == std::string::npos) return canonicalize_path(location);
    return canonicalize_path(calling_file.substr(0, slash + 1) + std::string(location));
}

bool is_value_token(TokenKind kind) {
    return kind == TokenKind::kId || kind == TokenKind::kString || kind == TokenKind::kInteger ||
           kind == TokenKind::kReal || kind == TokenKind::kUnquotedString;
}

class Parser {
  public:
    explicit Parser(ParseOutcome& out) : out_(out) {}

    // Parses one file's text. False if a syntax error or a failed include occurred (value
    // errors only go to the error list) or parsing was stopped by a fatal error.
    bool parse_text(std::string_view text, const std::string& file, int depth);

    // `include` / `include_if_exists` and each file of an `include_dir`.
    bool parse_file(std::string_view name, bool strict, const std::string& calling_file, int depth);

    bool parse_directory(std::string_view name, const std::string& calling_file, int depth);

  private:
    bool process_line(const std::string& name, const std::string& value, const std::string& file,
                      int depth);
    void error(std::string text) { out_.errors.push_back(std::move(text)); }
    bool stopped() const { return out_.fatal_error.has_value(); }

    ParseOutcome& out_;
};

bool Parser::parse_text(std::string_view text, const std::string& file, int depth) {
    Lexer lexer(text);
    bool ok = true;
    int syntax_errors = 0;
    while (true) {
        Token token = lexer.next();
        if (token.kind == TokenKind::kEnd) break;
        if (token.kind == TokenKind::kEol) continue;  // blank or comment-only line

        // A line is: name [=] value, then end of line or end of input.
        std::string name;
        std::string value;
        bool well_formed = false;
        if (token.kind == TokenKind::kId || token.kind == TokenKind::kQualifiedId) {
            name = token.text;
            token = lexer.next();
            if (token.kind == TokenKind::kEquals) token = lexer.next();
            if (is_value_token(token.kind)) {
                value = token.kind == TokenKind::kString ? unescape_quoted(token.text)
                                                         : std::string(token.text);
                token = lexer.next();
                well_formed = token.kind == TokenKind::kEol || token.kind == TokenKind::kEnd;
            }
        }
        if (well_formed) {
            if (!process_line(name, value, file, depth)) ok = false;
            if (stopped()) return false;
            if (token.kind == TokenKind::kEnd) break;
            continue;
        }

        // After an end-of-line token the lexer already counts the next line, hence "- 1"
        // (at the end of input this names the previous line, as PostgreSQL does).
        if (token.kind == TokenKind::kEol || token.kind == TokenKind::kEnd) {
            error("syntax error in file " + quoted(file) + " line " +
                  std::to_string(lexer.line() - 1) + ", near end of line");
        } else {
            error("syntax error in file " + quoted(file) + " line " + std::to_string(lexer.line()) +
                  ", near token " + quoted(token.text));
        }
        ok = false;
        if (++syntax_errors >= kMaxSyntaxErrors) {
            out_.immediate_messages.push_back("too many syntax errors found, abandoning file " +
                                              quoted(file));
            break;
        }
        while (token.kind != TokenKind::kEol && token.kind != TokenKind::kEnd) {
            token = lexer.next();
        }
        if (token.kind == TokenKind::kEnd) break;
    }
    return ok;
}

bool Parser::process_line(const std::string& name, const std::string& value,
                          const std::string& file, int depth) {
    // Directive names are the only case-insensitive names (spec/config.md §2.4).
    if (iequals(name, "include_dir")) return parse_directory(value, file, depth + 1);
    if (iequals(name, "include_if_exists")) return parse_file(value, false, file, depth + 1);
    if (iequals(name, "include")) return parse_file(value, true, file, depth + 1);

    if (const OptionSpec* spec = find_option(name)) {
        if (auto fatal = apply_option_value(out_.config, *spec, value, out_.errors)) {
            out_.fatal_error = std::move(*fatal);
            return false;
        }
    } else if (auto warning = deprecated_key_warning(name)) {
        out_.warnings.push_back(std::move(*warning));
    } else {
        out_.warnings.push_back(name + "='" + value +
                                "': unknown name/value pair provided; ignoring");
    }
    return true;
}

bool Parser::parse_file(std::string_view name, bool strict, const std::string& calling_file,
                        int depth) {
    // A blank name would name the including file's directory; repmgr rejects it without a
    // message (spec/config.md §2.4).
    if (is_blank(name)) return false;
    if (depth > kMaxIncludeDepth) {
        error("could not open configuration file " + quoted(name) +
              ": maximum nesting depth exceeded");
        return false;
    }
    const std::string path = absolute_location(name, calling_file);
    if (path == calling_file) {
        error("configuration file recursion in " + quoted(calling_file));
        return false;
    }
    FileText text = read_whole_file(path);
    if (text.error != 0) {
        if (!strict) {
            // repmgr puts this on the error list, so it does fail the load in the end.
            error("skipping configuration file " + quoted(path));
            return true;
        }
        error("could not open configuration file " + quoted(path) + ": " +
              std::strerror(text.error));
        return false;
    }
    return parse_text(text.content, path, depth);
}

bool Parser::parse_directory(std::string_view name, const std::string& calling_file, int depth) {
    if (is_blank(name)) {
        error("empty configuration directory name: " + quoted(name));
        return false;
    }
    const std::string directory = absolute_location(name, calling_file);
    std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(directory.c_str()), &closedir);
    if (!dir) {
        error("could not open configuration directory " + quoted(directory) + ": " +
              std::strerror(errno));
        return false;
    }
    // Only "*.conf" names not starting with "." (which skips ".", "..", hidden files and
    // editor debris), read in byte order.
    std::vector<std::string> files;
    while (const dirent* entry = readdir(dir.get())) {
        const std::string_view entry_name(entry->d_name);
        if (entry_name.size() < 6 || entry_name.front() == '.' || !entry_name.ends_with(".conf")) {
            continue;
        }
        std::string path = canonicalize_path(directory + "/" + std::string(entry_name));
        struct stat st {};
        if (stat(path.c_str(), &st) != 0) {
            error("could not stat file " + quoted(path) + ": " + std::strerror(errno));
            return false;
        }
        if (!S_ISDIR(st.st_mode)) files.push_back(std::move(path));
    }
    std::sort(files.begin(), files.end());
    for (const std::string& path : files) {
        if (!parse_file(path, true, calling_file, depth)) return false;
    }
    return true;
}

}  // namespace

ParseOutcome parse_config_text(std::string_view text, const std::string& pretend_path) {
    ParseOutcome out;
    out.config.config_file = pretend_path;
    Parser parser(out);
    const bool ok = parser.parse_text(text, pretend_path, 0);
    if (ok && !out.fatal_error) check_parsed_config(out.config, out.errors);
    return out;
}

ParseOutcome parse_config_file(const std::string& absolute_path) {
    FileText text = read_whole_file(absolute_path);
    if (text.error != 0) {
        ParseOutcome out;
        out.config.config_file = absolute_path;
        out.errors.push_back("could not open configuration file " + quoted(absolute_path) + ": " +
                             std::strerror(text.error));
        return out;
    }
    return parse_config_text(text.content, absolute_path);
}

}  // namespace repmgr::config
