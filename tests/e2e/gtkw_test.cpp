// The GTKWave save file written beside a VCD (`iosim run --vcd X.vcd` writes
// X.gtkw and its translate filters): it must name the dump file, list only
// signals GTKWave finds in the VCD, group them in a fixed order, and name the
// state values through its filter files.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/gtkw_writer.h"
#include "support/run_iosim.h"

namespace iosim {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_iosim;
using testing::workload;

// Trace flags of the save file (GTKWave's TR_* bits).
constexpr std::uint64_t kDec = 0x4, kBin = 0x8, kFileFilter = 0x2000, kGroupBegin = 0x800000,
                        kGroupEnd = 0x1000000;

// A directory of its own per test, removed at the end.
class GtkwTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path("/tmp") / ("iosim-gtkw-" + std::to_string(getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the DMA lesson with --vcd DIR/NAME and any extra arguments.
  void run(const std::string& name, const std::string& extra = "") {
    auto r = run_iosim("run --quiet " + workload("cpu-free-during-io/dma.toml") + " --vcd " +
                       (dir_ / name).string() + " " + extra);
    ASSERT_EQ(r.status, 0) << r.err;
  }

  fs::path dir_;
};

struct Trace {
  std::string name;
  std::uint64_t flags = 0;
  std::string filter;  // path of its translate filter file, "" for none
  std::string group;
  std::string label;  // what GTKWave shows instead of the name ("+{label} name"), or ""
};

struct SaveFile {
  std::string dumpfile;
  std::vector<std::string> groups;  // titles, in order of their begin lines
  std::vector<Trace> traces;
  std::vector<std::string> problems;  // malformed structure
};

SaveFile parse_gtkw(const std::string& text) {
  SaveFile s;
  std::istringstream in(text);
  std::string line, filter, open_group;
  std::uint64_t flags = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("[dumpfile] ", 0) == 0) {
      s.dumpfile = line.substr(11);
      if (s.dumpfile.size() >= 2 && s.dumpfile.front() == '"' && s.dumpfile.back() == '"')
        s.dumpfile = s.dumpfile.substr(1, s.dumpfile.size() - 2);
    } else if (line[0] == '@') {
      flags = std::stoull(line.substr(1), nullptr, 16);
    } else if (line[0] == '^') {
      filter = line.substr(line.find(' ') + 1);
    } else if (line[0] == '-') {
      std::string title = line.substr(1);
      if (flags & kGroupBegin) {
        if (!open_group.empty()) s.problems.push_back("group " + title + " opened inside another");
        s.groups.push_back(open_group = title);
      } else if (flags & kGroupEnd) {
        if (title != open_group) s.problems.push_back("group end " + title + " does not match");
        open_group.clear();
      }
    } else if (line[0] != '[' && line[0] != '*') {
      if (open_group.empty()) s.problems.push_back(line + " is outside every group");
      std::string label;
      if (line.rfind("+{", 0) == 0) {  // an alias: "+{label} name"
        const auto close = line.find("} ");
        label = line.substr(2, close - 2);
        line = line.substr(close + 2);
      }
      s.traces.push_back({line, flags, (flags & kFileFilter) ? filter : "", open_group, label});
    }
  }
  if (!open_group.empty()) s.problems.push_back("group " + open_group + " is never closed");
  return s;
}

// The VCD's signals as GTKWave names them, with their widths: the scopes
// joined by '.', and a vector declared without a range gets "[W-1:0]"
// (GTKWave 3.3.118's VCD loader lists our 2-bit core0_state as
// "iosim.cores.core0_state[1:0]"; a save file naming it without the range
// shows nothing for it).
std::map<std::string, int> vcd_signals(const std::string& text) {
  std::map<std::string, int> out;
  std::istringstream in(text.substr(0, text.find("$enddefinitions")));
  std::vector<std::string> scopes;
  std::string word;
  while (in >> word) {
    if (word == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scopes.push_back(name);
    } else if (word == "$upscope") {
      scopes.pop_back();
    } else if (word == "$var") {
      std::string type, code, name;
      int width = 0;
      in >> type >> width >> code >> name;
      std::string full;
      for (const std::string& s : scopes)
        full += s + ".";
      full += name;
      if (width > 1) full += "[" + std::to_string(width - 1) + ":0]";
      out[full] = width;
    }
  }
  return out;
}

