// The network driver: the network card's registers plugged into the generic
// QueuedDeviceDriver (DMA or PIO, interrupts or polling). One `fetch` is one
// request: the card sends `send_bytes` and writes the response into the
// thread's buffer.
#pragma once

#include "kernel/kernel_config.h"
#include "kernel/queued_device_driver.h"

namespace iosim {

QueuedDeviceDriver make_nic_driver(const KernelConfig& config, DriverHooks hooks);

}  // namespace iosim
