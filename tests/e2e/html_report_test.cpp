// iosim report: one self-contained HTML page, checked as text and rendered
// by a real browser (headless Chromium, installed by scripts/setup-deps.sh).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

std::string temp(const std::string& name) {
  return "/tmp/iosim-html-" + std::to_string(getpid()) + "-" + name;
}

std::string default_report() {
  const std::string path = temp("report.html");
  auto r = run_iosim("report -o " + path);
  EXPECT_EQ(r.status, 0) << r.err;
  return read_file(path);
}

TEST(HtmlReport, HasTheChartsTablesAndStoryAndNeedsNothingFromOutside) {
  const std::string html = default_report();
  for (const char* part : {"<h2>Cores</h2>", "<h2>Who ran where</h2>", "disk at work",
                           "<h2>Threads over time</h2>", "<h2>Threads</h2>", "<h2>Devices</h2>",
                           "<h2>The life of one I/O request</h2>", "app/cruncher", "<svg"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
  EXPECT_NE(html.find("The request took 30.009 ms."), std::string::npos)
      << "the story of the first read, as iosim explain tells it";
  EXPECT_EQ(html.find("<script"), std::string::npos) << "no scripts";
  EXPECT_EQ(html.find("src="), std::string::npos) << "nothing to fetch";
  EXPECT_EQ(html.find("href="), std::string::npos) << "nothing to fetch";
}

TEST(HtmlReport, IsTheSameEveryRun) {
  EXPECT_EQ(default_report(), default_report());
}

TEST(HtmlReport, ChromiumRendersItWithoutErrors) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium is not installed (scripts/setup-deps.sh installs it)";
  const std::string html = temp("render.html"), png = temp("render.png"), log = temp("render.log");
  ASSERT_EQ(run_iosim("report -o " + html).status, 0);
  const std::string command =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu "
      "--hide-scrollbars --window-size=1300,1600 --enable-logging=stderr "
      "--screenshot=" +
      png + " file://" + html + " > " + log + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(log);
  const std::string messages = read_file(log);
  EXPECT_EQ(messages.find("Uncaught"), std::string::npos) << messages;
  EXPECT_EQ(messages.find("CONSOLE"), std::string::npos) << messages;
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 50'000u)
      << "a blank page makes a tiny PNG; the charts and tables make a large one";
}

}  // namespace
}  // namespace iosim::testing
