// `iosim report [FILE] -o report.html`: one self-contained HTML page (no
// scripts, no network) with the run's summary, utilisation bars per core,
// SVG Gantt charts per core and per thread, the metrics tables, and the life
// of one I/O request as `iosim explain` tells it.
#pragma once

#include <string>

#include "app/commands.h"

namespace iosim {

struct HtmlReportOptions {
  RunOptions run;      // the scenario and its overrides
  std::string output;  // the HTML file
  std::string thread;  // whose I/O request to tell ("" = the first to do I/O)
  int request = 1;
};

int html_report_command(const HtmlReportOptions& options);

}  // namespace iosim
