// The disk driver: the disk controller's registers and commands plugged into
// the generic QueuedDeviceDriver (which does DMA or PIO, with interrupts or
// polling). A request larger than the controller's buffer goes in chunks of
// at most `disk_max_sectors`.
#pragma once

#include "kernel/kernel_config.h"
#include "kernel/queued_device_driver.h"

namespace iosim {

QueuedDeviceDriver make_disk_driver(const KernelConfig& config, DriverHooks hooks);

}  // namespace iosim
