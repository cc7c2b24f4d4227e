// What each traced value is called, for people: core modes, thread ids,
// thread states, disk and network-card states. The .gtkw translate filters use these names
// (docs/traces.md), and so does `iosim explain`.
#pragma once

#include "app/platform.h"
#include "sim/gtkw_writer.h"

namespace iosim {

GtkwNames trace_names(Platform& platform);

}  // namespace iosim