// A translate filter file: value text -> name.
std::map<std::string, std::string> parse_filter(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.find(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

const Trace* find_trace(const SaveFile& s, const std::string& name) {
  for (const Trace& t : s.traces)
    if (t.name == name) return &t;
  return nullptr;
}

TEST_F(GtkwTest, SaveFileNamesTheDumpFileAndOnlySignalsOfTheTrace) {
  run("run.vcd");
  std::string text = read_file((dir_ / "run.gtkw").string());
  ASSERT_FALSE(text.empty()) << "no run.gtkw beside run.vcd";
  SaveFile s = parse_gtkw(text);
  EXPECT_TRUE(s.problems.empty()) << ::testing::PrintToString(s.problems);
  EXPECT_EQ(s.dumpfile, (dir_ / "run.vcd").string());

  std::map<std::string, int> vcd = vcd_signals(read_file((dir_ / "run.vcd").string()));
  ASSERT_GT(vcd.size(), 10u);
  std::set<std::string> listed;
  for (const Trace& t : s.traces) {
    EXPECT_TRUE(listed.insert(t.name).second) << t.name << " is listed twice";
    auto it = vcd.find(t.name);
    if (it == vcd.end()) {
      ADD_FAILURE() << t.name << " is not a signal of the VCD";
      continue;
    }
    if (it->second == 1) {
      EXPECT_EQ(t.flags & (kBin | kDec), kBin) << t.name << " is one bit: drawn as a bit";
    } else {
      EXPECT_EQ(t.flags & (kBin | kDec), kDec) << t.name << " is a number: shown in decimal";
    }
  }
  for (const auto& [name, width] : vcd)
    EXPECT_TRUE(listed.count(name)) << name << " is in the VCD but not in the save file";
}

TEST_F(GtkwTest, GroupsComeInAFixedOrderAndHoldTheirScopes) {
  run("run.vcd");
  SaveFile s = parse_gtkw(read_file((dir_ / "run.gtkw").string()));
  EXPECT_EQ(s.groups, (std::vector<std::string>{"Cores", "Interrupts", "Timers", "DMA and bus",
                                                "Disk", "Network", "Kernel", "Threads"}));
  const std::map<std::string, std::string> group_of = {
      {"cores", "Cores"},     {"interrupts", "Interrupts"}, {"timers", "Timers"},
      {"dma", "DMA and bus"}, {"bus", "DMA and bus"},       {"disk", "Disk"},
      {"nic", "Network"},     {"kernel", "Kernel"},         {"gil", "Kernel"},
      {"threads", "Threads"}};
  for (const Trace& t : s.traces) {
    std::string scope = t.name.substr(6, t.name.find('.', 6) - 6);  // after "iosim."
    ASSERT_TRUE(group_of.count(scope)) << t.name;
    EXPECT_EQ(t.group, group_of.at(scope)) << t.name;
  }
}

TEST_F(GtkwTest, FilterFilesNameCoreStatesThreadsAndDeviceStates) {
  run("run.vcd");
  SaveFile s = parse_gtkw(read_file((dir_ / "run.gtkw").string()));
  struct Expected {
    const char* signal;
    const char* file;
    std::map<std::string, std::string> names;  // a subset of the filter
  };
  const Expected expected[] = {
      {"iosim.cores.core0_state[1:0]",
       "run.core_state.txt",
       {{"0", "idle"}, {"1", "user"}, {"2", "kernel"}, {"3", "irq"}}},
      {"iosim.cores.core0_thread[31:0]",
       "run.threads.txt",
       {{"0", "-"}, {"1", "app/reader"}, {"2", "app/cruncher"}}},
      {"iosim.disk.firmware_state[3:0]",
       "run.disk_state.txt",
       {{"0", "idle"}, {"2", "seek"}, {"3", "rotate"}, {"5", "dma"}, {"7", "head switch"}}},
      {"iosim.nic.state[1:0]", "run.nic_state.txt", {{"0", "idle"}, {"1", "waiting"}}},
      {"iosim.threads.t0_state[2:0]",
       "run.thread_state.txt",
       {{"0", "-"},
        {"1", "not started"},
        {"2", "ready"},
        {"3", "running"},
        {"4", "blocked"},
        {"5", "sleeping"},
        {"6", "waiting"},
        {"7", "finished"}}},
  };
  for (const Expected& e : expected) {
    const Trace* t = find_trace(s, e.signal);
    ASSERT_NE(t, nullptr) << e.signal;
    EXPECT_TRUE(t->flags & kFileFilter) << e.signal;
    EXPECT_EQ(t->filter, (dir_ / e.file).string()) << e.signal << ": absolute, beside the .gtkw";
    std::map<std::string, std::string> filter = parse_filter(read_file(t->filter));
    for (const auto& [value, name] : e.names)
      EXPECT_EQ(filter[value], name) << e.file << " value " << value;
  }
  int filtered = 0;
  for (const Trace& t : s.traces)
    filtered += !t.filter.empty();
  EXPECT_EQ(filtered, 6) << "only the state and thread signals are translated (two thread slots)";
}

TEST_F(GtkwTest, EachThreadSlotIsLabelledWithItsThreadsName) {
  run("run.vcd");
  SaveFile s = parse_gtkw(read_file((dir_ / "run.gtkw").string()));
  const std::map<std::string, std::string> expected = {
      {"iosim.threads.t0_state[2:0]", "t0 app/reader"},
      {"iosim.threads.t1_state[2:0]", "t1 app/cruncher"}};
  std::map<std::string, std::string> labels;
  for (const Trace& t : s.traces)
    if (!t.label.empty()) labels[t.name] = t.label;
  EXPECT_EQ(labels, expected) << "the DMA lesson has two threads, so two slots, both labelled";
}

TEST_F(GtkwTest, TwoRunsToTheSamePathWriteTheSameBytesAndNoTempFiles) {
  const char* files[] = {"run.gtkw",           "run.core_state.txt", "run.threads.txt",
                         "run.disk_state.txt", "run.nic_state.txt",  "run.thread_state.txt"};
  run("run.vcd");
  std::vector<std::string> first;
  for (const char* f : files)
    first.push_back(read_file((dir_ / f).string()));
  run("run.vcd");
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_FALSE(first[i].empty()) << files[i];
    EXPECT_TRUE(read_file((dir_ / files[i]).string()) == first[i]) << files[i] << " differs";
  }
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path() << " was left behind";
}

TEST_F(GtkwTest, NoGtkwWritesOnlyTheVcd) {
  run("run.vcd", "--no-gtkw");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_))
    names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"run.vcd"});
}

TEST_F(GtkwTest, AVcdPathWithoutExtensionGetsGtkwAppended) {
  run("trace");
  EXPECT_TRUE(fs::exists(dir_ / "trace.gtkw"));
  EXPECT_TRUE(fs::exists(dir_ / "trace.threads.txt"));
  EXPECT_EQ(gtkw_path_for("out/run.vcd"), "out/run.gtkw");
  EXPECT_EQ(gtkw_path_for("out.d/run"), "out.d/run.gtkw");
  EXPECT_EQ(gtkw_path_for("run.gtkw"), "run.gtkw.gtkw");  // never the VCD itself
}

}  // namespace
}  // namespace iosim
