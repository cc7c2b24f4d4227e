#include "devices/dma_engine.h"

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
    regs_bank_.add("CTRL", base + kCtrl, nullptr, [p](std::uint64_t v, unsigned) {
      if ((v & 1) && !(p->status & kBusy)) {
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
    bool ok = transfer(ch);
    stats_.busy_ns += now_ns() - began;
    ++stats_.requests;
    ch.status = ok ? 0 : kError;
    ch.busy->set(0);
    done[static_cast<std::size_t>(index)].pulse();
  }
}

bool DmaEngine::transfer(Channel& ch) {
  std::vector<std::uint8_t> buffer(burst_);
  while (ch.moved < ch.len) {
    auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(burst_, ch.len - ch.moved));
    if (!bus_access(bus, tlm::TLM_READ_COMMAND, ch.src + ch.moved, buffer.data(), n)) return false;
    if (!bus_access(bus, tlm::TLM_WRITE_COMMAND, ch.dst + ch.moved, buffer.data(), n)) return false;
    ch.moved += n;
    stats_.bytes += n;
  }
  return true;
}

void DmaEngine::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  regs_bank_.access(trans);
}

}  // namespace iosim
