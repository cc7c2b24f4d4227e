#include "devices/ram.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace iosim {

Ram::Ram(sc_core::sc_module_name name, std::uint64_t size, Ns latency)
    : sc_module(name), size_(size), latency_(latency) {
  socket.register_b_transport(this, &Ram::b_transport);
  socket.register_transport_dbg(this, &Ram::transport_dbg);
}

void Ram::check(std::uint64_t address, std::size_t length) const {
  if (address > size_ || length > size_ - address)
    throw std::out_of_range(
        fmt::format("RAM access [{:#x}, +{}) past the end ({} bytes)", address, length, size_));
}

void Ram::read(std::uint64_t address, std::span<std::uint8_t> out) const {
  check(address, out.size());
  std::size_t done = 0;
  while (done < out.size()) {
    std::uint64_t a = address + done;
    std::size_t offset = a % kPage;
    std::size_t n = std::min(out.size() - done, static_cast<std::size_t>(kPage - offset));
    auto it = pages_.find(a / kPage);
    if (it == pages_.end()) {
      std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(done), n, std::uint8_t{0});
    } else {
      std::copy_n(it->second->begin() + offset, n, out.begin() + static_cast<std::ptrdiff_t>(done));
    }
    done += n;
  }
}

void Ram::write(std::uint64_t address, std::span<const std::uint8_t> in) {
  check(address, in.size());
  std::size_t done = 0;
  while (done < in.size()) {
    std::uint64_t a = address + done;
    std::size_t offset = a % kPage;
    std::size_t n = std::min(in.size() - done, static_cast<std::size_t>(kPage - offset));
    auto& page = pages_[a / kPage];
    if (!page) page = std::make_unique<Page>(Page{});
    std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(done), n, page->begin() + offset);
    done += n;
  }
}

bool Ram::serve(tlm::tlm_generic_payload& trans) {
  std::uint64_t address = trans.get_address();
  std::size_t length = trans.get_data_length();
  if (address > size_ || length > size_ - address) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (trans.is_read()) {
    read(address, {trans.get_data_ptr(), length});
  } else if (trans.is_write()) {
    write(address, {trans.get_data_ptr(), length});
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

void Ram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (serve(trans)) delay += to_sc(latency_);
}

unsigned int Ram::transport_dbg(tlm::tlm_generic_payload& trans) {
  return serve(trans) ? trans.get_data_length() : 0;
}

}  // namespace iosim
