// repmgr.conf.sample documents exactly the parameters of the option table, each with the
// table's default (or its example value) and a value the parser accepts (STYLE §3, §11).

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "repmgr/config/config_file.hpp"
#include "repmgr/config/lexer.hpp"
#include "repmgr/config/option_table.hpp"
#include "repmgr/config/values.hpp"

#ifndef REPMGR_SOURCE_DIR
#error "tests/CMakeLists.txt must define REPMGR_SOURCE_DIR"
#endif

namespace repmgr::config {
namespace {

using Strings = std::vector<std::string>;

std::string read_sample() {
    std::ifstream in(std::string(REPMGR_SOURCE_DIR) + "/repmgr.conf.sample");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct SampleSetting {
    std::string key;
    std::string value;  // unquoted
    std::string line;   // without the leading "#"
};

// Settings are the lines "#<name> = <value>" (a letter right after the "#"); prose lines
// start with "# ".
std::vector<SampleSetting> sample_settings(const std::string& text) {
    std::vector<SampleSetting> settings;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() < 2 || line[0] != '#' ||
            !std::isalpha(static_cast<unsigned char>(line[1]))) {
            continue;
        }
        const std::string body = line.substr(1);
        Lexer lexer(body);
        const Token name = lexer.next();
        const Token equals = lexer.next();
        const Token value = lexer.next();
        const Token end = lexer.next();
        EXPECT_EQ(name.kind, TokenKind::kId) << line;
        EXPECT_EQ(equals.kind, TokenKind::kEquals) << line;
        EXPECT_EQ(end.kind, TokenKind::kEnd) << line;
        settings.push_back({std::string(name.text),
                            value.kind == TokenKind::kString ? unescape_quoted(value.text)
                                                             : std::string(value.text),
                            body});
    }
    return settings;
}

TEST(ConfigSample, FileIsPresent) { EXPECT_FALSE(read_sample().empty()); }

TEST(ConfigSample, DocumentsExactlyTheTableKeysOnce) {
    std::map<std::string, int> seen;
    for (const SampleSetting& s : sample_settings(read_sample())) ++seen[s.key];
    for (const OptionSpec& o : option_table()) {
        EXPECT_EQ(seen[std::string(o.key)], 1) << "sample must list " << o.key << " once";
    }
    for (const auto& [key, count] : seen) {
        EXPECT_NE(find_option(key), nullptr) << "sample lists unknown key " << key;
    }
    EXPECT_EQ(seen.size(), option_table().size());
}

TEST(ConfigSample, ValuesAreTheTableDefaultsOrExamples) {
    for (const SampleSetting& s : sample_settings(read_sample())) {
        const OptionSpec* o = find_option(s.key);
        if (o == nullptr) continue;  // reported by the test above
        const std::string_view expected =
            o->sample_value.empty() ? o->default_text : o->sample_value;
        EXPECT_EQ(s.value, expected) << s.line;
    }
}

TEST(ConfigSample, ValuesAreAcceptedByTheParser) {
    for (const SampleSetting& s : sample_settings(read_sample())) {
        const OptionSpec* o = find_option(s.key);
        if (o == nullptr) continue;
        Config config;
        std::vector<std::string> errors;
        EXPECT_EQ(apply_option_value(config, *o, s.value, errors), std::nullopt) << s.line;
        EXPECT_EQ(errors, Strings{}) << s.line;
    }
}

TEST(ConfigSample, UncommentedSampleParsesCleanly) {
    std::string text;
    for (const SampleSetting& s : sample_settings(read_sample())) text += s.line + "\n";
    ParseOutcome out = parse_config_text(text, "/etc/repmgr.conf");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.warnings, Strings{});
    EXPECT_FALSE(out.fatal_error.has_value());
}

}  // namespace
}  // namespace repmgr::config
