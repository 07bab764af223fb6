#include "repmgr/db/conninfo.hpp"

#include <gtest/gtest.h>

#include "repmgr/common/error.hpp"
#include "repmgr/db/connection.hpp"

namespace repmgr::db {
namespace {

TEST(ConnInfoTest, ParsesKeywordValueInLibpqOrder) {
    ConnInfo c = ConnInfo::parse("host=127.0.0.1 port=5599 user=repmgr dbname=repmgr");
    // libpq's canonical order puts user and dbname before host and port.
    EXPECT_EQ(c.to_display_string(), "user=repmgr dbname=repmgr host=127.0.0.1 port=5599");
    EXPECT_EQ(c.get("port"), "5599");
    EXPECT_FALSE(c.get("sslmode"));
}

TEST(ConnInfoTest, ParsesUri) {
    ConnInfo c = ConnInfo::parse("postgresql://repmgr@db1:5433/repmgr");
    EXPECT_EQ(c.get("host"), "db1");
    EXPECT_EQ(c.get("port"), "5433");
    EXPECT_EQ(c.get("user"), "repmgr");
    EXPECT_EQ(c.get("dbname"), "repmgr");
}

TEST(ConnInfoTest, BadConninfoThrowsWithLibpqDetail) {
    try {
        ConnInfo::parse("host=a bogus=1");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::kBadConfig);
        EXPECT_EQ(std::string(e.what()), "unable to parse provided conninfo string \"host=a bogus=1\"");
        ASSERT_EQ(e.notes().size(), 1u);
        EXPECT_NE(e.notes()[0].text.find("bogus"), std::string::npos);
    }
    std::string err;
    EXPECT_FALSE(ConnInfo::try_parse("host='unterminated", &err));
    EXPECT_FALSE(err.empty());
}

TEST(ConnInfoTest, SetUpdatesInPlaceOrAppends) {
    ConnInfo c = ConnInfo::parse("host=a port=1");
    c.set("host", "b");
    c.set("application_name", "node1");
    c.set_if_absent("port", "2");
    EXPECT_EQ(c.to_display_string(), "host=b port=1 application_name=node1");
    c.erase("port");
    EXPECT_EQ(c.to_display_string(), "host=b application_name=node1");
}

TEST(ConnInfoTest, ConninfoStringQuotesAndRoundTrips) {
    ConnInfo c;
    c.set("host", "127.0.0.1");
    c.set("application_name", "it's a \\ node; DROP TABLE x");
    c.set("password", "");
    std::string s = c.to_conninfo_string();
    EXPECT_EQ(s, "host=127.0.0.1 application_name='it\\'s a \\\\ node; DROP TABLE x' password=''");
    ConnInfo back = ConnInfo::parse(s);
    EXPECT_EQ(back.get("application_name"), "it's a \\ node; DROP TABLE x");
}

TEST(ConnInfoTest, EffectiveConninfoAddsRepmgrDefaults) {
    ConnInfo c = ConnInfo::parse("host=127.0.0.1 port=5599 user=repmgr dbname=repmgr");
    EXPECT_EQ(Connection::effective_conninfo(c, {}).to_display_string(),
              "user=repmgr dbname=repmgr host=127.0.0.1 port=5599 connect_timeout=2 "
              "fallback_application_name=repmgr options=-csearch_path=");
    ConnInfo d = ConnInfo::parse("connect_timeout=5 options='-cwork_mem=1MB' host=x");
    EXPECT_EQ(Connection::effective_conninfo(d, {}).to_display_string(),
              "connect_timeout=5 host=x options=-csearch_path= fallback_application_name=repmgr");
}

}  // namespace
}  // namespace repmgr::db
