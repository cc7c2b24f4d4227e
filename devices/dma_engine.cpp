#include "devices/dma_engine.h"

#include "devices/bus.h"
#include "devices/bus_access.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace iosim {

DmaEngine::DmaEngine(sc_core::sc_module_name name, int channels, std::uint32_t burst)
    : sc_module(name), done("done", static_cast<std::size_t>(channels)), burst_(burst) {
  if (channels < 1 || burst == 0) throw std::invalid_argument("DMA needs channels and a burst");
  for (int c = 0; c < channels; ++c) {
    auto ch = std::make_unique<Channel>();
    ch->index = c;
    ch->busy = std::make_unique<Probe>("dma", fmt::format("ch{}_busy", c), 1);
    Channel* p = ch.get();
    std::uint64_t base = kChannelStride * static_cast<std::uint64_t>(c);
    auto field = [this, base](const char* reg, std::uint64_t offset, std::uint64_t* value) {
      regs_bank_.add(
          reg, base + offset, [value](unsigned) { return *value; },
          [value](std::uint64_t v, unsigned) { *value = v; });
    };
    field("SRC", kSrc, &p->src);
    field("DST", kDst, &p->dst);
    field("LEN", kLen, &p->len);
    field("DESC", kDesc, &p->desc);
    regs_bank_.add(
        "CTRL", base + kCtrl, [p](unsigned) { return p->ctrl; },
        [p](std::uint64_t v, unsigned) {
          if ((v & kStart) && !(p->status & kBusy)) {
            p->ctrl = v & (kStart | kBurstMode | kScatter);
            p->status = kBusy;
            p->moved = 0;
            p->start.notify(sc_core::SC_ZERO_TIME);
          }
        });
    regs_bank_.add("STATUS", base + kStatus, [p](unsigned) { return p->status; });
    regs_bank_.add("MOVED", base + kMoved, [p](unsigned) { return p->moved; });
    channels_.push_back(std::move(ch));
    sc_core::sc_spawn(sc_core::sc_bind(&DmaEngine::run_channel, this, c),
                      sc_core::sc_gen_unique_name("ch"));
  }
  regs.register_b_transport(this, &DmaEngine::b_transport);
}

std::vector<Probe*> DmaEngine::probes() {
  std::vector<Probe*> out;
  for (auto& ch : channels_)
    out.push_back(ch->busy.get());
  return out;
}

// One SystemC thread per channel (channels are few; simulated threads are not).
void DmaEngine::run_channel(int index) {
  Channel& ch = *channels_[static_cast<std::size_t>(index)];
  for (;;) {
    sc_core::wait(ch.start);
    ch.busy->set(1);
    Ns began = now_ns();
    const bool burst_mode = ch.ctrl & kBurstMode;
    if (burst_mode) {  // one channel at a time holds the engine's bus port
      while (holder_ >= 0)
        sc_core::wait(holder_free_);
      holder_ = index;
      bus_hold(bus);
    }
    bool ok = transfer(ch);
    stats_.busy_ns += now_ns() - began;
    ++stats_.requests;
    ch.status = ok ? 0 : kError;
    ch.busy->set(0);
    if (burst_mode) {  // released with the status already final
      bus_release(bus);
      holder_ = -1;
      holder_free_.notify(sc_core::SC_ZERO_TIME);
    }
    done[static_cast<std::size_t>(index)].pulse();
  }
}

bool DmaEngine::transfer(Channel& ch) {
  if (!(ch.ctrl & kScatter)) return copy(ch, ch.src, ch.dst, ch.len);
  for (std::uint64_t at = ch.desc; at != 0;) {
    std::uint8_t raw[kDescriptorBytes];
    if (!access(ch, tlm::TLM_READ_COMMAND, at, raw, kDescriptorBytes)) return false;
    std::uint64_t field[4] = {};
    for (unsigned i = 0; i < kDescriptorBytes; ++i)
      field[i / 8] |= std::uint64_t{raw[i]} << (8 * (i % 8));
    ch.src = field[0];
    ch.dst = field[1];
    ch.len = field[2];
    if (!copy(ch, ch.src, ch.dst, ch.len)) return false;
    at = field[3];
  }
  return true;
}

bool DmaEngine::copy(Channel& ch, std::uint64_t src, std::uint64_t dst, std::uint64_t len) {
  std::vector<std::uint8_t> buffer(burst_);
  for (std::uint64_t done_bytes = 0; done_bytes < len;) {
    auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(burst_, len - done_bytes));
    if (!access(ch, tlm::TLM_READ_COMMAND, src + done_bytes, buffer.data(), n)) return false;
    if (!access(ch, tlm::TLM_WRITE_COMMAND, dst + done_bytes, buffer.data(), n)) return false;
    done_bytes += n;
    ch.moved += n;
    stats_.bytes += n;
  }
  return true;
}

// While another channel of this engine holds the bus in burst mode, this
// channel's accesses wait for it (they share the engine's bus port).
bool DmaEngine::access(Channel& ch, tlm::tlm_command cmd, std::uint64_t address, std::uint8_t* data,
                       std::uint32_t length) {
  while (holder_ >= 0 && holder_ != ch.index)
    sc_core::wait(holder_free_);
  return bus_access(bus, cmd, address, data, length);
}

void DmaEngine::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  regs_bank_.access(trans);
}

}  // namespace iosim
